// Property tests: random campaigns driven by random command streams for the human civs, with
// the game's invariants checked after every tick. Each scenario is one seed: a galaxy of 20 to
// 120 systems, 2 to 6 civs (some human, the rest AI), 300 to 600 ticks.
//
// Every submit() is checked against validate() and the rejection rules (known code, a message
// without a trailing period). After every tick: no NaN, infinity or negative stock anywhere;
// population within housing, unrest within 0..100, prices within their floor and ceiling;
// fleets on real systems and lanes; planet owners matching civ_planets; treaties moving only
// forward; every civilization's view showing only what fog of war allows, and the view delta
// from the previous tick rebuilding it exactly.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "game/game.h"
#include "game/view.h"
#include "random_commands.h"

namespace startales::game {
namespace {

using testing::kActionCount;
using testing::RandomCommands;

struct Scenario {
  uint64_t seed;
  int systems, civs, players, ticks;
  bool armada;  // the first human civ starts with a war fleet, so invasions happen early
};

void PrintTo(const Scenario& s, std::ostream* os) {
  *os << "seed " << s.seed << ", " << s.systems << " systems, " << s.civs << " civs (" << s.players
      << " human), " << s.ticks << " ticks" << (s.armada ? ", armada" : "");
}

std::vector<Scenario> scenarios() {
  std::vector<Scenario> out;
  for (int i = 0; i < 30; ++i) {
    Scenario s;
    s.seed = 1000 + static_cast<uint64_t>(i) * 7919;
    s.systems = 20 + (i * 37) % 101;                    // 20..120
    s.civs = std::min(2 + i % 5, s.systems / 5);        // 2..6, within the galaxy's limit
    s.players = i % 4 == 0 ? 0 : 1 + (i / 4) % s.civs;  // a quarter are all-AI
    s.ticks = 300 + (i * 53) % 301;                     // 300..600
    s.armada = s.players > 0 && i % 2 == 1;
    out.push_back(s);
  }
  return out;
}

// ---- coverage over every scenario ---------------------------------------------------------

struct Coverage {
  std::array<int, kActionCount> plausible{}, garbage{}, accepted{}, applied{};
  int scenarios = 0;
};
Coverage& coverage() {
  static Coverage c;
  return c;
}

// ---- invariants -----------------------------------------------------------------------------

// The most housing any owner can get: every housing tech researched.
double maxHousingModifier() {
  double sum = 0;
  for (int t = 0; t < kTechCount; ++t) {
    if (techRule(t).modifier == Modifier::kHousing && techRule(t).amount > 0) {
      sum += techRule(t).amount;
    }
  }
  return sum;
}

// Upper bound of a planet's housing under any owner (population.cc's formula with the largest
// housing modifier).
double housingBound(const Planet& p) {
  const double raw =
      p.size * kHousingPerSize * p.habitability / 100.0 +
      p.buildings[static_cast<int>(Building::kHabitat)] * buildingRule(Building::kHabitat).housing;
  return std::max(1.0, raw * (1 + maxHousingModifier()));
}

class Checker {
 public:
  explicit Checker(const GameState& s) : allowance_(s.planets.size(), 0), views_(s.civs.size()) {}

  // Every problem found in `s` after a tick that produced `notices`; empty when all is well.
  std::vector<std::string> check(const GameState& s, const std::vector<Notice>& notices) {
    problems_.clear();
    checkNotices(s, notices);
    checkCivs(s);
    checkPlanets(s, notices);
    checkFleets(s);
    checkDiplomacy(s);
    checkMarket(s);
    for (const Civ& c : s.civs) checkView(s, c.id);
    return problems_;
  }

 private:
  template <class... Parts>
  void fail(const Parts&... parts) {
    if (problems_.size() >= 25) return;
    std::ostringstream out;
    (out << ... << parts);
    problems_.push_back(out.str());
  }

  void finite(double v, const std::string& what) {
    if (!std::isfinite(v)) fail(what, " is ", v);
  }
  void nonNegative(double v, const std::string& what) {
    finite(v, what);
    if (v < 0) fail(what, " is negative: ", v);
  }
  void within(double v, double lo, double hi, const std::string& what) {
    finite(v, what);
    if (v < lo || v > hi) fail(what, " = ", v, " is outside [", lo, ", ", hi, "]");
  }

  void checkNotices(const GameState& s, const std::vector<Notice>& notices) {
    for (const Notice& n : notices) {
      const std::string what = "notice \"" + n.kind + ": " + n.text + "\"";
      if (n.kind.empty()) fail(what, " has no kind");
      if (n.text.empty()) fail(what, " has no text");
      if (!n.text.empty() && n.text.back() != '.' && n.text.back() != '!' && n.text.back() != '?') {
        fail(what, " does not end a sentence");
      }
      if (n.text.size() >= 2 && n.text.ends_with("..")) fail(what, " ends with two periods");
      if (n.tick != s.tick) fail(what, " has tick ", n.tick, ", the state is at ", s.tick);
      if (n.civ != kNone && (n.civ < 0 || n.civ >= static_cast<CivId>(s.civs.size()))) {
        fail(what, " is addressed to civ ", n.civ);
      }
    }
  }

  void checkCivs(const GameState& s) {
    const size_t systems = s.systems.size();
    for (const Civ& c : s.civs) {
      const std::string who = "civ " + std::to_string(c.id) + " (" + c.name + ")";
      for (int r = 0; r < kResourceCount; ++r) {
        const std::string res(resourceName(static_cast<Resource>(r)));
        nonNegative(c.stock[r], who + " stock of " + res);
        within(c.shortage[r], 0, 1, who + " shortage of " + res);
        finite(c.income[r], who + " income of " + res);
      }
      nonNegative(c.influence, who + " influence");
      nonNegative(c.research_progress, who + " research progress");
      nonNegative(c.research_rate, who + " research rate");
      within(c.war_weariness, 0, 100, who + " war weariness");
      for (double v : {c.score.empire, c.score.discovery, c.score.story, c.score.social}) {
        finite(v, who + " score");
      }
      within(c.policies.tax_rate, 0, kMaxTaxRate, who + " tax rate");
      within(c.policies.tariff, kMinTariff, kMaxTariff, who + " tariff");
      int budget = 0;
      for (int v : c.policies.budget) {
        within(v, 0, 100, who + " budget share");
        budget += v;
      }
      if (budget != 100) fail(who, " budget adds up to ", budget);
      if (c.researching != kNone && (c.researching < 0 || c.researching >= kTechCount)) {
        fail(who, " researches tech ", c.researching);
      }
      if (c.techs.size() != static_cast<size_t>(kTechCount))
        fail(who, " has ", c.techs.size(), " tech flags");
      if (c.explored.size() != systems) fail(who, " has ", c.explored.size(), " explored flags");
      const auto explored = std::count(c.explored.begin(), c.explored.end(), true);
      if (explored != c.explored_count) {
        fail(who, " explored_count is ", c.explored_count, " but ", explored,
             " systems are explored");
      }
      if (c.alive && c.capital != kNone &&
          (c.capital < 0 || c.capital >= static_cast<PlanetId>(s.planets.size()) ||
           s.planets[c.capital].owner != c.id || !s.planets[c.capital].capital)) {
        fail(who, " has capital ", c.capital, " which it does not hold as its capital");
      }
      if (!c.alive && c.destroyed_by != kNone &&
          (c.destroyed_by < 0 || c.destroyed_by >= static_cast<CivId>(s.civs.size()))) {
        fail(who, " was destroyed by civ ", c.destroyed_by);
      }
    }
  }

  void checkPlanets(const GameState& s, const std::vector<Notice>& notices) {
    // Population may exceed housing only through what puts people on a planet at once:
    // colonists, refugees (an event), a change of owner. Otherwise an excess can only shrink.
    std::set<PlanetId> touched;
    for (const Notice& n : notices) {
      if (n.planet != kNone && (n.kind == "colony_founded" || n.kind == "event_resolved" ||
                                n.kind == "planet_invaded")) {
        touched.insert(n.planet);
      }
    }
    if (s.civ_planets.size() != s.civs.size()) {
      fail("civ_planets has ", s.civ_planets.size(), " entries for ", s.civs.size(), " civs");
      return;
    }
    std::vector<std::vector<PlanetId>> owned(s.civs.size());
    for (const Planet& p : s.planets) {
      const std::string where = "planet " + std::to_string(p.id) + " (" + p.name + ")";
      if (p.owner != kNone) {
        if (p.owner < 0 || p.owner >= static_cast<CivId>(s.civs.size())) {
          fail(where, " has owner ", p.owner);
          continue;
        }
        owned[p.owner].push_back(p.id);
        if (!s.civs[p.owner].alive) fail(where, " belongs to a destroyed civ ", p.owner);
      }
      if (p.capital && (p.owner == kNone || s.civs[p.owner].capital != p.id)) {
        fail(where, " is flagged as a capital but is not its owner's capital");
      }
      nonNegative(p.population, where + " population");
      within(p.unrest, 0, 100, where + " unrest");
      nonNegative(p.defense_hull, where + " defense hull");
      for (int b = 0; b < kBuildingCount; ++b) {
        if (p.buildings[b] < 0) fail(where, " has ", p.buildings[b], " buildings of kind ", b);
      }
      if (p.queue.size() > 10) fail(where, " has ", p.queue.size(), " queue items");
      for (const QueueItem& q : p.queue) {
        nonNegative(q.progress, where + " queue progress");
        nonNegative(q.need, where + " queue need");
        nonNegative(q.have, where + " queue have");
      }
      const double excess = p.population - housingBound(p);
      double& allowed = allowance_[p.id];
      if (p.owner != kNone && !touched.contains(p.id) && excess > allowed + 1e-6) {
        fail(where, " population ", p.population, " exceeds its housing bound ", housingBound(p),
             " (size ", p.size, ", habitability ", p.habitability, "%, ",
             p.buildings[static_cast<int>(Building::kHabitat)], " habitats) by ", excess,
             ", and grew from ", allowed, " over it");
      }
      allowed = std::max(0.0, excess);
    }
    for (size_t c = 0; c < s.civs.size(); ++c) {
      if (owned[c] != s.civ_planets[c]) {
        fail("civ_planets of civ ", c, " does not list exactly the planets it owns");
      }
    }
  }

  void checkFleets(const GameState& s) {
    const auto systems = static_cast<SystemId>(s.systems.size());
    auto isLane = [&](SystemId a, SystemId b) {
      if (a < 0 || a >= systems) return false;
      const auto& lanes = s.systems[a].lanes;
      return std::any_of(lanes.begin(), lanes.end(), [&](const Lane& l) { return l.to == b; });
    };
    FleetId last = kNone;
    for (const Fleet& f : s.fleets) {
      const std::string what = "fleet " + std::to_string(f.id) + " (" + f.name + ")";
      if (f.id <= last) fail(what, " is out of order after fleet ", last);
      if (f.id >= s.next_fleet) fail(what, " has an id at or above next_fleet ", s.next_fleet);
      last = f.id;
      if (f.owner != kPirates &&
          (f.owner < 0 || f.owner >= static_cast<CivId>(s.civs.size()) || !s.civs[f.owner].alive)) {
        fail(what, " belongs to ", f.owner, ", not a living civ");
      }
      if (f.at < 0 || f.at >= systems) {
        fail(what, " is at system ", f.at);
        continue;
      }
      int ships = 0;
      for (int c = 0; c < kShipClassCount; ++c) {
        if (f.ships[c] < 0) fail(what, " has ", f.ships[c], " ships of class ", c);
        ships += f.ships[c];
      }
      if (ships <= 0) fail(what, " has no ships");
      nonNegative(f.damage, what + " damage");
      if (f.next == kNone) {
        if (f.progress != 0 || f.travel != 0 || !f.route.empty()) {
          fail(what, " is not moving but has progress ", f.progress, ", travel ", f.travel,
               " and a route of ", f.route.size());
        }
        continue;
      }
      if (!isLane(f.at, f.next)) fail(what, " moves from ", f.at, " to ", f.next, ", not a lane");
      if (f.travel < 1 || f.progress < 0 || f.progress > f.travel) {
        fail(what, " has progress ", f.progress, " of travel ", f.travel);
      }
      SystemId prev = f.next;
      for (SystemId sys : f.route) {
        if (!isLane(prev, sys))
          fail(what, "'s route goes from ", prev, " to ", sys, ", not a lane");
        prev = sys;
      }
    }
  }

  void checkDiplomacy(const GameState& s) {
    const auto n = static_cast<CivId>(s.civs.size());
    if (s.relations.size() != static_cast<size_t>(n) * n) {
      fail("relations has ", s.relations.size(), " entries for ", n, " civs");
      return;
    }
    for (CivId a = 0; a < n; ++a) {
      for (CivId b = 0; b < n; ++b) {
        const Relation& r = s.relation(a, b);
        within(r.score, -100, 100, "relation score");
        if (a == b && r.treaty != Treaty::kNone) fail("civ ", a, " has a treaty with itself");
        if (!(r.treaty == s.relation(b, a).treaty) || r.score != s.relation(b, a).score) {
          fail("relation ", a, "-", b, " is not symmetric");
        }
      }
    }
    // Treaties move forward only: contact brings peace; peace leads to a trade pact, an
    // alliance or war; a trade pact to an alliance or war; war ends in peace. Nothing is
    // signed twice (a re-signed treaty would restart its `since`), and an alliance is final.
    if (relations_.size() == s.relations.size()) {
      for (CivId a = 0; a < n; ++a) {
        for (CivId b = a + 1; b < n; ++b) {
          const Relation& was = relations_[a * n + b];
          const Relation& now = s.relation(a, b);
          if (was.treaty == now.treaty) {
            if (was.since != now.since) {
              fail("the ", treatyName(now.treaty), " between civs ", a, " and ", b,
                   " was signed again (since ", was.since, " -> ", now.since, ")");
            }
          } else if (!allowedTransition(was.treaty, now.treaty)) {
            fail("civs ", a, " and ", b, " went from ", treatyName(was.treaty), " to ",
                 treatyName(now.treaty));
          }
        }
      }
    }
    relations_ = s.relations;

    auto validLiving = [&](CivId c) { return c >= 0 && c < n && s.civs[c].alive; };
    int32_t last = 0;
    for (const Proposal& p : s.proposals) {
      if (p.id <= last) fail("proposal ", p.id, " is out of order");
      last = p.id;
      if (!validLiving(p.from) || !validLiving(p.to) || p.from == p.to) {
        fail("proposal ", p.id, " is from ", p.from, " to ", p.to);
      }
    }
    last = 0;
    for (const PendingEvent& e : s.events) {
      if (e.id <= last) fail("event ", e.id, " is out of order");
      last = e.id;
      if (!validLiving(e.civ)) fail("event ", e.id, " belongs to ", e.civ);
    }
    const Counters& k = s.counters;
    for (int32_t v :
         {k.colonies_founded, k.trades, k.wars, k.peace_treaties, k.trade_pacts, k.alliances,
          k.battles, k.invasions, k.revolts, k.events, k.ships_built, k.buildings_built,
          k.techs_researched, k.civs_destroyed, k.commands_applied, k.commands_failed}) {
      if (v < 0) fail("a counter is negative: ", v);
    }
  }

  static bool allowedTransition(Treaty from, Treaty to) {
    switch (from) {
      case Treaty::kNone:
        return to == Treaty::kPeace;
      case Treaty::kWar:
        return to == Treaty::kPeace;
      case Treaty::kPeace:
        return to == Treaty::kTradePact || to == Treaty::kAlliance || to == Treaty::kWar;
      case Treaty::kTradePact:
        return to == Treaty::kAlliance || to == Treaty::kWar;
      case Treaty::kAlliance:
        return false;
    }
    return false;
  }

  void checkMarket(const GameState& s) {
    for (int g = 0; g < kGoodsCount; ++g) {
      const auto& rule = marketRule(kGoods[g]);
      const std::string good(resourceName(kGoods[g]));
      within(s.market.price[g], rule.floor, rule.ceiling, good + " price");
      nonNegative(s.market.bought[g], good + " bought");
      nonNegative(s.market.sold[g], good + " sold");
    }
  }

  void checkView(const GameState& s, CivId civ) {
    const View v = viewFor(s, civ);
    const Civ& c = s.civs[civ];
    const std::string who = "the view of civ " + std::to_string(civ);
    if (v.tick != s.tick || v.self.id != civ)
      fail(who, " has tick ", v.tick, " and self ", v.self.id);
    for (const Planet& p : v.planets) {
      if (p.owner != civ) fail(who, " lists planet ", p.id, " of owner ", p.owner, " as its own");
    }
    if (v.planets.size() != s.civ_planets[civ].size()) {
      fail(who, " has ", v.planets.size(), " own planets, the civ owns ",
           s.civ_planets[civ].size());
    }
    for (const SystemView& sys : v.systems) {
      if (!c.explored[sys.id]) fail(who, " shows unexplored system ", sys.id);
    }
    for (const ForeignPlanetView& p : v.foreign_planets) {
      if (p.system < 0 || !c.explored[p.system]) {
        fail(who, " shows planet ", p.id, " in unexplored system ", p.system);
      }
      if (p.owner == civ) fail(who, " shows its own planet ", p.id, " as foreign");
    }
    const std::vector<bool> seen = sensorCoverage(s, civ);
    auto covered = [&](SystemId sys) {
      return sys >= 0 && static_cast<size_t>(sys) < seen.size() && seen[sys];
    };
    size_t visible = 0;
    for (const Fleet& f : s.fleets) {
      if (f.owner != civ && (covered(f.at) || (f.next != kNone && covered(f.next)))) visible++;
    }
    for (const ForeignFleetView& f : v.foreign_fleets) {
      if (f.owner == civ) fail(who, " shows its own fleet ", f.id, " as foreign");
      if (!covered(f.at) && !(f.next != kNone && covered(f.next))) {
        fail(who, " shows fleet ", f.id, " at ", f.at, " outside its sensor coverage");
      }
    }
    if (v.foreign_fleets.size() != visible) {
      fail(who, " shows ", v.foreign_fleets.size(), " foreign fleets; ", visible, " are in range");
    }
    for (const Fleet& f : v.fleets) {
      if (f.owner != civ) fail(who, " lists fleet ", f.id, " of owner ", f.owner, " as its own");
    }
    for (const CivView& other : v.civs) {
      if (other.id != civ && s.relation(civ, other.id).treaty == Treaty::kNone) {
        fail(who, " shows civ ", other.id, " without contact");
      }
    }
    for (const Proposal& p : v.proposals) {
      if (p.from != civ && p.to != civ) fail(who, " shows someone else's proposal ", p.id);
    }
    for (const PendingEvent& e : v.events) {
      if (e.civ != civ) fail(who, " shows someone else's event ", e.id);
    }
    // A delta from the previous tick's view rebuilds this one exactly.
    View& before = views_[civ];
    if (before.tick > 0 || before.self.id == civ) {
      applyDelta(before, diffViews(before, v));
      if (!(before == v)) fail(who, ": applyDelta(previous, diffViews(previous, now)) != now");
    }
    before = v;
  }

  std::vector<double> allowance_;    // per planet: population above housingBound() explained
  std::vector<View> views_;          // per civ: the previous tick's view
  std::vector<Relation> relations_;  // the previous tick's relations
  std::vector<std::string> problems_;
};

bool knownCode(const std::string& code) {
  for (const char* c :
       {reject::kNotFound, reject::kNotOwner, reject::kInsufficient, reject::kPrerequisite,
        reject::kOutOfRange, reject::kInvalid, reject::kInvalidState, reject::kNoSlots,
        reject::kDiplomacy, reject::kEliminated}) {
    if (code == c) return true;
  }
  return false;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

class PropertyTest : public ::testing::TestWithParam<Scenario> {};

TEST_P(PropertyTest, RandomCommandStreamsKeepEveryInvariant) {
  const Scenario& sc = GetParam();
  GameConfig config;
  config.seed = sc.seed;
  config.systems = sc.systems;
  config.civs = sc.civs;
  config.players = sc.players;
  ASSERT_EQ(validateConfig(config), std::nullopt);
  GameState s = newGame(config);
  if (sc.armada) {
    Fleet armada;
    armada.id = s.next_fleet++;
    armada.owner = 0;
    armada.name = "Test Armada";
    armada.at = s.planets[s.civs[0].capital].system;
    armada.ships[static_cast<int>(ShipClass::kCorvette)] = 25;
    armada.ships[static_cast<int>(ShipClass::kFrigate)] = 5;
    s.fleets.push_back(armada);
  }
  Checker checker(s);
  RandomCommands commands(sc.seed * 31 + 7);
  Rng pace(sc.seed);
  Coverage& cov = coverage();

  auto initial = checker.check(s, {});
  ASSERT_TRUE(initial.empty()) << "new game:\n" << join(initial);

  std::map<int64_t, int> kind_of;  // accepted seq -> Action index
  for (int t = 0; t < sc.ticks; ++t) {
    for (CivId civ = 0; civ < sc.players; ++civ) {
      const int n = static_cast<int>(pace.below(5));
      for (int i = 0; i < n; ++i) {
        const Command c = commands.next(s, civ);
        const int kind = static_cast<int>(c.action.index());
        (commands.lastPlausible() ? cov.plausible : cov.garbage)[kind]++;
        const auto pending = s.pending.size();
        const auto verdict = validate(s, c);
        const auto result = submit(s, c);
        if (const auto* r = std::get_if<Rejection>(&result)) {
          const std::string what = std::string(actionName(c.action)) + " by " +
                                   std::to_string(c.civ) + " at tick " + std::to_string(s.tick);
          ASSERT_TRUE(verdict.has_value()) << what << ": validate() passed, submit() rejected";
          ASSERT_EQ(*verdict, *r) << what;
          ASSERT_TRUE(knownCode(r->code)) << what << ": code \"" << r->code << "\"";
          ASSERT_FALSE(r->message.empty()) << what << ": empty message (" << r->code << ")";
          ASSERT_NE(r->message.back(), '.') << what << ": \"" << r->message << "\"";
          ASSERT_EQ(s.pending.size(), pending) << what << ": a rejected command was queued";
        } else {
          const auto& ok = std::get<Accepted>(result);
          ASSERT_FALSE(verdict.has_value())
              << actionName(c.action)
              << ": submit() accepted, validate() rejected: " << verdict->message;
          ASSERT_EQ(ok.apply_tick, s.tick + 1);
          ASSERT_EQ(s.pending.size(), pending + 1);
          ASSERT_EQ(s.pending.back().seq, ok.seq);
          cov.accepted[kind]++;
          kind_of[ok.seq] = kind;
        }
      }
    }
    // AI empires queue their commands in step(), so pending also holds theirs.
    std::map<int64_t, int> queued;
    for (const auto& q : s.pending) {
      if (auto it = kind_of.find(q.seq); it != kind_of.end()) queued.insert(*it);
    }
    kind_of.clear();
    const auto notices = step(s);
    ASSERT_EQ(s.tick, t + 1);
    for (const Notice& n : notices) {
      if (n.kind == "command_failed") queued.erase(n.ref);
    }
    for (const auto& [seq, kind] : queued) cov.applied[kind]++;

    const auto problems = checker.check(s, notices);
    ASSERT_TRUE(problems.empty()) << "after tick " << s.tick << ":\n" << join(problems);
  }
  cov.scenarios++;
}

INSTANTIATE_TEST_SUITE_P(Seeds, PropertyTest, ::testing::ValuesIn(scenarios()),
                         [](const ::testing::TestParamInfo<Scenario>& info) {
                           return "seed" + std::to_string(info.param.seed) + "_" +
                                  std::to_string(info.param.systems) + "sys_" +
                                  std::to_string(info.param.civs) + "civs_" +
                                  std::to_string(info.param.players) + "human" +
                                  (info.param.armada ? "_armada" : "");
                         });

// Over all scenarios (only when every one of them ran): every Action alternative was tried,
// plausibly and as garbage, and the ordinary ones were accepted and applied.
class CoverageCheck : public ::testing::Environment {
 public:
  void TearDown() override {
    const Coverage& c = coverage();
    if (c.scenarios != static_cast<int>(scenarios().size())) return;
    std::ostringstream table;
    table << "command coverage (plausible / garbage / accepted / applied):\n";
    for (int k = 0; k < kActionCount; ++k) {
      table << "  " << kindName(k) << ": " << c.plausible[k] << " / " << c.garbage[k] << " / "
            << c.accepted[k] << " / " << c.applied[k] << "\n";
    }
    std::cout << table.str();
    for (int k = 0; k < kActionCount; ++k) {
      EXPECT_GT(c.plausible[k], 0) << kindName(k);
      EXPECT_GT(c.garbage[k], 0) << kindName(k);
    }
    // What any civ can do at any time, so must have happened somewhere in 30 campaigns.
    // (Invasions need a war, an armed fleet at a weak enemy colony and no platforms: they are
    // tried thousands of times but applied only a handful, so they are not required here.)
    for (int k : {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 14}) {
      EXPECT_GT(c.applied[k], 0) << kindName(k) << " was never applied\n" << table.str();
    }
  }

 private:
  static std::string kindName(int k) {
    static const auto names = [] {
      std::vector<std::string> out;
      out.push_back(std::string(actionName(Build{})));
      out.push_back(std::string(actionName(CancelBuild{})));
      out.push_back(std::string(actionName(BuildShip{})));
      out.push_back(std::string(actionName(SetPolicy{})));
      out.push_back(std::string(actionName(Research{})));
      out.push_back(std::string(actionName(MoveFleet{})));
      out.push_back(std::string(actionName(SplitFleet{})));
      out.push_back(std::string(actionName(MergeFleets{})));
      out.push_back(std::string(actionName(Colonize{})));
      out.push_back(std::string(actionName(Invade{})));
      out.push_back(std::string(actionName(Trade{})));
      out.push_back(std::string(actionName(ProposeTreaty{})));
      out.push_back(std::string(actionName(RespondTreaty{})));
      out.push_back(std::string(actionName(DeclareWar{})));
      out.push_back(std::string(actionName(ChooseEventOption{})));
      return out;
    }();
    return names[static_cast<size_t>(k)];
  }
};
const auto* const kCoverage = ::testing::AddGlobalTestEnvironment(new CoverageCheck);

}  // namespace
}  // namespace startales::game
