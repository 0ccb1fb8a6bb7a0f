#include "random_commands.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace startales::game::testing {
namespace {

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

bool validCiv(const GameState& s, CivId c) {
  return c >= 0 && c < static_cast<CivId>(s.civs.size());
}

std::vector<PlanetId> ownPlanets(const GameState& s, CivId civ) {
  if (!validCiv(s, civ) || s.civ_planets.size() != s.civs.size()) return {};
  return s.civ_planets[civ];
}

template <class Pred>
std::vector<const Fleet*> fleetsWhere(const GameState& s, Pred pred) {
  std::vector<const Fleet*> out;
  for (const Fleet& f : s.fleets) {
    if (pred(f)) out.push_back(&f);
  }
  return out;
}

int32_t shipTotal(const Fleet& f) {
  int32_t n = 0;
  for (int32_t c : f.ships) n += c;
  return n;
}

bool armedFleet(const Fleet& f) {
  return f.ships[static_cast<int>(ShipClass::kCorvette)] > 0 ||
         f.ships[static_cast<int>(ShipClass::kFrigate)] > 0 ||
         f.ships[static_cast<int>(ShipClass::kCruiser)] > 0;
}

std::vector<CivId> metCivs(const GameState& s, CivId civ) {
  std::vector<CivId> out;
  if (!validCiv(s, civ)) return out;
  for (const Civ& other : s.civs) {
    if (other.id != civ && other.alive && s.relation(civ, other.id).treaty != Treaty::kNone) {
      out.push_back(other.id);
    }
  }
  return out;
}

std::vector<CivId> unmetCivs(const GameState& s, CivId civ) {
  std::vector<CivId> out;
  if (!validCiv(s, civ)) return out;
  for (const Civ& other : s.civs) {
    if (other.id != civ && s.relation(civ, other.id).treaty == Treaty::kNone) {
      out.push_back(other.id);
    }
  }
  return out;
}

bool researched(const GameState& s, CivId civ, int tech) {
  const auto& techs = s.civs[civ].techs;
  return tech >= 0 && tech < static_cast<int>(techs.size()) && techs[tech];
}

bool canResearch(const GameState& s, CivId civ, int tech) {
  if (researched(s, civ, tech)) return false;
  for (int pre : techRule(tech).prerequisites) {
    if (pre >= 0 && !researched(s, civ, pre)) return false;
  }
  return true;
}

}  // namespace

int32_t RandomCommands::pick(int32_t size) {
  return static_cast<int32_t>(rng_.below(static_cast<uint32_t>(size)));
}

int32_t RandomCommands::anyId(int32_t size) {
  switch (rng_.below(8)) {
    case 0:
      return -1;
    case 1:
      return size;
    case 2:
      return size + 1 + pick(1000);
    case 3:
      return kMin;
    case 4:
      return kMax;
    case 5:
      return -2 - pick(100);
    default:
      return size > 0 ? pick(size) : 0;
  }
}

Command RandomCommands::next(const GameState& s, CivId civ) {
  return next(s, civ, static_cast<int>(rng_.below(kActionCount)));
}

Command RandomCommands::next(const GameState& s, CivId civ, int kind) {
  Command c;
  c.civ = civ;
  plausible_ = validCiv(s, civ) && rng_.below(3) != 0;
  c.action = plausible_ ? plausibleAction(s, civ, kind) : garbageAction(s, civ, kind);
  // Now and then someone issues it in another civilization's name, or in no one's.
  if (!plausible_ && rng_.below(12) == 0) c.civ = anyId(static_cast<int32_t>(s.civs.size()));
  return c;
}

Action RandomCommands::plausibleAction(const GameState& s, CivId civ, int kind) {
  const auto planets = ownPlanets(s, civ);
  const auto nSystems = static_cast<int32_t>(s.systems.size());
  const auto nPlanets = static_cast<int32_t>(s.planets.size());
  auto ownPlanet = [&]() {
    return planets.empty() ? anyId(nPlanets) : planets[pick(static_cast<int32_t>(planets.size()))];
  };
  auto own = [&](const Fleet& f) { return f.owner == civ; };
  auto ownStill = [&](const Fleet& f) { return f.owner == civ && f.next == kNone; };
  auto pickFleet = [&](const std::vector<const Fleet*>& fleets) -> const Fleet* {
    return fleets.empty() ? nullptr : fleets[pick(static_cast<int32_t>(fleets.size()))];
  };
  auto anyOwnFleet = [&]() {
    const Fleet* f = pickFleet(fleetsWhere(s, own));
    return f ? f->id : anyId(s.next_fleet);
  };

  switch (kind) {
    case 0: {  // Build
      return Build{ownPlanet(), static_cast<Building>(rng_.below(kBuildingCount))};
    }
    case 1: {  // CancelBuild
      std::vector<PlanetId> busy;
      for (PlanetId p : planets) {
        if (!s.planets[p].queue.empty()) busy.push_back(p);
      }
      if (busy.empty()) return CancelBuild{ownPlanet(), 0};
      PlanetId p = busy[pick(static_cast<int32_t>(busy.size()))];
      return CancelBuild{p, pick(static_cast<int32_t>(s.planets[p].queue.size()))};
    }
    case 2: {  // BuildShip
      std::vector<PlanetId> yards;
      for (PlanetId p : planets) {
        if (s.planets[p].buildings[static_cast<int>(Building::kShipyard)] > 0) yards.push_back(p);
      }
      PlanetId p = yards.empty() ? ownPlanet() : yards[pick(static_cast<int32_t>(yards.size()))];
      return BuildShip{p, static_cast<ShipClass>(rng_.below(kShipClassCount)), 1 + pick(3)};
    }
    case 3: {  // SetPolicy
      SetPolicy c;
      const uint32_t fields = 1 + rng_.below(7);  // a non-empty subset of three fields
      if (fields & 1) c.tax_rate = pick(kMaxTaxRate + 1);
      if (fields & 2) c.tariff = kMinTariff + pick(kMaxTariff - kMinTariff + 1);
      if (fields & 4) {
        std::array<int32_t, 3> cuts = {pick(101), pick(101), pick(101)};
        std::sort(cuts.begin(), cuts.end());
        c.budget = std::array<int32_t, kBudgetAreas>{cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1],
                                                     100 - cuts[2]};
      }
      return c;
    }
    case 4: {  // Research
      std::vector<int> open;
      for (int t = 0; t < kTechCount; ++t) {
        if (canResearch(s, civ, t)) open.push_back(t);
      }
      return Research{open.empty() ? pick(kTechCount)
                                   : open[pick(static_cast<int32_t>(open.size()))]};
    }
    case 5: {  // MoveFleet
      const Fleet* f = pickFleet(fleetsWhere(s, own));
      if (!f) return MoveFleet{anyOwnFleet(), pick(nSystems)};
      const SystemId from = f->next != kNone ? f->next : f->at;
      if (rng_.below(2) == 0 && !s.systems[from].lanes.empty()) {
        const auto& lanes = s.systems[from].lanes;
        return MoveFleet{f->id, lanes[pick(static_cast<int32_t>(lanes.size()))].to};
      }
      // An explored system; warships rather go where an enemy (or anyone else) has planets.
      std::vector<SystemId> known, enemy, foreign;
      const auto& explored = s.civs[civ].explored;
      for (SystemId id = 0; id < nSystems && id < static_cast<SystemId>(explored.size()); ++id) {
        if (!explored[id]) continue;
        known.push_back(id);
        for (PlanetId p : s.systems[id].planets) {
          const CivId owner = s.planets[p].owner;
          if (owner < 0 || owner == civ) continue;
          (s.relation(civ, owner).treaty == Treaty::kWar ? enemy : foreign).push_back(id);
          break;
        }
      }
      if (armedFleet(*f) && rng_.below(3) != 0) {
        const auto& targets = enemy.empty() ? foreign : enemy;
        if (!targets.empty())
          return MoveFleet{f->id, targets[pick(static_cast<int32_t>(targets.size()))]};
      }
      return MoveFleet{
          f->id, known.empty() ? pick(nSystems) : known[pick(static_cast<int32_t>(known.size()))]};
    }
    case 6: {  // SplitFleet
      const Fleet* f = pickFleet(
          fleetsWhere(s, [&](const Fleet& x) { return ownStill(x) && shipTotal(x) >= 2; }));
      if (!f) return SplitFleet{anyOwnFleet(), {1, 0, 0, 0, 0, 0}};
      SplitFleet c{f->id, {}};
      for (int i = 0; i < kShipClassCount; ++i) c.ships[i] = pick(f->ships[i] + 1);
      return c;
    }
    case 7: {  // MergeFleets
      const auto still = fleetsWhere(s, ownStill);
      std::vector<std::pair<FleetId, FleetId>> pairs;
      for (const Fleet* a : still) {
        for (const Fleet* b : still) {
          if (a != b && a->at == b->at) pairs.emplace_back(a->id, b->id);
        }
      }
      if (pairs.empty()) return MergeFleets{anyOwnFleet(), anyOwnFleet()};
      auto [a, b] = pairs[pick(static_cast<int32_t>(pairs.size()))];
      return MergeFleets{a, b};
    }
    case 8: {  // Colonize
      const Fleet* f = pickFleet(fleetsWhere(s, [&](const Fleet& x) {
        return ownStill(x) && x.ships[static_cast<int>(ShipClass::kColonyShip)] > 0;
      }));
      if (!f) return Colonize{anyOwnFleet(), ownPlanet()};
      std::vector<PlanetId> free, any = s.systems[f->at].planets;
      for (PlanetId p : any) {
        if (s.planets[p].owner == kNone && s.planets[p].habitability >= 10) free.push_back(p);
      }
      const auto& from = free.empty() ? any : free;
      return Colonize{f->id, from[pick(static_cast<int32_t>(from.size()))]};
    }
    case 9: {  // Invade
      const Fleet* f =
          pickFleet(fleetsWhere(s, [&](const Fleet& x) { return ownStill(x) && armedFleet(x); }));
      if (!f) return Invade{anyOwnFleet(), anyId(nPlanets)};
      std::vector<PlanetId> foreign, any = s.systems[f->at].planets;
      for (PlanetId p : any) {
        if (s.planets[p].owner >= 0 && s.planets[p].owner != civ) foreign.push_back(p);
      }
      const auto& from = foreign.empty() ? any : foreign;
      return Invade{f->id, from[pick(static_cast<int32_t>(from.size()))]};
    }
    case 10: {  // Trade
      const Resource r = kGoods[rng_.below(kGoodsCount)];
      const int32_t amount = 1 + pick(rng_.below(4) == 0 ? 400 : 60);
      return Trade{r, rng_.below(2) == 0 ? amount : -amount};
    }
    case 11: {  // ProposeTreaty
      const auto met = metCivs(s, civ);
      if (met.empty())
        return ProposeTreaty{anyId(static_cast<int32_t>(s.civs.size())), Treaty::kPeace};
      const CivId to = met[pick(static_cast<int32_t>(met.size()))];
      if (s.relation(civ, to).treaty == Treaty::kWar) return ProposeTreaty{to, Treaty::kPeace};
      return ProposeTreaty{to, rng_.below(2) == 0 ? Treaty::kTradePact : Treaty::kAlliance};
    }
    case 12: {  // RespondTreaty
      std::vector<int32_t> mine;
      for (const Proposal& p : s.proposals) {
        if (p.to == civ) mine.push_back(p.id);
      }
      if (mine.empty()) return RespondTreaty{s.next_proposal - 1 - pick(3), rng_.below(2) == 0};
      return RespondTreaty{mine[pick(static_cast<int32_t>(mine.size()))], rng_.below(3) != 0};
    }
    case 13: {  // DeclareWar
      const auto met = metCivs(s, civ);
      if (met.empty()) return DeclareWar{anyId(static_cast<int32_t>(s.civs.size()))};
      return DeclareWar{met[pick(static_cast<int32_t>(met.size()))]};
    }
    default: {  // ChooseEventOption
      std::vector<int32_t> mine;
      for (const PendingEvent& e : s.events) {
        if (e.civ == civ) mine.push_back(e.id);
      }
      if (mine.empty()) return ChooseEventOption{s.next_event - 1, pick(2)};
      return ChooseEventOption{mine[pick(static_cast<int32_t>(mine.size()))], pick(2)};
    }
  }
}

Action RandomCommands::garbageAction(const GameState& s, CivId civ, int kind) {
  const auto nSystems = static_cast<int32_t>(s.systems.size());
  const auto nPlanets = static_cast<int32_t>(s.planets.size());
  const auto nCivs = static_cast<int32_t>(s.civs.size());
  // Someone else's planet or fleet, when there is one.
  auto foreignPlanet = [&]() {
    std::vector<PlanetId> out;
    for (const Planet& p : s.planets) {
      if (p.owner != civ) out.push_back(p.id);
    }
    return out.empty() ? anyId(nPlanets) : out[pick(static_cast<int32_t>(out.size()))];
  };
  auto foreignFleet = [&]() {
    std::vector<FleetId> out;
    for (const Fleet& f : s.fleets) {
      if (f.owner != civ) out.push_back(f.id);
    }
    return out.empty() ? anyId(s.next_fleet) : out[pick(static_cast<int32_t>(out.size()))];
  };
  auto planetId = [&]() { return rng_.below(2) == 0 ? foreignPlanet() : anyId(nPlanets); };
  auto fleetId = [&]() {
    if (rng_.below(3) == 0) return foreignFleet();
    if (rng_.below(2) == 0) return s.next_fleet + pick(5);  // not yet or no longer there
    return anyId(s.next_fleet);
  };
  auto ownFleet = [&]() {
    auto own = fleetsWhere(s, [&](const Fleet& f) { return f.owner == civ; });
    return own.empty() ? fleetId() : own[pick(static_cast<int32_t>(own.size()))]->id;
  };
  auto ownPlanet = [&]() {
    const auto planets = ownPlanets(s, civ);
    return planets.empty() ? planetId() : planets[pick(static_cast<int32_t>(planets.size()))];
  };
  auto hugeAmount = [&]() -> int32_t {
    switch (rng_.below(6)) {
      case 0:
        return 0;
      case 1:
        return kMax;
      case 2:
        return kMin;
      case 3:
        return -1 - pick(100000);
      case 4:
        return 100000 + pick(1000000);
      default:
        return -kMax;
    }
  };

  switch (kind) {
    case 0:
      return Build{rng_.below(4) == 0 ? ownPlanet() : planetId(),
                   static_cast<Building>(rng_.below(kBuildingCount))};
    case 1: {
      const int32_t index = rng_.below(2) == 0 ? hugeAmount() : -1;
      return CancelBuild{rng_.below(2) == 0 ? ownPlanet() : planetId(), index};
    }
    case 2: {
      const int32_t count = rng_.below(2) == 0 ? hugeAmount() : 11 + pick(5);
      return BuildShip{rng_.below(2) == 0 ? ownPlanet() : planetId(),
                       static_cast<ShipClass>(rng_.below(kShipClassCount)),
                       rng_.below(4) == 0 ? 1 + pick(10) : count};
    }
    case 3: {
      SetPolicy c;
      switch (rng_.below(5)) {
        case 0:
          break;  // nothing to change
        case 1:
          c.tax_rate = rng_.below(2) == 0 ? kMaxTaxRate + 1 + pick(100) : hugeAmount();
          break;
        case 2:
          c.tariff = rng_.below(2) == 0 ? kMinTariff - 1 - pick(50) : kMaxTariff + 1;
          break;
        case 3:
          c.budget = std::array<int32_t, kBudgetAreas>{50, 50, 50, -50};
          break;
        default:
          c.budget = std::array<int32_t, kBudgetAreas>{pick(100), pick(100), pick(100), kMax};
          c.tax_rate = pick(kMaxTaxRate + 1);
      }
      return c;
    }
    case 4: {
      if (validCiv(s, civ) && rng_.below(2) == 0) {  // already done, or not yet possible
        std::vector<int> bad;
        for (int t = 0; t < kTechCount; ++t) {
          if (!canResearch(s, civ, t)) bad.push_back(t);
        }
        if (!bad.empty()) return Research{bad[pick(static_cast<int32_t>(bad.size()))]};
      }
      switch (rng_.below(4)) {
        case 0:
          return Research{-1 - pick(3)};
        case 1:
          return Research{kTechCount + pick(50)};
        case 2:
          return Research{kMin};
        default:
          return Research{kMax};
      }
    }
    case 5: {
      if (rng_.below(2) == 0) return MoveFleet{fleetId(), pick(nSystems)};
      const FleetId f = ownFleet();
      const Fleet* fleet = s.findFleet(f);
      if (fleet && rng_.below(2) == 0) return MoveFleet{f, fleet->at};  // already there
      return MoveFleet{f, rng_.below(2) == 0 ? anyId(nSystems) : pick(nSystems)};
    }
    case 6: {
      SplitFleet c{rng_.below(3) == 0 ? fleetId() : ownFleet(), {}};
      const Fleet* f = s.findFleet(c.fleet);
      switch (rng_.below(4)) {
        case 0:
          break;  // moves nothing
        case 1:
          if (f) c.ships = f->ships;  // moves everything
          break;
        case 2:
          c.ships[pick(kShipClassCount)] = -1 - pick(5);
          break;
        default:
          c.ships[pick(kShipClassCount)] = hugeAmount();
      }
      return c;
    }
    case 7: {
      const FleetId a = ownFleet();
      switch (rng_.below(3)) {
        case 0:
          return MergeFleets{a, a};
        case 1:
          return MergeFleets{a, fleetId()};
        default:
          return MergeFleets{fleetId(), ownFleet()};
      }
    }
    case 8: {
      const FleetId f = rng_.below(2) == 0 ? ownFleet() : fleetId();
      return Colonize{f, rng_.below(3) == 0 ? ownPlanet() : planetId()};
    }
    case 9: {
      const FleetId f = rng_.below(2) == 0 ? ownFleet() : fleetId();
      return Invade{f, rng_.below(3) == 0 ? ownPlanet() : planetId()};
    }
    case 10: {
      if (rng_.below(4) == 0) return Trade{Resource::kCredits, 1 + pick(100)};
      return Trade{kGoods[rng_.below(kGoodsCount)], hugeAmount()};
    }
    case 11: {
      const auto unmet = unmetCivs(s, civ);
      switch (rng_.below(4)) {
        case 0:
          return ProposeTreaty{civ, Treaty::kPeace};
        case 1:
          if (!unmet.empty())
            return ProposeTreaty{unmet[pick(static_cast<int32_t>(unmet.size()))],
                                 Treaty::kAlliance};
          [[fallthrough]];
        case 2:
          return ProposeTreaty{anyId(nCivs), static_cast<Treaty>(rng_.below(5))};
        default: {
          const auto met = metCivs(s, civ);  // war or none: not something one proposes
          const CivId to = met.empty() ? anyId(nCivs) : met[pick(static_cast<int32_t>(met.size()))];
          return ProposeTreaty{to, rng_.below(2) == 0 ? Treaty::kWar : Treaty::kNone};
        }
      }
    }
    case 12: {
      std::vector<int32_t> others;  // proposals made to someone else
      for (const Proposal& p : s.proposals) {
        if (p.to != civ) others.push_back(p.id);
      }
      if (!others.empty() && rng_.below(2) == 0) {
        return RespondTreaty{others[pick(static_cast<int32_t>(others.size()))], true};
      }
      return RespondTreaty{rng_.below(2) == 0 ? anyId(s.next_proposal) : s.next_proposal + pick(9),
                           rng_.below(2) == 0};
    }
    case 13: {
      const auto unmet = unmetCivs(s, civ);
      if (!unmet.empty() && rng_.below(2) == 0) {
        return DeclareWar{unmet[pick(static_cast<int32_t>(unmet.size()))]};
      }
      return DeclareWar{rng_.below(3) == 0 ? civ : anyId(nCivs)};
    }
    default: {
      std::vector<int32_t> others;
      for (const PendingEvent& e : s.events) {
        if (e.civ != civ) others.push_back(e.id);
      }
      if (!others.empty() && rng_.below(2) == 0) {
        return ChooseEventOption{others[pick(static_cast<int32_t>(others.size()))], pick(2)};
      }
      std::vector<int32_t> mine;
      for (const PendingEvent& e : s.events) {
        if (e.civ == civ) mine.push_back(e.id);
      }
      if (!mine.empty()) {  // a real event, a wrong option
        return ChooseEventOption{mine[pick(static_cast<int32_t>(mine.size()))],
                                 rng_.below(2) == 0 ? 2 + pick(5) : hugeAmount()};
      }
      return ChooseEventOption{anyId(s.next_event), pick(2)};
    }
  }
}

}  // namespace startales::game::testing
