#pragma once

// Hand-made game states for the game library's unit tests, independent of the galaxy
// generator and the simulation.

#include "game/state.h"

namespace startales::game::testing {

// A small but complete state: 8 systems, 9 planets, 3 civs, 6 fleets (one of them pirates),
// relations with contact and war, proposals, events, market, counters, and one pending
// command of every Action kind. Derived members are rebuilt.
//
//   Lanes:  0 - 1 - 2 - 3 - 4 - 5
//                   |
//                   6 - 7
// Civ 0 (the Vegan Union) owns planet 0 in system 0 and planet 2 in system 1; it explored
// systems 0..3; it is at peace with civ 1 and has never met civ 2.
// Civ 1 owns planets 5 and 6 in system 5; civ 2 owns planet 8 in system 7; they are at war.
GameState smallState();

// A minimal complete state (about 1.3 KB serialized) for tests that parse it many times:
// systems 0 - 1 - 2, civ 0 owning planet 0 in system 0, civ 1 owning planet 1 in system 2,
// one moving fleet, one pirate fleet, a proposal, an event and three pending commands.
GameState tinyState();

// A large regular state for size and speed checks: side x side systems in a grid (lanes to
// the four neighbours), 3 planets each, `civs` civs with a capital each, spread out, that
// have explored the 10 x 10 block around it, 3 fleets per civ and some pirates.
GameState gridState(int side, int civs);

}  // namespace startales::game::testing
