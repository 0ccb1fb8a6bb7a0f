// AI empires: rule-based controllers with utility scoring. Every kAiPeriod ticks (staggered
// by civ id) each AI civilization looks at the state and submits commands through the same
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

void runAi(GameState& s) {
  Strengths strength;
  bool any = false;
  for (const auto& civ : s.civs) {
    any |= civ.ai && civ.alive && (s.tick + civ.id) % kAiPeriod == 0;
  }
  if (!any) return;
  strength.military.assign(s.civs.size(), 0);
  for (const auto& f : s.fleets) {
    if (f.owner >= 0) strength.military[f.owner] += fleetStrength(s, f);
  }
  for (const auto& civ : s.civs) {
    if (!civ.ai || !civ.alive || (s.tick + civ.id) % kAiPeriod != 0) continue;
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
