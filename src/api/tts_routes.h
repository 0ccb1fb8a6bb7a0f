#pragma once

// The text-to-speech service (issue 6), mounted at a prefix: "" for `startales tts`,
// "/api/tts" inside `startales serve`.
//   POST {prefix}/synthesize        {text, voice, speed?, format? wav|pcm} → audio
//   POST {prefix}/clone-voice       multipart "audio" (+ "name") or a raw WAV → a new voice
//   GET  {prefix}/voices            every voice by id
//   POST {prefix}/v1/audio/speech   OpenAI-compatible {model, input, voice, response_format,
//                                   speed} → audio
// `voice` is a voice id from /voices ("m3", "f2", "matched-<16 hex>"...) or an object
// {variant, pitch, range, rate}. Every route needs an account or the service token
// (api/speech_auth.h). Synthesis runs on the speech pool (never the pool that checks tokens
// and talks to the database); a saturated pool or engine answers 503 + Retry-After.

#include <string>

#include "api/speech_auth.h"
#include "api/voice_registry.h"
#include "common/worker_pool.h"
#include "net/router.h"
#include "voice/audio/audio.h"
#include "voice/tts/tts.h"

namespace startales::api {

struct TtsDeps {
  voice::TextToSpeech& tts;
  WorkerPool& workers;        // the speech pool: synthesis, voice matching, voice look-ups
  VoiceRegistry& voices;      // matched voices (in the object store when it has one)
  voice::AudioLimits limits;  // for /clone-voice references
  SpeechAccess access;        // who may call (an account, or the service token)
};

// `deps` and what it refers to outlive the router.
void addTtsRoutes(net::Router& router, const std::string& prefix, const TtsDeps& deps);

}  // namespace startales::api
