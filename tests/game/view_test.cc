#include "game/view.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <vector>

#include "game/game.h"
#include "test_state.h"

namespace startales::game {
namespace {

using testing::gridState;
using testing::smallState;

// Lanes from `from` to every system (-1 when unreachable), by plain BFS.
std::vector<int> distances(const GameState& s, SystemId from) {
  std::vector<int> d(s.systems.size(), -1);
  std::deque<SystemId> open{from};
  d[from] = 0;
  while (!open.empty()) {
    const SystemId at = open.front();
    open.pop_front();
    for (const Lane& l : s.systems[at].lanes) {
      if (d[l.to] < 0) d[l.to] = d[at] + 1, open.push_back(l.to);
    }
  }
  return d;
}

// The coverage rule, computed the slow way: one BFS per source.
std::vector<bool> slowCoverage(const GameState& s, CivId civ) {
  double bonus = 0;
  for (int t = 0; t < kTechCount; ++t) {
    if (s.civs[civ].techs[t] && techRule(t).modifier == Modifier::kSensorRange) {
      bonus += techRule(t).amount;
    }
  }
  const int range = 1 + static_cast<int>(std::lround(bonus));
  std::vector<bool> seen(s.systems.size(), false);
  auto mark = [&](SystemId from, int r) {
    const std::vector<int> d = distances(s, from);
    for (size_t i = 0; i < d.size(); ++i) {
      if (d[i] >= 0 && d[i] <= r) seen[i] = true;
    }
  };
  for (const Planet& p : s.planets) {
    if (p.owner == civ) mark(p.system, range);
  }
  for (const Fleet& f : s.fleets) {
    if (f.owner == civ) mark(f.at, range - 1);
  }
  return seen;
}

template <class T>
std::vector<int32_t> ids(const std::vector<T>& items) {
  std::vector<int32_t> out;
  out.reserve(items.size());
  for (const T& item : items) out.push_back(item.id);
  return out;
}

// Everything a view must and must not contain, checked against the state.
void expectFair(const GameState& s, CivId civ) {
  SCOPED_TRACE("civ " + std::to_string(civ));
  const View v = viewFor(s, civ);
  const Civ& me = s.civs[civ];
  const std::vector<bool> seen = slowCoverage(s, civ);
  ASSERT_EQ(sensorCoverage(s, civ), seen);

  std::vector<int32_t> systems, foreign_planets, planets, fleets, foreign_fleets, civs, sensors;
  for (const StarSystem& sys : s.systems) {
    if (me.explored[sys.id]) systems.push_back(sys.id);
    if (seen[sys.id]) sensors.push_back(sys.id);
  }
  for (const Planet& p : s.planets) {
    if (p.owner == civ) {
      planets.push_back(p.id);
    } else if (me.explored[p.system]) {
      foreign_planets.push_back(p.id);
    }
  }
  for (const Fleet& f : s.fleets) {
    if (f.owner == civ) {
      fleets.push_back(f.id);
    } else if (seen[f.at] || (f.next != kNone && seen[f.next])) {
      foreign_fleets.push_back(f.id);
    }
  }
  for (const Civ& c : s.civs) {
    if (c.id == civ || s.relation(civ, c.id).treaty != Treaty::kNone) civs.push_back(c.id);
  }
  EXPECT_EQ(ids(v.systems), systems);
  EXPECT_EQ(ids(v.foreign_planets), foreign_planets);
  EXPECT_EQ(ids(v.planets), planets);
  EXPECT_EQ(ids(v.fleets), fleets);
  EXPECT_EQ(ids(v.foreign_fleets), foreign_fleets);
  EXPECT_EQ(ids(v.civs), civs);
  EXPECT_EQ(v.sensors, sensors);

  // Own data complete and exact.
  for (const Planet& p : v.planets) EXPECT_EQ(p, s.planets[p.id]);
  for (const Fleet& f : v.fleets) EXPECT_EQ(f, *s.findFleet(f.id));
  EXPECT_EQ(v.self.id, civ);
  EXPECT_EQ(v.self.name, me.name);
  EXPECT_EQ(v.self.stock, me.stock);
  EXPECT_EQ(v.self.policies, me.policies);
  EXPECT_EQ(v.self.score, me.score);
  EXPECT_EQ(v.self.researching, me.researching);
  EXPECT_EQ(v.tick, s.tick);
  EXPECT_EQ(v.market, s.market);
  for (const int32_t t : v.self.techs) EXPECT_TRUE(me.techs[t]);
  EXPECT_EQ(v.self.techs.size(),
            static_cast<size_t>(std::count(me.techs.begin(), me.techs.end(), true)));

  // Foreign data: only what is public, from the state.
  for (const ForeignPlanetView& p : v.foreign_planets) {
    const Planet& real = s.planets[p.id];
    EXPECT_EQ(p.owner, real.owner);
    EXPECT_EQ(p.system, real.system);
    EXPECT_NEAR(p.population, real.population, 0.05 + 1e-9);
  }
  for (const ForeignFleetView& f : v.foreign_fleets) EXPECT_NE(f.owner, civ);
  for (const Proposal& p : v.proposals) EXPECT_TRUE(p.from == civ || p.to == civ);
  for (const PendingEvent& e : v.events) EXPECT_EQ(e.civ, civ);
  EXPECT_EQ(v.proposals.size(), static_cast<size_t>(std::count_if(
                                    s.proposals.begin(), s.proposals.end(), [&](const Proposal& p) {
                                      return p.from == civ || p.to == civ;
                                    })));
  EXPECT_EQ(v.events.size(), static_cast<size_t>(std::count_if(
                                 s.events.begin(), s.events.end(),
                                 [&](const PendingEvent& e) { return e.civ == civ; })));
}

TEST(View, SmallStatesAreFair) {
  for (const GameState& s : {smallState(), testing::tinyState()}) {
    for (const Civ& c : s.civs) expectFair(s, c.id);
  }
}

TEST(View, GridStateIsFair) {
  const GameState s = gridState(20, 6);
  for (const Civ& c : s.civs) expectFair(s, c.id);
}

TEST(View, SmallStateCiv0SeesExactly) {
  const GameState s = smallState();
  const View v = viewFor(s, 0);
  EXPECT_EQ(ids(v.systems), (std::vector<int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(v.sensors, (std::vector<SystemId>{0, 1, 2}));
  EXPECT_EQ(ids(v.planets), (std::vector<int32_t>{0, 2}));
  EXPECT_EQ(ids(v.foreign_planets), (std::vector<int32_t>{1, 3}));
  EXPECT_EQ(ids(v.fleets), (std::vector<int32_t>{0, 1}));
  // Pirates in system 1, and civ 2's raiders moving from system 6 into system 2; not civ 1's
  // fleets at 4 and moving 3 -> 4.
  EXPECT_EQ(ids(v.foreign_fleets), (std::vector<int32_t>{4, 5}));
  EXPECT_EQ(v.foreign_fleets[0].owner, kPirates);
  // Civ 2 was never met, though its fleet is in sight.
  EXPECT_EQ(ids(v.civs), (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(v.civs[0].treaty, Treaty::kNone);
  EXPECT_EQ(v.civs[1].treaty, Treaty::kPeace);
  EXPECT_EQ(v.civs[1].relation, 35);
  EXPECT_EQ(v.civs[1].score, s.civs[1].score.total());
  EXPECT_EQ(ids(v.proposals), (std::vector<int32_t>{1}));
  EXPECT_EQ(ids(v.events), (std::vector<int32_t>{2}));
  EXPECT_EQ(v.self.techs, (std::vector<int32_t>{0}));
  EXPECT_EQ(v.planets[0].queue.size(), 2u);
  EXPECT_EQ(v.planets[0].queue[1].blocked, BlockReason::kResources);
}

TEST(View, ForeignPlanetsShowRoundedPopulationOnly) {
  GameState s = smallState();
  s.civs[1].explored[0] = true;
  const View v = viewFor(s, 1);
  const auto it = std::find_if(v.foreign_planets.begin(), v.foreign_planets.end(),
                               [](const ForeignPlanetView& p) { return p.id == 0; });
  ASSERT_NE(it, v.foreign_planets.end());
  EXPECT_EQ(it->owner, 0);
  EXPECT_DOUBLE_EQ(it->population, 24.4);  // 24.37
  EXPECT_EQ(it->name, "Vega One");
  EXPECT_EQ(it->type, PlanetType::kTerran);
}

TEST(View, SensorRangeGrowsWithTechs) {
  GameState s = smallState();
  auto covered = [&] {
    std::vector<SystemId> out;
    const std::vector<bool> seen = sensorCoverage(s, 0);
    for (size_t i = 0; i < seen.size(); ++i) {
      if (seen[i]) out.push_back(static_cast<SystemId>(i));
    }
    return out;
  };
  EXPECT_EQ(covered(), (std::vector<SystemId>{0, 1, 2}));
  s.civs[0].techs[tech::kSensors] = true;  // R = 2 around systems 0 and 1
  EXPECT_EQ(covered(), (std::vector<SystemId>{0, 1, 2, 3, 6}));
  s.civs[0].techs[tech::kStellarCartography] = true;  // R = 3
  EXPECT_EQ(covered(), (std::vector<SystemId>{0, 1, 2, 3, 4, 6, 7}));
}

TEST(View, FleetsSeeOneLaneLess) {
  GameState s = smallState();
  for (Planet& p : s.planets) {
    if (p.owner == 0) p.owner = kNone;
  }
  rebuildDerived(s);
  s.fleets[0].at = 3;  // civ 0's fleets: at 3, and moving 1 -> 2
  auto seen = [&] { return sensorCoverage(s, 0); };
  EXPECT_EQ(seen(), (std::vector<bool>{false, true, false, true, false, false, false, false}));
  s.civs[0].techs[tech::kSensors] = true;
  EXPECT_EQ(seen(), (std::vector<bool>{true, true, true, true, true, false, false, false}));
  EXPECT_TRUE(viewFor(s, 0).planets.empty());
}

TEST(View, UnknownCivGetsAnEmptyView) {
  const GameState s = smallState();
  const View v = viewFor(s, 7);
  EXPECT_TRUE(v.systems.empty());
  EXPECT_TRUE(v.foreign_fleets.empty());
  EXPECT_TRUE(sensorCoverage(s, kPirates) == std::vector<bool>(s.systems.size(), false));
}

// ---- deltas ------------------------------------------------------------------------------

// What a few ticks might do to the small state.
GameState later(GameState s) {
  s.tick += 3;
  s.civs[0].stock[1] += 25;                              // self
  s.planets[0].queue.erase(s.planets[0].queue.begin());  // own planet changed
  s.planets[3].owner = 0;                                // a colony: foreign planet becomes own
  s.planets[3].population = 2;
  s.planets[1].population = 0.5;  // foreign planet changed
  s.civs[0].explored[6] = true;   // a new system (and its planet)
  s.fleets[1].at = 2;             // own fleet moved
  s.fleets[1].next = 3;
  s.fleets[1].route = {4};
  s.fleets.erase(s.fleets.begin() + 3);    // the pirates left
  s.fleets[2].at = 2;                      // civ 1's guard came into sight
  s.proposals.erase(s.proposals.begin());  // the proposal expired
  s.events.push_back({7, 0, EventKind::kDiscovery, 2, 100, 400});
  s.next_event = 8;
  s.relation(0, 2) = s.relation(2, 0) = {0, Treaty::kPeace, 323};  // contact with civ 2
  s.civs[1].score.social += 1;                                     // a known civ's score
  s.market.price[2] = 1.3;
  rebuildDerived(s);
  return s;
}

TEST(View, DeltaTurnsOneViewIntoTheOther) {
  const GameState a = smallState();
  const GameState b = later(a);
  for (CivId civ = 0; civ < 3; ++civ) {
    SCOPED_TRACE("civ " + std::to_string(civ));
    const View before = viewFor(a, civ);
    const View after = viewFor(b, civ);
    const ViewDelta forward = diffViews(before, after);
    View v = before;
    applyDelta(v, forward);
    EXPECT_EQ(v, after);
    v = after;
    applyDelta(v, diffViews(after, before));
    EXPECT_EQ(v, before);
  }
}

TEST(View, DeltaHoldsOnlyWhatChanged) {
  const GameState a = smallState();
  const View before = viewFor(a, 0);
  const View after = viewFor(later(a), 0);
  const ViewDelta d = diffViews(before, after);
  EXPECT_FALSE(empty(d));
  EXPECT_EQ(d.tick, a.tick + 3);
  ASSERT_TRUE(d.self.has_value());
  EXPECT_EQ(ids(d.planets.upserted), (std::vector<int32_t>{0, 3}));
  EXPECT_TRUE(d.planets.removed.empty());
  EXPECT_EQ(ids(d.systems.upserted), (std::vector<int32_t>{6}));
  EXPECT_EQ(ids(d.foreign_planets.upserted), (std::vector<int32_t>{1, 7}));
  EXPECT_EQ(d.foreign_planets.removed, (std::vector<int32_t>{3}));
  EXPECT_EQ(ids(d.fleets.upserted), (std::vector<int32_t>{1}));
  // Civ 1's guard moved into sight; its scouts came into sight as system 3 did.
  EXPECT_EQ(ids(d.foreign_fleets.upserted), (std::vector<int32_t>{3, 6}));
  EXPECT_EQ(d.foreign_fleets.removed, (std::vector<int32_t>{4}));
  EXPECT_EQ(ids(d.civs.upserted), (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(d.proposals.removed, (std::vector<int32_t>{1}));
  EXPECT_EQ(ids(d.events.upserted), (std::vector<int32_t>{7}));
  EXPECT_TRUE(d.market.has_value());
  ASSERT_TRUE(d.sensors.has_value());
  EXPECT_EQ(*d.sensors, (std::vector<SystemId>{0, 1, 2, 3, 6}));
}

TEST(View, IdenticalViewsGiveAnEmptyDelta) {
  const GameState s = smallState();
  const View v = viewFor(s, 0);
  EXPECT_TRUE(empty(diffViews(v, v)));
  EXPECT_EQ(diffViews(v, v), ViewDelta{.tick = s.tick});
  View next = v;
  next.tick++;
  const ViewDelta d = diffViews(v, next);
  EXPECT_TRUE(empty(d));  // only the tick moved
  View applied = v;
  applyDelta(applied, d);
  EXPECT_EQ(applied, next);
}

TEST(View, DeltasChainOverManyChanges) {
  // Random edits to the grid state, tick after tick: the chained deltas track the views.
  GameState s = gridState(12, 4);
  Rng rng(5);
  View client = viewFor(s, 1);
  for (int t = 0; t < 40; ++t) {
    ++s.tick;
    for (int k = 0; k < 5; ++k) {
      Fleet& f = s.fleets[rng.below(static_cast<uint32_t>(s.fleets.size()))];
      const auto& lanes = s.systems[f.at].lanes;
      f.at = lanes[rng.below(static_cast<uint32_t>(lanes.size()))].to;
      Planet& p = s.planets[rng.below(static_cast<uint32_t>(s.planets.size()))];
      p.owner = static_cast<CivId>(rng.below(5)) - 1;
      p.population = rng.uniform(0, 30);
      s.civs[1].explored[rng.below(static_cast<uint32_t>(s.systems.size()))] = true;
    }
    rebuildDerived(s);
    const View now = viewFor(s, 1);
    applyDelta(client, diffViews(client, now));
    ASSERT_EQ(client, now) << "tick " << s.tick;
  }
}

// Views of a real campaign, tick after tick: fair, and tracked exactly by chained deltas.
TEST(View, RealCampaignViewsAreFairAndDeltasTrackThem) {
  GameState s = newGame({.seed = 99, .systems = 150, .civs = 5});
  std::vector<View> clients;
  for (const Civ& c : s.civs) clients.push_back(viewFor(s, c.id));
  size_t changes = 0;
  for (int t = 1; t <= 40; ++t) {
    step(s);
    for (const Civ& c : s.civs) {
      const View now = viewFor(s, c.id);
      const ViewDelta d = diffViews(clients[c.id], now);
      changes += empty(d) ? 0 : 1;
      applyDelta(clients[c.id], d);
      ASSERT_EQ(clients[c.id], now) << "civ " << c.id << ", tick " << s.tick;
      if (t % 10 == 0) expectFair(s, c.id);
    }
  }
  EXPECT_GT(changes, 0u);
}

// Its timing: bench/game_bench.cc (BM_ViewFor).
TEST(View, ShowsOnlyTheKnownSystemsOfALargeGalaxy) {
  const GameState s = gridState(32, 8);  // 1,024 systems; each civ knows 100
  for (CivId civ = 0; civ < 8; ++civ) EXPECT_EQ(viewFor(s, civ).systems.size(), 100u) << civ;
}

}  // namespace
}  // namespace startales::game
