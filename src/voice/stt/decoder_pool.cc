#include "voice/stt/decoder_pool.h"

#include <pocketsphinx.h>
#include <sphinxbase/fsg_model.h>
#include <sphinxbase/jsgf.h>
#include <sphinxbase/ngram_model.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <utility>

#include "voice/stt/pronouncing_dictionary.h"

namespace startales::voice {
namespace {

constexpr const char* kVerifySearch = "_verify";
constexpr const char* kDictationSearch = "_dictation";

// pocketsphinx 0.8's ps_set_jsgf_string, plus the jsgf_grammar_free it forgets: it leaked the
// whole parsed grammar (a few thousand allocations, tens of KB) at every compile, so a server
// that kept compiling new vocabularies grew without bound (LeakSanitizer, make asan).
int setJsgfString(ps_decoder_t* ps, cmd_ln_t* config, const char* name, const char* text) {
  jsgf_t* jsgf = jsgf_parse_string(text, nullptr);
  if (jsgf == nullptr) return -1;
  int result = -1;
  if (jsgf_rule_t* rule = jsgf_get_public_rule(jsgf); rule != nullptr) {
    const float lw = cmd_ln_float32_r(config, "-lw");
    if (fsg_model_t* fsg = jsgf_build_fsg(jsgf, rule, ps_get_logmath(ps), lw); fsg != nullptr) {
      result = ps_set_fsg(ps, name, fsg);  // the search keeps its own reference
      fsg_model_free(fsg);
    }
  }
  jsgf_grammar_free(jsgf);
  return result;
}

bool isFiller(const char* word) {
  return word[0] == '<' || word[0] == '[' || word[0] == '+' || std::strcmp(word, "SIL") == 0;
}

// Total acoustic score of the current hypothesis' segments and its non-filler frames.
std::pair<int64_t, int32_t> acousticScore(ps_decoder_t* ps) {
  int64_t total = 0;
  int32_t speech = 0;
  for (ps_seg_t* it = ps_seg_iter(ps); it != nullptr; it = ps_seg_next(it)) {
    int32 ascr = 0, lscr = 0, lback = 0;
    ps_seg_prob(it, &ascr, &lscr, &lback);
    total += ascr;
    int sf = 0, ef = 0;
    ps_seg_frames(it, &sf, &ef);
    if (!isFiller(ps_seg_word(it))) speech += ef - sf + 1;
  }
  return {total, speech};
}

}  // namespace

// ---- Decoder ----------------------------------------------------------------------------

Result<std::unique_ptr<Decoder>> Decoder::create(const DecoderConfig& config) {
  const std::string hmm = config.model_dir + "/en-us";
  const std::string dict = config.model_dir + "/cmudict-en-us.dict";
  const std::string lm = config.model_dir + "/en-us.lm.bin";
  for (const auto& path : {hmm, dict}) {
    if (!std::filesystem::exists(path)) {
      return makeError("stt_unavailable", "pocketsphinx model file missing: " + path);
    }
  }
  if (config.dictation && !std::filesystem::exists(lm)) {
    return makeError("stt_unavailable", "pocketsphinx language model missing: " + lm);
  }
  std::unique_ptr<Decoder> d(new Decoder());
  d->grammars_per_decoder_ = std::max(1, config.grammars_per_decoder);
  // -logfn: pocketsphinx logs every utterance to stderr otherwise.
  d->config_ = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-dict", dict.c_str(),
                           "-logfn", "/dev/null", "-beam", config.beam.c_str(), "-pbeam",
                           config.beam.c_str(), "-wbeam", config.word_beam.c_str(), "-fsgusefiller",
                           config.fsg_use_filler ? "yes" : "no", "-allphone_ci", "yes", nullptr);
  if (d->config_ == nullptr)
    return makeError("stt_unavailable", "pocketsphinx rejected its configuration");
  d->ps_ = ps_init(d->config_);
  if (d->ps_ == nullptr) return makeError("stt_unavailable", "pocketsphinx failed to load " + hmm);
  // The language model (about 75 MB with its word maps) is loaded by the first dictation,
  // not here: most servers only ever decode commands against grammars.
  if (config.dictation) d->lm_path_ = lm;
  if (config.verify) {
    if (ps_set_allphone(d->ps_, kVerifySearch, nullptr) != 0) {
      return makeError("stt_unavailable", "pocketsphinx could not create the phone loop");
    }
    d->has_verify_ = true;
  }
  const auto extra = extraPronunciations();
  for (size_t i = 0; i < extra.size(); ++i) {
    ps_add_word(d->ps_, extra[i].word, extra[i].phones, i + 1 == extra.size() ? TRUE : FALSE);
  }
  return d;
}

Decoder::~Decoder() {
  if (ps_ != nullptr) ps_free(ps_);
  if (config_ != nullptr) cmd_ln_free_r(config_);
}

Result<void> Decoder::useGrammar(const std::string& key, const std::string& jsgf) {
  if (active_ == key) return {};
  if (std::find(grammars_.begin(), grammars_.end(), key) == grammars_.end()) {
    if (setJsgfString(ps_, config_, key.c_str(), jsgf.c_str()) != 0) {
      return makeError("stt_unavailable", "pocketsphinx could not compile the command grammar");
    }
    grammars_.push_back(key);
  }
  if (ps_set_search(ps_, key.c_str()) != 0) {
    return makeError("stt_unavailable", "pocketsphinx could not switch to the command grammar");
  }
  active_ = key;
  while (static_cast<int>(grammars_.size()) > grammars_per_decoder_) {
    // Drop the oldest grammar that is not the active one.
    auto it = std::find_if(grammars_.begin(), grammars_.end(),
                           [&](const std::string& g) { return g != active_; });
    if (it == grammars_.end()) break;
    ps_unset_search(ps_, it->c_str());
    grammars_.erase(it);
  }
  return {};
}

Result<void> Decoder::useDictation() {
  if (lm_path_.empty()) {
    return makeError("invalid_argument", "dictation mode is not enabled on this server");
  }
  if (!lm_loaded_) {
    if (!loadLanguageModel()) {
      return makeError("stt_unavailable",
                       "pocketsphinx could not load its language model " + lm_path_);
    }
    lm_loaded_ = true;
  }
  if (ps_set_search(ps_, kDictationSearch) != 0) {
    return makeError("stt_unavailable", "pocketsphinx could not switch to dictation");
  }
  active_ = kDictationSearch;
  return {};
}

bool Decoder::loadLanguageModel() {
  ngram_model_t* lm = ngram_model_read(config_, lm_path_.c_str(), NGRAM_AUTO, ps_get_logmath(ps_));
  if (lm == nullptr) return false;
  // ps_add_word (at create) puts a word into the language models the decoder has then; this
  // one comes later, so it gets the extra game words itself, or dictation could never hear
  // them ("hydroponics" came back as "the white on it"). Weight 1: as likely as any unigram.
  for (const auto& extra : extraPronunciations()) ngram_model_add_word(lm, extra.word, 1.0f);
  const bool ok = ps_set_lm(ps_, kDictationSearch, lm) == 0;
  ngram_model_free(lm);  // the search holds its own reference
  return ok;
}

Result<Decoded> Decoder::decode(std::span<const int16_t> pcm, bool verify) {
  if (ps_start_utt(ps_) < 0) return makeError("stt_unavailable", "pocketsphinx could not start");
  ps_process_raw(ps_, pcm.data(), pcm.size(), FALSE, TRUE);
  ps_end_utt(ps_);
  Decoded out;
  int32 score = 0;
  if (const char* hyp = ps_get_hyp(ps_, &score)) out.text = hyp;
  out.frames = ps_get_n_frames(ps_);
  if (out.text.empty()) return out;
  out.posterior = logmath_exp(ps_get_logmath(ps_), ps_get_prob(ps_));
  const auto [grammar_score, speech] = acousticScore(ps_);
  out.speech_frames = speech;
  if (!verify || !has_verify_ || active_ == kDictationSearch || speech <= 0) return out;
  // Second pass: the same audio through the free phone loop, then back to the grammar.
  if (ps_set_search(ps_, kVerifySearch) != 0 || ps_start_utt(ps_) < 0) {
    return makeError("stt_unavailable", "pocketsphinx could not start the phone loop");
  }
  ps_process_raw(ps_, pcm.data(), pcm.size(), FALSE, TRUE);
  ps_end_utt(ps_);
  const auto [loop_score, loop_speech] = acousticScore(ps_);
  if (ps_set_search(ps_, active_.c_str()) != 0) {
    return makeError("stt_unavailable", "pocketsphinx could not switch back to the grammar");
  }
  out.margin = static_cast<double>(grammar_score - loop_score) / speech;
  return out;
}

// ---- DecoderPool ------------------------------------------------------------------------

DecoderPool::Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), decoder_(other.decoder_) {
  other.pool_ = nullptr;
  other.decoder_ = nullptr;
}

DecoderPool::Lease::~Lease() {
  if (pool_ != nullptr && decoder_ != nullptr) pool_->release(decoder_);
}

Result<std::unique_ptr<DecoderPool>> DecoderPool::create(const DecoderConfig& config, int size) {
  std::unique_ptr<DecoderPool> pool(new DecoderPool(config, std::max(1, size)));
  auto d = Decoder::create(config);
  if (!d) return d.error();
  pool->free_.push_back(d->get());
  pool->decoders_.push_back(std::move(*d));
  return pool;
}

Result<DecoderPool::Lease> DecoderPool::acquire(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const auto can_load = [this] {
    return static_cast<int>(decoders_.size()) + loading_ < capacity_;
  };
  if (!cv_.wait_for(lock, timeout, [&] { return !free_.empty() || can_load(); })) {
    Error e = makeError("overloaded", "every speech decoder is busy; try again shortly");
    e.retry_after_s = 1;
    return e;
  }
  if (free_.empty()) {  // all busy, room for one more: load it without holding the lock
    ++loading_;
    lock.unlock();
    auto made = Decoder::create(config_);
    lock.lock();
    --loading_;
    if (!made) {
      cv_.notify_one();  // the slot is free again for another attempt
      return made.error();
    }
    Decoder* d = made->get();
    decoders_.push_back(std::move(*made));
    return Lease(this, d);
  }
  Decoder* d = free_.back();
  free_.pop_back();
  return Lease(this, d);
}

int DecoderPool::loaded() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(decoders_.size());
}

int DecoderPool::available() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(free_.size()) + capacity_ - static_cast<int>(decoders_.size()) - loading_;
}

void DecoderPool::release(Decoder* decoder) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(decoder);
  }
  cv_.notify_one();
}

}  // namespace startales::voice
