// Production, upkeep and taxes: what each civilization's planets and fleets make and cost
// in one tick. Shortfalls never make a stock negative; they are recorded in civ.shortage
// and have consequences elsewhere (starvation, unrest, unpaid crews, brownouts).

#include <algorithm>
#include <cmath>

#include "game/sim.h"

namespace startales::game {

Modifier outputModifier(int resource) {
  switch (static_cast<Resource>(resource)) {
    case Resource::kCredits: return Modifier::kCreditOutput;
    case Resource::kMinerals: return Modifier::kMineralOutput;
    case Resource::kEnergy: return Modifier::kEnergyOutput;
    case Resource::kFood: return Modifier::kFoodOutput;
    case Resource::kExotics: return Modifier::kExoticsOutput;
  }
  return Modifier::kNone;
}

double budgetMultiplier(const Civ& civ, BudgetArea area) {
  // 0% -> 0.6, 25% -> 1.0, 50% -> 1.4, 100% -> 2.2
  return kBudgetBase + kBudgetSlope * civ.policies.budget[static_cast<int>(area)] / 100.0;
}

double unrestPenalty(const Planet& p) {
  return p.unrest > kUnrestPenaltyStart ? 1 - (p.unrest - kUnrestPenaltyStart) / 100 : 1;
}

double planetEfficiency(const GameState& s, const Planet& p) {
  int jobs = 0;
  for (int b = 0; b < kBuildingCount; ++b) jobs += p.buildings[b] * buildingRule(static_cast<Building>(b)).workers;
  double staffing = jobs == 0 ? 1 : std::min(1.0, p.population / jobs);
  double brownout = 1 - kBrownout * s.civs[p.owner].shortage[static_cast<int>(Resource::kEnergy)];
  return staffing * unrestPenalty(p) * (p.blockaded ? kBlockadeOutput : 1) * brownout;
}

void runEconomy(GameState& s, Notices& out) {
  std::vector<std::array<double, kShipClassCount>> ships(s.civs.size());
  for (auto& row : ships) row.fill(0);
  for (const auto& f : s.fleets) {
    if (f.owner < 0) continue;
    for (int c = 0; c < kShipClassCount; ++c) ships[f.owner][c] += f.ships[c];
  }

  for (auto& civ : s.civs) {
    if (!civ.alive) continue;
    std::array<double, kResourceCount> mult{};
    for (int r = 0; r < kResourceCount; ++r) mult[r] = 1 + modifier(s, civ.id, outputModifier(r));
    Stock produced{}, consumed{};
    double research = 0;
    const double research_mult = (1 + modifier(s, civ.id, Modifier::kResearchOutput)) *
                                 budgetMultiplier(civ, BudgetArea::kResearch);

    for (PlanetId id : s.civ_planets[civ.id]) {
      const Planet& p = s.planets[id];
      const double eff = planetEfficiency(s, p);
      for (int b = 0; b < kBuildingCount; ++b) {
        const int n = p.buildings[b];
        if (n == 0) continue;
        const auto& rule = buildingRule(static_cast<Building>(b));
        const double richness =
            rule.deposit >= 0 ? kRichnessBase + kRichnessPerDeposit * p.deposits[rule.deposit] : 1;
        for (int r = 0; r < kResourceCount; ++r) {
          const double v = rule.output[r];
          if (v > 0) produced[r] += n * v * eff * richness * mult[r];
          if (v < 0) consumed[r] -= n * v;
        }
        research += n * rule.research * eff * research_mult;
        consumed[static_cast<int>(Resource::kCredits)] += n * kMaintenance;
      }
      consumed[static_cast<int>(Resource::kFood)] += p.population * kFoodPerPop;
      consumed[static_cast<int>(Resource::kEnergy)] += p.population * kEnergyPerPop;
      produced[static_cast<int>(Resource::kCredits)] +=
          p.population * civ.policies.tax_rate / 100.0 * kTaxPerPop * unrestPenalty(p) *
          (1 + modifier(s, civ.id, Modifier::kTaxEfficiency)) * (p.blockaded ? kBlockadeOutput : 1);
      if (p.capital) research += kCapitalResearch * research_mult;
    }
    const double planets = static_cast<double>(s.civ_planets[civ.id].size());
    consumed[static_cast<int>(Resource::kCredits)] += kSprawl * planets * planets;
    for (int c = 0; c < kShipClassCount; ++c) {
      consumed[static_cast<int>(Resource::kCredits)] +=
          ships[civ.id][c] * shipRule(static_cast<ShipClass>(c)).upkeep;
    }

    for (int r = 0; r < kResourceCount; ++r) {
      const double available = civ.stock[r] + produced[r];
      civ.shortage[r] = consumed[r] > available && consumed[r] > 0
                            ? (consumed[r] - available) / consumed[r]
                            : 0;
      civ.income[r] = produced[r] - consumed[r];
      civ.stock[r] = std::max(0.0, available - consumed[r]);
    }
    civ.research_rate = research;
    if (civ.researching != kNone) civ.research_progress += research;
    civ.influence += s.civ_planets[civ.id].size() * kInfluencePerPlanet *
                     (1 + modifier(s, civ.id, Modifier::kInfluence));

    // Unpaid crews: ships fall into disrepair while the treasury is empty.
    const double unpaid = civ.shortage[static_cast<int>(Resource::kCredits)];
    if (unpaid > 0) {
      for (auto& f : s.fleets) {
        if (f.owner != civ.id) continue;
        double hull = 0;
        for (int c = 0; c < kShipClassCount; ++c) hull += f.ships[c] * shipRule(static_cast<ShipClass>(c)).hull;
        damageFleet(s, f, hull * kUnpaidHullLoss * unpaid);
      }
      if (s.tick % kReminderPeriod == 0) {
        notify(s, out, civ.id, "shortage", "The treasury of the " + civ.name +
                                               " is empty; ships are not being maintained.");
      }
    }
  }
  removeDeadFleets(s);  // unpaid crews may have lost ships
}

}  // namespace startales::game
