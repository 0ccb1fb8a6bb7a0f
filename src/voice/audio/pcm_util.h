#pragma once

// Internal helpers shared by the audio sources (not part of the library's interface).

#include <cstdint>
#include <string>

namespace startales::voice {

// -1..1 float to PCM16: clipped, rounded; NaN becomes 0.
int16_t toInt16(float sample);
// Appends `value` little-endian.
void appendLe16(std::string& out, int16_t value);

}  // namespace startales::voice
