// The breakdowns behind a civilization's numbers (advice.h): last tick's economy line by
// line and the causes of each planet's unrest. The formulas are the simulation's own
// (economy.cc, population.cc), term by term; advice_test checks that they add up.

#include <algorithm>
#include <cmath>

#include "game/advice.h"
#include "game/sim.h"

namespace startales::game {
namespace {

std::string plural(std::string_view name) {
  if (name.ends_with("y")) return std::string(name.substr(0, name.size() - 1)) + "ies";
  return std::string(name) + "s";
}

void add(std::vector<LedgerLine>& lines, const std::string& item, double amount) {
  for (auto& l : lines) {
    if (l.item == item) {
      l.amount += amount;
      return;
    }
  }
  lines.push_back({item, amount});
}

void tidy(std::vector<LedgerLine>& lines) {
  std::erase_if(lines, [](const LedgerLine& l) { return std::abs(l.amount) < 1e-9; });
  std::stable_sort(lines.begin(), lines.end(), [](const LedgerLine& a, const LedgerLine& b) {
    return std::abs(a.amount) > std::abs(b.amount);
  });
}

}  // namespace

Ledger ledgerFor(const GameState& s, CivId civ_id) {
  Ledger out;
  if (civ_id < 0 || static_cast<size_t>(civ_id) >= s.civs.size()) return out;
  const Civ& civ = s.civs[civ_id];
  auto& credits = out[static_cast<int>(Resource::kCredits)];
  std::array<double, kResourceCount> mult{};
  for (int r = 0; r < kResourceCount; ++r) mult[r] = 1 + modifier(s, civ.id, outputModifier(r));
  double maintenance = 0, taxes = 0;
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
        if (v > 0) add(out[r], plural(rule.name), n * v * eff * richness * mult[r]);
        if (v < 0) add(out[r], plural(rule.name), n * v);
      }
      maintenance += n * kMaintenance;
    }
    add(out[static_cast<int>(Resource::kFood)], "people eat", -p.population * kFoodPerPop);
    add(out[static_cast<int>(Resource::kEnergy)], "people use", -p.population * kEnergyPerPop);
    taxes += p.population * civ.policies.tax_rate / 100.0 * kTaxPerPop * unrestPenalty(p) *
             (1 + modifier(s, civ.id, Modifier::kTaxEfficiency)) * (p.blockaded ? kBlockadeOutput : 1);
  }
  add(credits, "taxes", taxes);
  add(credits, "building maintenance", -maintenance);
  const double planets = static_cast<double>(s.civ_planets[civ.id].size());
  add(credits, "sprawl", -kSprawl * planets * planets);
  double upkeep = 0;
  for (const auto& f : s.fleets) {
    if (f.owner != civ.id) continue;
    for (int c = 0; c < kShipClassCount; ++c) upkeep += f.ships[c] * shipRule(static_cast<ShipClass>(c)).upkeep;
  }
  add(credits, "ship upkeep", -upkeep);
  for (auto& lines : out) tidy(lines);
  return out;
}

UnrestReport unrestFor(const GameState& s, PlanetId planet) {
  UnrestReport out;
  if (planet < 0 || static_cast<size_t>(planet) >= s.planets.size()) return out;
  const Planet& p = s.planets[planet];
  out.planet = planet;
  out.unrest = p.unrest;
  if (p.owner < 0) return out;
  const Civ& civ = s.civs[p.owner];
  const double cap = housing(s, p);
  out.target = unrestTarget(s, p, cap);
  // The same terms as unrestTarget, before its clamp to 0..100.
  const double scale = 1 + modifier(s, p.owner, Modifier::kUnrest);
  auto cause = [&](std::string what, double points) {
    if (std::abs(points) > 1e-9) out.causes.push_back({std::move(what), points * scale});
  };
  auto short_of = [&](Resource r) { return civ.shortage[static_cast<int>(r)]; };
  cause("taxes at " + std::to_string(civ.policies.tax_rate) + "%", civ.policies.tax_rate * kUnrestPerTax);
  cause("food shortage", kUnrestFoodShortage * short_of(Resource::kFood));
  cause("energy shortage", kUnrestEnergyShortage * short_of(Resource::kEnergy));
  cause("unpaid bills", kUnrestCreditShortage * short_of(Resource::kCredits));
  cause("war weariness", civ.war_weariness * kUnrestPerWeariness);
  if (p.population > kCrowdedShare * cap) cause("crowding", kUnrestCrowded);
  if (p.blockaded) cause("the blockade", kUnrestBlockaded);
  cause("the welfare budget", -civ.policies.budget[static_cast<int>(BudgetArea::kWelfare)] * kUnrestPerWelfare);
  if (p.capital) cause("being the capital", -kUnrestCapital);
  std::stable_sort(out.causes.begin(), out.causes.end(), [](const UnrestCause& a, const UnrestCause& b) {
    return std::abs(a.points) > std::abs(b.points);
  });
  return out;
}

}  // namespace startales::game
