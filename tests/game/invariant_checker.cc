// The game's invariants, checked after every tick of a property-test campaign (see
// invariant_checker.h).

#include "invariant_checker.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "game/view.h"

namespace startales::game {
namespace {

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

}  // namespace

class InvariantChecker::Impl {
 public:
  explicit Impl(const GameState& s) : allowance_(s.planets.size(), 0), views_(s.civs.size()) {}

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

InvariantChecker::InvariantChecker(const GameState& s) : impl_(std::make_unique<Impl>(s)) {}
InvariantChecker::~InvariantChecker() = default;

std::vector<std::string> InvariantChecker::check(const GameState& s,
                                                 const std::vector<Notice>& notices) {
  return impl_->check(s, notices);
}

}  // namespace startales::game
