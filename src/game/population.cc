// Population growth and starvation, unrest, revolts and war weariness.

#include <algorithm>
#include <cmath>

#include "game/sim.h"

namespace startales::game {
namespace {

constexpr double kHabitatHousing = 15;   // thousand people per habitat
constexpr double kOvercrowdDecline = 0.01;  // fraction of the excess lost per tick
constexpr double kUnrestResponse = 0.05;  // unrest moves this fraction toward its target
constexpr double kWearinessPerWar = 0.1;    // per tick per war
constexpr double kWearinessRecovery = 0.1;  // per tick at peace

}  // namespace

double housing(const GameState& s, const Planet& p) {
  double h = p.size * kHousingPerSize * p.habitability / 100.0 +
             p.buildings[static_cast<int>(Building::kHabitat)] * kHabitatHousing;
  return std::max(1.0, h * (1 + modifier(s, p.owner, Modifier::kHousing)));
}

double unrestTarget(const GameState& s, const Planet& p, double housing_cap) {
  const Civ& civ = s.civs[p.owner];
  auto short_of = [&](Resource r) { return civ.shortage[static_cast<int>(r)]; };
  double target = civ.policies.tax_rate * 1.0;
  target += 30 * short_of(Resource::kFood) + 15 * short_of(Resource::kEnergy) +
            10 * short_of(Resource::kCredits);
  target += civ.war_weariness * 0.3;
  if (p.population > 0.98 * housing_cap) target += 8;
  if (p.blockaded) target += 10;
  target -= civ.policies.budget[static_cast<int>(BudgetArea::kWelfare)] * 0.4;
  if (p.capital) target -= 5;
  target *= 1 + modifier(s, p.owner, Modifier::kUnrest);
  return std::clamp(target, 0.0, 100.0);
}

void runPopulation(GameState& s, Notices& out) {
  for (auto& civ : s.civs) {
    if (!civ.alive) continue;
    int wars = 0;
    for (const auto& other : s.civs) {
      if (other.id != civ.id && other.alive && s.relation(civ.id, other.id).treaty == Treaty::kWar) wars++;
    }
    civ.war_weariness = wars > 0 ? std::min(100.0, civ.war_weariness + kWearinessPerWar * wars)
                                 : std::max(0.0, civ.war_weariness - kWearinessRecovery);

    const double starving = civ.shortage[static_cast<int>(Resource::kFood)];
    const double growth = kGrowthRate * (1 + modifier(s, civ.id, Modifier::kPopGrowth)) *
                          budgetMultiplier(civ, BudgetArea::kWelfare);
    if (starving > 0 && s.tick % 30 == 0) {
      notify(s, out, civ.id, "starvation", "The " + civ.name + " is short of food; people are starving.");
    }
    // Copy: a revolt changes civ_planets while we walk it.
    const std::vector<PlanetId> planets = s.civ_planets[civ.id];
    for (PlanetId id : planets) {
      Planet& p = s.planets[id];
      const double cap = housing(s, p);
      if (starving > 0) {
        p.population -= p.population * kStarvationRate * starving;
      } else if (p.population < cap) {
        p.population += growth * p.population * (1 - p.population / cap);
      } else {
        p.population -= (p.population - cap) * kOvercrowdDecline;
      }
      p.population = std::max(0.1, p.population);

      p.unrest += (unrestTarget(s, p, cap) - p.unrest) * kUnrestResponse;
      p.unrest = std::clamp(p.unrest, 0.0, 100.0);
      p.unrest_ticks = p.unrest >= kRevoltUnrest ? p.unrest_ticks + 1 : 0;
      if (p.unrest_ticks < kRevoltTicks) continue;

      p.unrest_ticks = 0;
      if (p.capital) {  // the capital riots instead of seceding
        p.population *= 0.9;
        p.unrest = 60;
        auto& n = notifyRef(s, out, civ.id, "riots", "Riots broke out on " + p.name + ", the capital.");
        n.planet = p.id;
        n.system = p.system;
        continue;
      }
      s.counters.revolts++;
      auto& n = notifyRef(s, out, civ.id, "revolt",
                          p.name + " revolted and declared independence from the " + civ.name + ".");
      n.planet = p.id;
      n.system = p.system;
      changeOwner(s, id, kNone, out);
      p.unrest = 30;
    }
  }
}

}  // namespace startales::game
