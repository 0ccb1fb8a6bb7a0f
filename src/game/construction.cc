// Per-planet construction queues. Only the front item works. Its cost is paid when work
// starts; until it can be paid it waits, and says why ("not enough minerals: need 120,
// have 45"). Finished ships muster at the shipyard's system.

#include <algorithm>

#include "game/sim.h"

namespace startales::game {
namespace {

double workRate(const GameState& s, const Planet& p, bool ship) {
  const Civ& civ = s.civs[p.owner];
  double rate = kBaseWork + std::min(kMaxPopWork, p.population * kWorkPerPop);
  rate *= budgetMultiplier(civ, ship ? BudgetArea::kMilitary : BudgetArea::kIndustry);
  rate *= 1 + modifier(s, p.owner, Modifier::kBuildSpeed);
  return rate * unrestPenalty(p);
}

double itemWork(const QueueItem& item) {
  return item.is_ship ? shipRule(static_cast<ShipClass>(item.type)).work
                      : buildingRule(static_cast<Building>(item.type)).work;
}

// Warships and freighters join an idle fleet of the same kind in the system; scouts and
// colony ships get a fleet of their own, since they travel alone.
void launchShip(GameState& s, const Planet& p, ShipClass ship, Notices& out) {
  const bool loner = ship == ShipClass::kScout || ship == ShipClass::kColonyShip;
  Fleet* target = nullptr;
  if (!loner) {
    for (auto& f : s.fleets) {
      if (f.owner == p.owner && f.at == p.system && f.next == kNone && f.route.empty() &&
          f.ships[static_cast<int>(ShipClass::kScout)] == 0 &&
          f.ships[static_cast<int>(ShipClass::kColonyShip)] == 0) {
        target = &f;
        break;
      }
    }
  }
  if (!target) target = &addFleet(s, p.owner, p.system, fleetName(s, p.owner));
  target->ships[static_cast<int>(ship)] += 1;
  s.counters.ships_built++;
  auto& n = notifyRef(s, out, p.owner, "ship_built",
                      "A " + std::string(shipRule(ship).name) + " was launched at " + p.name +
                          " and joined " + target->name + ".");
  n.planet = p.id;
  n.system = p.system;
  n.fleet = target->id;
}

}  // namespace

double colonyCostFactor(const GameState& s, CivId civ) {
  const double planets = static_cast<double>(s.civ_planets[civ].size());
  return (1 + modifier(s, civ, Modifier::kColonyCost)) *
         (1 + kColonyCostPerPlanet * std::max(0.0, planets - 1));
}

Stock itemCost(const GameState& s, CivId civ, const QueueItem& item) {
  Stock cost{};
  if (item.is_ship) {
    const auto ship = static_cast<ShipClass>(item.type);
    const auto& rule = shipRule(ship);
    const double discount = ship == ShipClass::kColonyShip ? colonyCostFactor(s, civ) : 1;
    at(cost, Resource::kCredits) = rule.credits * discount;
    at(cost, Resource::kMinerals) = rule.minerals * discount;
    at(cost, Resource::kFood) = rule.food;
    at(cost, Resource::kExotics) = rule.exotics;
  } else {
    const auto& rule = buildingRule(static_cast<Building>(item.type));
    at(cost, Resource::kCredits) = rule.credits;
    at(cost, Resource::kMinerals) = rule.minerals;
  }
  return cost;
}

void runConstruction(GameState& s, Notices& out) {
  for (const auto& civ : s.civs) {
    if (!civ.alive) continue;
    for (PlanetId id : s.civ_planets[civ.id]) {
      Planet& p = s.planets[id];
      if (p.queue.empty()) continue;
      QueueItem& item = p.queue.front();
      item.blocked = BlockReason::kNone;
      if (!item.paid) {
        const Stock cost = itemCost(s, civ.id, item);
        bool payable = true;
        for (int r = 0; r < kResourceCount && payable; ++r) {
          if (civ.stock[r] + 1e-9 < cost[r]) {
            payable = false;
            item.blocked = BlockReason::kResources;
            item.short_of = static_cast<Resource>(r);
            item.need = cost[r];
            item.have = civ.stock[r];
          }
        }
        if (!payable) continue;
        for (int r = 0; r < kResourceCount; ++r) s.civs[civ.id].stock[r] -= cost[r];
        item.paid = true;
        item.need = item.have = 0;
      }
      if (p.blockaded) {
        item.blocked = BlockReason::kBlockaded;
        continue;
      }
      if (p.unrest >= kRevoltUnrest) {  // workers are on the streets, not on the site
        item.blocked = BlockReason::kRevolt;
        continue;
      }
      if (p.population < kMinWorkPopulation) {
        item.blocked = BlockReason::kNoWorkers;
        continue;
      }
      item.progress += workRate(s, p, item.is_ship);
      if (item.progress + 1e-9 < itemWork(item)) continue;

      const QueueItem done = item;
      p.queue.erase(p.queue.begin());
      if (done.is_ship) {
        launchShip(s, p, static_cast<ShipClass>(done.type), out);
        continue;
      }
      const auto building = static_cast<Building>(done.type);
      p.buildings[done.type]++;
      if (building == Building::kDefensePlatform) {
        p.defense_hull += kDefenseHull * (1 + modifier(s, p.owner, Modifier::kPlanetDefense));
      }
      s.counters.buildings_built++;
      auto& n = notifyRef(s, out, p.owner, "construction_complete",
                          "A " + std::string(buildingRule(building).name) +
                              " was completed on " + p.name + ".");
      n.planet = p.id;
      n.system = p.system;
    }
  }
}

std::string blockedText(const QueueItem& item) {
  switch (item.blocked) {
    case BlockReason::kNone: return "";
    case BlockReason::kResources:
      return "not enough " + std::string(resourceName(item.short_of)) + ": need " +
             formatAmount(item.need) + ", have " + formatAmount(item.have);
    case BlockReason::kBlockaded: return "the planet is blockaded";
    case BlockReason::kRevolt: return "unrest has stopped work on the planet";
    case BlockReason::kNoWorkers: return "too few people to work";
  }
  return "";
}

}  // namespace startales::game
