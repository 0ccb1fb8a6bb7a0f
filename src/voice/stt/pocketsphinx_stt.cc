#include "voice/stt/pocketsphinx_stt.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "voice/stt/number_words.h"

namespace startales::voice {
namespace {

constexpr int kDecoderRate = 16000;  // Hz: the en-us acoustic model's rate

double msSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

std::vector<int16_t> conditionForDecoder(std::span<const float> samples, double noise_floor_dbfs,
                                         int pad_samples) {
  std::vector<int16_t> pcm;
  const size_t pad = static_cast<size_t>(std::max(0, pad_samples));
  pcm.reserve(samples.size() + 2 * pad);
  // Fixed seed: the same audio always decodes to the same result.
  std::mt19937 rng(0x5eed);
  const bool noisy = noise_floor_dbfs < 0;
  std::normal_distribution<float> noise(
      0.0f, noisy ? static_cast<float>(std::pow(10.0, noise_floor_dbfs / 20.0)) : 1.0f);
  auto push = [&](float s) {
    if (noisy) s += noise(rng);
    if (!(s == s)) s = 0;  // NaN
    pcm.push_back(static_cast<int16_t>(std::lround(std::clamp(s, -1.0f, 1.0f) * 32767.0f)));
  };
  for (size_t i = 0; i < pad; ++i) push(0);
  for (float s : samples) push(s);
  for (size_t i = 0; i < pad; ++i) push(0);
  return pcm;
}

std::string_view sttModeName(SttMode mode) {
  return mode == SttMode::kGrammar ? "grammar" : "dictation";
}

std::optional<SttMode> parseSttMode(std::string_view name) {
  if (name == "grammar") return SttMode::kGrammar;
  if (name == "dictation") return SttMode::kDictation;
  return std::nullopt;
}

Result<std::unique_ptr<PocketsphinxStt>> PocketsphinxStt::create(const PocketsphinxConfig& config) {
  std::unique_ptr<PocketsphinxStt> stt(new PocketsphinxStt());
  stt->config_ = config;
  auto dict = PronouncingDictionary::load(config.decoder.model_dir + "/cmudict-en-us.dict");
  if (!dict) return dict.error();
  stt->dict_ = std::move(*dict);
  auto pool = DecoderPool::create(config.decoder, config.decoders);
  if (!pool) return pool.error();
  stt->pool_ = std::move(*pool);
  return stt;
}

std::shared_ptr<const CompiledGrammar> PocketsphinxStt::grammarFor(const Vocabulary& vocabulary) {
  const uint64_t key = vocabulary.hash();
  {
    std::lock_guard lock(cache_mu_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  // Built outside the lock: two threads may build the same grammar once each; both are equal.
  auto grammar = std::make_shared<const CompiledGrammar>(buildGrammar(
      vocabulary, [this](std::string_view w) { return dict_->contains(w); }, config_.filler_loop));
  std::lock_guard lock(cache_mu_);
  if (cache_.emplace(key, grammar).second) {
    cache_order_.push_back(key);
    while (cache_order_.size() > std::max<size_t>(1, config_.grammar_cache)) {
      cache_.erase(cache_order_.front());
      cache_order_.pop_front();
    }
  }
  return grammar;
}

Result<Transcript> PocketsphinxStt::transcribe(const Audio& audio, const TranscribeOptions& opts) {
  if (opts.mode == SttMode::kGrammar && !opts.vocabulary) {
    return makeError("invalid_argument", "grammar mode needs the campaign's vocabulary");
  }
  if (audio.samples.empty()) return makeError("invalid_audio", "the audio holds no samples");
  auto at16k = resample(audio, kDecoderRate);
  if (!at16k) return at16k.error();
  const std::vector<int16_t> pcm = conditionForDecoder(at16k->samples, config_.noise_floor_dbfs,
                                                       config_.pad_ms * kDecoderRate / 1000);

  std::shared_ptr<const CompiledGrammar> grammar;
  if (opts.mode == SttMode::kGrammar) grammar = grammarFor(*opts.vocabulary);

  auto lease = pool_->acquire(config_.acquire_timeout);
  if (!lease) return lease.error();
  const auto start = std::chrono::steady_clock::now();
  if (grammar) {
    char key[32];
    std::snprintf(key, sizeof key, "g%016llx",
                  static_cast<unsigned long long>(opts.vocabulary->hash()));
    if (auto r = (*lease)->useGrammar(key, grammar->jsgf); !r) return r.error();
  } else if (auto r = (*lease)->useDictation(); !r) {
    return r.error();
  }
  auto decoded = (*lease)->decode(pcm, grammar != nullptr);
  if (!decoded) return decoded.error();

  Transcript t;
  t.timings.decode_ms = msSince(start);
  t.timings.audio_ms = durationSeconds(*at16k) * 1000;
  t.text = std::move(decoded->text);
  t.confidence = decoded->posterior;
  if (decoded->margin) {
    t.confidence = 1.0 / (1.0 + std::exp(-(*decoded->margin - config_.verify_center) /
                                         std::max(1e-6, config_.verify_scale)));
  }
  if (opts.vocabulary) t.command = parseSpokenCommand(*opts.vocabulary, t.text);
  if (t.command) t.command_text = t.text;
  if (opts.mode == SttMode::kGrammar) {
    // No command: silence or the filler loop won. A weak command is rejected too.
    t.rejected = !t.command || t.confidence < config_.min_confidence;
    if (t.rejected) {
      t.command.reset();
      t.command_text.clear();
    }
  }
  return t;
}

}  // namespace startales::voice
