#pragma once

// A bounded pool of pocketsphinx decoders. A decoder is expensive to create (acoustic
// model, dictionary, optionally the 27 MB language model) and not thread-safe, so the pool
// creates `size` of them up front and lends each to one thread at a time. acquire() waits at
// most its timeout; a saturated pool answers "overloaded" with retry_after_s, it never
// queues without bound.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"

struct ps_decoder_s;
struct cmd_ln_s;

namespace startales::voice {

struct DecoderConfig {
  // Model directory: holds en-us/ (acoustic model), cmudict-en-us.dict and en-us.lm.bin.
  std::string model_dir = "/usr/share/pocketsphinx/model/en-us";
  bool dictation = true;  // load the open language model (about 30 MB more per decoder)
  int grammars_per_decoder = 8;  // compiled grammars a decoder keeps before dropping the oldest
  // Search beams (pocketsphinx -beam/-pbeam and -wbeam). Wider than pocketsphinx's defaults
  // (1e-48, 7e-29): measured 72% vs 62% exact commands, at about 3x the decode time.
  std::string beam = "1e-80";
  std::string word_beam = "1e-60";
};

struct Decoded {
  std::string text;        // best hypothesis, "" when nothing was recognised
  double posterior = 0;    // 0..1: the hypothesis' posterior probability in the lattice
  int32_t frames = 0;      // 10 ms frames decoded
};

// One pocketsphinx decoder. Not thread-safe: used by one lease holder at a time.
class Decoder {
 public:
  static Result<std::unique_ptr<Decoder>> create(const DecoderConfig& config);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Makes the grammar `key` (compiled from `jsgf` the first time) the active search.
  Result<void> useGrammar(const std::string& key, const std::string& jsgf);
  // Makes the open language model the active search. Error when loaded without it.
  Result<void> useDictation();
  // Decodes one whole utterance of 16 kHz mono PCM16 with the active search.
  Result<Decoded> decode(std::span<const int16_t> pcm);

 private:
  Decoder() = default;
  ps_decoder_s* ps_ = nullptr;  // owned
  cmd_ln_s* config_ = nullptr;  // owned
  int grammars_per_decoder_ = 8;
  bool has_dictation_ = false;
  std::string dictation_search_;  // name of the language-model search
  std::string active_;
  std::deque<std::string> grammars_;  // loaded grammar searches, oldest first
};

class DecoderPool {
 public:
  class Lease {
   public:
    Lease(DecoderPool* pool, Decoder* decoder) : pool_(pool), decoder_(decoder) {}
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    Decoder* operator->() const { return decoder_; }
    Decoder& operator*() const { return *decoder_; }

   private:
    DecoderPool* pool_;
    Decoder* decoder_;
  };

  // Creates `size` decoders (>= 1). Error "stt_unavailable" when the model cannot load.
  static Result<std::unique_ptr<DecoderPool>> create(const DecoderConfig& config, int size);

  // A free decoder, waiting up to `timeout`. Error "overloaded" (retry_after_s = 1) when none
  // frees up in time. The pool must outlive the lease.
  Result<Lease> acquire(std::chrono::milliseconds timeout);

  [[nodiscard]] int size() const { return static_cast<int>(decoders_.size()); }
  [[nodiscard]] int available() const;

 private:
  DecoderPool() = default;
  void release(Decoder* decoder);

  std::vector<std::unique_ptr<Decoder>> decoders_;  // const after create()
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Decoder*> free_;  // guarded by mu_
};

}  // namespace startales::voice
