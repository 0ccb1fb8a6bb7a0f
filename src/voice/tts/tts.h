#pragma once

// Text to speech (issue 6): the TextToSpeech interface every engine implements (embedded
// espeak-ng, remote Coqui TTS, remote OpenAI-compatible), the voice description a character
// carries, and the output formats.
//
// Threading: synthesize() blocks until the whole text is spoken, cancelled or failed; run it
// on a worker thread (never on a network thread). Implementations are thread-safe: many
// threads may call synthesize() at once; each engine bounds its own concurrency and answers
// Error{"overloaded", retry_after_s} when saturated (the service turns it into 503 +
// Retry-After).
//
// Errors (Error::code):
//   invalid_text     empty, too long, or nothing speakable
//   invalid_voice    VoiceSpec out of range (unknown variant, pitch/range/rate out of bounds)
//   invalid_speed    speed outside 0.25..4
//   overloaded       no synthesizer free within the engine's bounded wait (retry_after_s)
//   cancelled        the CancelToken fired
//   tts_unavailable  engine missing / remote refused, 5xx, or 503 after retries
//   tts_timeout      a sentence took longer than the engine's timeout
//   tts_protocol     the engine answered something that is not audio

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "voice/audio/audio.h"
#include "outbound/cancel_token.h"

namespace startales::voice {

// Cancels a synthesis from any thread (barge-in): engines check it between sentences and, where
// they can, during one (espeak-ng: the process is killed; a remote call: its socket is closed).
using CancelToken = outbound::CancelToken;

// How a character sounds. The embedded engine uses variant/pitch/range/rate; remote engines
// use remote_voice (and reference_wav when they really clone). Same fields as ai::Voice;
// startales::tts does not depend on startales::ai (the caller maps between them).
struct VoiceSpec {
  std::string variant = "m3";  // espeak-ng voice variant: "m1".."m7" or "f1".."f5"
  int pitch = 50;              // base pitch, 0..99 (espeak-ng -p; 50 = variant default)
  int range = 50;              // pitch variation, 0..99 (0 = monotone, 50 = default)
  int rate = 175;              // speaking rate, words per minute, 80..260
  // Remote engines: Coqui speaker_id / OpenAI voice name; empty = the backend's default.
  std::string remote_voice;
  // Remote engines that clone (capabilities().clones_reference_audio): a WAV of the voice to
  // imitate, sent as-is. Ignored by engines that do not clone.
  std::string reference_wav;
};

// Checks the embedded fields. Error: invalid_voice.
Result<void> validateVoice(const VoiceSpec& voice);

// The embedded fields as one voice name, "f3:64:82:171" (variant:pitch:range:rate), so that a
// StarTales TTS service behind an OpenAI-compatible route (which names voices with strings)
// speaks with a character's exact voice; and back (nullopt unless it is that form and valid).
std::string voiceName(const VoiceSpec& voice);
std::optional<VoiceSpec> parseVoiceName(std::string_view name);

// The embedded engine's variants, in order: "m1".."m7", "f1".."f5" (for GET /voices).
std::span<const std::string_view> embeddedVariants();

// What one synthesize() call produced. Sample counts are at `sample_rate` (Hz).
struct SynthesisInfo {
  int sample_rate = 0;
  int64_t total_samples = 0;
  int sentences = 0;            // chunks delivered
  int64_t first_audio_ms = -1;  // call start -> first chunk handed to on_chunk
  int64_t total_ms = 0;         // call start -> return
};

// One sentence of audio, delivered in order. `audio` is only valid during the callback.
struct SpeechChunk {
  int index = 0;          // 0, 1, 2... in text order
  std::string_view text;  // the sentence spoken
  const Audio& audio;
};
// Runs on the synthesizing thread; keep it short (queue the chunk, do not block on a socket).
using ChunkFn = std::function<void(const SpeechChunk& chunk)>;

struct TtsCapabilities {
  std::string engine;                   // "espeak-ng", "coqui", "openai"
  bool clones_reference_audio = false;  // reference_wav is sent to an engine that clones
  bool uses_voice_spec = false;         // variant/pitch/range/rate shape the voice
};

class TextToSpeech {
 public:
  virtual ~TextToSpeech() = default;

  // Speaks `text` sentence by sentence: on_chunk is called once per sentence, in order, as
  // soon as that sentence is synthesized (the first arrives before the rest are done).
  // speed multiplies the voice's rate (0.25..4, 1 = as the voice says).
  virtual Result<SynthesisInfo> synthesize(std::string_view text, const VoiceSpec& voice,
                                           double speed, const ChunkFn& on_chunk,
                                           const CancelToken& cancel) = 0;

  [[nodiscard]] virtual TtsCapabilities capabilities() const = 0;
};

// Convenience for non-streaming callers: all chunks joined into one Audio.
Result<Audio> synthesizeAll(TextToSpeech& tts, std::string_view text, const VoiceSpec& voice,
                            double speed = 1.0, const CancelToken& cancel = {});

// Output formats of the service: WAV (PCM16 mono) or raw PCM16 little-endian mono.
enum class AudioFormat { kWav, kPcm16 };
// "wav" | "pcm". Error: invalid_format.
Result<AudioFormat> parseAudioFormat(std::string_view name);
std::string encodeAudio(const Audio& audio, AudioFormat format);
std::string_view contentType(AudioFormat format);  // "audio/wav" | "audio/pcm"

}  // namespace startales::voice
