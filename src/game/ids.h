#pragma once

#include <cstdint>

namespace startales::game {

// Ids are indices into the state's vectors (fleets, proposals, events: sorted, searched).
using SystemId = int32_t;
using PlanetId = int32_t;
using CivId = int32_t;
using FleetId = int32_t;
inline constexpr int32_t kNone = -1;
inline constexpr CivId kPirates = -2;  // owner of pirate fleets; hostile to everyone

}  // namespace startales::game
