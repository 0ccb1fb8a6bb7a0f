#pragma once

// Speech to text: the interface every engine implements (embedded pocketsphinx in grammar
// or dictation mode, remote Whisper servers) and what it returns.
//
// Threading: transcribe() blocks (decoding, network) and must run on a worker pool, never
// on a network thread. Implementations are safe to call from many threads at once; each
// bounds its own concurrency and answers "overloaded" (with retry_after_s) when saturated
// rather than queueing without bound.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "game/command.h"
#include "voice/audio/audio.h"
#include "voice/stt/vocabulary.h"

namespace startales::voice {

enum class SttMode {
  kGrammar,    // only the campaign's command phrasings (needs a vocabulary); accurate
  kDictation,  // open English; low accuracy with the embedded engine
};
std::string_view sttModeName(SttMode mode);  // "grammar" | "dictation"
std::optional<SttMode> parseSttMode(std::string_view name);

struct TranscribeOptions {
  SttMode mode = SttMode::kGrammar;
  // The player's live names. Required in grammar mode; in any mode, when set, the text is
  // also parsed into a game command. Shared and immutable: many requests may hold it.
  std::shared_ptr<const Vocabulary> vocabulary;
};

struct Timings {
  double decode_ms = 0;  // wall time spent recognising (queueing for a decoder excluded)
  double audio_ms = 0;   // length of the audio
};

struct Transcript {
  std::string text;         // lower-case words as recognised ("" for silence)
  double confidence = 0;    // 0..1; see each engine for what it measures
  bool rejected = false;    // out of grammar or below the engine's confidence threshold
  Timings timings;
  std::optional<game::Action> command;  // the parsed command, when the text is one
  std::string command_text;             // the words that made the command
};

class SpeechToText {
 public:
  virtual ~SpeechToText() = default;
  // Blocking. Errors: "invalid_audio", "invalid_argument" (e.g. grammar mode without a
  // vocabulary, or a mode the engine does not offer), "overloaded" (retry_after_s set),
  // remote engines: "stt_unavailable", "stt_timeout", "stt_protocol".
  virtual Result<Transcript> transcribe(const Audio& audio, const TranscribeOptions& opts) = 0;
  // "pocketsphinx", "whisper.cpp", "openai".
  [[nodiscard]] virtual std::string_view name() const = 0;
};

}  // namespace startales::voice
