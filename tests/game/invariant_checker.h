#pragma once

// The game's invariants after a tick, for the property tests: no NaN, infinity or negative
// stock anywhere; population within housing, unrest within 0..100, prices within their floor
// and ceiling; fleets on real systems and lanes; planet owners matching civ_planets; treaties
// moving only forward; every civilization's view showing only what fog of war allows, and the
// view delta from the previous tick rebuilding it exactly. It keeps the previous tick's views
// and relations, so one checker follows one campaign from its first tick.

#include <memory>
#include <string>
#include <vector>

#include "game/game.h"

namespace startales::game {

class InvariantChecker {
 public:
  explicit InvariantChecker(const GameState& s);
  ~InvariantChecker();
  // Every problem found in `s` after a tick that produced `notices` (at most 25); empty when
  // all is well.
  std::vector<std::string> check(const GameState& s, const std::vector<Notice>& notices);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace startales::game
