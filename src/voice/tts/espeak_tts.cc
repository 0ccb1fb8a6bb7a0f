#include "voice/tts/espeak_tts.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include "voice/tts/subprocess.h"

namespace startales::voice {

namespace {

constexpr size_t kWavHeader = 44;
constexpr int kWaitSliceMs = 20;  // a waiting call re-checks its cancel flag this often

uint32_t le32(std::string_view b, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}
uint16_t le16(std::string_view b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) |
                               static_cast<unsigned char>(b[at + 1]) << 8);
}

}  // namespace

std::vector<std::string> validateConfig(const EspeakConfig& c) {
  std::vector<std::string> problems;
  if (c.binary.empty()) problems.emplace_back("binary must not be empty.");
  if (c.language.empty()) problems.emplace_back("language must not be empty.");
  if (c.max_processes < 1 || c.max_processes > 256) {
    problems.emplace_back("max_processes must be 1..256.");
  }
  if (c.queue_wait_ms < 0) problems.emplace_back("queue_wait_ms must be >= 0.");
  if (c.sentence_timeout_ms < 100) problems.emplace_back("sentence_timeout_ms must be >= 100.");
  if (c.sample_rate != 0 && (c.sample_rate < 8000 || c.sample_rate > 48000)) {
    problems.emplace_back("sample_rate must be 0 or 8000..48000 Hz.");
  }
  if (c.limits.max_chars == 0) problems.emplace_back("limits.max_chars must be > 0.");
  return problems;
}

std::vector<std::string> espeakArgs(const EspeakConfig& config, const VoiceSpec& voice,
                                    double speed, const std::string& sentence) {
  int wpm = static_cast<int>(std::lround(voice.rate * speed));
  wpm = std::clamp(wpm, 80, 450);
  int range_percent = std::clamp(voice.range, 0, 99) * 2;
  return {config.binary,
          "-m",
          "--stdout",
          "-z",  // SSML input, WAV to stdout, no trailing pause
          "-v",
          config.language + "+" + voice.variant,
          "-p",
          std::to_string(std::clamp(voice.pitch, 0, 99)),
          "-s",
          std::to_string(wpm),
          "<speak><prosody range=\"" + std::to_string(range_percent) + "%\">" +
              escapeXml(sentence) + "</prosody></speak>"};
}

Result<Audio> decodeEspeakStdout(std::string_view bytes) {
  if (bytes.size() < kWavHeader || bytes.substr(0, 4) != "RIFF" || bytes.substr(8, 4) != "WAVE" ||
      bytes.substr(36, 4) != "data") {
    return makeError("tts_protocol", "espeak-ng did not write a WAV header.");
  }
  if (le16(bytes, 20) != 1 || le16(bytes, 22) != 1 || le16(bytes, 34) != 16) {
    return makeError("tts_protocol", "espeak-ng wrote something other than PCM16 mono.");
  }
  int rate = static_cast<int>(le32(bytes, 24));
  if (rate < 8000 || rate > 96000) return makeError("tts_protocol", "espeak-ng: bad sample rate.");
  std::string_view pcm = bytes.substr(kWavHeader);
  pcm = pcm.substr(0, pcm.size() & ~size_t{1});
  return fromPcm16(pcm, rate);
}

Result<std::unique_ptr<EspeakTts>> EspeakTts::create(EspeakConfig config) {
  auto problems = validateConfig(config);
  if (!problems.empty()) {
    std::string message = "Invalid espeak-ng configuration:";
    for (const auto& p : problems) message += " " + p;
    return makeError("invalid_config", message);
  }
  std::unique_ptr<EspeakTts> tts(new EspeakTts(std::move(config)));
  // Probe: the binary runs and the language + a variant exist.
  ProcessLimits limits;
  limits.timeout = std::chrono::milliseconds(tts->config_.sentence_timeout_ms);
  auto out = runProcess(espeakArgs(tts->config_, VoiceSpec{}, 1.0, "ok"), limits, CancelToken{});
  if (!out) return Error{"tts_unavailable", "espeak-ng does not run: " + out.error().message};
  if (auto audio = decodeEspeakStdout(*out); !audio) return audio.error();
  return tts;
}

int EspeakTts::busy() const {
  std::lock_guard lock(mu_);
  return busy_;
}

uint64_t EspeakTts::rejected() const {
  std::lock_guard lock(mu_);
  return rejected_;
}

bool EspeakTts::acquire(int wait_ms, const CancelToken& cancel) {
  std::unique_lock lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (busy_ >= config_.max_processes) {  // bounded by the deadline
    if (cancel.cancelled() || std::chrono::steady_clock::now() >= deadline) return false;
    cv_.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() +
                                                std::chrono::milliseconds(kWaitSliceMs)));
  }
  ++busy_;
  return true;
}

void EspeakTts::release() {
  {
    std::lock_guard lock(mu_);
    --busy_;
  }
  cv_.notify_one();
}

Result<Audio> EspeakTts::synthesizeSentence(const std::string& sentence, const VoiceSpec& voice,
                                            double speed, int index, const CancelToken& cancel) {
  int wait_ms = index == 0 ? config_.queue_wait_ms : config_.sentence_timeout_ms;
  if (!acquire(wait_ms, cancel)) {
    if (cancel.cancelled()) return makeError("cancelled", "The synthesis was cancelled.");
    {
      std::lock_guard lock(mu_);
      ++rejected_;
    }
    Error e = makeError("overloaded", "All speech synthesizers are busy; try again shortly.");
    e.retry_after_s = 1;
    return e;
  }
  ProcessLimits limits;
  limits.timeout = std::chrono::milliseconds(config_.sentence_timeout_ms);
  auto out = runProcess(espeakArgs(config_, voice, speed, sentence), limits, cancel);
  release();
  if (!out) return out.error();
  return decodeEspeakStdout(*out);
}

}  // namespace startales::voice
