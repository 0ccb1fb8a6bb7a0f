// Fleet movement along hyperlanes, exploration and first contact. A fleet is always either
// at a system (next == kNone) or on the lane from `at` to `next`.

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>

#include "game/sim.h"

namespace startales::game {
// Marks every system within `range` lanes of `from` explored for `civ`.
void exploreAround(GameState& s, CivId civ, SystemId from, int range, Notices& out) {
  explore(s, civ, from, out);
  if (range <= 0) return;
  std::vector<SystemId> frontier{from}, seen{from};
  for (int depth = 0; depth < range; ++depth) {
    std::vector<SystemId> next;
    for (SystemId sys : frontier) {
      for (const auto& lane : s.systems[sys].lanes) {
        if (std::find(seen.begin(), seen.end(), lane.to) != seen.end()) continue;
        seen.push_back(lane.to);
        next.push_back(lane.to);
        explore(s, civ, lane.to, out);
      }
    }
    frontier.swap(next);
  }
}

std::vector<SystemId> findRoute(const GameState& s, CivId civ, SystemId from, SystemId to) {
  // Dijkstra by lane length. An empire plots courses only out of systems it has explored
  // (pirates know every lane). Ties break on system id, so routes are deterministic.
  const size_t n = s.systems.size();
  if (from == to || from < 0 || to < 0) return {};
  const std::vector<bool>* known = civ >= 0 ? &s.civs[civ].explored : nullptr;
  std::vector<int64_t> dist(n, INT64_MAX);
  std::vector<SystemId> prev(n, kNone);
  using Item = std::pair<int64_t, SystemId>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> open;
  dist[from] = 0;
  open.push({0, from});
  while (!open.empty()) {
    auto [d, sys] = open.top();
    open.pop();
    if (d != dist[sys]) continue;
    if (sys == to) break;
    if (known && !(*known)[sys]) continue;  // can arrive here, cannot plot onward
    for (const auto& lane : s.systems[sys].lanes) {
      const int64_t nd = d + lane.length;
      if (nd < dist[lane.to]) {
        dist[lane.to] = nd;
        prev[lane.to] = sys;
        open.push({nd, lane.to});
      }
    }
  }
  if (dist[to] == INT64_MAX) return {};
  std::vector<SystemId> route;
  for (SystemId at = to; at != from; at = prev[at]) route.push_back(at);
  std::reverse(route.begin(), route.end());
  return route;
}

void startLane(GameState& s, Fleet& f) {
  f.progress = 0;
  if (f.route.empty()) {
    f.next = kNone;
    f.travel = 0;
    return;
  }
  f.next = f.route.front();
  f.route.erase(f.route.begin());
  int32_t length = 1;
  for (const auto& lane : s.systems[f.at].lanes) {
    if (lane.to == f.next) length = lane.length;
  }
  f.travel = std::max(1, static_cast<int32_t>(std::ceil(length / fleetSpeed(s, f))));
}

int sensorRange(const GameState& s, CivId civ) {
  return kBaseSensorRange +
         static_cast<int>(std::lround(modifier(s, civ, Modifier::kSensorRange)));
}

void runFleets(GameState& s, Notices& out) {
  for (size_t i = 0; i < s.fleets.size(); ++i) {
    if (s.fleets[i].next == kNone) continue;
    Fleet& f = s.fleets[i];
    if (++f.progress < f.travel) continue;
    f.at = f.next;
    f.next = kNone;
    f.progress = f.travel = 0;
    if (f.owner >= 0) {
      const FleetId id = f.id;
      const SystemId arrived = f.at;
      exploreAround(s, f.owner, arrived, sensorRange(s, f.owner), out);
      Fleet& again = s.fleets[i];
      if (again.route.empty()) {
        auto& n = notifyRef(s, out, again.owner, "fleet_arrived",
                            again.name + " reached " + s.systems[arrived].name + ".");
        n.fleet = id;
        n.system = arrived;
      }
    }
    startLane(s, s.fleets[i]);
  }
  // Pirates leave when their time is up.
  std::erase_if(s.fleets, [&](const Fleet& f) {
    return f.owner == kPirates && f.expires > 0 && s.tick >= f.expires;
  });
}

}  // namespace startales::game
