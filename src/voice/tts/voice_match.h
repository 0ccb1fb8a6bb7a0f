#pragma once

// Voice matching for /clone-voice: measures a few speaker traits of a reference recording and
// picks the closest voice the embedded engine can make. This is NOT voice cloning: espeak-ng
// is a formant synthesizer with a dozen variants, so the result only shares the speaker's
// register (male/female), median pitch, pitch variation, speaking rate and, coarsely,
// brightness. Engines that really clone take the reference audio as-is (see
// TtsCapabilities::clones_reference_audio).
//
// Pure functions, thread-safe; cost is ~O(seconds x 16000 x 230) for the pitch tracker.

#include "common/result.h"
#include "voice/audio/audio.h"
#include "voice/tts/tts.h"

namespace startales::voice {

struct SpeakerTraits {
  double pitch_median_hz = 0;  // median F0 over voiced frames
  double pitch_p10_hz = 0;     // 10th / 90th percentile of F0
  double pitch_p90_hz = 0;
  double pitch_range_semitones = 0;  // 12 * log2(p90 / p10)
  double syllables_per_s = 0;        // energy-envelope peaks per second of speech
  int words_per_minute = 0;          // syllables_per_s mapped to wpm (~1.5 syllables/word)
  double centroid_hz = 0;            // mean spectral centroid of speech frames (brightness)
  double speech_s = 0;               // seconds from the first to the last speech frame
  double voiced_fraction = 0;        // voiced frames / speech frames
};

// Measures the traits (internally at 16 kHz). Errors: invalid_audio (shorter than 0.5 s),
// no_speech (silence, or too few voiced frames to estimate a pitch).
Result<SpeakerTraits> estimateTraits(const Audio& audio);

// The embedded voice closest to `traits`: f* when the median pitch is above ~165 Hz, else m*;
// the variant within the family by brightness; pitch, range and rate mapped from the
// measurements through a calibration of espeak-ng's own output.
VoiceSpec matchVoice(const SpeakerTraits& traits);

}  // namespace startales::voice
