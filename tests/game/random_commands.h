#pragma once

// Random command streams for property and determinism tests. A generator draws from its own
// Rng (never the state's), so generating commands does not change the game; the same seed and
// the same state give the same commands.

#include <array>
#include <cstdint>
#include <variant>

#include "game/command.h"
#include "game/rng.h"
#include "game/state.h"

namespace startales::game::testing {

inline constexpr int kActionCount = static_cast<int>(std::variant_size_v<Action>);

class RandomCommands {
 public:
  explicit RandomCommands(uint64_t seed) : rng_(seed) {}

  // A command for `civ`, of a random Action alternative. About two thirds are plausible:
  // built from the state (own planets and fleets, explored systems, open techs, met civs,
  // open proposals and events) and often valid. The rest are garbage: wrong or foreign ids,
  // negative and huge amounts, out-of-range policies, and now and then a wrong issuing civ.
  // Enum fields always hold declared values (the API layer parses names into them).
  Command next(const GameState& s, CivId civ);

  // Like next(), but of the alternative with index `kind` in Action.
  Command next(const GameState& s, CivId civ, int kind);

  // Whether the last command built was meant to be plausible (else garbage).
  [[nodiscard]] bool lastPlausible() const { return plausible_; }

 private:
  Action plausibleAction(const GameState& s, CivId civ, int kind);
  Action garbageAction(const GameState& s, CivId civ, int kind);
  int32_t anyId(int32_t size);  // valid, just out of range, negative or extreme
  int32_t pick(int32_t size);   // [0, size), size > 0

  Rng rng_;
  bool plausible_ = false;
};

}  // namespace startales::game::testing
