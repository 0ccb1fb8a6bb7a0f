// Research: points accrue in runEconomy; here a finished technology is granted.

#include <algorithm>

#include "game/sim.h"

namespace startales::game {

double techCost(const Civ& civ, int tech) {
  int known = 0;
  for (bool t : civ.techs) known += t;
  return techRule(tech).cost * (1 + kTechCostGrowth * known);
}

void runResearch(GameState& s, Notices& out) {
  for (auto& civ : s.civs) {
    if (!civ.alive || civ.researching == kNone) continue;
    const auto& rule = techRule(civ.researching);
    const double cost = techCost(civ, civ.researching);
    if (civ.research_progress + 1e-9 < cost) continue;
    const int tech = civ.researching;
    civ.techs[tech] = true;
    refreshModifiers(s, civ.id);
    civ.research_progress = std::max(0.0, civ.research_progress - cost);  // surplus carries on
    civ.researching = kNone;
    s.counters.techs_researched++;
    auto& n = notifyRef(s, out, civ.id, "tech_researched",
                        "The " + civ.name + " researched " + std::string(rule.name) + ": " +
                            std::string(rule.unlocks) + ".");
    n.ref = tech;
  }
}

}  // namespace startales::game
