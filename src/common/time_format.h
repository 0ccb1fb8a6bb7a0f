#pragma once

#include <cstdint>
#include <string>

namespace startales {

// ISO 8601 UTC with milliseconds for a time in ms since the Unix epoch,
// e.g. "2026-11-26T10:46:11.123Z".
std::string isoTime(int64_t ms_since_epoch);

}  // namespace startales
