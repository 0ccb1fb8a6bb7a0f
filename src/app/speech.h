#pragma once

// The embedded speech engines, created once per process (pocketsphinx loads its model, the
// espeak-ng pool checks its binary) and shared by every request.

#include <memory>
#include <string>

#include "app/config.h"
#include "common/result.h"
#include "common/worker_pool.h"
#include "metrics/metrics.h"
#include "voice/stt/pocketsphinx_stt.h"
#include "voice/stt/remote_stt.h"
#include "voice/tts/espeak_tts.h"
#include "voice/tts/remote_tts.h"
#include "voice/tts/text.h"

namespace startales::app {

struct SpeechEngines {
  std::unique_ptr<voice::SpeechToText> stt;  // null when not asked for
  std::unique_ptr<voice::TextToSpeech> tts;  // null when not asked for
};
// What the engines are made from (app/config.h has the flags).
struct SpeechOptions {
  // "whisper.cpp:http://HOST:8080" or "openai:http://HOST/v1", or "" for pocketsphinx here.
  std::string stt_url;
  // A remote OpenAI-compatible TTS base URL ("http://tts:4000/v1"), "coqui:URL", or "" for
  // espeak-ng in this process.
  std::string tts_url;
  std::string api_key;           // Bearer sent to a remote OpenAI-compatible engine ("" = none)
  voice::TextLimits text_limits;  // bytes and sentences per synthesis
};
// Errors: the engines' ("stt_unavailable", "tts_unavailable", "invalid_config").
Result<SpeechEngines> createSpeechEngines(bool stt, bool tts, const SpeechOptions& options);
SpeechOptions speechOptions(const Config& config);

// speech_pool_pending and speech_pool_rejected_total for `pool` (outlives `metrics`' scrapes).
void registerSpeechPoolMetrics(metrics::Metrics& metrics, WorkerPool& pool);

}  // namespace startales::app
