// The planner's economic phases: events, treaty answers, policies, research, trade and
// construction (see planner.h for the two modes).

#include <algorithm>
#include <cmath>

#include "game/planner.h"

namespace startales::game {

// ---- events and proposals ----

void Planner::answerEvents() {
  for (const auto& e : s_.events) {
    if (e.civ != civ_) continue;
    const double credits = stock(Resource::kCredits);
    int option = eventRule(e.kind).default_option;
    switch (e.kind) {
      case EventKind::kSolarFlare: option = credits > e.magnitude * 3 ? 0 : 1; break;
      case EventKind::kPlague: option = credits > e.magnitude * 2 ? 0 : 1; break;
      case EventKind::kDiscovery: option = me().researching != kNone ? 0 : 1; break;
      case EventKind::kPirateRaid:
        option = credits > e.magnitude * 2 || strength_.military[civ_] < 30 ? 0 : 1;
        break;
      case EventKind::kMarketCrash: option = credits > 800 ? 0 : 1; break;
      case EventKind::kRefugees: option = 0; break;
    }
    order(ChooseEventOption{e.id, option}, 6, [&] {
      return "the " + std::string(eventRule(e.kind).name) + " awaits our choice until day " +
             std::to_string(e.expires) + "; with " + formatAmount(credits) +
             " credits in hand the planner picks \"" +
             std::string(eventRule(e.kind).options[option]) + "\"";
    });
    return;  // one at a time; the list may change as orders queue
  }
}

void Planner::answerProposals() {
  std::vector<Proposal> mine;
  for (const auto& p : s_.proposals) {
    if (p.to == civ_) mine.push_back(p);
  }
  for (const auto& p : mine) {
    const int rel = s_.relation(civ_, p.from).score;
    const auto& pers = me().personality;
    bool yes = false;
    switch (p.treaty) {
      case Treaty::kPeace:
        yes = me().war_weariness > 8 + pers.aggression * 10 ||
              strength_.military[civ_] < 0.8 * strength_.military[p.from] || rel > -20;
        break;
      case Treaty::kTradePact: yes = rel >= -10 + (1 - pers.commerce) * 20; break;
      case Treaty::kAlliance: yes = rel >= 35; break;
      default: break;
    }
    order(RespondTreaty{p.id, yes}, 5, [&] {
      return std::string(yes ? "accept" : "refuse") + " the " + std::string(treatyName(p.treaty)) +
             " the " + s_.civs[p.from].name + " offer: relation " + std::to_string(rel) +
             ", open until day " + std::to_string(p.expires);
    });
  }
}

// ---- policies and research ----

void Planner::setPolicies() {
  const auto& pers = me().personality;
  double unrest = 0;
  for (PlanetId id : planets()) unrest += s_.planets[id].unrest;
  unrest /= std::max<size_t>(1, planets().size());
  Policies want = me().policies;
  if (unrest > 40) {
    want.tax_rate = std::max(5, want.tax_rate - 5);
  } else if ((unrest < 25 || (unrest < 45 && broke())) &&
             (income(Resource::kCredits) < 10 || stock(Resource::kCredits) < 300)) {
    want.tax_rate = std::min(40, want.tax_rate + 5);
  }
  const bool war = atWarWithAnyone();
  int military = static_cast<int>(10 + pers.aggression * 20 + (war ? 15 : 0));
  int research = static_cast<int>(15 + pers.science * 20);
  int welfare = unrest > 40 ? 25 : 15;
  int industry = 100 - military - research - welfare;
  want.budget = {industry, research, military, welfare};
  want.tariff = pers.commerce > 0.6 ? 0 : pers.commerce > 0.4 ? 5 : 10;
  if (advising()) {
    // The budget split and tariff are the player's taste: advice only moves the tax rate, and
    // the welfare share when unrest is high.
    if (want.tax_rate == me().policies.tax_rate && !(unrest > 40 && welfare > me().policies.budget[3])) {
      return;
    }
    SetPolicy change{want.tax_rate, std::nullopt, std::nullopt};
    if (unrest > 40 && welfare > me().policies.budget[3]) change.budget = want.budget;
    const bool urgent = unrest > 40 || income(Resource::kCredits) < 0;
    order(change, urgent ? 4.5 : 2, [&] {
      const int now = me().policies.tax_rate;
      std::string why = (want.tax_rate == now ? "taxes stay at " + std::to_string(now) + "%"
                                              : "taxes from " + std::to_string(now) + "% to " +
                                                    std::to_string(want.tax_rate) + "%") +
                        ": average unrest " +
                        formatAmount(std::round(unrest * 10) / 10) + ", credits " +
                        formatAmount(std::round(income(Resource::kCredits) * 10) / 10) + " a day";
      if (change.budget) why += ", and welfare to " + std::to_string(welfare) + "% of the budget";
      return why;
    });
    return;
  }
  if (!(want == me().policies)) {
    order(SetPolicy{want.tax_rate, want.budget, want.tariff}, 0, [] { return std::string(); });
  }
}

void Planner::chooseResearch() {
  if (me().researching != kNone) return;
  const auto& pers = me().personality;
  const std::array<double, 4> field = {0.6 + pers.commerce, 0.5 + pers.aggression,
                                       0.6 + pers.science, 0.5 + pers.expansion * 0.5};
  int best = -1;
  double best_score = 0;
  for (int t = 0; t < kTechCount; ++t) {
    const auto& rule = techRule(t);
    if (hasTech(me(), t) || !hasTech(me(), rule.prerequisites[0]) ||
        !hasTech(me(), rule.prerequisites[1])) {
      continue;
    }
    double score = field[static_cast<int>(rule.field)] * 1000 / techCost(me(), t);
    if (t == tech::kCommerce) score *= 1.5;
    if (t == tech::kOrbitalDefense && atWarWithAnyone()) score *= 2;
    if (score > best_score) {
      best_score = score;
      best = t;
    }
  }
  if (best >= 0) {
    order(Research{best}, 2.5 + std::min(best_score, 10.0) / 10, [&] {
      return std::string(techRule(best).name) + " costs " + formatAmount(std::round(techCost(me(), best))) +
             " points at " + formatAmount(std::round(me().research_rate * 10) / 10) +
             " a day and unlocks " + std::string(techRule(best).unlocks);
    });
  }
}

// ---- trade ----

void Planner::trade() {
  const double capacity = tradeCapacity(s_, civ_);
  const double pop = population();
  struct Band {
    Resource r;
    double low, high;
  };
  const std::array<Band, 4> bands = {{{Resource::kMinerals, 150, 700},
                                      {Resource::kEnergy, 100, 500},
                                      {Resource::kFood, 60 + pop * 2, 300 + pop * 6},
                                      {Resource::kExotics, 10, 80}}};
  for (const auto& band : bands) {
    const double have = stock(band.r);
    const double price = s_.market.price[goodIndex(band.r)];
    const double base = marketRule(band.r).base_price;
    const double credits = stock(Resource::kCredits);
    const bool broke = credits < 200 && income(Resource::kCredits) < 0;
    if (broke && have > band.low + 20) {  // an empty treasury sells at any price
      const int amount = static_cast<int>(std::min(capacity, have - band.low));
      order(Trade{band.r, -amount}, 4.5, [&] {
        return "the treasury is down to " + formatAmount(std::round(credits)) + " credits and losing " +
               formatAmount(std::round(-income(Resource::kCredits) * 10) / 10) + " a day; " +
               std::string(resourceName(band.r)) + " sell at " + formatAmount(std::round(price * 10) / 10);
      });
    } else if (have > band.high &&
               (price >= 0.5 * base || (price >= 0.3 * base && have > band.high * 4))) {
      const int amount = static_cast<int>(std::min(capacity, (have - band.high) * 0.5 + 10));
      if (amount >= 10) {
        order(Trade{band.r, -amount}, 1.5, [&] {
          return "we hold " + formatAmount(std::round(have)) + " " + std::string(resourceName(band.r)) +
                 ", more than the " + formatAmount(band.high) + " we need, and they sell at " +
                 formatAmount(std::round(price * 10) / 10);
        });
      }
    } else if (have < band.low && income(band.r) <= 0 && credits > 250) {
      const double afford = (credits - 150) / (price * 1.2);
      const int amount = static_cast<int>(std::min({capacity, band.low - have + 20, afford}));
      if (amount >= 5) {
        order(Trade{band.r, amount}, 3, [&] {
          return "only " + formatAmount(std::round(have)) + " " + std::string(resourceName(band.r)) +
                 " left, " + formatAmount(std::round(income(band.r) * 10) / 10) +
                 " a day, below the " + formatAmount(std::round(band.low)) + " we keep";
        });
      }
    } else if (price < 0.6 * base && have < band.high * 2 && credits > 1500) {
      // Cheap: stock up for later (speculators keep prices off the floor).
      const int amount = static_cast<int>(std::min(capacity * 0.5, band.high * 2 - have));
      if (amount >= 10) {
        order(Trade{band.r, amount}, 1, [&] {
          return std::string(resourceName(band.r)) + " are cheap at " +
                 formatAmount(std::round(price * 10) / 10) + " against " + formatAmount(base) +
                 " normally";
        });
      }
    }
  }
}

// ---- construction ----

double Planner::buildingScore(const Planet& p, Building b) {
  const auto& rule = buildingRule(b);
  if (!hasTech(me(), rule.unlocked_by)) return 0;
  if (rule.deposit >= 0 && p.deposits[rule.deposit] == 0) return 0;
  const auto& pers = me().personality;
  const double richness = rule.deposit >= 0 ? 0.5 + 0.25 * p.deposits[rule.deposit] : 1;
  const double cap = housing(s_, p);
  const int have = p.buildings[static_cast<int>(b)];
  int queued = 0;
  for (const auto& q : p.queue) queued += !q.is_ship && q.type == static_cast<uint8_t>(b);
  if (rule.max_per_planet > 0 && have + queued >= rule.max_per_planet) return 0;
  int jobs = 0;
  for (int i = 0; i < kBuildingCount; ++i) jobs += p.buildings[i] * buildingRule(static_cast<Building>(i)).workers;
  for (const auto& q : p.queue) {
    if (!q.is_ship) jobs += buildingRule(static_cast<Building>(q.type)).workers;
  }
  const bool staffed = p.population >= jobs + rule.workers * 0.5;
  if (broke() && rule.output[static_cast<int>(Resource::kCredits)] <= 0 &&
      b != Building::kFarm && b != Building::kPowerPlant) {
    return 0;
  }
  switch (b) {
    case Building::kFarm: {
      const double need = 8 - income(Resource::kFood) + p.population * 0.05;
      return need > 0 && staffed ? (2 + need / 10) * richness : 0;
    }
    case Building::kPowerPlant: {
      const double need = 15 - income(Resource::kEnergy);
      return need > 0 && staffed ? (2 + need / 10) * richness : 0;
    }
    case Building::kFusionReactor: {
      const double need = 40 - income(Resource::kEnergy);
      return need > 0 && staffed ? 3 + need / 20 : 0;
    }
    case Building::kMine:
      return staffed && stock(Resource::kMinerals) < 1500 &&
                     income(Resource::kMinerals) < 25 + planets().size() * 5
                 ? 1.5 * richness
                 : 0;
    case Building::kFactory:
      return staffed && income(Resource::kEnergy) > 12 ? 1.2 + (income(Resource::kCredits) < 20 ? 1 : 0) : 0;
    case Building::kResearchLab:
      return staffed && income(Resource::kEnergy) > 18 && income(Resource::kCredits) > 25
                 ? 0.8 + pers.science
                 : 0;
    case Building::kHabitat:
      return p.population > cap * 0.85 && income(Resource::kFood) > 15 &&
                     income(Resource::kEnergy) > 10
                 ? 1.8
                 : 0;
    case Building::kShipyard: {
      int yards = 0;
      for (PlanetId id : planets()) yards += s_.planets[id].buildings[static_cast<int>(Building::kShipyard)];
      return yards < 1 + static_cast<int>(planets().size()) / 5 && p.population > 8 ? 1.0 : 0;
    }
    case Building::kTradeHub:
      return staffed && income(Resource::kEnergy) > 10 ? 1.0 + pers.commerce : 0;
    case Building::kDefensePlatform:
      return (atWarWithAnyone() || p.capital) && income(Resource::kCredits) > 5
                 ? (p.capital ? 1.0 : 0.6) + (atWarWithAnyone() ? 1.0 : 0) - have * 0.4
                 : 0;
    case Building::kExoticsExtractor:
      return staffed && income(Resource::kEnergy) > 25 ? 0.8 * richness : 0;
  }
  return 0;
}

std::string Planner::buildingReason(const Planet& p, Building b) const {
  auto perDay = [&](Resource r) {
    const double v = std::round(income(r) * 10) / 10;
    return (v >= 0 ? "+" : "") + formatAmount(v) + " a day";
  };
  const std::string food = "food is " + perDay(Resource::kFood);
  const std::string energy = "energy is " + perDay(Resource::kEnergy);
  const std::string credits = "credits are " + perDay(Resource::kCredits);
  switch (b) {
    case Building::kFarm:
      return food + " and " + p.name + " feeds " + formatAmount(std::round(p.population * 10) / 10) +
             " thousand people";
    case Building::kPowerPlant: return energy + ", below the 15 the planner keeps in hand";
    case Building::kFusionReactor: return energy + ", below the 40 a fusion reactor is worth";
    case Building::kMine:
      return "minerals are " + perDay(Resource::kMinerals) + " with " +
             formatAmount(std::round(stock(Resource::kMinerals))) + " stored";
    case Building::kFactory: return credits + " and " + energy + ", enough to run a factory";
    case Building::kResearchLab:
      return credits + " and " + energy + ": room for a lab's 20 credits and 15 energy";
    case Building::kHabitat:
      return p.name + " holds " + formatAmount(std::round(p.population * 10) / 10) +
             " thousand people and houses " + formatAmount(std::round(housing(s_, p) * 10) / 10);
    case Building::kShipyard: {
      int yards = 0;
      for (PlanetId id : planets()) yards += s_.planets[id].buildings[static_cast<int>(Building::kShipyard)];
      return "we have " + std::to_string(yards) + (yards == 1 ? " shipyard" : " shipyards") + " for " +
             std::to_string(planets().size()) + (planets().size() == 1 ? " world" : " worlds");
    }
    case Building::kTradeHub: return "a trade hub widens our market access; " + energy;
    case Building::kDefensePlatform: {
      const int have = p.buildings[static_cast<int>(Building::kDefensePlatform)];
      return p.name + " has " + std::to_string(have) + (have == 1 ? " defense platform" : " defense platforms") +
             (atWarWithAnyone() ? " and we are at war" : "");
    }
    case Building::kExoticsExtractor:
      return p.name + " has an exotics deposit of " + std::to_string(p.deposits[3]) + " and " + energy;
  }
  return "";
}

void Planner::build() {
  // Largest colonies first; a bounded number per turn.
  std::vector<PlanetId> order_by_size(planets().begin(), planets().end());
  std::stable_sort(order_by_size.begin(), order_by_size.end(), [&](PlanetId a, PlanetId b) {
    return s_.planets[a].population > s_.planets[b].population;
  });
  if (order_by_size.size() > kMaxBuildPlanets) order_by_size.resize(kMaxBuildPlanets);
  for (PlanetId id : order_by_size) {
    const Planet& p = s_.planets[id];
    if (p.queue.size() >= queueDepth() || slotsUsed(p) >= slotCount(p)) continue;
    Building best = Building::kFarm;
    double best_score = 0;
    for (int b = 0; b < kBuildingCount; ++b) {
      const double score = buildingScore(p, static_cast<Building>(b));
      if (score > best_score) {
        best_score = score;
        best = static_cast<Building>(b);
      }
    }
    if (best_score > 0) {
      order(Build{id, best}, best_score, [&] { return buildingReason(p, best); });
    }
  }
  buildShips();
}

// How many items a planet's queue may hold: a rich treasury builds in depth.

void Planner::buildShips() {
  PlanetId yard = kNone;
  for (PlanetId id : planets()) {
    const Planet& p = s_.planets[id];
    if (p.buildings[static_cast<int>(Building::kShipyard)] > 0 && p.queue.size() < queueDepth() &&
        (yard == kNone || p.queue.size() < s_.planets[yard].queue.size())) {
      yard = id;
    }
  }
  if (yard == kNone || broke()) return;
  const auto& pers = me().personality;
  const double credits = stock(Resource::kCredits);
  const int systems = static_cast<int>(s_.systems.size());

  if (shipsOwned(ShipClass::kScout, true) < 2 && me().explored_count < systems * 0.7) {
    order(BuildShip{yard, ShipClass::kScout, 1}, 1.5, [&] {
      return "we have explored " + std::to_string(me().explored_count) + " systems and have " +
             std::to_string(shipsOwned(ShipClass::kScout, true)) + " scouts";
    });
    return;
  }
  const int colony_ships = shipsOwned(ShipClass::kColonyShip, true);
  if (colony_ships < 1 + static_cast<int>(pers.expansion * 2) && credits > 350 &&
      stock(Resource::kFood) > 80 && colonyTargets() > colony_ships) {
    order(BuildShip{yard, ShipClass::kColonyShip, 1}, 2.5, [&] {
      return std::to_string(colonyTargets()) + " habitable worlds we know are free, and we have " +
             std::to_string(colony_ships) + " colony ships";
    });
    return;
  }
  if (pers.commerce > 0.55 && hasTech(me(), tech::kCommerce) &&
      shipsOwned(ShipClass::kFreighter, true) < 2 && credits > 300) {
    order(BuildShip{yard, ShipClass::kFreighter, 1}, 1.2, [&] {
      return "freighters carry " + formatAmount(kCapacityPerFreighter) + " more units a trade";
    });
    return;
  }
  int warships = 0;
  for (auto c : {ShipClass::kCorvette, ShipClass::kFrigate, ShipClass::kCruiser}) {
    warships += shipsOwned(c, true) * (c == ShipClass::kCruiser ? 4 : c == ShipClass::kFrigate ? 2 : 1);
  }
  // A fleet that grows with the empire, the temperament, war and a full treasury.
  const double want = 2 + planets().size() * (0.5 + pers.aggression) + (atWarWithAnyone() ? 8 : 0) +
                      std::min(credits / 3000, planets().size() * 2.0);
  if (warships < want && credits > 250 + (1 - pers.aggression) * 300) {
    ShipClass c = ShipClass::kCorvette;
    if (hasTech(me(), tech::kCruisers) && credits > 900 && stock(Resource::kExotics) >= 20) {
      c = ShipClass::kCruiser;
    } else if (hasTech(me(), tech::kFrigates) && stock(Resource::kExotics) >= 5) {
      c = ShipClass::kFrigate;
    }
    order(BuildShip{yard, c, 1}, 2 + (atWarWithAnyone() ? 2 : 0) + (want - warships) / want, [&] {
      return "our warships count for " + std::to_string(warships) + " against the " +
             formatAmount(std::round(want)) + " an empire of " + std::to_string(planets().size()) +
             (planets().size() == 1 ? " world" : " worlds") + (atWarWithAnyone() ? " at war" : "") +
             " should keep";
    });
  }
}

}  // namespace startales::game
