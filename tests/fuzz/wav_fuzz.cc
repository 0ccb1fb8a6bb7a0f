// voice::parseWav on any bytes: what a client uploads to /api/stt/transcribe and
// /v1/audio/transcriptions. A parse that succeeds gives audio that re-encodes and parses again.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "voice/audio/audio.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace startales::voice;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  AudioLimits limits;
  limits.max_seconds = 5;  // keeps a forged header's sample count from costing seconds per run
  auto audio = parseWav(bytes, limits);
  if (!audio) return 0;
  if (audio->sample_rate < kMinSampleRate || audio->sample_rate > kMaxSampleRate) std::abort();
  if (durationSeconds(*audio) > limits.max_seconds) std::abort();
  auto again = parseWav(encodeWav(*audio), limits);
  if (!again || again->samples.size() != audio->samples.size()) std::abort();
  return 0;
}
