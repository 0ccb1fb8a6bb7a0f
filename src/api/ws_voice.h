#pragma once

// Voice over the /ws game socket (issue 6): an utterance streamed as binary frames (PCM16,
// 16 kHz, mono — or one WAV) between voice.start and voice.end is recognised against the
// player's live vocabulary; a command is confirmed and applied, and the confirmation spoken;
// anything else is a question for the character in focus, whose reply streams back as text
// (character.delta) and as audio, sentence by sentence (voice.audio + a binary frame each).
// voice.cancel stops recognition, generation and synthesis at once.
//
// Threading: a VoiceTurn lives on the connection's strand; decoding and synthesis run on the
// blocking pool; audio chunks are handed to the connection's bounded outbound queue from the
// synthesizing thread (WsConnection::send* is thread-safe).

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "account/user_store.h"
#include "ai/dialogue.h"
#include "campaign/campaign_access.h"
#include "common/worker_pool.h"
#include "llm/llm.h"
#include "voice/stt/stt.h"
#include "voice/tts/tts.h"

namespace startales::api {

struct VoiceDeps {
  voice::SpeechToText& stt;
  voice::TextToSpeech& tts;
  WorkerPool& workers;
  size_t max_utterance_bytes = 30 * 16000 * 2;  // 30 s of PCM16 at 16 kHz
};

// Where a voice turn sends its messages (the connection's thread-safe senders).
struct VoiceOutput {
  std::function<void(boost::json::object)> json;
  std::function<void(std::string)> binary;
};

// One utterance and its answer. Created by voice.start; fed binary frames; run by voice.end.
class VoiceTurn {
 public:
  // start_id: the voice.start message's id (errors while the audio arrives carry it).
  VoiceTurn(const VoiceDeps& deps, campaign::CampaignAccess& campaigns,
            ai::DialogueService* dialogue, VoiceOutput out, account::User user, int64_t campaign,
            boost::json::value start_id, int64_t character);

  // False (and an error sent) once the utterance is longer than the limit.
  bool append(std::string_view frame);
  // Recognise, then apply the command or ask the character; every answer carries `end_id`
  // (the voice.end message's id) and ends with voice.done + ack, or an error.
  boost::asio::awaitable<void> finish(boost::json::value end_id);
  void cancel();

 private:
  boost::asio::awaitable<void> speak(std::string text, const voice::VoiceSpec& voice);
  void error(const Error& e);

  const VoiceDeps& deps_;
  campaign::CampaignAccess& campaigns_;
  ai::DialogueService* dialogue_;  // nullable: then questions are not answered
  VoiceOutput out_;
  const account::User user_;
  const int64_t campaign_;
  boost::json::value id_;    // voice.start's, then voice.end's
  std::atomic<int64_t> first_audio_us_{-1};  // voice.end → first audio chunk, microseconds
  const int64_t character_;  // 0: no character in focus
  std::string audio_;        // what arrived so far (connection strand only)
  std::chrono::steady_clock::time_point ended_;  // when voice.end arrived
  bool overflowed_ = false;
  llm::CancelToken talk_cancel_;
  voice::CancelToken speech_cancel_;
};

}  // namespace startales::api
