#include "voice/tts/sentence_tts.h"

#include <chrono>

namespace startales::voice {

namespace {
using Steady = std::chrono::steady_clock;
int64_t msSince(Steady::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start).count();
}
Error cancelledError() { return makeError("cancelled", "The synthesis was cancelled."); }
}  // namespace

Result<SynthesisInfo> SentenceTts::synthesize(std::string_view text, const VoiceSpec& voice,
                                              double speed, const ChunkFn& on_chunk,
                                              const CancelToken& cancel) {
  const auto start = Steady::now();
  if (!(speed >= 0.25 && speed <= 4.0)) {
    return makeError("invalid_speed",
                     "speed must be between 0.25 and 4 (got " + std::to_string(speed) + ").");
  }
  if (checksVoiceSpec()) {
    if (auto v = validateVoice(voice); !v) return v.error();
  }
  auto sentences = splitSentences(text, limits_);
  if (!sentences) return sentences.error();

  SynthesisInfo info;
  for (size_t i = 0; i < sentences->size(); ++i) {
    if (cancel.cancelled()) return cancelledError();
    const std::string& sentence = (*sentences)[i];
    auto audio = synthesizeSentence(sentence, voice, speed, static_cast<int>(i), cancel);
    if (!audio) return audio.error();
    if (cancel.cancelled()) return cancelledError();
    if (sample_rate_ > 0 && audio->sample_rate != sample_rate_) {
      audio = resample(*audio, sample_rate_);
      if (!audio) return audio.error();
    }
    if (info.sample_rate == 0) info.sample_rate = audio->sample_rate;
    if (audio->sample_rate != info.sample_rate) {
      // A remote engine changed its rate mid-call: keep one rate per call.
      audio = resample(*audio, info.sample_rate);
      if (!audio) return audio.error();
    }
    info.total_samples += static_cast<int64_t>(audio->samples.size());
    if (info.first_audio_ms < 0) info.first_audio_ms = msSince(start);
    ++info.sentences;
    if (on_chunk) on_chunk(SpeechChunk{static_cast<int>(i), sentence, *audio});
  }
  info.total_ms = msSince(start);
  return info;
}

}  // namespace startales::voice
