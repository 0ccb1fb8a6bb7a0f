#include "voice/tts/tts.h"

#include <array>
#include <charconv>

namespace startales::voice {

namespace {
constexpr std::array<std::string_view, 12> kVariants = {"m1", "m2", "m3", "m4", "m5", "m6",
                                                        "m7", "f1", "f2", "f3", "f4", "f5"};
}  // namespace

std::span<const std::string_view> embeddedVariants() { return kVariants; }

Result<void> validateVoice(const VoiceSpec& voice) {
  bool known = false;
  for (auto v : kVariants) known = known || voice.variant == v;
  if (!known) {
    return makeError("invalid_voice",
                     "Unknown voice variant '" + voice.variant + "' (m1..m7 or f1..f5).");
  }
  auto in = [](int value, int lo, int hi) { return value >= lo && value <= hi; };
  if (!in(voice.pitch, 0, 99)) return makeError("invalid_voice", "pitch must be 0..99.");
  if (!in(voice.range, 0, 99)) return makeError("invalid_voice", "range must be 0..99.");
  if (!in(voice.rate, 80, 260)) return makeError("invalid_voice", "rate must be 80..260 wpm.");
  return {};
}

Result<Audio> synthesizeAll(TextToSpeech& tts, std::string_view text, const VoiceSpec& voice,
                            double speed, const CancelToken& cancel) {
  Audio all;
  auto info = tts.synthesize(
      text, voice, speed,
      [&all](const SpeechChunk& chunk) {
        all.sample_rate = chunk.audio.sample_rate;
        all.samples.insert(all.samples.end(), chunk.audio.samples.begin(),
                           chunk.audio.samples.end());
      },
      cancel);
  if (!info) return info.error();
  all.sample_rate = info->sample_rate;
  return all;
}

Result<AudioFormat> parseAudioFormat(std::string_view name) {
  if (name == "wav") return AudioFormat::kWav;
  if (name == "pcm") return AudioFormat::kPcm16;
  return makeError("invalid_format",
                   "Unknown audio format '" + std::string(name) + "' (wav or pcm).");
}

std::string encodeAudio(const Audio& audio, AudioFormat format) {
  return format == AudioFormat::kWav ? encodeWav(audio) : toPcm16(audio);
}

std::string_view contentType(AudioFormat format) {
  return format == AudioFormat::kWav ? "audio/wav" : "audio/pcm";
}

std::string voiceName(const VoiceSpec& voice) {
  return voice.variant + ":" + std::to_string(voice.pitch) + ":" + std::to_string(voice.range) +
         ":" + std::to_string(voice.rate);
}

std::optional<VoiceSpec> parseVoiceName(std::string_view name) {
  VoiceSpec v;
  const size_t a = name.find(':');
  if (a == std::string_view::npos) return std::nullopt;
  v.variant = std::string(name.substr(0, a));
  int fields[3] = {0, 0, 0};
  std::string_view rest = name.substr(a + 1);
  for (int i = 0; i < 3; ++i) {
    const size_t end = rest.find(':');
    const std::string_view part = rest.substr(0, end);
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), fields[i]);
    if (ec != std::errc() || ptr != part.data() + part.size() || part.empty()) return std::nullopt;
    if ((i < 2) != (end != std::string_view::npos)) return std::nullopt;  // exactly 4 fields
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  v.pitch = fields[0];
  v.range = fields[1];
  v.rate = fields[2];
  if (!validateVoice(v)) return std::nullopt;
  return v;
}

}  // namespace startales::voice
