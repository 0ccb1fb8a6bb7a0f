#pragma once

// The embedded speech engines, created once per process (pocketsphinx loads its model, the
// espeak-ng pool checks its binary) and shared by every request.

#include <memory>

#include "common/result.h"
#include "voice/stt/pocketsphinx_stt.h"
#include "voice/tts/espeak_tts.h"

namespace startales::app {

struct SpeechEngines {
  std::unique_ptr<voice::SpeechToText> stt;  // null when not asked for
  std::unique_ptr<voice::TextToSpeech> tts;  // null when not asked for
};
// Errors: the engines' ("stt_unavailable", "tts_unavailable", "invalid_config").
Result<SpeechEngines> createSpeechEngines(bool stt, bool tts);

}  // namespace startales::app
