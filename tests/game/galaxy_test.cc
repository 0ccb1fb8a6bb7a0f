#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <queue>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "game/game.h"

namespace startales::game {
namespace {

GameConfig config(uint64_t seed, int systems, int civs, int players = 0) {
  GameConfig c;
  c.seed = seed;
  c.systems = systems;
  c.civs = civs;
  c.players = players;
  return c;
}

// Generated states, shared by the tests (generation of 5,000 systems is the slow part).
const GameState& galaxy(uint64_t seed, int systems, int civs) {
  static std::map<std::tuple<uint64_t, int, int>, GameState> cache;
  auto key = std::make_tuple(seed, systems, civs);
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, newGame(config(seed, systems, civs))).first;
  return it->second;
}

struct Case {
  uint64_t seed;
  int systems, civs;
};
const std::vector<Case> kCases = {{1, 20, 1},  {2, 20, 4},    {3, 400, 8}, {4, 400, 32},
                                  {5, 400, 4}, {6, 5000, 32}, {7, 5000, 8}};

// ---- validateConfig --------------------------------------------------------------------

void expectRejected(const GameConfig& c, const std::string& mentions) {
  const auto r = validateConfig(c);
  ASSERT_TRUE(r.has_value()) << "accepted, expected a complaint about " << mentions;
  EXPECT_EQ(r->code, "invalid_argument");
  EXPECT_NE(r->message.find(mentions), std::string::npos) << r->message;
}

TEST(GalaxyTest, ValidateConfigAcceptsTheLimits) {
  EXPECT_EQ(validateConfig(config(1, 20, 1)), std::nullopt);
  EXPECT_EQ(validateConfig(config(1, 5000, 32, 32)), std::nullopt);
  EXPECT_EQ(validateConfig(config(1, 100, 20, 0)), std::nullopt);
  GameConfig named = config(1, 100, 4, 2);
  named.player_names = {"Alice", std::string(40, 'x')};
  EXPECT_EQ(validateConfig(named), std::nullopt);
  named.player_names = {"Zoë"};  // 3 characters, 4 bytes
  EXPECT_EQ(validateConfig(named), std::nullopt);
}

TEST(GalaxyTest, ValidateConfigRejectsEachBadField) {
  expectRejected(config(1, 19, 1), "systems");
  expectRejected(config(1, 5001, 1), "systems");
  expectRejected(config(1, 100, 0), "civs");
  expectRejected(config(1, 5000, 33), "civs");
  expectRejected(config(1, 100, 4, -1), "players");
  expectRejected(config(1, 100, 4, 5), "players");
  expectRejected(config(1, 100, 21), "at most 20 civs");
  GameConfig names = config(1, 100, 4, 1);
  names.player_names = {"Alice", "Bob"};
  expectRejected(names, "player names");
  names = config(1, 100, 4, 2);
  names.player_names = {""};
  expectRejected(names, "player name 1");
  names.player_names = {"Alice", std::string(41, 'x')};
  expectRejected(names, "player name 2");
  names.player_names = {"Alice", "Alice"};
  expectRejected(names, "distinct");
}

// ---- lanes -----------------------------------------------------------------------------

bool connected(const GameState& s) {
  std::vector<bool> seen(s.systems.size(), false);
  std::queue<SystemId> todo;
  todo.push(0);
  seen[0] = true;
  size_t count = 1;
  while (!todo.empty()) {
    const SystemId at = todo.front();
    todo.pop();
    for (const Lane& lane : s.systems[static_cast<size_t>(at)].lanes) {
      if (!seen[static_cast<size_t>(lane.to)]) {
        seen[static_cast<size_t>(lane.to)] = true;
        ++count;
        todo.push(lane.to);
      }
    }
  }
  return count == s.systems.size();
}

// Pairs of lanes that properly cross (sweep over lanes sorted by their left end).
int crossings(const GameState& s) {
  struct Seg {
    double x0, y0, x1, y1;
    SystemId a, b;
  };
  std::vector<Seg> segs;
  for (const StarSystem& sys : s.systems) {
    for (const Lane& lane : sys.lanes) {
      if (lane.to < sys.id) continue;
      const StarSystem& o = s.systems[static_cast<size_t>(lane.to)];
      Seg seg{sys.x, sys.y, o.x, o.y, sys.id, o.id};
      if (seg.x0 > seg.x1) {
        std::swap(seg.x0, seg.x1);
        std::swap(seg.y0, seg.y1);
      }
      segs.push_back(seg);
    }
  }
  std::sort(segs.begin(), segs.end(), [](const Seg& a, const Seg& b) { return a.x0 < b.x0; });
  auto orient = [](double ax, double ay, double bx, double by, double cx, double cy) {
    const double v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    return (v > 0) - (v < 0);
  };
  int count = 0;
  for (size_t i = 0; i < segs.size(); ++i) {
    const Seg& p = segs[i];
    for (size_t j = i + 1; j < segs.size() && segs[j].x0 <= p.x1; ++j) {
      const Seg& q = segs[j];
      if (p.a == q.a || p.a == q.b || p.b == q.a || p.b == q.b) continue;
      if (orient(p.x0, p.y0, p.x1, p.y1, q.x0, q.y0) * orient(p.x0, p.y0, p.x1, p.y1, q.x1, q.y1) <
              0 &&
          orient(q.x0, q.y0, q.x1, q.y1, p.x0, p.y0) * orient(q.x0, q.y0, q.x1, q.y1, p.x1, p.y1) <
              0) {
        ++count;
      }
    }
  }
  return count;
}

TEST(GalaxyTest, LanesFormOneConnectedPlanarNetwork) {
  for (const Case& c : kCases) {
    SCOPED_TRACE("seed " + std::to_string(c.seed) + ", " + std::to_string(c.systems) + " systems");
    const GameState& s = galaxy(c.seed, c.systems, c.civs);
    ASSERT_EQ(s.systems.size(), static_cast<size_t>(c.systems));
    EXPECT_TRUE(connected(s));
    int two_or_more = 0;
    size_t lanes = 0;
    for (const StarSystem& sys : s.systems) {
      EXPECT_GE(sys.lanes.size(), 1u);
      EXPECT_LE(sys.lanes.size(), 5u);
      two_or_more += sys.lanes.size() >= 2 ? 1 : 0;
      lanes += sys.lanes.size();
      EXPECT_TRUE(std::is_sorted(sys.lanes.begin(), sys.lanes.end(),
                                 [](const Lane& a, const Lane& b) { return a.to < b.to; }));
      for (size_t i = 0; i < sys.lanes.size(); ++i) {
        const Lane& lane = sys.lanes[i];
        ASSERT_GE(lane.to, 0);
        ASSERT_LT(lane.to, c.systems);
        EXPECT_NE(lane.to, sys.id);
        if (i > 0) {
          EXPECT_NE(lane.to, sys.lanes[i - 1].to) << "duplicate lane";
        }
        const StarSystem& other = s.systems[static_cast<size_t>(lane.to)];
        const Lane back{sys.id, lane.length};
        EXPECT_NE(std::find(other.lanes.begin(), other.lanes.end(), back), other.lanes.end())
            << "lane " << sys.id << "-" << lane.to << " is one-way";
        const double d = std::hypot(sys.x - other.x, sys.y - other.y);
        EXPECT_EQ(lane.length, std::max(1, static_cast<int>(std::lround(d))));
      }
    }
    EXPECT_GE(two_or_more, c.systems * 9 / 10);
    const int crossed = crossings(s);
    EXPECT_LE(crossed * 200, static_cast<int>(lanes / 2)) << crossed << " crossings";
  }
}

TEST(GalaxyTest, SystemsLieInTheDiscAndApart) {
  for (const Case& c : kCases) {
    const GameState& s = galaxy(c.seed, c.systems, c.civs);
    const double radius = std::sqrt(c.systems) * 10;
    std::set<std::string> names;
    std::vector<std::pair<double, double>> pts;
    for (const StarSystem& sys : s.systems) {
      EXPECT_LE(std::hypot(sys.x, sys.y), radius + 0.01);
      EXPECT_TRUE(names.insert(sys.name).second) << "duplicate name " << sys.name;
      pts.emplace_back(sys.x, sys.y);
    }
    std::sort(pts.begin(), pts.end());
    double closest = 1e9;
    for (size_t i = 0; i < pts.size(); ++i) {
      for (size_t j = i + 1; j < pts.size() && pts[j].first - pts[i].first < closest; ++j) {
        closest = std::min(closest,
                           std::hypot(pts[j].first - pts[i].first, pts[j].second - pts[i].second));
      }
    }
    EXPECT_GE(closest, 7.9) << c.systems << " systems";
  }
}

// ---- planets ---------------------------------------------------------------------------

TEST(GalaxyTest, PlanetsAreWithinTheirTypeRanges) {
  for (const Case& c : kCases) {
    const GameState& s = galaxy(c.seed, c.systems, c.civs);
    std::vector<int> per_type(kPlanetTypeCount, 0);
    size_t listed = 0;
    for (const StarSystem& sys : s.systems) {
      EXPECT_GE(sys.planets.size(), 1u);
      EXPECT_LE(sys.planets.size(), 6u);
      listed += sys.planets.size();
      for (PlanetId id : sys.planets) {
        const Planet& p = s.planets[static_cast<size_t>(id)];
        EXPECT_EQ(p.id, id);
        EXPECT_EQ(p.system, sys.id);
        EXPECT_FALSE(p.name.empty());
        if (p.capital) continue;
        EXPECT_EQ(p.owner, kNone);
        EXPECT_EQ(p.name.rfind(sys.name + " ", 0), 0u) << p.name;
        const PlanetTypeRule& rule = planetTypeRule(p.type);
        ++per_type[static_cast<size_t>(p.type)];
        EXPECT_GE(p.size, p.type == PlanetType::kGasGiant ? 4 : 1);
        EXPECT_LE(p.size, 5);
        EXPECT_GE(p.habitability, rule.habitability_min);
        EXPECT_LE(p.habitability, rule.habitability_max);
        for (size_t d = 0; d < 4; ++d) {
          EXPECT_GE(p.deposits[d], rule.deposit_min[d]);
          EXPECT_LE(p.deposits[d], rule.deposit_max[d]);
        }
      }
    }
    EXPECT_EQ(listed, s.planets.size());
    if (c.systems >= 400) {
      for (int t = 0; t < kPlanetTypeCount; ++t) EXPECT_GT(per_type[static_cast<size_t>(t)], 0);
    }
  }
}

// ---- civilizations ---------------------------------------------------------------------

TEST(GalaxyTest, CivilizationsStartWithADevelopedCapital) {
  for (const Case& c : kCases) {
    const GameState& s = galaxy(c.seed, c.systems, c.civs);
    ASSERT_EQ(s.civs.size(), static_cast<size_t>(c.civs));
    ASSERT_EQ(s.fleets.size(), static_cast<size_t>(2 * c.civs));
    EXPECT_EQ(s.relations.size(), static_cast<size_t>(c.civs * c.civs));
    std::set<std::string> names, adjectives, homeworlds;
    std::set<uint32_t> colors;
    std::set<SystemId> capital_systems;
    for (const Civ& civ : s.civs) {
      EXPECT_TRUE(names.insert(civ.name).second) << civ.name;
      EXPECT_TRUE(adjectives.insert(civ.adjective).second) << civ.adjective;
      EXPECT_TRUE(colors.insert(civ.color).second);
      EXPECT_TRUE(civ.ai);
      EXPECT_TRUE(civ.alive);
      ASSERT_GE(civ.capital, 0);
      const Planet& cap = s.planets[static_cast<size_t>(civ.capital)];
      EXPECT_TRUE(cap.capital);
      EXPECT_EQ(cap.owner, civ.id);
      EXPECT_EQ(cap.type, PlanetType::kTerran);
      EXPECT_EQ(cap.size, 4);
      EXPECT_EQ(cap.population, 20);
      EXPECT_EQ(cap.buildings[static_cast<size_t>(Building::kShipyard)], 1);
      EXPECT_TRUE(homeworlds.insert(cap.name).second) << cap.name;
      EXPECT_TRUE(capital_systems.insert(cap.system).second);
      EXPECT_EQ(at(civ.stock, Resource::kCredits), 500);
      EXPECT_EQ(civ.techs.size(), static_cast<size_t>(kTechCount));
      ASSERT_EQ(civ.explored.size(), s.systems.size());
      EXPECT_TRUE(civ.explored[static_cast<size_t>(cap.system)]);
      const auto explored = std::count(civ.explored.begin(), civ.explored.end(), true);
      EXPECT_EQ(explored,
                static_cast<long>(s.systems[static_cast<size_t>(cap.system)].lanes.size() + 1));
      for (double v : {civ.personality.aggression, civ.personality.expansion,
                       civ.personality.commerce, civ.personality.science}) {
        EXPECT_GE(v, 0.2);
        EXPECT_LE(v, 0.9);
      }
      const Fleet& scouts = s.fleets[static_cast<size_t>(2 * civ.id)];
      const Fleet& colonists = s.fleets[static_cast<size_t>(2 * civ.id + 1)];
      EXPECT_EQ(scouts.id, 2 * civ.id);
      EXPECT_EQ(scouts.name, civ.adjective + " Scouts");
      EXPECT_EQ(scouts.ships[static_cast<size_t>(ShipClass::kScout)], 1);
      EXPECT_EQ(colonists.name, civ.adjective + " Colonists");
      EXPECT_EQ(colonists.ships[static_cast<size_t>(ShipClass::kColonyShip)], 1);
      EXPECT_EQ(scouts.at, cap.system);
      EXPECT_EQ(colonists.at, cap.system);
      EXPECT_EQ(colonists.owner, civ.id);
    }
    EXPECT_EQ(s.next_fleet, 2 * c.civs);
    EXPECT_EQ(s.market.price[0], marketRule(Resource::kMinerals).base_price);
  }
}

TEST(GalaxyTest, CapitalsAreFarApart) {
  for (const Case& c : kCases) {
    if (c.civs < 2) continue;
    const GameState& s = galaxy(c.seed, c.systems, c.civs);
    double closest = 1e9;
    for (const Civ& a : s.civs) {
      for (const Civ& b : s.civs) {
        if (a.id >= b.id) continue;
        const StarSystem& sa = s.systems[static_cast<size_t>(s.planets[a.capital].system)];
        const StarSystem& sb = s.systems[static_cast<size_t>(s.planets[b.capital].system)];
        closest = std::min(closest, std::hypot(sa.x - sb.x, sa.y - sb.y));
      }
    }
    // Even spacing gives about radius x 1.9 / sqrt(civs) between neighbours; small galaxies
    // (few systems per civ) come out tighter.
    const double radius = std::sqrt(c.systems) * 10;
    EXPECT_GE(closest, 0.7 * radius / std::sqrt(c.civs))
        << c.systems << " systems, " << c.civs << " civs";
  }
}

TEST(GalaxyTest, PlayersKeepTheirNames) {
  GameConfig c = config(9, 100, 4, 2);
  c.player_names = {"Crimson"};
  ASSERT_EQ(validateConfig(c), std::nullopt);
  const GameState s = newGame(c);
  EXPECT_EQ(s.civs[0].name, "Crimson");
  EXPECT_EQ(s.civs[0].adjective, "Crimson");
  EXPECT_FALSE(s.civs[0].ai);
  EXPECT_FALSE(s.civs[1].ai);
  EXPECT_TRUE(s.civs[2].ai);
  EXPECT_EQ(s.fleets[0].name, "Crimson Scouts");
  for (size_t i = 1; i < s.civs.size(); ++i) EXPECT_NE(s.civs[i].adjective, "Crimson");
}

// ---- determinism -----------------------------------------------------------------------

TEST(GalaxyTest, SameSeedSameGalaxyOtherSeedOtherGalaxy) {
  for (int systems : {20, 400, 5000}) {
    const GameConfig c = config(77, systems, 4);
    const GameState a = newGame(c);
    const GameState b = newGame(c);
    EXPECT_EQ(a.systems, b.systems);
    EXPECT_EQ(a.planets, b.planets);
    EXPECT_EQ(a.civs, b.civs);
    EXPECT_EQ(a.fleets, b.fleets);
    EXPECT_EQ(a.relations, b.relations);
    EXPECT_EQ(a.market, b.market);
    EXPECT_EQ(a.rng, b.rng);
    const GameState other = newGame(config(78, systems, 4));
    EXPECT_NE(a.systems, other.systems);
    EXPECT_NE(a.planets, other.planets);
  }
}

}  // namespace
}  // namespace startales::game
