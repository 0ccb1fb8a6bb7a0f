#pragma once

// A bounded pool of pocketsphinx decoders. A decoder is expensive to create (acoustic
// model and dictionary, ~20 MB; its first dictation adds the language model, ~75 MB) and
// not thread-safe, so the pool creates one up front, the others (up to `size`) only when
// that many utterances are decoded at once, and lends each to one thread at a time.
// acquire() waits at most its timeout; a saturated pool answers "overloaded" with
// retry_after_s, it never queues without bound.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
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
  bool dictation = true;  // offer the open language model (~75 MB per decoder, loaded by the
                          // decoder's first dictation)
  int grammars_per_decoder = 8;  // compiled grammars a decoder keeps before dropping the oldest
  // Search beams (pocketsphinx -beam/-pbeam and -wbeam), pocketsphinx's defaults. Wider beams
  // (1e-80/1e-60) gained nothing once the audio is conditioned and cost ~2x the time.
  std::string beam = "1e-48";
  std::string word_beam = "7e-29";
  // Adds a context-independent phone-loop search ("allphone", no phone language model) used
  // to verify grammar hypotheses (see Decoded::margin). Costs a second pass of about the
  // grammar pass' time, only when the grammar pass recognised something.
  bool verify = true;
  // pocketsphinx -fsgusefiller: silence/filler self-loops at every grammar state, so
  // pauses before, between and after words are absorbed (default on; see pocketsphinx_stt.h).
  bool fsg_use_filler = true;
};

struct Decoded {
  std::string text;           // best hypothesis, "" when nothing was recognised
  double posterior = 0;       // 0..1: the hypothesis' posterior probability in the lattice
  int32_t frames = 0;         // 10 ms frames decoded
  int32_t speech_frames = 0;  // frames of the hypothesis' words (silence and fillers excluded)
  // Grammar mode with verification: (acoustic score of the grammar hypothesis - acoustic
  // score of the free phone loop) / speech_frames, in pocketsphinx's scaled log units. Near
  // 0 when the speech fits the grammar; strongly negative when the grammar forced it onto a
  // command. Unset without verification or without a hypothesis.
  std::optional<double> margin;
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
  // Decodes one whole utterance of 16 kHz mono PCM16 with the active search; `verify` (grammar
  // searches only, when the decoder was created with DecoderConfig::verify) also runs the
  // phone loop over it and fills Decoded::margin.
  Result<Decoded> decode(std::span<const int16_t> pcm, bool verify = false);

 private:
  Decoder() = default;
  // Reads the language model, adds the extra game words to it and makes it a search.
  bool loadLanguageModel();

  ps_decoder_s* ps_ = nullptr;  // owned
  cmd_ln_s* config_ = nullptr;  // owned
  int grammars_per_decoder_ = 8;
  std::string lm_path_;     // the language model for dictation; empty: dictation is off
  bool lm_loaded_ = false;  // loaded by the first useDictation()
  bool has_verify_ = false;
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

  // A pool of up to `size` decoders (>= 1). One is loaded now, which proves the model loads
  // (error "stt_unavailable" when it cannot); the others only when that many utterances are
  // decoded at once (each holds about 80 MB: a server nobody speaks to keeps one).
  static Result<std::unique_ptr<DecoderPool>> create(const DecoderConfig& config, int size);

  // A free decoder, loading another (on the calling thread, about a second) when all loaded
  // ones are busy and the pool is not full; else waiting up to `timeout`. Errors "overloaded"
  // (retry_after_s = 1) when none frees up in time, "stt_unavailable" when a load fails. The
  // pool must outlive the lease.
  Result<Lease> acquire(std::chrono::milliseconds timeout);

  [[nodiscard]] int size() const { return capacity_; }
  [[nodiscard]] int loaded() const;
  // Decoders a caller can have without waiting: free ones, and the ones not loaded yet.
  [[nodiscard]] int available() const;

 private:
  DecoderPool(const DecoderConfig& config, int capacity) : config_(config), capacity_(capacity) {}
  void release(Decoder* decoder);

  // const after construction
  const DecoderConfig config_;
  const int capacity_;
  mutable std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Decoder>> decoders_;
  std::vector<Decoder*> free_;
  int loading_ = 0;  // decoders being loaded outside mu_
};

}  // namespace startales::voice
