#include "api/ws_voice.h"

#include <boost/json.hpp>
#include <atomic>
#include <chrono>

#include "api/stt_routes.h"
#include "campaign/command_codec.h"
#include "voice/audio/audio.h"

namespace startales::api {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

voice::VoiceSpec voiceOf(const json::object& character) {
  voice::VoiceSpec spec;
  if (const json::value* v = character.if_contains("voice"); v && v->is_object()) {
    const auto& o = v->as_object();
    if (const json::value* variant = o.if_contains("variant"); variant && variant->is_string()) {
      spec.variant = std::string(variant->as_string());
    }
    auto number = [&](const char* key, int fallback) {
      const json::value* n = o.if_contains(key);
      return n && n->is_int64() ? static_cast<int>(n->as_int64()) : fallback;
    };
    spec.pitch = number("pitch", spec.pitch);
    spec.range = number("range", spec.range);
    spec.rate = number("rate", spec.rate);
  }
  spec.remote_voice = voice::voiceName(spec);  // a remote StarTales TTS speaks it exactly
  return spec;
}

}  // namespace

VoiceTurn::VoiceTurn(const VoiceDeps& deps, campaign::CampaignAccess& campaigns,
                     ai::DialogueService* dialogue, VoiceOutput out, account::User user,
                     int64_t campaign, json::value start_id, int64_t character)
    : deps_(deps),
      campaigns_(campaigns),
      dialogue_(dialogue),
      out_(std::move(out)),
      user_(std::move(user)),
      campaign_(campaign),
      id_(std::move(start_id)),
      character_(character) {}

bool VoiceTurn::append(std::string_view frame) {
  if (overflowed_) return false;
  if (audio_.size() + frame.size() > deps_.max_utterance_bytes) {
    overflowed_ = true;
    audio_.clear();
    error(makeError("audio_too_long", "The utterance is longer than " +
                                          std::to_string(deps_.max_utterance_bytes / 32000) +
                                          " seconds; send voice.end sooner."));
    return false;
  }
  audio_.append(frame);
  return true;
}

void VoiceTurn::cancel() {
  talk_cancel_.cancel();
  speech_cancel_.cancel();
}

void VoiceTurn::error(const Error& e) {
  out_.json({{"type", "error"}, {"id", id_}, {"code", e.code}, {"message", e.message}});
}

asio::awaitable<void> VoiceTurn::speak(std::string text, const voice::VoiceSpec& spec) {
  auto job = [this, text = std::move(text), spec]() {
    return deps_.tts.synthesize(
        text, spec, 1.0,
        [this](const voice::SpeechChunk& chunk) {
          int64_t none = -1;
          first_audio_us_.compare_exchange_strong(
              none, std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - ended_)
                        .count());
          out_.json({{"type", "voice.audio"},
                     {"id", id_},
                     {"index", chunk.index},
                     {"text", chunk.text},
                     {"sample_rate", chunk.audio.sample_rate},
                     {"format", "pcm16"}});
          out_.binary(voice::toPcm16(chunk.audio));
        },
        speech_cancel_);
  };
  auto op = deps_.workers.run(std::move(job));
  auto spoken = co_await std::move(op);
  if (!spoken && spoken.error().code != "cancelled") error(spoken.error());
}

asio::awaitable<void> VoiceTurn::finish(json::value end_id) {
  id_ = std::move(end_id);
  if (overflowed_) {
    error(makeError("audio_too_long", "The utterance was too long and was dropped."));
    co_return;
  }
  const auto ended = Clock::now();
  ended_ = ended;
  Result<voice::Audio> audio = audio_.rfind("RIFF", 0) == 0
                                   ? voice::parseWav(audio_)
                                   : Result<voice::Audio>(voice::fromPcm16(audio_, 16000));
  audio_.clear();
  if (audio && audio->samples.empty()) {
    audio = makeError("invalid_audio", "No audio arrived between voice.start and voice.end.");
  }
  if (!audio) {
    error(audio.error());
    co_return;
  }

  // The character in focus (for its voice and for questions) and the names one may say.
  json::object character;
  std::vector<std::string> names;
  if (dialogue_ != nullptr) {
    auto cast_op = dialogue_->characters(user_, campaign_);
    auto cast = co_await std::move(cast_op);
    if (cast) {
      for (const auto& c : *cast) {
        names.emplace_back(c.at("name").as_string());
        if (c.at("id").as_int64() == character_) character = c.as_object();
      }
    }
  }
  if (character_ != 0 && character.empty()) {
    error(makeError("not_found", "There is no character " + std::to_string(character_) +
                                     " you can talk to in this campaign."));
    co_return;
  }
  const voice::VoiceSpec spec = voiceOf(character);
  auto vocab_op = campaignVocabulary(campaigns_, user_, campaign_, names);
  auto vocabulary = co_await std::move(vocab_op);
  if (!vocabulary) {
    error(vocabulary.error());
    co_return;
  }

  voice::TranscribeOptions grammar;
  grammar.mode = voice::SttMode::kGrammar;
  grammar.vocabulary = *vocabulary;
  auto decode = [this, &audio, &grammar]() { return deps_.stt.transcribe(*audio, grammar); };
  auto decode_op = deps_.workers.run(decode);
  auto heard = co_await std::move(decode_op);
  if (!heard) {
    error(heard.error());
    co_return;
  }
  const double recognition_ms = msSince(ended);

  if (!heard->rejected && heard->command) {
    json::value command = campaign::actionToJson(*heard->command);
    out_.json({{"type", "voice.result"},
               {"id", id_},
               {"kind", "command"},
               {"text", heard->text},
               {"confidence", heard->confidence},
               {"command", command}});
    auto apply_op = campaigns_.command(user_, campaign_, command);
    auto applied = co_await std::move(apply_op);
    if (applied) {
      json::object msg{{"type", "voice.command"}, {"id", id_}};
      for (auto& [k, v] : *applied) msg[k] = v;
      out_.json(std::move(msg));
    }
    std::string reply = applied ? "Done: " + heard->command_text + "."
                                : "I cannot do that: " + applied.error().message + ".";
    auto speak_op = speak(std::move(reply), spec);
    co_await std::move(speak_op);
  } else if (dialogue_ != nullptr && character_ != 0) {
    // Not a command: a question for the character in focus, in open dictation.
    voice::TranscribeOptions dictation;
    dictation.mode = voice::SttMode::kDictation;
    auto free_op = deps_.workers.run([this, &audio, &dictation]() {
      return deps_.stt.transcribe(*audio, dictation);
    });
    auto question = co_await std::move(free_op);
    if (!question || question->text.empty()) {
      error(question ? makeError("not_understood", "I heard nothing I could understand; try again.")
                     : question.error());
      co_return;
    }
    out_.json({{"type", "voice.result"},
               {"id", id_},
               {"kind", "question"},
               {"text", question->text},
               {"confidence", question->confidence}});
    const json::value id = id_;
    const int64_t cid = character_;
    auto relay = [out = out_.json, id, cid](std::string_view delta) {
      out({{"type", "character.delta"}, {"id", id}, {"character", cid}, {"text", delta}});
    };
    auto talk_op = dialogue_->talk(user_, campaign_, character_, question->text, relay, talk_cancel_);
    auto done = co_await std::move(talk_op);
    if (!done) {
      error(done.error());
      co_return;
    }
    json::object msg{{"type", "character.done"}, {"id", id_}, {"character", character_}};
    for (auto& [k, v] : *done) msg[k] = v;
    out_.json(msg);
    if (!talk_cancel_.cancelled()) {
      auto speak_op = speak(std::string(msg.at("message").at("text").as_string()), spec);
      co_await std::move(speak_op);
    }
  } else {
    error(makeError("not_understood", heard->text.empty()
                                          ? "I did not catch that; say a command again."
                                          : "\"" + heard->text + "\" is not a command I know; "
                                                                 "pick a character to ask questions."));
    co_return;
  }
  out_.json({{"type", "voice.done"},
             {"id", id_},
             {"cancelled", speech_cancel_.cancelled()},
             {"recognition_ms", recognition_ms},
             {"first_audio_ms", first_audio_us_.load() < 0 ? -1.0 : first_audio_us_.load() / 1000.0},
             {"total_ms", msSince(ended)}});
  out_.json({{"type", "ack"}, {"id", id_}});
}

}  // namespace startales::api
