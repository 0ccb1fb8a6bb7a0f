#pragma once

// Validation of a decoded snapshot (internal to src/game): every id that indexes a vector must
// be in range, so no code downstream can read out of bounds from a hostile snapshot.

#include <string>

#include "game/state.h"

namespace startales::game {

// "" when the state is consistent, else what is wrong.
std::string checkIds(const GameState& s);

}  // namespace startales::game
