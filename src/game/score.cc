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
      contentment += (100 - s.planets[id].unrest) / kContentmentDivisor;
    }
    int techs = 0;
    for (bool t : civ.techs) techs += t;
    int ties = 0;
    for (const auto& other : s.civs) {
      if (other.id == civ.id || !other.alive) continue;
      Treaty t = s.relation(civ.id, other.id).treaty;
      ties += t == Treaty::kTradePact ? 1 : t == Treaty::kAlliance ? 2 : 0;
    }
    civ.score.empire = s.civ_planets[civ.id].size() * kScorePerPlanet + population * kScorePerPop +
                       strength[civ.id] * kScorePerStrength;
    civ.score.discovery = techs * kScorePerTech + civ.explored_count * kScorePerSystem;
    civ.score.story = civ.events_resolved * kScorePerEvent + civ.battles_won * kScorePerBattle +
                      civ.colonies_founded * kScorePerColony;
    civ.score.social = contentment + civ.trades * kScorePerTrade +
                       civ.influence * kScorePerInfluence + ties * kScorePerTie;
  }
}

}  // namespace startales::game
