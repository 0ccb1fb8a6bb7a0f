#include "api/tts_routes.h"

#include <boost/json.hpp>

#include "api/audio_upload.h"
#include "common/log.h"
#include "voice/tts/voice_match.h"

namespace startales::api {

namespace asio = boost::asio;
namespace http = net::http;
namespace json = boost::json;
using net::Request;
using net::Response;

namespace {

json::object voiceJson(const voice::VoiceSpec& v) {
  return {{"variant", v.variant}, {"pitch", v.pitch}, {"range", v.range}, {"rate", v.rate}};
}

json::object entryJson(const VoiceRegistry::Entry& e) {
  return {{"id", e.id}, {"name", e.name}, {"method", e.method}, {"voice", voiceJson(e.voice)}};
}

int intField(const json::object& o, std::string_view key, int fallback) {
  const json::value* v = o.if_contains(key);
  return v && v->is_int64() ? static_cast<int>(v->as_int64()) : fallback;
}

// A voice id from the registry, an object {variant, pitch, range, rate}, or absent (m3).
Result<voice::VoiceSpec> voiceFrom(const json::value* v, const VoiceRegistry& voices) {
  if (v == nullptr || v->is_null()) return voice::VoiceSpec{};
  if (v->is_string()) {
    if (auto entry = voices.find(std::string(v->as_string()))) return entry->voice;
    if (auto spec = voice::parseVoiceName(v->as_string())) return *spec;
    return makeError("invalid_voice", "There is no voice \"" + std::string(v->as_string()) +
                                          "\"; GET /voices lists them, or say "
                                          "variant:pitch:range:rate (\"f3:64:82:171\").");
  }
  if (!v->is_object()) {
    return makeError("invalid_voice", "voice must be a voice id or {variant, pitch, range, rate}.");
  }
  const auto& o = v->as_object();
  voice::VoiceSpec spec;
  if (const json::value* variant = o.if_contains("variant"); variant && variant->is_string()) {
    spec.variant = std::string(variant->as_string());
  }
  spec.pitch = intField(o, "pitch", spec.pitch);
  spec.range = intField(o, "range", spec.range);
  spec.rate = intField(o, "rate", spec.rate);
  if (auto valid = voice::validateVoice(spec); !valid) return valid.error();
  return spec;
}

Response audioResponse(const voice::Audio& audio, voice::AudioFormat format) {
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, voice::contentType(format));
  res.set("X-Sample-Rate", std::to_string(audio.sample_rate));
  res.body() = voice::encodeAudio(audio, format);
  res.prepare_payload();
  return res;
}

asio::awaitable<Result<voice::Audio>> synthesize(const TtsDeps& deps, std::string text,
                                                 voice::VoiceSpec voice, double speed) {
  auto job = [&deps, text = std::move(text), voice = std::move(voice), speed]() {
    return voice::synthesizeAll(deps.tts, text, voice, speed);
  };
  auto op = deps.workers.run(std::move(job));
  co_return co_await std::move(op);
}

// A matched voice made through another node is not cached here yet: it is read from the object
// store (on the speech pool) before the id is resolved.
asio::awaitable<Result<voice::VoiceSpec>> resolveVoice(const TtsDeps& deps, const json::value* v) {
  if (v != nullptr && v->is_string()) {
    std::string id(v->as_string());
    if (!deps.voices.find(id) && VoiceRegistry::keyOf(id)) {
      auto op = deps.workers.run([&deps, id] { return deps.voices.lookup(id); });
      auto found = co_await std::move(op);
      if (!found) {
        logging::warn("voice lookup failed", {{"voice", id},
                                              {"error", found.error().code},
                                              {"reason", found.error().message}});
        co_return found.error();
      }
      if (*found) co_return (*found)->voice;
    }
  }
  co_return voiceFrom(v, deps.voices);
}

double speedFrom(const json::object& body) {
  const json::value* s = body.if_contains("speed");
  if (s == nullptr) return 1.0;
  if (s->is_double()) return s->as_double();
  if (s->is_int64()) return static_cast<double>(s->as_int64());
  return -1;  // refused by the engine as invalid_speed
}

}  // namespace

void addTtsRoutes(net::Router& router, const std::string& prefix, const TtsDeps& deps) {
  const TtsDeps* d = &deps;

  router.add(http::verb::post, prefix + "/synthesize", [d](Request& req) -> asio::awaitable<Response> {
    auto auth_op = authorizeSpeech(req, d->access);
    if (auto who = co_await std::move(auth_op); !who) co_return speechRefusal(who.error());
    auto body = req.jsonBody();
    if (!body) co_return net::errorResponse(body.error());
    auto text = net::requireString(*body, "text");
    if (!text) co_return net::errorResponse(text.error());
    auto voice_op = resolveVoice(*d, body->if_contains("voice"));
    auto voice = co_await std::move(voice_op);
    if (!voice) co_return net::errorResponse(voice.error());
    voice::AudioFormat format = voice::AudioFormat::kWav;
    if (const json::value* f = body->if_contains("format"); f && f->is_string()) {
      auto parsed = voice::parseAudioFormat(f->as_string());
      if (!parsed) co_return net::errorResponse(parsed.error());
      format = *parsed;
    }
    auto op = synthesize(*d, std::move(*text), std::move(*voice), speedFrom(*body));
    auto audio = co_await std::move(op);
    if (!audio) co_return net::errorResponse(audio.error());
    co_return audioResponse(*audio, format);
  });

  router.add(http::verb::post, prefix + "/v1/audio/speech", [d](Request& req) -> asio::awaitable<Response> {
    auto auth_op = authorizeSpeech(req, d->access);
    if (auto who = co_await std::move(auth_op); !who) co_return speechRefusal(who.error());
    auto body = req.jsonBody();
    if (!body) co_return net::errorResponse(body.error());
    auto input = net::requireString(*body, "input");
    if (!input) co_return net::errorResponse(input.error());
    // OpenAI voice names ("alloy"...) are not ours: they map to the default voice.
    voice::VoiceSpec spec;
    if (const json::value* v = body->if_contains("voice"); v && v->is_string()) {
      auto voice_op = resolveVoice(*d, v);
      if (auto resolved = co_await std::move(voice_op); resolved) {
        spec = std::move(*resolved);  // ours, or a character's exact voice from another server
      } else if (resolved.error().code != "invalid_voice") {
        co_return net::errorResponse(resolved.error());  // the object store failed
      }
    }
    voice::AudioFormat format = voice::AudioFormat::kWav;
    if (const json::value* f = body->if_contains("response_format"); f && f->is_string()) {
      auto parsed = voice::parseAudioFormat(f->as_string());
      if (!parsed) {
        co_return net::errorResponse(http::status::bad_request, "invalid_format",
                                     "response_format must be wav or pcm; this server does not "
                                     "encode " + std::string(f->as_string()) + ".");
      }
      format = *parsed;
    }
    auto op = synthesize(*d, std::move(*input), std::move(spec), speedFrom(*body));
    auto audio = co_await std::move(op);
    if (!audio) co_return net::errorResponse(audio.error());
    co_return audioResponse(*audio, format);
  });

  router.add(http::verb::post, prefix + "/clone-voice", [d](Request& req) -> asio::awaitable<Response> {
    auto auth_op = authorizeSpeech(req, d->access);
    if (auto who = co_await std::move(auth_op); !who) co_return speechRefusal(who.error());
    auto audio = audioFromRequest(req, "audio", d->limits);
    if (!audio) co_return net::errorResponse(audio.error());
    std::string name = formField(req, "name");
    if (name.empty()) name = req.queryParam("name");
    if (name.size() > 80) name.resize(80);
    const bool clones = d->tts.capabilities().clones_reference_audio;
    struct Made {
      voice::SpeakerTraits traits;
      VoiceRegistry::Entry entry;
    };
    // Matching, then keeping the voice (in the object store: every node finds it), on the
    // speech pool.
    auto job = [d, clones, name = std::move(name), reference = *audio]() -> Result<Made> {
      auto traits = voice::estimateTraits(reference);
      if (!traits) return traits.error();
      voice::VoiceSpec spec = voice::matchVoice(*traits);
      if (clones) spec.reference_wav = voice::encodeWav(reference);
      auto entry = d->voices.add(name.empty() ? "matched voice" : name,
                                 clones ? "reference audio (remote cloning)" : "voice matching",
                                 std::move(spec));
      if (!entry) return entry.error();
      return Made{*traits, std::move(*entry)};
    };
    auto op = d->workers.run(std::move(job));
    auto made = co_await std::move(op);
    if (!made) {
      if (made.error().code.starts_with("objects_")) {
        logging::warn("voice not kept", {{"error", made.error().code},
                                         {"reason", made.error().message}});
      }
      co_return net::errorResponse(made.error());
    }
    const voice::SpeakerTraits* traits = &made->traits;
    json::object out = entryJson(made->entry);
    out["traits"] = {{"pitch_median_hz", traits->pitch_median_hz},
                     {"pitch_range_semitones", traits->pitch_range_semitones},
                     {"words_per_minute", traits->words_per_minute},
                     {"centroid_hz", traits->centroid_hz},
                     {"speech_s", traits->speech_s}};
    out["note"] = clones ? "The engine imitates the reference recording itself."
                         : "Voice matching: the closest espeak-ng voice to the recording's "
                           "pitch, range, rate and brightness. This is not a clone.";
    co_return net::jsonResponse(http::status::created, out);
  });

  router.add(http::verb::get, prefix + "/voices", [d](Request& req) -> asio::awaitable<Response> {
    auto auth_op = authorizeSpeech(req, d->access);
    if (auto who = co_await std::move(auth_op); !who) co_return speechRefusal(who.error());
    auto op = d->workers.run([d] { return d->voices.all(); });
    auto all = co_await std::move(op);
    if (!all) {
      logging::warn("voice list failed", {{"error", all.error().code},
                                          {"reason", all.error().message}});
      co_return net::errorResponse(all.error());
    }
    json::array list;
    for (const auto& e : *all) list.push_back(entryJson(e));
    co_return net::jsonResponse(http::status::ok,
                                {{"engine", d->tts.capabilities().engine}, {"voices", std::move(list)}});
  });
}

}  // namespace startales::api
