#pragma once

// The embedded speech recogniser (CMU pocketsphinx, en-us model).
//
// Grammar mode decodes against a JSGF grammar built from the request's Vocabulary (see
// command_grammar.h). Speech that reaches no end of the grammar, or whose text parses to no
// command, or whose posterior is below min_confidence, comes back rejected. Confidence is
// calibrated from a second pass: the grammar hypothesis' acoustic score is compared with a
// free phone loop's over the same audio (speech the grammar forced onto a command scores far
// below the phone loop). The lattice posterior is useless here: pocketsphinx reports ~1.0 for
// nearly every grammar hypothesis. Measured accuracy: see tests/voice/stt.
//
// Dictation mode decodes with the open en-us language model. Its accuracy is LOW: expect
// many wrong words even on clean speech. It is a fallback for free questions when no
// Whisper server is configured, not a substitute for one.
//
// Threading: transcribe() is safe from many threads; it blocks for the decode (tens of ms
// per second of audio in grammar mode), so call it from a worker pool. Concurrency is
// bounded by the decoder pool.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "voice/stt/command_grammar.h"
#include "voice/stt/decoder_pool.h"
#include "voice/stt/pronouncing_dictionary.h"
#include "voice/stt/stt.h"

namespace startales::voice {

struct PocketsphinxConfig {
  DecoderConfig decoder;  // model paths; dictation on/off
  int decoders = 2;       // decoders in the pool = concurrent decodes (default 2)
  // How long a request waits for a free decoder before "overloaded" (default 250 ms).
  std::chrono::milliseconds acquire_timeout{250};
  double min_confidence = 0.5;  // 0..1; grammar-mode commands below it are rejected
  // Grammar-mode confidence = logistic((margin - verify_center) / verify_scale), where margin
  // is Decoded::margin (grammar vs free phone loop acoustic score per speech frame). Needs
  // decoder.verify. Calibrated on espeak-ng speech (-50 dBFS comfort noise): 150 commands in
  // 6 voices x 4 speeds had margins >= -26 but one outlier (-44); 20 out-of-grammar
  // sentences gave <= -29 but two (-26, -22); the round-trip test's 60 commands had two
  // below (-30, -38: f3 at 200 wpm, sibilants), its 8 out-of-grammar sentences <= -32.
  double verify_center = -27;
  double verify_scale = 3;
  size_t grammar_cache = 64;  // compiled grammars kept (by vocabulary hash)
  // Adds the filler loop to the grammar (see command_grammar.h). Off by default: measured
  // with espeak-ng speech it swallowed nearly every real command too.
  bool filler_loop = false;
  // Comfort noise added to every utterance before decoding: RMS level in dBFS (default -50;
  // 0 = none). The en-us model was trained on recordings that always hold some noise;
  // digitally silent stretches (synthetic speech, gated microphones) give degenerate
  // log-energy features the silence model does not match, and the grammar search then
  // fails to reach its end. At -50 dBFS the noise is far below any real microphone's floor.
  double noise_floor_dbfs = -50;
  // Silence (plus comfort noise) added before and after the utterance, in ms (default 0).
  int pad_ms = 0;
};

// 16 kHz float samples → the decoder's PCM16: `pad_samples` of silence on each side, then
// Gaussian comfort noise at `noise_floor_dbfs` RMS (>= 0: none), deterministic. Exposed for
// tests.
std::vector<int16_t> conditionForDecoder(std::span<const float> samples, double noise_floor_dbfs,
                                         int pad_samples);

class PocketsphinxStt final : public SpeechToText {
 public:
  // Loads the dictionary and the first decoder (slow: a few hundred milliseconds; the first
  // dictation then loads the language model).
  // Error "stt_unavailable" when the model is missing.
  static Result<std::unique_ptr<PocketsphinxStt>> create(const PocketsphinxConfig& config);

  Result<Transcript> transcribe(const Audio& audio, const TranscribeOptions& opts) override;
  [[nodiscard]] std::string_view name() const override { return "pocketsphinx"; }

  // The compiled grammar of `vocabulary` (built once per distinct hash, then cached).
  std::shared_ptr<const CompiledGrammar> grammarFor(const Vocabulary& vocabulary);
  [[nodiscard]] const PronouncingDictionary& dictionary() const { return *dict_; }
  [[nodiscard]] DecoderPool& pool() { return *pool_; }

 private:
  PocketsphinxStt() = default;

  // const after create()
  PocketsphinxConfig config_;
  std::shared_ptr<const PronouncingDictionary> dict_;
  std::unique_ptr<DecoderPool> pool_;

  std::mutex cache_mu_;
  std::map<uint64_t, std::shared_ptr<const CompiledGrammar>> cache_;  // guarded by cache_mu_
  std::deque<uint64_t> cache_order_;  // insertion order, oldest first; guarded by cache_mu_
};

}  // namespace startales::voice
