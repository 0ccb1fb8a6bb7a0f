// RIFF/WAVE parsing and PCM16 encoding.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "voice/audio/audio.h"
#include "voice/audio/pcm_util.h"

namespace startales::voice {
namespace {

constexpr uint16_t kFormatPcm = 1;
constexpr uint16_t kFormatFloat = 3;
constexpr uint16_t kFormatExtensible = 0xFFFE;
constexpr uint32_t kUnknownSize = 0xFFFFFFFF;  // streamed WAVs leave the data size open

uint16_t le16(const char* p) {
  return static_cast<uint16_t>(static_cast<uint8_t>(p[0]) | (static_cast<uint8_t>(p[1]) << 8));
}
uint32_t le32(const char* p) {
  return static_cast<uint32_t>(le16(p)) | (static_cast<uint32_t>(le16(p + 2)) << 16);
}

Error invalid(const std::string& why) { return makeError("invalid_audio", why); }

struct Format {
  uint16_t tag = 0;  // kFormatPcm or kFormatFloat once resolved
  uint16_t channels = 0;
  uint32_t rate = 0;
  uint16_t bits = 0;
};

Result<Format> parseFmt(std::string_view chunk) {
  if (chunk.size() < 16) return invalid("the WAV fmt chunk is shorter than 16 bytes");
  Format f;
  f.tag = le16(chunk.data());
  f.channels = le16(chunk.data() + 2);
  f.rate = le32(chunk.data() + 4);
  const uint16_t block_align = le16(chunk.data() + 12);
  f.bits = le16(chunk.data() + 14);
  if (f.tag == kFormatExtensible) {
    if (chunk.size() < 40) return invalid("the WAVE_FORMAT_EXTENSIBLE fmt chunk is truncated");
    f.tag = le16(chunk.data() + 24);  // first two bytes of the sub-format GUID
  }
  if (f.tag != kFormatPcm && f.tag != kFormatFloat) {
    return invalid("unsupported WAV encoding (format tag " + std::to_string(f.tag) +
                   "): only PCM integer and IEEE float are accepted");
  }
  const bool int_ok = f.tag == kFormatPcm && (f.bits == 8 || f.bits == 16 || f.bits == 24 ||
                                              f.bits == 32);
  const bool float_ok = f.tag == kFormatFloat && (f.bits == 32 || f.bits == 64);
  if (!int_ok && !float_ok) {
    return invalid("unsupported WAV sample size: " + std::to_string(f.bits) + "-bit " +
                   (f.tag == kFormatPcm ? "PCM" : "float"));
  }
  if (f.channels != 1 && f.channels != 2) {
    return invalid("unsupported channel count " + std::to_string(f.channels) +
                   ": only mono and stereo are accepted");
  }
  if (f.rate < static_cast<uint32_t>(kMinSampleRate) ||
      f.rate > static_cast<uint32_t>(kMaxSampleRate)) {
    return invalid("unsupported sample rate " + std::to_string(f.rate) +
                   " Hz: 8000..192000 Hz are accepted");
  }
  if (block_align != f.channels * (f.bits / 8)) {
    return invalid("inconsistent WAV header: block align " + std::to_string(block_align) +
                   " for " + std::to_string(f.channels) + " x " + std::to_string(f.bits) +
                   "-bit samples");
  }
  return f;
}

float sampleAt(const char* p, const Format& f) {
  if (f.tag == kFormatFloat) {
    double v = 0;
    if (f.bits == 32) {
      float x;
      std::memcpy(&x, p, 4);
      v = x;
    } else {
      std::memcpy(&v, p, 8);
    }
    if (!std::isfinite(v)) return 0;
    return static_cast<float>(std::clamp(v, -1.0, 1.0));  // float WAVs may exceed full scale
  }
  switch (f.bits) {
    case 8:
      return (static_cast<float>(static_cast<uint8_t>(*p)) - 128.0f) / 128.0f;
    case 16:
      return static_cast<float>(static_cast<int16_t>(le16(p))) / 32768.0f;
    case 24: {
      auto u = static_cast<uint32_t>(static_cast<uint8_t>(p[0])) |
               (static_cast<uint32_t>(static_cast<uint8_t>(p[1])) << 8) |
               (static_cast<uint32_t>(static_cast<uint8_t>(p[2])) << 16);
      if (u & 0x800000u) u |= 0xFF000000u;
      return static_cast<float>(static_cast<int32_t>(u)) / 8388608.0f;
    }
    default:
      return static_cast<float>(static_cast<double>(static_cast<int32_t>(le32(p))) /
                                2147483648.0);
  }
}

}  // namespace

Result<Audio> parseWav(std::string_view bytes, const AudioLimits& limits) {
  if (bytes.size() > limits.max_bytes) {
    return makeError("audio_too_large", "the audio is " + std::to_string(bytes.size()) +
                                            " bytes; the limit is " +
                                            std::to_string(limits.max_bytes));
  }
  if (bytes.empty()) return invalid("the audio is empty");
  if (bytes.size() < 12 || bytes.substr(0, 4) != "RIFF" || bytes.substr(8, 4) != "WAVE") {
    return invalid("not a WAV file (no RIFF/WAVE header)");
  }
  std::optional<Format> format;
  std::optional<std::string_view> data;
  size_t pos = 12;
  while (pos + 8 <= bytes.size() && !data) {
    const std::string_view id = bytes.substr(pos, 4);
    const uint32_t size = le32(bytes.data() + pos + 4);
    const size_t body = pos + 8;
    const size_t left = bytes.size() - body;
    if (id == "data") {
      if (!format) return invalid("the WAV data chunk comes before its fmt chunk");
      if (size == kUnknownSize) {
        data = bytes.substr(body);  // streamed: the data runs to the end of the file
      } else if (size > left) {
        return invalid("the WAV file is truncated: the data chunk declares " +
                       std::to_string(size) + " bytes, " + std::to_string(left) + " remain");
      } else {
        data = bytes.substr(body, size);
      }
      break;
    }
    if (size > left) return invalid("the WAV file is truncated inside its '" +
                                    std::string(id) + "' chunk");
    if (id == "fmt ") {
      auto parsed = parseFmt(bytes.substr(body, size));
      if (!parsed) return parsed.error();
      format = *parsed;
    }
    pos = body + size + (size & 1u);  // chunks are padded to even sizes
  }
  if (!format) return invalid("the WAV file has no fmt chunk (truncated?)");
  if (!data) return invalid("the WAV file has no data chunk (truncated?)");

  const size_t frame_bytes = static_cast<size_t>(format->channels) * (format->bits / 8);
  const size_t frames = data->size() / frame_bytes;
  if (frames == 0) return invalid("the WAV file holds no samples");
  const double seconds = static_cast<double>(frames) / format->rate;
  if (seconds > limits.max_seconds) {
    return makeError("audio_too_long", "the audio lasts " + std::to_string(std::lround(seconds)) +
                                           " s; the limit is " +
                                           std::to_string(std::lround(limits.max_seconds)) +
                                           " s");
  }
  Audio audio;
  audio.sample_rate = static_cast<int>(format->rate);
  audio.samples.resize(frames);
  const size_t sample_bytes = format->bits / 8;
  for (size_t i = 0; i < frames; ++i) {
    const char* p = data->data() + i * frame_bytes;
    float v = sampleAt(p, *format);
    if (format->channels == 2) v = 0.5f * (v + sampleAt(p + sample_bytes, *format));
    audio.samples[i] = v;
  }
  return audio;
}

std::string encodeWav(const Audio& audio) {
  const auto data_bytes = static_cast<uint32_t>(audio.samples.size() * 2);
  const auto rate = static_cast<uint32_t>(audio.sample_rate);
  std::string out;
  out.reserve(44 + data_bytes);
  auto u32 = [&out](uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  auto u16 = [&out](uint16_t v) {
    out.push_back(static_cast<char>(v & 0xff));
    out.push_back(static_cast<char>(v >> 8));
  };
  out += "RIFF";
  u32(36 + data_bytes);
  out += "WAVEfmt ";
  u32(16);
  u16(kFormatPcm);
  u16(1);         // mono
  u32(rate);
  u32(rate * 2);  // byte rate
  u16(2);         // block align
  u16(16);        // bits per sample
  out += "data";
  u32(data_bytes);
  for (float s : audio.samples) appendLe16(out, toInt16(s));
  return out;
}

}  // namespace startales::voice
