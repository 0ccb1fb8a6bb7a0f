#pragma once

// Audio for tests that need samples but not speech: a sine tone, as a speech engine might
// send or receive it.

#include <cmath>
#include <cstddef>
#include <numbers>

#include "voice/audio/audio.h"

namespace startales::testing {

// `seconds` of a `hz` sine at `rate` samples per second, peak `amplitude` (full scale 1.0).
inline voice::Audio tone(int rate, double seconds, double hz = 220, double amplitude = 0.3) {
  voice::Audio a;
  a.sample_rate = rate;
  const auto n = static_cast<size_t>(rate * seconds);
  a.samples.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    a.samples.push_back(
        static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * hz * i / rate)));
  }
  return a;
}

}  // namespace startales::testing
