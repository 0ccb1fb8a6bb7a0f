// The planner's fleet and diplomacy phases (see planner.h for the two modes).

#include <algorithm>
#include <cmath>

#include "game/planner.h"

namespace startales::game {

void Planner::commandFleets() {
  std::vector<Fleet> mine;
  for (const auto& f : s_.fleets) {
    if (f.owner == civ_) mine.push_back(f);
  }
  std::vector<SystemId> claimed;  // destinations already taken this turn
  for (const auto& f : mine) {
    if (f.next != kNone || !f.route.empty()) claimed.push_back(destination(f));
  }
  for (const auto& f : mine) {
    if (f.next != kNone) continue;
    const bool colony = f.ships[static_cast<int>(ShipClass::kColonyShip)] > 0;
    const bool scout_only = f.ships[static_cast<int>(ShipClass::kScout)] > 0 && !armed(f) && !colony;
    if (colony) {
      moveColonyShip(f, claimed);
    } else if (scout_only) {
      SystemId target = nearest(
          f.at,
          [&](SystemId sys) {
            return !me().explored[sys] &&
                   std::find(claimed.begin(), claimed.end(), sys) == claimed.end();
          },
          true);
      if (target != kNone && order(MoveFleet{f.id, target}, 1, [&] {
            return "the " + f.name + " can chart " + s_.systems[target].name + ", " +
                   std::to_string(s_.systems.size() - me().explored_count) +
                   " systems are still unexplored";
          })) {
        claimed.push_back(target);
      }
    } else if (armed(f)) {
      moveWarFleet(f);
    }
  }
}

void Planner::moveColonyShip(const Fleet& f, std::vector<SystemId>& claimed) {
  // Settle here if there is a good planet; else head for the nearest free one.
  PlanetId best = kNone;
  for (PlanetId id : s_.systems[f.at].planets) {
    const Planet& p = s_.planets[id];
    if (colonizable(p) && (best == kNone || p.habitability * p.size >
                                                s_.planets[best].habitability * s_.planets[best].size)) {
      best = id;
    }
  }
  if (best != kNone && order(Colonize{f.id, best}, 3.5, [&] {
        return s_.planets[best].name + " is free, size " + std::to_string(s_.planets[best].size) +
               " and " + std::to_string(s_.planets[best].habitability) + "% habitable";
      })) {
    return;
  }
  SystemId target = nearest(
      f.at,
      [&](SystemId sys) {
        if (std::find(claimed.begin(), claimed.end(), sys) != claimed.end()) return false;
        if (hostileArmedAt(sys)) return false;
        for (PlanetId id : s_.systems[sys].planets) {
          if (colonizable(s_.planets[id])) return true;
        }
        return false;
      },
      false);
  if (target != kNone && order(MoveFleet{f.id, target}, 2, [&] {
        return s_.systems[target].name + " holds a free habitable world for the " + f.name;
      })) {
    claimed.push_back(target);
  }
}

void Planner::moveWarFleet(const Fleet& f) {
  // Concentrate: merge into another idle armed fleet in the same system.
  for (const auto& other : s_.fleets) {
    if (other.owner == civ_ && other.id < f.id && other.at == f.at && other.next == kNone &&
        armed(other) && other.ships[static_cast<int>(ShipClass::kColonyShip)] == 0) {
      order(MergeFleets{f.id, other.id}, 1.2, [&] {
        return "the " + f.name + " and the " + other.name + " both wait at " + s_.systems[f.at].name +
               "; together they fight as one";
      });
      return;
    }
  }
  // Invade what we stand over.
  for (PlanetId id : s_.systems[f.at].planets) {
    const Planet& p = s_.planets[id];
    if (p.owner >= 0 && p.owner != civ_ && atWar(s_, civ_, p.owner) && p.defense_hull <= 0 &&
        order(Invade{f.id, id}, 5, [&] {
          return p.name + " of the " + s_.civs[p.owner].name + " has no defenses left and holds " +
                 formatAmount(std::round(p.population * 10) / 10) + " thousand people";
        })) {
      return;
    }
  }
  // Defend: hostile fleets in our systems.
  for (PlanetId id : planets()) {
    const SystemId sys = s_.planets[id].system;
    if (sys != f.at && hostileArmedAt(sys)) {
      if (order(MoveFleet{f.id, sys}, 4.5, [&] {
            return "hostile warships sit at " + s_.systems[sys].name + ", where " +
                   s_.planets[id].name + " is";
          })) {
        return;
      }
    }
  }
  // Attack: the nearest enemy planet, once strong enough.
  if (atWarWithAnyone() && fleetStrength(s_, f) >= 25) {
    SystemId target = nearest(
        f.at,
        [&](SystemId sys) {
          for (PlanetId id : s_.systems[sys].planets) {
            const Planet& p = s_.planets[id];
            if (p.owner >= 0 && p.owner != civ_ && atWar(s_, civ_, p.owner)) return true;
          }
          return false;
        },
        false);
    if (target != kNone && target != f.at) {
      order(MoveFleet{f.id, target}, 3, [&] {
        return "the " + f.name + " is strong enough (" + formatAmount(std::round(fleetStrength(s_, f))) +
               ") to strike the enemy at " + s_.systems[target].name;
      });
      return;
    }
    if (target == f.at) return;  // besieging
  }
  // Otherwise guard the capital.
  const PlanetId capital = me().capital;
  if (capital != kNone && s_.planets[capital].system != f.at && !atWarWithAnyone()) {
    order(MoveFleet{f.id, s_.planets[capital].system}, 0.8, [&] {
      return "the " + f.name + " is idle away from " + s_.planets[capital].name + ", our capital";
    });
  }
}


// ---- diplomacy ----

bool Planner::borders(CivId other) const {
  for (PlanetId id : planets()) {
    const auto& sys = s_.systems[s_.planets[id].system];
    for (PlanetId q : sys.planets) {
      if (s_.planets[q].owner == other) return true;
    }
    for (const auto& lane : sys.lanes) {
      for (PlanetId q : s_.systems[lane.to].planets) {
        if (s_.planets[q].owner == other) return true;
      }
    }
  }
  return false;
}

void Planner::diplomacy() {
  const auto& pers = me().personality;
  const double mine = strength_.military[civ_];
  for (const auto& other : s_.civs) {
    if (other.id == civ_ || !other.alive) continue;
    const Relation& r = s_.relation(civ_, other.id);
    if (r.treaty == Treaty::kNone) continue;
    const double theirs = strength_.military[other.id];
    if (r.treaty == Treaty::kWar) {
      const bool tired = me().war_weariness > 15 + pers.aggression * 25;
      const bool losing = mine < 0.6 * theirs;
      const bool long_war = s_.tick - r.since > 400;
      if ((tired || losing || long_war) && order(ProposeTreaty{other.id, Treaty::kPeace}, losing ? 5 : 4, [&] {
            return std::string(losing ? "their warships outweigh ours" : tired ? "war weariness is at " +
                   formatAmount(std::round(me().war_weariness)) : "the war has lasted " +
                   std::to_string(s_.tick - r.since) + " days") + " and the relation stands at " +
                   std::to_string(r.score);
          })) {
        return;
      }
      continue;
    }
    if (r.treaty == Treaty::kPeace && r.score > 15 && pers.commerce > 0.3 &&
        order(ProposeTreaty{other.id, Treaty::kTradePact}, 2.5, [&] {
          return "the " + other.name + " are at peace with us and the relation is " +
                 std::to_string(r.score) + ", above 15";
        })) {
      return;
    }
    if (r.treaty == Treaty::kTradePact && r.score > 50 &&
        order(ProposeTreaty{other.id, Treaty::kAlliance}, 2.5, [&] {
          return "our trade pact with the " + other.name + " has grown into a relation of " +
                 std::to_string(r.score) + ", above 50";
        })) {
      return;
    }
  }
  // War: against a weaker neighbour we dislike, if we are not already fighting.
  if (s_.tick < kWarGraceTicks || atWarWithAnyone()) return;
  CivId victim = kNone;
  double best = 0;
  for (const auto& other : s_.civs) {
    if (other.id == civ_ || !other.alive) continue;
    const Relation& r = s_.relation(civ_, other.id);
    if (r.treaty != Treaty::kPeace && r.treaty != Treaty::kTradePact) continue;
    const double threshold = -40 + pers.aggression * 60;  // aggressive: +14; meek: -28
    if (r.score > threshold) continue;
    const double ratio = (mine + 1) / (strength_.military[other.id] + 1);
    if (ratio < 1.3 - pers.aggression * 0.4 || !borders(other.id)) continue;
    const double appeal = ratio - r.score / 50.0;
    if (appeal > best) {
      best = appeal;
      victim = other.id;
    }
  }
  if (victim != kNone) {
    order(DeclareWar{victim}, 3, [&] {
      return "the " + s_.civs[victim].name + " border us, the relation is " +
             std::to_string(s_.relation(civ_, victim).score) + " and our known strength is " +
             formatAmount(std::round(mine)) + " against their " +
             formatAmount(std::round(strength_.military[victim]));
    });
  }
}
}  // namespace startales::game
