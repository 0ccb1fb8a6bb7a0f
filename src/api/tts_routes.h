#pragma once

// The text-to-speech service (issue 6), mounted at a prefix: "" for `startales tts`,
// "/api/tts" inside `startales serve`.
//   POST {prefix}/synthesize        {text, voice, speed?, format? wav|pcm} → audio
//   POST {prefix}/clone-voice       multipart "audio" (+ "name") or a raw WAV → a new voice
//   GET  {prefix}/voices            every voice by id
//   POST {prefix}/v1/audio/speech   OpenAI-compatible {model, input, voice, response_format,
//                                   speed} → audio
// `voice` is a voice id from /voices ("m3", "f2", "matched-1"...) or an object
// {variant, pitch, range, rate}. Every route needs an account or the service token
// (api/speech_auth.h). Synthesis runs on the speech pool (never the pool that checks tokens
// and talks to the database); a saturated pool or engine answers 503 + Retry-After.

#include <map>
#include <mutex>
#include <string>

#include "api/speech_auth.h"
#include "common/worker_pool.h"
#include "net/router.h"
#include "voice/audio/audio.h"
#include "voice/tts/tts.h"

namespace startales::api {

// Named voices: the embedded variants, plus those /clone-voice made (kept in memory, at most
// `max_matched`; the oldest go first). Thread-safe.
class VoiceRegistry {
 public:
  struct Entry {
    std::string id;
    std::string name;
    std::string method;  // "preset" | "voice matching" | "reference audio (remote cloning)"
    voice::VoiceSpec voice;
  };
  explicit VoiceRegistry(size_t max_matched = 1000);
  std::optional<Entry> find(const std::string& id) const;
  Entry add(std::string name, std::string method, voice::VoiceSpec voice);
  std::vector<Entry> all() const;

 private:
  const size_t max_matched_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> presets_;  // const after construction
  std::map<int64_t, Entry> matched_;      // by sequence; guarded by mu_
  int64_t next_ = 1;                      // guarded by mu_
};

struct TtsDeps {
  voice::TextToSpeech& tts;
  WorkerPool& workers;        // the speech pool: synthesis and voice matching only
  VoiceRegistry& voices;
  voice::AudioLimits limits;  // for /clone-voice references
  SpeechAccess access;        // who may call (an account, or the service token)
};

// `deps` and what it refers to outlive the router.
void addTtsRoutes(net::Router& router, const std::string& prefix, const TtsDeps& deps);

}  // namespace startales::api
