#include "game/view.h"

#include "game/game.h"

#include <algorithm>
#include <cmath>

namespace startales::game {
namespace {

bool validCiv(const GameState& s, CivId civ) {
  return civ >= 0 && static_cast<size_t>(civ) < s.civs.size();
}

// Calls fn(planet) for each of the civ's planets, ascending: through the derived index when
// it is built, else by a scan.
template <class Fn>
void forEachOwnedPlanet(const GameState& s, CivId civ, Fn fn) {
  if (s.civ_planets.size() == s.civs.size()) {
    for (PlanetId p : s.civ_planets[civ]) fn(s.planets[p]);
    return;
  }
  for (const Planet& p : s.planets) {
    if (p.owner == civ) fn(p);
  }
}

// Lanes of sight: 1 + the researched sensor-range bonuses, rounded.
int sensorRange(const Civ& c) {
  double bonus = 0;
  for (int t = 0; t < kTechCount && static_cast<size_t>(t) < c.techs.size(); ++t) {
    const TechRule& rule = techRule(t);
    if (c.techs[t] && rule.modifier == Modifier::kSensorRange) bonus += rule.amount;
  }
  return 1 + static_cast<int>(std::lround(bonus));
}

double roundTenth(double v) { return std::round(v * 10) / 10; }

template <class T>
bool byId(const T& a, const T& b) {
  return a.id < b.id;
}

// ---- deltas, generic over the keyed collections ------------------------------------------

template <class T>
Changes<T> diffById(const std::vector<T>& before, const std::vector<T>& after) {
  Changes<T> out;
  size_t i = 0, j = 0;
  while (i < before.size() || j < after.size()) {
    if (j == after.size() || (i < before.size() && before[i].id < after[j].id)) {
      out.removed.push_back(before[i++].id);
    } else if (i == before.size() || after[j].id < before[i].id) {
      out.upserted.push_back(after[j++]);
    } else {
      if (!(before[i] == after[j])) out.upserted.push_back(after[j]);
      ++i, ++j;
    }
  }
  return out;
}

template <class T>
void applyById(std::vector<T>& items, const Changes<T>& changes) {
  if (changes.upserted.empty() && changes.removed.empty()) return;
  std::vector<T> out;
  out.reserve(items.size() + changes.upserted.size());
  size_t u = 0, r = 0;
  for (T& item : items) {
    while (u < changes.upserted.size() && changes.upserted[u].id < item.id) {
      out.push_back(changes.upserted[u++]);
    }
    while (r < changes.removed.size() && changes.removed[r] < item.id) ++r;
    if (u < changes.upserted.size() && changes.upserted[u].id == item.id) {
      out.push_back(changes.upserted[u++]);
    } else if (r < changes.removed.size() && changes.removed[r] == item.id) {
      ++r;
    } else {
      out.push_back(std::move(item));
    }
  }
  while (u < changes.upserted.size()) out.push_back(changes.upserted[u++]);
  items = std::move(out);
}

template <class T>
bool none(const Changes<T>& c) {
  return c.upserted.empty() && c.removed.empty();
}

}  // namespace

std::vector<bool> sensorCoverage(const GameState& s, CivId civ) {
  const size_t n = s.systems.size();
  std::vector<bool> seen(n, false);
  if (!validCiv(s, civ)) return seen;
  const int range = std::max(0, sensorRange(s.civs[civ]));

  // Multi-source BFS: left[sys] is the most lanes of sight remaining on reaching sys. Sources
  // start with different ranges, so systems are expanded from the largest remaining range
  // down, one bucket per range; a system is expanded once, with its best range.
  std::vector<int> left(n, -1);
  std::vector<std::vector<SystemId>> bucket(range + 1);
  auto reach = [&](SystemId sys, int r) {
    if (sys < 0 || static_cast<size_t>(sys) >= n || r <= left[sys]) return;
    left[sys] = r;
    bucket[r].push_back(sys);
  };
  forEachOwnedPlanet(s, civ, [&](const Planet& p) { reach(p.system, range); });
  for (const Fleet& f : s.fleets) {
    if (f.owner == civ) reach(f.at, range - 1);
  }
  for (int r = range; r >= 0; --r) {
    for (size_t k = 0; k < bucket[r].size(); ++k) {
      const SystemId sys = bucket[r][k];
      if (left[sys] != r) continue;  // reached again later with more range
      seen[sys] = true;
      if (r == 0) continue;
      for (const Lane& lane : s.systems[sys].lanes) reach(lane.to, r - 1);
    }
  }
  return seen;
}

SystemView systemView(const StarSystem& sys) {
  return {sys.id, sys.name, sys.x, sys.y, sys.lanes, sys.planets};
}

void visitView(const GameState& s, CivId civ, ViewSink& sink) {
  sink.market(s.market);
  if (!validCiv(s, civ)) return;
  const Civ& c = s.civs[civ];

  SelfView self;
  self.id = c.id;
  self.name = c.name;
  self.adjective = c.adjective;
  self.color = c.color;
  self.alive = c.alive;
  self.capital = c.capital;
  self.stock = c.stock;
  self.influence = c.influence;
  self.policies = c.policies;
  self.researching = c.researching;
  self.research_progress = c.research_progress;
  for (size_t t = 0; t < c.techs.size(); ++t) {
    if (c.techs[t]) self.techs.push_back(static_cast<int32_t>(t));
  }
  self.research_cost = c.researching != kNone ? techCost(c, c.researching) : 0;
  self.research_rate = c.research_rate;
  self.income = c.income;
  self.explored_count = c.explored_count;
  self.war_weariness = c.war_weariness;
  self.shortage = c.shortage;
  self.score = c.score;
  sink.self(std::move(self));

  forEachOwnedPlanet(s, civ, [&](const Planet& p) { sink.planet(p); });

  std::vector<ForeignPlanetView> foreign;
  for (size_t id = 0; id < s.systems.size() && id < c.explored.size(); ++id) {
    if (!c.explored[id]) continue;
    const StarSystem& sys = s.systems[id];
    sink.system(sys);
    for (PlanetId pid : sys.planets) {
      const Planet& p = s.planets[pid];
      if (p.owner == civ) continue;
      foreign.push_back({p.id, p.system, p.name, p.type, p.size, p.habitability, p.deposits,
                         p.owner, roundTenth(p.population)});
    }
  }
  if (!std::is_sorted(foreign.begin(), foreign.end(), byId<ForeignPlanetView>)) {
    std::sort(foreign.begin(), foreign.end(), byId<ForeignPlanetView>);
  }
  sink.foreignPlanets(std::move(foreign));

  const std::vector<bool> seen = sensorCoverage(s, civ);
  auto covered = [&](SystemId sys) {
    return sys >= 0 && static_cast<size_t>(sys) < seen.size() && seen[sys];
  };
  for (const Fleet& f : s.fleets) {
    if (f.owner == civ) {
      sink.fleet(f);
    } else if (covered(f.at) || (f.next != kNone && covered(f.next))) {
      sink.foreignFleet({f.id, f.owner, f.name, f.at, f.next, f.ships});
    }
  }
  std::vector<SystemId> sensors;
  for (size_t id = 0; id < seen.size(); ++id) {
    if (seen[id]) sensors.push_back(static_cast<SystemId>(id));
  }
  sink.sensors(std::move(sensors));

  for (const Civ& other : s.civs) {
    const bool me = other.id == civ;
    const Relation& rel = s.relation(civ, other.id);
    if (!me && rel.treaty == Treaty::kNone) continue;
    sink.civ({other.id, other.name, other.adjective, other.color, other.alive,
              me ? Treaty::kNone : rel.treaty, me ? 0 : rel.score, other.score.total()});
  }

  for (const Proposal& p : s.proposals) {
    if (p.from == civ || p.to == civ) sink.proposal(p);
  }
  for (const PendingEvent& e : s.events) {
    if (e.civ == civ) sink.event(e);
  }
}

namespace {

// Copies every part into a View.
class ViewBuilder final : public ViewSink {
 public:
  explicit ViewBuilder(View& v) : v_(v) {}
  void self(SelfView v) override { v_.self = std::move(v); }
  void planet(const Planet& own) override { v_.planets.push_back(own); }
  void system(const StarSystem& explored) override { v_.systems.push_back(systemView(explored)); }
  void foreignPlanets(std::vector<ForeignPlanetView> all) override {
    v_.foreign_planets = std::move(all);
  }
  void fleet(const Fleet& own) override { v_.fleets.push_back(own); }
  void foreignFleet(ForeignFleetView v) override { v_.foreign_fleets.push_back(std::move(v)); }
  void civ(CivView v) override { v_.civs.push_back(std::move(v)); }
  void market(const Market& m) override { v_.market = m; }
  void proposal(const Proposal& p) override { v_.proposals.push_back(p); }
  void event(const PendingEvent& e) override { v_.events.push_back(e); }
  void sensors(std::vector<SystemId> covered) override { v_.sensors = std::move(covered); }

 private:
  View& v_;
};

}  // namespace

View viewFor(const GameState& s, CivId civ) {
  View v;
  v.tick = s.tick;
  ViewBuilder builder(v);
  visitView(s, civ, builder);
  return v;
}

ViewDelta diffViews(const View& before, const View& after) {
  ViewDelta d;
  d.tick = after.tick;
  if (!(before.self == after.self)) d.self = after.self;
  d.planets = diffById(before.planets, after.planets);
  d.systems = diffById(before.systems, after.systems);
  d.foreign_planets = diffById(before.foreign_planets, after.foreign_planets);
  d.fleets = diffById(before.fleets, after.fleets);
  d.foreign_fleets = diffById(before.foreign_fleets, after.foreign_fleets);
  d.civs = diffById(before.civs, after.civs);
  if (!(before.market == after.market)) d.market = after.market;
  d.proposals = diffById(before.proposals, after.proposals);
  d.events = diffById(before.events, after.events);
  if (before.sensors != after.sensors) d.sensors = after.sensors;
  return d;
}

void applyDelta(View& view, const ViewDelta& delta) {
  view.tick = delta.tick;
  if (delta.self) view.self = *delta.self;
  applyById(view.planets, delta.planets);
  applyById(view.systems, delta.systems);
  applyById(view.foreign_planets, delta.foreign_planets);
  applyById(view.fleets, delta.fleets);
  applyById(view.foreign_fleets, delta.foreign_fleets);
  applyById(view.civs, delta.civs);
  if (delta.market) view.market = *delta.market;
  applyById(view.proposals, delta.proposals);
  applyById(view.events, delta.events);
  if (delta.sensors) view.sensors = *delta.sensors;
}

bool empty(const ViewDelta& d) {
  return !d.self && none(d.planets) && none(d.systems) && none(d.foreign_planets) &&
         none(d.fleets) && none(d.foreign_fleets) && none(d.civs) && !d.market &&
         none(d.proposals) && none(d.events) && !d.sensors;
}

}  // namespace startales::game
