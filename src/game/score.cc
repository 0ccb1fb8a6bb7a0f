// The four-axis score: empire (size), discovery (knowledge), story (deeds), social
// (contentment and ties).

#include "game/sim.h"

namespace startales::game {

void updateScores(GameState& s) {
  std::vector<double> strength(s.civs.size(), 0);
  for (const auto& f : s.fleets) {
    if (f.owner >= 0) strength[f.owner] += fleetStrength(s, f);
  }
  for (auto& civ : s.civs) {
    if (!civ.alive) continue;
    double population = 0, contentment = 0;
    for (PlanetId id : s.civ_planets[civ.id]) {
      population += s.planets[id].population;
      contentment += (100 - s.planets[id].unrest) / 20;
    }
    int techs = 0;
    for (bool t : civ.techs) techs += t;
    int ties = 0;
    for (const auto& other : s.civs) {
      if (other.id == civ.id || !other.alive) continue;
      Treaty t = s.relation(civ.id, other.id).treaty;
      ties += t == Treaty::kTradePact ? 1 : t == Treaty::kAlliance ? 2 : 0;
    }
    civ.score.empire = s.civ_planets[civ.id].size() * 10.0 + population * 0.5 + strength[civ.id] * 0.1;
    civ.score.discovery = techs * 25.0 + civ.explored_count;
    civ.score.story = civ.events_resolved * 5.0 + civ.battles_won * 10.0 + civ.colonies_founded * 5.0;
    civ.score.social = contentment + civ.trades * 0.2 + civ.influence * 0.5 + ties * 10.0;
  }
}

}  // namespace startales::game
