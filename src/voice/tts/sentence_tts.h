#pragma once

// The sentence loop every engine shares: validates text/voice/speed, splits the text into
// sentences, synthesizes them one by one through the engine's synthesizeSentence(), resamples
// each to the output rate and hands it to on_chunk in order, checks the CancelToken between
// sentences and measures first-audio latency. Engines only say how to speak one sentence.

#include <string>

#include "voice/tts/text.h"
#include "voice/tts/tts.h"

namespace startales::voice {

class SentenceTts : public TextToSpeech {
 public:
  Result<SynthesisInfo> synthesize(std::string_view text, const VoiceSpec& voice, double speed,
                                   const ChunkFn& on_chunk, const CancelToken& cancel) final;

 protected:
  // limits: text limits; sample_rate: output rate in Hz (0 = whatever the engine produces).
  SentenceTts(TextLimits limits, int sample_rate) : limits_(limits), sample_rate_(sample_rate) {}

  // Speaks one sentence. `index` is its position (0 = first: engines may refuse it with
  // "overloaded"; later ones belong to an admitted call). Runs on the caller's thread; must
  // honour `cancel` (return Error "cancelled") and its own timeouts.
  virtual Result<Audio> synthesizeSentence(const std::string& sentence, const VoiceSpec& voice,
                                           double speed, int index, const CancelToken& cancel) = 0;
  // Whether the engine needs the embedded VoiceSpec fields to be valid.
  [[nodiscard]] virtual bool checksVoiceSpec() const { return true; }

 private:
  // const after construction
  const TextLimits limits_;
  const int sample_rate_;
};

}  // namespace startales::voice
