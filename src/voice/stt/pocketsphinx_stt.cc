#include "voice/stt/pocketsphinx_stt.h"

#include <chrono>
#include <cstdio>
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
  auto grammar = std::make_shared<const CompiledGrammar>(
      buildGrammar(vocabulary, [this](std::string_view w) { return dict_->contains(w); },
                   config_.filler_loop));
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
  std::vector<int16_t> pcm;
  pcm.reserve(at16k->samples.size());
  const std::string bytes = toPcm16(*at16k);
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
    pcm.push_back(static_cast<int16_t>(static_cast<uint16_t>(
        static_cast<uint8_t>(bytes[i]) | (static_cast<uint8_t>(bytes[i + 1]) << 8))));
  }

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
  auto decoded = (*lease)->decode(pcm);
  if (!decoded) return decoded.error();

  Transcript t;
  t.timings.decode_ms = msSince(start);
  t.timings.audio_ms = durationSeconds(*at16k) * 1000;
  t.text = std::move(decoded->text);
  t.confidence = decoded->posterior;
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
