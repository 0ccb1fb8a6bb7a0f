// Population growth and starvation, unrest, revolts and war weariness.

#include <algorithm>
#include <cmath>

#include "game/sim.h"

namespace startales::game {

double housing(const GameState& s, const Planet& p) {
  double h = p.size * kHousingPerSize * p.habitability / 100.0 +
             p.buildings[static_cast<int>(Building::kHabitat)] *
                 buildingRule(Building::kHabitat).housing;
  return std::max(1.0, h * (1 + modifier(s, p.owner, Modifier::kHousing)));
}

double unrestTarget(const GameState& s, const Planet& p, double housing_cap) {
  const Civ& civ = s.civs[p.owner];
  auto short_of = [&](Resource r) { return civ.shortage[static_cast<int>(r)]; };
  double target = civ.policies.tax_rate * kUnrestPerTax;
  target += kUnrestFoodShortage * short_of(Resource::kFood) +
            kUnrestEnergyShortage * short_of(Resource::kEnergy) +
            kUnrestCreditShortage * short_of(Resource::kCredits);
  target += civ.war_weariness * kUnrestPerWeariness;
  if (p.population > kCrowdedShare * housing_cap) target += kUnrestCrowded;
  if (p.blockaded) target += kUnrestBlockaded;
  target -= civ.policies.budget[static_cast<int>(BudgetArea::kWelfare)] * kUnrestPerWelfare;
  if (p.capital) target -= kUnrestCapital;
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
    civ.war_weariness = wars > 0 ? std::min(kMaxWeariness,
                                            civ.war_weariness + kWearinessPerWar * wars)
                                 : std::max(0.0, civ.war_weariness - kWearinessRecovery);

    const double starving = civ.shortage[static_cast<int>(Resource::kFood)];
    const double growth = kGrowthRate * (1 + modifier(s, civ.id, Modifier::kPopGrowth)) *
                          budgetMultiplier(civ, BudgetArea::kWelfare);
    if (starving > 0 && s.tick % kReminderPeriod == 0) {
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
      p.population = std::max(kMinPopulation, p.population);

      p.unrest += (unrestTarget(s, p, cap) - p.unrest) * kUnrestResponse;
      p.unrest = std::clamp(p.unrest, 0.0, 100.0);
      p.unrest_ticks = p.unrest >= kRevoltUnrest ? p.unrest_ticks + 1 : 0;
      if (p.unrest_ticks < kRevoltTicks) continue;

      p.unrest_ticks = 0;
      if (p.capital) {  // the capital riots instead of seceding
        p.population *= kRiotSurvivors;
        p.unrest = kRiotUnrest;
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
      p.unrest = kRevoltAfterUnrest;
    }
  }
}

}  // namespace startales::game
