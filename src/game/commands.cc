// Command validation (check) and application (apply). check() runs when a command is
// submitted and again at the tick that applies it; apply() assumes check() passed.

#include <algorithm>
#include <cmath>

#include "game/sim.h"

namespace startales::game {
namespace {

Rejection fail(const char* code, std::string message) { return {code, std::move(message)}; }

// "a " or "an " for a noun phrase.
std::string article(std::string_view noun) {
  const char c = noun.empty() ? 'x' : noun.front();
  return std::string_view("aeiou").find(c) != std::string_view::npos ? "an " : "a ";
}

std::optional<Rejection> afford(const Civ& civ, Resource r, double need) {
  double have = at(civ.stock, r);
  if (have + 1e-9 >= need) return std::nullopt;
  return fail(reject::kInsufficient, "not enough " + std::string(resourceName(r)) + ": need " +
                                         formatAmount(need) + ", have " + formatAmount(have));
}

std::optional<Rejection> affordAll(const Civ& civ, const Stock& cost) {
  for (int r = 0; r < kResourceCount; ++r) {
    if (auto e = afford(civ, static_cast<Resource>(r), cost[r])) return e;
  }
  return std::nullopt;
}

bool validCiv(const GameState& s, CivId c) { return c >= 0 && c < static_cast<CivId>(s.civs.size()); }

struct Checker {
  const GameState& s;
  CivId civ;

  [[nodiscard]] const Civ& me() const { return s.civs[civ]; }

  std::optional<Rejection> ownPlanet(PlanetId id) const {
    if (id < 0 || id >= static_cast<PlanetId>(s.planets.size())) {
      return fail(reject::kNotFound, "there is no planet with id " + std::to_string(id));
    }
    if (s.planets[id].owner != civ) {
      return fail(reject::kNotOwner, s.planets[id].name + " is not your planet");
    }
    return std::nullopt;
  }

  std::optional<Rejection> ownFleet(FleetId id, bool must_be_still) const {
    const Fleet* f = s.findFleet(id);
    if (!f) return fail(reject::kNotFound, "there is no fleet with id " + std::to_string(id));
    if (f->owner != civ) return fail(reject::kNotOwner, f->name + " is not your fleet");
    if (must_be_still && f->next != kNone) {
      return fail(reject::kInvalidState, f->name + " is travelling; wait until it arrives");
    }
    return std::nullopt;
  }

  std::optional<Rejection> otherCiv(CivId other) const {
    if (!validCiv(s, other) || other == civ) {
      return fail(reject::kNotFound, "there is no other civilization with id " +
                                         std::to_string(other));
    }
    if (!s.civs[other].alive) {
      return fail(reject::kInvalidState, "the " + s.civs[other].name + " no longer exists");
    }
    if (s.relation(civ, other).treaty == Treaty::kNone) {
      return fail(reject::kDiplomacy, "you have not met the " + s.civs[other].name + " yet");
    }
    return std::nullopt;
  }

  std::optional<Rejection> operator()(const Build& c) const {
    if (static_cast<int>(c.building) >= kBuildingCount) {
      return fail(reject::kInvalid, "there is no building type " + std::to_string(static_cast<int>(c.building)));
    }
    if (auto e = ownPlanet(c.planet)) return e;
    const Planet& p = s.planets[c.planet];
    const auto& rule = buildingRule(c.building);
    if (!hasTech(me(), rule.unlocked_by)) {
      return fail(reject::kPrerequisite, std::string("a ") + std::string(rule.name) + " needs " +
                                             std::string(techRule(rule.unlocked_by).name));
    }
    if (slotsUsed(p) >= slotCount(p)) {
      return fail(reject::kNoSlots, p.name + " has no free building slot (" +
                                        std::to_string(slotCount(p)) + " in use)");
    }
    if (rule.max_per_planet > 0) {
      int count = p.buildings[static_cast<int>(c.building)];
      for (const auto& q : p.queue) count += !q.is_ship && q.type == static_cast<uint8_t>(c.building);
      if (count >= rule.max_per_planet) {
        return fail(reject::kNoSlots, p.name + " already has the most " +
                                          std::string(rule.name) + "s allowed (" +
                                          std::to_string(rule.max_per_planet) + ")");
      }
    }
    if (rule.deposit >= 0 && p.deposits[rule.deposit] == 0) {
      static constexpr std::array<const char*, 4> kDeposit = {"minerals", "energy", "food",
                                                              "exotics"};
      return fail(reject::kInvalid, p.name + " has no " + kDeposit[rule.deposit] +
                                        " deposits for " + article(rule.name) + std::string(rule.name));
    }
    if (p.queue.size() >= kMaxQueue) {
      return fail(reject::kInvalidState, p.name + "'s construction queue is full");
    }
    if (p.queue.empty()) {  // work would start now, so the cost must be payable now
      Stock cost{};
      at(cost, Resource::kCredits) = rule.credits;
      at(cost, Resource::kMinerals) = rule.minerals;
      return affordAll(me(), cost);
    }
    return std::nullopt;
  }

  std::optional<Rejection> operator()(const CancelBuild& c) const {
    if (auto e = ownPlanet(c.planet)) return e;
    const Planet& p = s.planets[c.planet];
    if (c.index < 0 || c.index >= static_cast<int32_t>(p.queue.size())) {
      return fail(reject::kNotFound, p.name + "'s queue has no item " + std::to_string(c.index));
    }
    return std::nullopt;
  }

  std::optional<Rejection> operator()(const BuildShip& c) const {
    if (static_cast<int>(c.ship) >= kShipClassCount) {
      return fail(reject::kInvalid, "there is no ship class " + std::to_string(static_cast<int>(c.ship)));
    }
    if (auto e = ownPlanet(c.planet)) return e;
    const Planet& p = s.planets[c.planet];
    const auto& rule = shipRule(c.ship);
    if (p.buildings[static_cast<int>(Building::kShipyard)] == 0) {
      return fail(reject::kPrerequisite, p.name + " has no shipyard");
    }
    if (!hasTech(me(), rule.unlocked_by)) {
      return fail(reject::kPrerequisite, std::string("a ") + std::string(rule.name) + " needs " +
                                             std::string(techRule(rule.unlocked_by).name));
    }
    if (c.count < 1 || c.count > kMaxShipsPerOrder) {
      return fail(reject::kInvalid, "ship count must be between 1 and " +
                                        std::to_string(kMaxShipsPerOrder));
    }
    if (p.queue.size() + c.count > kMaxQueue) {
      return fail(reject::kInvalidState, p.name + "'s construction queue has room for " +
                                             std::to_string(kMaxQueue - p.queue.size()) +
                                             " more items");
    }
    if (p.queue.empty()) {
      QueueItem item;
      item.is_ship = true;
      item.type = static_cast<uint8_t>(c.ship);
      return affordAll(me(), itemCost(s, civ, item));
    }
    return std::nullopt;
  }

  std::optional<Rejection> operator()(const SetPolicy& c) const {
    if (!c.tax_rate && !c.budget && !c.tariff) {
      return fail(reject::kInvalid, "a policy change needs a tax rate, budget or tariff");
    }
    if (c.tax_rate && (*c.tax_rate < 0 || *c.tax_rate > kMaxTaxRate)) {
      return fail(reject::kOutOfRange, "tax rate must be between 0 and 50 percent, not " +
                                           std::to_string(*c.tax_rate));
    }
    if (c.tariff && (*c.tariff < kMinTariff || *c.tariff > kMaxTariff)) {
      return fail(reject::kOutOfRange, "tariff must be between -10 and 20 percent, not " +
                                           std::to_string(*c.tariff));
    }
    if (c.budget) {
      int sum = 0;
      for (int v : *c.budget) {
        if (v < 0 || v > 100) {
          return fail(reject::kOutOfRange, "each budget share must be between 0 and 100 percent");
        }
        sum += v;
      }
      if (sum != 100) {
        return fail(reject::kInvalid,
                    "budget shares must add up to 100 percent, not " + std::to_string(sum));
      }
    }
    return std::nullopt;
  }

  std::optional<Rejection> operator()(const Research& c) const {
    if (c.tech < 0 || c.tech >= kTechCount) {
      return fail(reject::kNotFound, "there is no technology with id " + std::to_string(c.tech));
    }
    const auto& rule = techRule(c.tech);
    if (hasTech(me(), c.tech)) {
      return fail(reject::kInvalidState, std::string(rule.name) + " is already researched");
    }
    for (int pre : rule.prerequisites) {
      if (!hasTech(me(), pre)) {
        return fail(reject::kPrerequisite, std::string(rule.name) + " needs " +
                                               std::string(techRule(pre).name) + " first");
      }
    }
    return std::nullopt;
  }

  std::optional<Rejection> operator()(const MoveFleet& c) const {
    if (auto e = ownFleet(c.fleet, false)) return e;
    if (c.to < 0 || c.to >= static_cast<SystemId>(s.systems.size())) {
      return fail(reject::kNotFound, "there is no star system with id " + std::to_string(c.to));
    }
    const Fleet& f = *s.findFleet(c.fleet);
    SystemId from = f.next != kNone ? f.next : f.at;
    if (from == c.to) {
      if (f.next == kNone) {
        return fail(reject::kInvalidState, f.name + " is already at " + s.systems[c.to].name);
      }
      return std::nullopt;  // keep going to where it is heading, drop the rest
    }
    if (findRoute(s, civ, from, c.to).empty()) {
      return fail(reject::kOutOfRange, s.systems[c.to].name +
                                           " cannot be reached through systems you have explored");
    }
    return std::nullopt;
  }

  std::optional<Rejection> operator()(const SplitFleet& c) const {
    if (auto e = ownFleet(c.fleet, true)) return e;
    const Fleet& f = *s.findFleet(c.fleet);
    int moved = 0, left = 0;
    for (int i = 0; i < kShipClassCount; ++i) {
      if (c.ships[i] < 0 || c.ships[i] > f.ships[i]) {
        return fail(reject::kInvalid, f.name + " has " + std::to_string(f.ships[i]) + " " +
                                          std::string(shipRule(static_cast<ShipClass>(i)).name) +
                                          "s, not " + std::to_string(c.ships[i]));
      }
      moved += c.ships[i];
      left += f.ships[i] - c.ships[i];
    }
    if (moved == 0) return fail(reject::kInvalid, "a split must move at least one ship");
    if (left == 0) return fail(reject::kInvalid, "a split must leave at least one ship behind");
    return std::nullopt;
  }

  std::optional<Rejection> operator()(const MergeFleets& c) const {
    if (auto e = ownFleet(c.fleet, true)) return e;
    if (auto e = ownFleet(c.into, true)) return e;
    if (c.fleet == c.into) return fail(reject::kInvalid, "a fleet cannot merge into itself");
    const Fleet& a = *s.findFleet(c.fleet);
    const Fleet& b = *s.findFleet(c.into);
    if (a.at != b.at) {
      return fail(reject::kOutOfRange, a.name + " and " + b.name + " are in different systems");
    }
    return std::nullopt;
  }

  std::optional<Rejection> operator()(const Colonize& c) const {
    if (auto e = ownFleet(c.fleet, true)) return e;
    const Fleet& f = *s.findFleet(c.fleet);
    if (f.ships[static_cast<int>(ShipClass::kColonyShip)] == 0) {
      return fail(reject::kPrerequisite, f.name + " has no colony ship");
    }
    if (c.planet < 0 || c.planet >= static_cast<PlanetId>(s.planets.size())) {
      return fail(reject::kNotFound, "there is no planet with id " + std::to_string(c.planet));
    }
    const Planet& p = s.planets[c.planet];
    if (p.system != f.at) {
      return fail(reject::kOutOfRange, p.name + " is not in " + s.systems[f.at].name +
                                           ", where " + f.name + " is");
    }
    if (p.owner != kNone) {
      return fail(reject::kInvalidState, p.name + " already belongs to the " +
                                             s.civs[p.owner].name);
    }
    int need = kMinColonyHabitability -
               static_cast<int>(modifier(s, civ, Modifier::kColonyRange));
    if (p.habitability < need) {
      return fail(reject::kInvalid, p.name + " is too hostile to settle: habitability " +
                                        std::to_string(p.habitability) + "%, need " +
                                        std::to_string(need) + "%");
    }
    for (const auto& other : s.fleets) {
      if (other.at == f.at && other.next == kNone && armed(other) && hostile(s, civ, other.owner)) {
        return fail(reject::kInvalidState, "hostile warships in " + s.systems[f.at].name +
                                               " prevent a landing");
      }
    }
    return std::nullopt;
  }

  std::optional<Rejection> operator()(const Invade& c) const {
    if (auto e = ownFleet(c.fleet, true)) return e;
    const Fleet& f = *s.findFleet(c.fleet);
    if (!armed(f)) return fail(reject::kPrerequisite, f.name + " has no warships");
    if (c.planet < 0 || c.planet >= static_cast<PlanetId>(s.planets.size())) {
      return fail(reject::kNotFound, "there is no planet with id " + std::to_string(c.planet));
    }
    const Planet& p = s.planets[c.planet];
    if (p.system != f.at) {
      return fail(reject::kOutOfRange, p.name + " is not in " + s.systems[f.at].name);
    }
    if (p.owner == kNone || p.owner == civ) {
      return fail(reject::kInvalid, p.name + " has no enemy government to overthrow");
    }
    if (!atWar(s, civ, p.owner)) {
      return fail(reject::kDiplomacy, "you are not at war with the " + s.civs[p.owner].name);
    }
    if (p.defense_hull > 0) {
      return fail(reject::kInvalidState, p.name + "'s defense platforms must be destroyed first");
    }
    double need = invasionStrengthNeeded(p);
    double have = invasionStrength(s, f);
    if (have < need) {
      return fail(reject::kInsufficient, "not enough troops to take " + p.name + ": need " +
                                             formatAmount(need) + " attack, have " +
                                             formatAmount(have));
    }
    return std::nullopt;
  }

  std::optional<Rejection> operator()(const Trade& c) const {
    if (static_cast<int>(c.resource) >= kResourceCount) {
      return fail(reject::kInvalid, "there is no resource " + std::to_string(static_cast<int>(c.resource)));
    }
    if (c.resource == Resource::kCredits) {
      return fail(reject::kInvalid, "credits are the currency; trade minerals, energy, food or exotics");
    }
    if (c.amount == 0) return fail(reject::kInvalid, "a trade needs a non-zero amount");
    double capacity = tradeCapacity(s, civ);
    if (std::abs(static_cast<double>(c.amount)) > capacity) {
      return fail(reject::kOutOfRange, "trade capacity is " + formatAmount(capacity) +
                                           " units per day; build trade hubs or freighters");
    }
    if (c.amount < 0) return afford(me(), c.resource, -c.amount);
    double price = s.market.price[goodIndex(c.resource)] * (1 + kMarketSpread);
    return afford(me(), Resource::kCredits, price * c.amount);
  }

  // Whether `civ` may enter `treaty` with `to` now (pending proposals aside).
  std::optional<Rejection> treatyProblem(CivId to, Treaty treaty) const {
    if (auto e = otherCiv(to)) return e;
    Treaty now = s.relation(civ, to).treaty;
    const std::string& them = s.civs[to].name;
    switch (treaty) {
      case Treaty::kPeace:
        if (now != Treaty::kWar) return fail(reject::kDiplomacy, "you are not at war with the " + them);
        break;
      case Treaty::kTradePact:
        if (now == Treaty::kWar) return fail(reject::kDiplomacy, "make peace with the " + them + " first");
        if (now == Treaty::kTradePact || now == Treaty::kAlliance) {
          return fail(reject::kDiplomacy, "you already trade freely with the " + them);
        }
        break;
      case Treaty::kAlliance:
        if (now == Treaty::kWar) return fail(reject::kDiplomacy, "make peace with the " + them + " first");
        if (now == Treaty::kAlliance) return fail(reject::kDiplomacy, "you are already allied with the " + them);
        break;
      default:
        return fail(reject::kInvalid, "you can propose peace, a trade pact or an alliance");
    }
    return std::nullopt;
  }

  std::optional<Rejection> operator()(const ProposeTreaty& c) const {
    if (auto e = treatyProblem(c.to, c.treaty)) return e;
    for (const auto& p : s.proposals) {
      if (p.from == civ && p.to == c.to) {
        return fail(reject::kDiplomacy, "a proposal to the " + s.civs[c.to].name + " is already waiting");
      }
    }
    return std::nullopt;
  }

  std::optional<Rejection> operator()(const RespondTreaty& c) const {
    for (const auto& p : s.proposals) {
      if (p.id != c.proposal) continue;
      if (p.to != civ) return fail(reject::kNotOwner, "that proposal was not made to you");
      if (!c.accept) return std::nullopt;
      // The world may have moved since it was made (another treaty signed, a war declared).
      if (Checker{s, p.from}.treatyProblem(civ, p.treaty)) {
        return fail(reject::kDiplomacy, "the proposal of " + std::string(treatyName(p.treaty)) +
                                            " from the " + s.civs[p.from].name +
                                            " no longer applies; your relations have changed since");
      }
      return std::nullopt;
    }
    return fail(reject::kNotFound, "there is no open proposal with id " + std::to_string(c.proposal));
  }

  std::optional<Rejection> operator()(const DeclareWar& c) const {
    if (auto e = otherCiv(c.target)) return e;
    const auto& r = s.relation(civ, c.target);
    const std::string& them = s.civs[c.target].name;
    if (r.treaty == Treaty::kWar) return fail(reject::kDiplomacy, "you are already at war with the " + them);
    if (r.treaty == Treaty::kAlliance) {
      return fail(reject::kDiplomacy, "you are allied with the " + them + "; an ally cannot be attacked");
    }
    if (r.treaty == Treaty::kPeace && r.since > 0 && s.tick < r.since + kTruceTicks) {
      return fail(reject::kDiplomacy, "the truce with the " + them + " holds until day " +
                                          std::to_string(r.since + kTruceTicks));
    }
    return std::nullopt;
  }

  std::optional<Rejection> operator()(const ChooseEventOption& c) const {
    for (const auto& e : s.events) {
      if (e.id != c.event) continue;
      if (e.civ != civ) return fail(reject::kNotOwner, "that event belongs to another civilization");
      if (c.option < 0 || c.option > 1) {
        return fail(reject::kInvalid, "choose option 0 or 1");
      }
      return std::nullopt;
    }
    return fail(reject::kNotFound, "there is no open event with id " + std::to_string(c.event));
  }
};

// ---- apply ----------------------------------------------------------------------------

struct Applier {
  GameState& s;
  CivId civ;
  Notices& out;

  Civ& me() { return s.civs[civ]; }

  void operator()(const Build& c) {
    QueueItem item;
    item.type = static_cast<uint8_t>(c.building);
    s.planets[c.planet].queue.push_back(item);
  }
  void operator()(const CancelBuild& c) {
    auto& p = s.planets[c.planet];
    const QueueItem item = p.queue[c.index];
    if (item.paid) {  // half the cost comes back
      Stock cost = itemCost(s, civ, item);
      for (int r = 0; r < kResourceCount; ++r) me().stock[r] += cost[r] * kCancelRefund;
    }
    p.queue.erase(p.queue.begin() + c.index);
  }
  void operator()(const BuildShip& c) {
    for (int i = 0; i < c.count; ++i) {
      QueueItem item;
      item.is_ship = true;
      item.type = static_cast<uint8_t>(c.ship);
      s.planets[c.planet].queue.push_back(item);
    }
  }
  void operator()(const SetPolicy& c) {
    auto& pol = me().policies;
    if (c.tax_rate) pol.tax_rate = *c.tax_rate;
    if (c.budget) pol.budget = *c.budget;
    if (c.tariff) pol.tariff = *c.tariff;
  }
  void operator()(const Research& c) {
    if (me().researching != c.tech) {
      // Switching topics loses the work on the old one; points banked while no topic was
      // set (the surplus of the last tech) carry over.
      if (me().researching != kNone) me().research_progress = 0;
      me().researching = c.tech;
    }
  }
  void operator()(const MoveFleet& c) {
    Fleet& f = *s.findFleet(c.fleet);
    if (f.next != kNone) {
      f.route = f.next == c.to ? std::vector<SystemId>{} : findRoute(s, civ, f.next, c.to);
      return;
    }
    f.route = findRoute(s, civ, f.at, c.to);
    startLane(s, f);
  }
  void operator()(const SplitFleet& c) {
    Fleet copy = *s.findFleet(c.fleet);
    Fleet& added = addFleet(s, civ, copy.at, fleetName(s, civ));
    Fleet& f = *s.findFleet(c.fleet);  // addFleet may have reallocated
    for (int i = 0; i < kShipClassCount; ++i) {
      f.ships[i] -= c.ships[i];
      added.ships[i] = c.ships[i];
    }
    auto& n = notifyRef(s, out, civ, "fleet_split", added.name + " split off from " + f.name + ".");
    n.fleet = added.id;
    n.system = added.at;
  }
  void operator()(const MergeFleets& c) {
    Fleet& from = *s.findFleet(c.fleet);
    Fleet& into = *s.findFleet(c.into);
    for (int i = 0; i < kShipClassCount; ++i) {
      into.ships[i] += from.ships[i];
      from.ships[i] = 0;
    }
    damageFleet(s, into, from.damage);  // wrecks beyond repair are lost now, not in a battle
    removeDeadFleets(s);
  }
  void operator()(const Colonize& c) {
    Fleet& f = *s.findFleet(c.fleet);
    f.ships[static_cast<int>(ShipClass::kColonyShip)] -= 1;
    Planet& p = s.planets[c.planet];
    double settlers = kColonyStartPopulation;
    changeOwner(s, c.planet, civ, out);
    p.population = std::max(p.population, settlers);
    p.unrest = kColonyStartUnrest;
    p.blockaded = false;
    me().colonies_founded++;
    s.counters.colonies_founded++;
    auto& n = notifyRef(s, out, civ, "colony_founded", "A colony was founded on " + p.name + ".");
    n.planet = p.id;
    n.system = p.system;
    n.fleet = f.id;
    removeDeadFleets(s);
  }
  void operator()(const Invade& c) {
    Planet& p = s.planets[c.planet];
    CivId loser = p.owner;
    p.population *= kInvasionSurvivors;
    p.unrest = kInvasionUnrest;
    p.defense_hull = 0;
    p.buildings[static_cast<int>(Building::kDefensePlatform)] = 0;
    bool was_capital = p.capital;
    changeOwner(s, c.planet, civ, out);
    s.civs[loser].destroyed_by = civ;  // meaningful only if this was its last planet
    s.counters.invasions++;
    me().battles_won++;
    std::string text = "The " + me().name + " invaded " + p.name + ", taking it from the " +
                       s.civs[loser].name + (was_capital ? ", their capital." : ".");
    for (CivId to : {civ, loser}) {
      auto& n = notifyRef(s, out, to, "planet_invaded", text);
      n.other = to == civ ? loser : civ;
      n.planet = p.id;
      n.system = p.system;
    }
  }
  void operator()(const Trade& c) { executeTrade(s, civ, c.resource, c.amount, out); }
  void operator()(const ProposeTreaty& c) {
    Proposal p;
    p.id = s.next_proposal++;
    p.from = civ;
    p.to = c.to;
    p.treaty = c.treaty;
    p.expires = s.tick + kProposalTimeoutTicks;
    s.proposals.push_back(p);
    auto& n = notifyRef(s, out, c.to, "proposal",
                        "The " + me().name + " propose " + std::string(treatyName(c.treaty)) + ".");
    n.other = civ;
    n.ref = p.id;
  }
  void operator()(const RespondTreaty& c) {
    auto it = std::find_if(s.proposals.begin(), s.proposals.end(),
                           [&](const Proposal& p) { return p.id == c.proposal; });
    Proposal p = *it;
    s.proposals.erase(it);
    if (!c.accept) {
      addRelation(s, p.from, p.to, kProposalRejectedRelation);
      auto& n = notifyRef(s, out, p.from, "proposal_rejected",
                          "The " + me().name + " rejected your proposal of " +
                              std::string(treatyName(p.treaty)) + ".");
      n.other = civ;
      n.ref = p.id;
      return;
    }
    signTreaty(s, p.from, p.to, p.treaty, out);
  }
  void operator()(const DeclareWar& c) { declareWar(s, civ, c.target, out); }
  void operator()(const ChooseEventOption& c) {
    auto it = std::find_if(s.events.begin(), s.events.end(),
                           [&](const PendingEvent& e) { return e.id == c.event; });
    PendingEvent e = *it;
    s.events.erase(it);
    resolveEvent(s, e, c.option, out);
  }
};

}  // namespace

std::optional<Rejection> check(const GameState& s, const Command& c) {
  if (!validCiv(s, c.civ)) {
    return fail(reject::kNotFound, "there is no civilization with id " + std::to_string(c.civ));
  }
  if (!s.civs[c.civ].alive) {
    return fail(reject::kEliminated, "the " + s.civs[c.civ].name + " has been destroyed");
  }
  return std::visit(Checker{s, c.civ}, c.action);
}

void apply(GameState& s, const QueuedCommand& c, Notices& out) {
  std::visit(Applier{s, c.command.civ, out}, c.command.action);
}

std::string_view actionName(const Action& action) {
  static constexpr std::array<std::string_view, std::variant_size_v<Action>> kNames = {
      "build",         "cancel_build", "build_ship", "set_policy",     "research",
      "move_fleet",    "split_fleet",  "merge_fleets", "colonize",     "invade",
      "trade",         "propose_treaty", "respond_treaty", "declare_war", "choose_event_option"};
  return kNames[action.index()];
}

}  // namespace startales::game
