#pragma once

// Internal: the AI empires' planner (ai.cc runs it; planner.cc and planner_fleets.cc hold
// its phases). It has two modes:
// - playing (runAi): every order is submitted to the live state, as a player's would be;
// - advising (advise(), advice.h): every order is validated against the state and recorded
//   with its utility and reason instead. Reasons are built only in this mode (a lambda), so
//   playing pays nothing for them, and orders are the same in both modes.
// In advising mode the planner may also be limited to what its civilization sees: foreign
// fleets outside `sees` do not exist for it.

#include <string>
#include <vector>

#include "game/advice.h"
#include "game/sim.h"

namespace startales::game {

inline constexpr int kWarGraceTicks = 300;      // nobody starts a war before this tick
inline constexpr int kPolicyPeriod = 50;        // policy review
inline constexpr size_t kMaxBuildPlanets = 12;  // planets considered for construction per turn

struct Strengths {
  std::vector<double> military;  // per civ, sum of fleet strengths (as far as known)
};

class Planner {
 public:
  // Playing: orders go to `live` (which `s` is).
  Planner(GameState& live, CivId civ, const Strengths& strength)
      : s_(live), live_(&live), civ_(civ), strength_(strength) {}
  // Advising: orders are appended to `out`; `sees` (per system, nullable: everything) limits
  // the foreign fleets the planner knows of. Everything borrowed outlives the planner.
  Planner(const GameState& s, CivId civ, const Strengths& strength, const std::vector<bool>* sees,
          std::vector<Advice>* out)
      : s_(s), civ_(civ), strength_(strength), sees_(sees), advice_(out) {}

  void run();

 private:
  bool advising() const { return live_ == nullptr; }
  const Civ& me() const { return s_.civs[civ_]; }
  // `why` is called only when advising; it returns the reason clause.
  template <typename Why>
  bool order(Action action, double utility, Why why) {
    Command c{civ_, std::move(action)};
    if (!advising()) return std::holds_alternative<Accepted>(submit(*live_, c));
    if (validate(s_, c)) return false;
    advice_->push_back({std::move(c.action), utility, why()});
    return true;
  }
  bool knows(const Fleet& f) const {
    if (f.owner == civ_ || sees_ == nullptr) return true;
    return (*sees_)[f.at] || (f.next != kNone && (*sees_)[f.next]);
  }
  double stock(Resource r) const { return at(me().stock, r); }
  double income(Resource r) const { return me().income[static_cast<int>(r)]; }
  const std::vector<PlanetId>& planets() const { return s_.civ_planets[civ_]; }
  double population() const {
    double p = 0;
    for (PlanetId id : planets()) p += s_.planets[id].population;
    return p;
  }
  // Spending more than it earns with little left: only income buildings, no new ships.
  bool broke() const { return income(Resource::kCredits) < 0 && stock(Resource::kCredits) < 500; }

  bool atWarWithAnyone() const {
    for (const auto& c : s_.civs) {
      if (c.alive && c.id != civ_ && s_.relation(civ_, c.id).treaty == Treaty::kWar) return true;
    }
    return false;
  }

  // ---- events, proposals, policies, research, trade, construction (planner.cc) ----
  void answerEvents();
  void answerProposals();
  void setPolicies();
  void chooseResearch();
  void trade();
  double buildingScore(const Planet& p, Building b);
  std::string buildingReason(const Planet& p, Building b) const;  // advising: why b on p
  void build();
  void buildShips();

  // How many items a planet's queue may hold: a rich treasury builds in depth.
  size_t queueDepth() const {
    const double credits = stock(Resource::kCredits);
    return credits > 20000 ? 3 : credits > 5000 ? 2 : 1;
  }

  int shipsOwned(ShipClass c, bool include_queued) const {
    int n = 0;
    for (const auto& f : s_.fleets) {
      if (f.owner == civ_) n += f.ships[static_cast<int>(c)];
    }
    if (include_queued) {
      for (PlanetId id : planets()) {
        for (const auto& q : s_.planets[id].queue) n += q.is_ship && q.type == static_cast<uint8_t>(c);
      }
    }
    return n;
  }

  // ---- fleets and diplomacy (planner_fleets.cc) ----
  void commandFleets();
  void moveColonyShip(const Fleet& f, std::vector<SystemId>& claimed);
  void moveWarFleet(const Fleet& f);
  bool borders(CivId other) const;
  void diplomacy();

  bool colonizable(const Planet& p) const {
    const int need = kMinColonyHabitability - static_cast<int>(modifier(s_, civ_, Modifier::kColonyRange));
    return p.owner == kNone && p.habitability >= need;
  }

  int colonyTargets() const {
    int n = 0;
    for (size_t sys = 0; sys < s_.systems.size() && n < 8; ++sys) {
      if (!me().explored[sys]) continue;
      for (PlanetId id : s_.systems[sys].planets) n += colonizable(s_.planets[id]);
    }
    return n;
  }

  // Breadth-first from `from` over explored systems; returns the first system accepted by
  // `want`, or kNone. Bounded by the galaxy size.
  template <typename Want>
  SystemId nearest(SystemId from, Want want, bool allow_unexplored) const {
    std::vector<bool> seen(s_.systems.size(), false);
    std::vector<SystemId> frontier{from};
    seen[from] = true;
    while (!frontier.empty()) {
      std::vector<SystemId> next;
      for (SystemId sys : frontier) {
        if (sys != from && want(sys)) return sys;
        if (!me().explored[sys]) continue;
        for (const auto& lane : s_.systems[sys].lanes) {
          if (seen[lane.to]) continue;
          if (!allow_unexplored && !me().explored[lane.to]) continue;
          seen[lane.to] = true;
          next.push_back(lane.to);
        }
      }
      frontier.swap(next);
    }
    return kNone;
  }

  static SystemId destination(const Fleet& f) {
    if (!f.route.empty()) return f.route.back();
    return f.next != kNone ? f.next : f.at;
  }

  // Systems holding idle armed fleets hostile to us (known ones); computed once per turn.
  bool hostileArmedAt(SystemId sys) {
    if (threats_.empty()) {
      threats_.assign(s_.systems.size(), false);
      for (const auto& f : s_.fleets) {
        if (f.next == kNone && armed(f) && hostile(s_, civ_, f.owner) && knows(f)) {
          threats_[f.at] = true;
        }
      }
    }
    return threats_[sys];
  }

  const GameState& s_;
  GameState* live_ = nullptr;  // playing: where orders go; null when advising
  CivId civ_;
  const Strengths& strength_;
  const std::vector<bool>* sees_ = nullptr;  // advising: systems under our sensors
  std::vector<Advice>* advice_ = nullptr;    // advising: the orders, in the planner's order
  std::vector<bool> threats_;
};

}  // namespace startales::game
