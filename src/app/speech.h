#pragma once

// The embedded speech engines, created once per process (pocketsphinx loads its model, the
// espeak-ng pool checks its binary) and shared by every request.

#include <memory>

#include "common/result.h"
#include "voice/stt/pocketsphinx_stt.h"
#include "voice/stt/remote_stt.h"
#include "voice/tts/espeak_tts.h"
#include "voice/tts/remote_tts.h"

namespace startales::app {

struct SpeechEngines {
  std::unique_ptr<voice::SpeechToText> stt;  // null when not asked for
  std::unique_ptr<voice::TextToSpeech> tts;  // null when not asked for
};
// stt_url: "whisper.cpp:http://HOST:8080" or "openai:http://HOST/v1", or "" for pocketsphinx
// in this process; tts_url: a remote OpenAI-compatible TTS base URL ("http://tts:4000/v1"), or
// "" for espeak-ng in this process. Errors: the engines' ("stt_unavailable",
// "tts_unavailable", "invalid_config").
Result<SpeechEngines> createSpeechEngines(bool stt, bool tts, const std::string& stt_url = "",
                                          const std::string& tts_url = "");

}  // namespace startales::app
