#pragma once

// Audio as the voice module passes it around: mono float samples at a known rate, plus WAV
// parsing/encoding, raw PCM16 conversion and resampling. Pure functions, no shared state:
// safe to call from any thread.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace startales::voice {

// Mono audio. Samples are in -1..1 (values outside are clipped when encoded).
struct Audio {
  int sample_rate = 16000;  // Hz
  std::vector<float> samples;
};

// What parseWav accepts from a client.
struct AudioLimits {
  size_t max_bytes = 25u << 20;  // whole file, bytes (default 25 MiB)
  double max_seconds = 60;       // duration, seconds (default 60)
};

// Lowest and highest sample rates parseWav and resample accept, Hz.
inline constexpr int kMinSampleRate = 8000;
inline constexpr int kMaxSampleRate = 192000;

// Parses a RIFF/WAVE file: PCM 8/16/24/32-bit integer or IEEE float 32/64 (also inside
// WAVE_FORMAT_EXTENSIBLE), any rate in kMinSampleRate..kMaxSampleRate, mono or stereo
// (stereo is mixed down). Errors (Error::code): "invalid_audio" (not a WAV, truncated,
// empty, unsupported encoding; the message says which), "audio_too_large" (more than
// limits.max_bytes), "audio_too_long" (more than limits.max_seconds).
Result<Audio> parseWav(std::string_view bytes, const AudioLimits& limits = {});

// A PCM16 mono WAV of `audio` (44-byte header + samples).
std::string encodeWav(const Audio& audio);

// Raw little-endian PCM16 of the samples (clipped to -1..1, rounded).
std::string toPcm16(const Audio& audio);
// Little-endian PCM16 bytes as Audio at `sample_rate`; an odd trailing byte is ignored.
Audio fromPcm16(std::string_view bytes, int sample_rate);

// `in` converted to `sample_rate` with libsamplerate (SRC_SINC_FASTEST). A copy when the
// rates already match. Error "invalid_audio" for a rate outside kMinSampleRate..kMaxSampleRate
// (either side) or a libsamplerate failure.
Result<Audio> resample(const Audio& in, int sample_rate);

// Length in seconds (0 for a non-positive rate).
double durationSeconds(const Audio& audio);

}  // namespace startales::voice
