#include "test_state.h"

#include <algorithm>
#include <string>
#include <utility>

namespace startales::game::testing {
namespace {

void link(GameState& s, SystemId a, SystemId b, int32_t length) {
  s.systems[a].lanes.push_back({b, length});
  s.systems[b].lanes.push_back({a, length});
}

Planet& addPlanet(GameState& s, SystemId system, std::string name, PlanetType type, int32_t size,
                  int32_t habitability, CivId owner, double population) {
  Planet& p = s.planets.emplace_back();
  p.id = static_cast<PlanetId>(s.planets.size() - 1);
  p.system = system;
  p.name = std::move(name);
  p.type = type;
  p.size = size;
  p.habitability = habitability;
  p.deposits = {p.id % 6, (p.id + 1) % 6, (p.id + 2) % 6, p.id % 3};
  p.owner = owner;
  p.population = population;
  s.systems[system].planets.push_back(p.id);
  return p;
}

Civ makeCiv(CivId id, std::string name, std::string adjective, uint32_t color, size_t systems) {
  Civ c;
  c.id = id;
  c.name = std::move(name);
  c.adjective = std::move(adjective);
  c.color = color;
  c.ai = id != 0;
  c.stock = {500.0 + id, 200.25, 150.5, 120.75, 3.0};
  c.influence = 12.5 + id;
  c.policies = {25 + id, {40, 20, 20, 20}, 5 - id};
  c.personality = {0.25, 0.5, 0.75, 0.125 * (id + 1)};
  c.researching = 3 + id;
  c.research_progress = 42.5;
  c.techs.assign(kTechCount, false);
  c.techs[id] = true;
  c.explored.assign(systems, false);
  c.war_weariness = 1.5 * id;
  c.shortage = {0, 0.1, 0, 0.2, 0};
  c.income = {12.5, -3, 4, 0.5 * id, 0};
  c.research_rate = 8.25;
  c.events_resolved = 1 + id;
  c.battles_won = 2 + id;
  c.colonies_founded = 3 + id;
  c.trades = 4 + id;
  c.score = {10.5 + id, 2.25, 3.0, 4.125};
  return c;
}

Fleet makeFleet(FleetId id, CivId owner, std::string name, SystemId at) {
  Fleet f;
  f.id = id;
  f.owner = owner;
  f.name = std::move(name);
  f.at = at;
  f.ships = {1, 0, 0, id % 3, 0, 0};
  return f;
}

}  // namespace

GameState smallState() {
  GameState s;
  s.config = {0xC0FFEE, 8, 3, 1, {"Ada"}};
  s.tick = 321;
  s.rng = Rng(99);
  s.rng.next();

  const char* names[] = {"Vega", "Altair", "Deneb", "Rigel", "Sirius", "Antares", "Mira", "Castor"};
  for (SystemId i = 0; i < 8; ++i) {
    StarSystem& sys = s.systems.emplace_back();
    sys.id = i;
    sys.name = names[i];
    sys.x = 10.5 * i - 40;
    sys.y = (i % 3) * 7.25;
  }
  link(s, 0, 1, 12);
  link(s, 1, 2, 9);
  link(s, 2, 3, 15);
  link(s, 2, 6, 11);
  link(s, 3, 4, 8);
  link(s, 4, 5, 14);
  link(s, 6, 7, 10);

  Planet& vega1 = addPlanet(s, 0, "Vega One", PlanetType::kTerran, 4, 85, 0, 24.37);
  vega1.capital = true;
  vega1.unrest = 12.5;
  vega1.unrest_ticks = 2;
  vega1.buildings[static_cast<int>(Building::kFarm)] = 2;
  vega1.buildings[static_cast<int>(Building::kShipyard)] = 1;
  vega1.defense_hull = 75;
  vega1.queue.push_back({false, static_cast<uint8_t>(Building::kMine), 5.5, true,
                         BlockReason::kNone, Resource::kCredits, 0, 0});
  vega1.queue.push_back({true, static_cast<uint8_t>(ShipClass::kFrigate), 0, false,
                         BlockReason::kResources, Resource::kMinerals, 120, 45});
  addPlanet(s, 0, "Vega Two", PlanetType::kBarren, 2, 5, kNone, 0);
  addPlanet(s, 1, "Altair One", PlanetType::kOcean, 3, 60, 0, 3.04).blockaded = true;
  addPlanet(s, 2, "Deneb One", PlanetType::kDesert, 3, 40, kNone, 0);
  addPlanet(s, 4, "Sirius One", PlanetType::kIce, 2, 30, 1, 2.26);
  Planet& antares1 = addPlanet(s, 5, "Antares One", PlanetType::kOcean, 5, 80, 1, 30.55);
  antares1.capital = true;
  antares1.buildings[static_cast<int>(Building::kMine)] = 3;
  addPlanet(s, 5, "Antares Two", PlanetType::kGasGiant, 5, 0, 1, 0);
  addPlanet(s, 6, "Mira One", PlanetType::kVolcanic, 1, 20, kNone, 0);
  Planet& castor1 = addPlanet(s, 7, "Castor One", PlanetType::kTerran, 3, 90, 2, 18);
  castor1.capital = true;

  s.civs.push_back(makeCiv(0, "the Vegan Union", "Vegan", 0x3366ff, 8));
  s.civs.push_back(makeCiv(1, "the Antarean League", "Antarean", 0xff6633, 8));
  s.civs.push_back(makeCiv(2, "the Castor Dominion", "Castorian", 0x33cc66, 8));
  s.civs[0].capital = 0;
  s.civs[1].capital = 5;
  s.civs[2].capital = 8;
  s.civs[2].destroyed_by = kNone;
  for (SystemId i : {0, 1, 2, 3}) s.civs[0].explored[i] = true;
  for (SystemId i : {3, 4, 5}) s.civs[1].explored[i] = true;
  for (SystemId i : {2, 6, 7}) s.civs[2].explored[i] = true;
  for (Civ& c : s.civs)
    c.explored_count = static_cast<int32_t>(std::count(c.explored.begin(), c.explored.end(), true));

  s.relations.assign(9, Relation{});
  auto relate = [&](CivId a, CivId b, Relation r) {
    s.relation(a, b) = r;
    s.relation(b, a) = r;
  };
  relate(0, 1, {35, Treaty::kPeace, 100});
  relate(1, 2, {-60, Treaty::kWar, 250});

  s.fleets.push_back(makeFleet(0, 0, "Home Fleet", 0));
  Fleet moving = makeFleet(1, 0, "First Scouts", 1);
  moving.next = 2;
  moving.progress = 1;
  moving.travel = 3;
  moving.route = {3, 4};
  moving.damage = 2.5;
  s.fleets.push_back(moving);
  s.fleets.push_back(makeFleet(3, 1, "Antarean Guard", 4));   // outside civ 0's sensors
  Fleet pirates = makeFleet(4, kPirates, "Red Corsairs", 1);  // seen by civ 0
  pirates.expires = 400;
  s.fleets.push_back(pirates);
  Fleet inbound = makeFleet(5, 2, "Castorian Raiders", 6);  // moving into civ 0's sensors
  inbound.next = 2;
  inbound.travel = 2;
  s.fleets.push_back(inbound);
  Fleet away = makeFleet(6, 1, "Antarean Scouts", 3);  // moving away, unseen
  away.next = 4;
  away.travel = 2;
  s.fleets.push_back(away);

  s.proposals.push_back({1, 1, 0, Treaty::kTradePact, 340});
  s.proposals.push_back({3, 1, 2, Treaty::kPeace, 345});
  s.events.push_back({2, 0, EventKind::kSolarFlare, 0, 15, 370});
  s.events.push_back({4, 1, EventKind::kPlague, 5, 10, 360});

  s.market.price = {2.0, 1.5, 1.25, 12.5};
  s.market.bought = {10, 20, 30, 1};
  s.market.sold = {5, 15, 25, 0.5};
  s.counters = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  s.battles = {2, 4};

  const Action actions[] = {
      Build{0, Building::kFactory},
      CancelBuild{0, 1},
      BuildShip{0, ShipClass::kColonyShip, 2},
      SetPolicy{30, std::array<int32_t, kBudgetAreas>{25, 25, 25, 25}, std::nullopt},
      SetPolicy{std::nullopt, std::nullopt, -5},
      Research{tech::kSensors},
      MoveFleet{0, 3},
      SplitFleet{0, {1, 0, 0, 0, 0, 0}},
      MergeFleets{1, 0},
      Colonize{0, 1},
      Invade{3, 8},
      Trade{Resource::kFood, -40},
      ProposeTreaty{2, Treaty::kAlliance},
      RespondTreaty{1, true},
      DeclareWar{2},
      ChooseEventOption{2, 1},
  };
  int64_t seq = 10;
  for (const Action& a : actions) {
    s.pending.push_back({seq, Command{static_cast<CivId>(seq % 2), a}});
    seq += 3;
  }
  s.next_seq = seq;
  s.next_fleet = 7;
  s.next_proposal = 4;
  s.next_event = 5;
  rebuildDerived(s);
  return s;
}

GameState tinyState() {
  GameState s;
  s.config = {5, 3, 2, 0, {}};
  s.tick = 12;
  s.rng = Rng(5);
  for (SystemId i = 0; i < 3; ++i) {
    StarSystem& sys = s.systems.emplace_back();
    sys.id = i;
    sys.name = std::string(1, static_cast<char>('A' + i));
    sys.x = i;
  }
  link(s, 0, 1, 10);
  link(s, 1, 2, 10);
  addPlanet(s, 0, "A1", PlanetType::kTerran, 3, 80, 0, 10)
      .queue.push_back({false, static_cast<uint8_t>(Building::kFarm), 1, true,
                        BlockReason::kNoWorkers, Resource::kEnergy, 1, 0});
  addPlanet(s, 2, "C1", PlanetType::kIce, 2, 30, 1, 4);
  s.civs.push_back(makeCiv(0, "Ann", "Annish", 1, 3));
  s.civs.push_back(makeCiv(1, "Bo", "Boish", 2, 3));
  s.civs[0].explored = {true, true, false};
  s.civs[1].explored = {false, true, true};
  s.relations.assign(4, Relation{});
  s.relation(0, 1) = s.relation(1, 0) = {5, Treaty::kPeace, 3};
  Fleet f = makeFleet(0, 0, "F", 0);
  f.next = 1;
  f.travel = 2;
  f.route = {2};
  s.fleets.push_back(f);
  s.fleets.push_back(makeFleet(1, kPirates, "P", 1));
  s.proposals.push_back({1, 1, 0, Treaty::kTradePact, 40});
  s.events.push_back({1, 0, EventKind::kDiscovery, 0, 5, 70});
  s.market.price = {2, 1.5, 1.2, 12};
  s.battles = {1};
  s.pending.push_back({1, Command{0, SetPolicy{10, std::nullopt, 3}}});
  s.pending.push_back({2, Command{1, MoveFleet{0, 2}}});
  s.pending.push_back({3, Command{0, Trade{Resource::kExotics, 5}}});
  s.next_seq = 4;
  s.next_fleet = 2;
  s.next_proposal = 2;
  s.next_event = 2;
  rebuildDerived(s);
  return s;
}

GameState gridState(int side, int civs) {
  GameState s;
  s.config = {7, side * side, civs, 0, {}};
  s.rng = Rng(7);
  for (SystemId i = 0; i < side * side; ++i) {
    StarSystem& sys = s.systems.emplace_back();
    sys.id = i;
    sys.name = "System " + std::to_string(i);
    const int column = i % side, row = i / side;
    sys.x = 10.0 * column;
    sys.y = 10.0 * row;
  }
  for (SystemId i = 0; i < side * side; ++i) {
    for (SystemId j : {i - side, i - 1, i + 1, i + side}) {
      const bool same_row = j / side == i / side;
      if (j < 0 || j >= side * side || ((j == i - 1 || j == i + 1) && !same_row)) continue;
      s.systems[i].lanes.push_back({j, 10});
    }
  }
  for (SystemId i = 0; i < side * side; ++i) {
    for (int k = 0; k < 3; ++k) {
      addPlanet(s, i, s.systems[i].name + " " + std::to_string(k + 1),
                static_cast<PlanetType>((i + k) % kPlanetTypeCount), 1 + (i + k) % 5,
                (i * 7 + k * 13) % 101, kNone, 0);
    }
  }
  s.relations.assign(static_cast<size_t>(civs) * civs, Relation{});
  FleetId fleet = 0;
  for (CivId c = 0; c < civs; ++c) {
    s.civs.push_back(
        makeCiv(c, "Civ " + std::to_string(c), "Civic", 0x101010u * c, s.systems.size()));
    // Home 5 systems from the edges, so the explored 10 x 10 block fits.
    const int cx = 5 + (c * 37) % std::max(1, side - 10);
    const int cy = 5 + (c * 53) % std::max(1, side - 10);
    const SystemId home = cy * side + cx;
    PlanetId pick = s.systems[home].planets[0];
    for (PlanetId p : s.systems[home].planets) {
      if (s.planets[p].owner == kNone) {
        pick = p;
        break;
      }
    }
    Planet& capital = s.planets[pick];
    capital.owner = c;
    capital.capital = true;
    capital.population = 20;
    s.civs[c].capital = capital.id;
    for (int y = std::max(0, cy - 5); y < std::min(side, cy + 5); ++y) {
      for (int x = std::max(0, cx - 5); x < std::min(side, cx + 5); ++x) {
        s.civs[c].explored[y * side + x] = true;
        s.civs[c].explored_count++;
      }
    }
    for (int k = 0; k < 3; ++k) {
      s.fleets.push_back(makeFleet(fleet++, c, "Fleet " + std::to_string(k), home));
    }
    for (CivId d = 0; d < c; ++d) {
      s.relation(c, d) = s.relation(d, c) = {10, Treaty::kPeace, 0};
    }
  }
  for (int k = 0; k < 10; ++k) {
    s.fleets.push_back(makeFleet(fleet++, kPirates, "Pirates", (k * 97) % (side * side)));
  }
  s.next_fleet = fleet;
  rebuildDerived(s);
  return s;
}

}  // namespace startales::game::testing
