#include <algorithm>
#include <cmath>
#include <cstdint>

#include "voice/audio/audio.h"
#include "voice/audio/pcm_util.h"

namespace startales::voice {

int16_t toInt16(float sample) {
  if (!(sample == sample)) return 0;  // NaN
  const float clipped = std::clamp(sample, -1.0f, 1.0f);
  return static_cast<int16_t>(std::lround(clipped * 32767.0f));
}

void appendLe16(std::string& out, int16_t value) {
  const auto u = static_cast<uint16_t>(value);
  out.push_back(static_cast<char>(u & 0xff));
  out.push_back(static_cast<char>(u >> 8));
}

std::string toPcm16(const Audio& audio) {
  std::string out;
  out.reserve(audio.samples.size() * 2);
  for (float s : audio.samples) appendLe16(out, toInt16(s));
  return out;
}

Audio fromPcm16(std::string_view bytes, int sample_rate) {
  Audio audio;
  audio.sample_rate = sample_rate;
  const size_t n = bytes.size() / 2;
  audio.samples.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const auto lo = static_cast<uint8_t>(bytes[2 * i]);
    const auto hi = static_cast<uint8_t>(bytes[2 * i + 1]);
    const auto v = static_cast<int16_t>(static_cast<uint16_t>(lo | (hi << 8)));
    audio.samples[i] = static_cast<float>(v) / 32768.0f;
  }
  return audio;
}

double durationSeconds(const Audio& audio) {
  if (audio.sample_rate <= 0) return 0;
  return static_cast<double>(audio.samples.size()) / audio.sample_rate;
}

}  // namespace startales::voice
