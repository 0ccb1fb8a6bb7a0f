#pragma once

// The embedded engine: espeak-ng, one `espeak-ng --stdout` process per sentence, at most
// `max_processes` at a time.
//
// Why processes and not libespeak-ng in-process: the library keeps process-wide state
// (espeak_Initialize, the current voice and parameters are globals, not thread-safe), so
// in-process it could only ever run on one dedicated thread, i.e. one core. A process per
// sentence runs on every core, can be killed mid-sentence (barge-in, timeout), and keeps a
// crash of the engine on untrusted text (espeak-ng 1.51 has had several memory-safety CVEs)
// out of the server. The price is ~10-15 ms of process start per sentence (measured: a
// 3.4 s sentence takes ~7 ms in the library, ~20 ms as a process), small next to the audio.
// Measured with bench/tts_measure (release, 2 shared cores): first audio of a short
// sentence ~11 ms; a 3-sentence reply at RTF 0.004; 2 processes sustain ~480 s of audio per
// second, i.e. hundreds of real-time speakers; more processes than cores only add latency.
//
// Admission: the first sentence of a call waits at most `queue_wait_ms` for a free process
// slot, then the call fails with "overloaded" (retry_after_s = 1); later sentences of an
// admitted call wait up to `sentence_timeout_ms`. The slot is released between sentences, so
// on_chunk never holds one and long replies interleave with short ones.
//
// Thread-safety: synthesize() may be called from any number of threads.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "voice/tts/sentence_tts.h"

namespace startales::voice {

struct EspeakConfig {
  std::string binary = "espeak-ng";  // program name (looked up in PATH) or path
  std::string language = "en-us";    // espeak-ng voice; the variant is appended (+m3)
  int max_processes = 2;             // concurrent espeak-ng processes (default 2: one per core)
  int queue_wait_ms = 250;           // a new call waits this long for a slot, then "overloaded"
  int sentence_timeout_ms = 10000;   // one sentence's process is killed after this (ms)
  int sample_rate = 0;               // output rate in Hz; 0 = espeak-ng's own (22050)
  TextLimits limits;
};

// Checks the config. One string per problem (empty when valid).
std::vector<std::string> validateConfig(const EspeakConfig& config);

// The espeak-ng command line for one sentence (SSML on the command line, WAV on stdout):
// variant -> "-v en-us+m3", pitch -> -p, rate x speed -> -s (80..450), range -> SSML
// <prosody range="N%"> (50 -> 100%, the engine default).
std::vector<std::string> espeakArgs(const EspeakConfig& config, const VoiceSpec& voice,
                                    double speed, const std::string& sentence);

class EspeakTts final : public SentenceTts {
 public:
  // Validates the config and checks the binary runs (a one-word synthesis).
  // Errors: invalid_config (all problems in one message), tts_unavailable.
  static Result<std::unique_ptr<EspeakTts>> create(EspeakConfig config);

  [[nodiscard]] TtsCapabilities capabilities() const override {
    return TtsCapabilities{"espeak-ng", false, true};
  }
  [[nodiscard]] int busy() const;           // processes running now
  [[nodiscard]] uint64_t rejected() const;  // calls refused with "overloaded"

 protected:
  Result<Audio> synthesizeSentence(const std::string& sentence, const VoiceSpec& voice,
                                   double speed, int index, const CancelToken& cancel) override;

 private:
  explicit EspeakTts(EspeakConfig config)
      : SentenceTts(config.limits, config.sample_rate), config_(std::move(config)) {}
  bool acquire(int wait_ms, const CancelToken& cancel);
  void release();

  // const after construction
  const EspeakConfig config_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  int busy_ = 0;           // guarded by mu_
  uint64_t rejected_ = 0;  // guarded by mu_
};

// Reads the WAV espeak-ng writes to stdout (a canonical 44-byte PCM16 mono header whose size
// fields are left at 0x7fffffff because stdout cannot seek) into Audio. Error: tts_protocol.
Result<Audio> decodeEspeakStdout(std::string_view bytes);

}  // namespace startales::voice
