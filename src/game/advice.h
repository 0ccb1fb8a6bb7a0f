#pragma once

// What the game can tell a civilization about its own situation, for advisors: the AI
// empires' planner run for that civilization (its ranked orders and why), and the breakdowns
// behind the numbers a player sees (where the income goes, why unrest moves). Pure and
// deterministic, like the rest of game/.
//
// Fog of war: advise() plans with what `civ` may know (viewFor's rules): foreign fleets
// count only while under its sensors, and only systems it explored are searched. The AI
// empires themselves still plan with the whole state (runAi).

#include <array>
#include <string>
#include <vector>

#include "game/state.h"

namespace startales::game {

// One order the planner would give, with its utility (higher first; comparable across
// advice of one call only) and why, as a clause with the numbers it weighed: "energy is +2 a
// day, below the 15 the planner keeps in hand".
struct Advice {
  Action action;
  double utility = 0;
  std::string reason;
};

// The planner's orders for `civ` this turn, best first (ties keep the planner's order).
// Every one passed validate() against `s`. Empty for a dead or unknown civ.
std::vector<Advice> advise(const GameState& s, CivId civ);

// One line of a civilization's income or spending last tick, in units per tick: positive
// lines earn, negative ones cost. Lines sum to civ.income for that resource.
struct LedgerLine {
  std::string item;  // "taxes", "factories", "building maintenance", "sprawl", "ship upkeep"...
  double amount = 0;
};
// Per resource (Resource order): the lines, largest magnitude first, zero lines left out.
using Ledger = std::array<std::vector<LedgerLine>, kResourceCount>;
// The next tick's economy of `civ` line by line, at its current buildings, people, policies
// and shortages: the simulation's formulas term by term, so the lines of a resource sum to
// the civ.income the next step() records for it. Market trades are not income.
Ledger ledgerFor(const GameState& s, CivId civ);

// What pushes a planet's unrest toward its target (unrest points; negative calms).
struct UnrestCause {
  std::string cause;  // "taxes at 20%", "food shortage", "welfare budget"...
  double points = 0;
};
struct UnrestReport {
  PlanetId planet = kNone;
  double unrest = 0;  // now
  double target = 0;  // where it is heading (it moves 5% of the gap per tick)
  std::vector<UnrestCause> causes;  // largest magnitude first
};
UnrestReport unrestFor(const GameState& s, PlanetId planet);

}  // namespace startales::game
