// AI empires: rule-based controllers with utility scoring. Every kAiPeriod ticks (staggered
// by civ id and the campaign's seed) each AI civilization looks at the state and submits commands through the same
// submit() path as players, so it obeys every rule a player does. Decisions are a pure
// function of the state (the campaign Rng included), so campaigns stay deterministic.
// The same planner advises players (advise(), advice.h); its phases are in planner*.cc.

#include <algorithm>

#include "game/planner.h"
#include "game/view.h"

namespace startales::game {

void Planner::run() {
  answerEvents();
  answerProposals();
  if (advising() || (s_.tick / kAiPeriod + civ_) % (kPolicyPeriod / kAiPeriod) == 0) setPolicies();
  chooseResearch();
  trade();
  build();
  commandFleets();
  diplomacy();
}

namespace {

// Whether `civ` decides this tick: every kAiPeriod ticks, staggered by civ id and by the
// campaign's seed, so the AI empires of campaigns started together do not all think in the
// same second (a server runs thousands of campaigns).
bool aiTurn(const GameState& s, const Civ& civ) {
  const auto offset = static_cast<int32_t>(s.config.seed % kAiPeriod);
  return (s.tick + civ.id + offset) % kAiPeriod == 0;
}

}  // namespace

void runAi(GameState& s) {
  Strengths strength;
  bool any = false;
  for (const auto& civ : s.civs) {
    any |= civ.ai && civ.alive && aiTurn(s, civ);
  }
  if (!any) return;
  strength.military.assign(s.civs.size(), 0);
  for (const auto& f : s.fleets) {
    if (f.owner >= 0) strength.military[f.owner] += fleetStrength(s, f);
  }
  for (const auto& civ : s.civs) {
    if (!civ.ai || !civ.alive || !aiTurn(s, civ)) continue;
    Planner(s, civ.id, strength).run();
  }
}

std::vector<Advice> advise(const GameState& s, CivId civ) {
  std::vector<Advice> out;
  if (civ < 0 || static_cast<size_t>(civ) >= s.civs.size() || !s.civs[civ].alive) return out;
  const std::vector<bool> sees = sensorCoverage(s, civ);
  Strengths strength;  // what the civ can count: its own fleets and the foreign ones in sight
  strength.military.assign(s.civs.size(), 0);
  for (const auto& f : s.fleets) {
    if (f.owner < 0) continue;
    if (f.owner == civ || sees[f.at] || (f.next != kNone && sees[f.next])) {
      strength.military[f.owner] += fleetStrength(s, f);
    }
  }
  Planner(s, civ, strength, &sees, &out).run();
  std::stable_sort(out.begin(), out.end(),
                   [](const Advice& a, const Advice& b) { return a.utility > b.utility; });
  return out;
}

}  // namespace startales::game
