// Galaxy generation: systems in a disc, hyperlanes, planets, starting civilizations.
// Everything is drawn from state.rng in a fixed order, and no trigonometry or other libm
// function whose rounding may differ between platforms is used (only sqrt and round,
// which IEEE 754 pins down), so a seed gives the same galaxy everywhere.

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "game/game.h"
#include "game/names.h"

namespace startales::game {
namespace {

// World size, planets and lanes per system: rules.h.
constexpr int kPlacementTries = 40;  // average draws per system before the spacing shrinks
constexpr double kLaneCell = 20;     // spatial grid cell for lanes, distance units
constexpr int kNeighbours = 8;       // candidate lanes per system: its nearest systems
constexpr double kTriangleKeep = 0.1;  // chance to keep a lane closing a triangle
constexpr double kLaneClearance = 3;   // a lane passes no other system closer than this
constexpr double kCapitalJitter = 0.15;  // capital placement score varies by up to 15%

// Civilization colours, 0xRRGGBB, distinct and readable on a dark map.
constexpr std::array<uint32_t, kMaxCivs> kPalette = {
    0xE6194B, 0x3CB44B, 0xFFE119, 0x4363D8, 0xF58231, 0x911EB4, 0x42D4F4, 0xF032E6,
    0xBFEF45, 0xFABED4, 0x469990, 0xDCBEFF, 0x9A6324, 0xFFFAC8, 0x800000, 0xAAFFC3,
    0x808000, 0xFFD8B1, 0x1E90FF, 0xA9A9A9, 0xFFFFFF, 0x00A36C, 0xFF6F61, 0x6B5B95,
    0x88B04B, 0xF7CAC9, 0x92A8D1, 0x955251, 0xB565A7, 0x009B77, 0xDD4124, 0xD65076};

struct Point {
  double x = 0, y = 0;
};

Point operator-(const Point& a, const Point& b) { return {a.x - b.x, a.y - b.y}; }
Point operator+(const Point& a, const Point& b) { return {a.x + b.x, a.y + b.y}; }

double dist2(const Point& a, const Point& b) {
  const double dx = a.x - b.x, dy = a.y - b.y;
  return dx * dx + dy * dy;
}

// A uniform grid over the disc's bounding square; each cell lists ids (systems or lanes).
class Grid {
 public:
  Grid(double radius, double cell)
      : radius_(radius),
        cell_(cell),
        side_(static_cast<int>(std::ceil(2 * radius / cell)) + 1),
        cells_(static_cast<size_t>(side_) * static_cast<size_t>(side_)) {}

  [[nodiscard]] int cellOf(double v) const {
    return std::clamp(static_cast<int>(std::floor((v + radius_) / cell_)), 0, side_ - 1);
  }
  [[nodiscard]] int side() const { return side_; }
  [[nodiscard]] double cell() const { return cell_; }

  void add(int32_t id, const Point& p) { at(cellOf(p.x), cellOf(p.y)).push_back(id); }
  // Adds `id` to every cell overlapping the box [lo, hi].
  void addBox(int32_t id, const Point& lo, const Point& hi) {
    for (int cy = cellOf(lo.y); cy <= cellOf(hi.y); ++cy) {
      for (int cx = cellOf(lo.x); cx <= cellOf(hi.x); ++cx) at(cx, cy).push_back(id);
    }
  }
  // Calls f(id) for the ids of cells [x0, x1] x [y0, y1], clamped to the grid.
  template <typename F>
  void visit(int x0, int y0, int x1, int y1, F f) const {
    for (int cy = std::max(y0, 0); cy <= std::min(y1, side_ - 1); ++cy) {
      for (int cx = std::max(x0, 0); cx <= std::min(x1, side_ - 1); ++cx) {
        for (int32_t id : cells_[index(cx, cy)]) f(id);
      }
    }
  }
  template <typename F>
  void visitBox(const Point& lo, const Point& hi, F f) const {
    visit(cellOf(lo.x), cellOf(lo.y), cellOf(hi.x), cellOf(hi.y), f);
  }

 private:
  [[nodiscard]] size_t index(int cx, int cy) const {
    return static_cast<size_t>(cy) * static_cast<size_t>(side_) + static_cast<size_t>(cx);
  }
  std::vector<int32_t>& at(int cx, int cy) { return cells_[index(cx, cy)]; }

  double radius_, cell_;
  int side_;
  std::vector<std::vector<int32_t>> cells_;
};

double roundCoord(double v) { return std::round(v * 100) / 100; }  // 0.01 distance units

// Systems uniformly in the disc, at least kMinSpacing apart (rejection sampling; the
// spacing shrinks if the disc is too crowded, which the default density never is).
std::vector<Point> placeSystems(Rng& rng, int count, double radius) {
  std::vector<Point> points;
  points.reserve(static_cast<size_t>(count));
  double spacing = kMinSpacing;
  Grid grid(radius, kMinSpacing);
  int tries = 0;
  while (static_cast<int>(points.size()) < count) {
    if (++tries > kPlacementTries * count) {
      spacing *= 0.8;
      tries = 0;
    }
    const Point p{roundCoord(rng.uniform(-radius, radius)),
                  roundCoord(rng.uniform(-radius, radius))};
    if (p.x * p.x + p.y * p.y > radius * radius) continue;
    bool clear = true;
    grid.visit(grid.cellOf(p.x) - 1, grid.cellOf(p.y) - 1, grid.cellOf(p.x) + 1,
               grid.cellOf(p.y) + 1, [&](int32_t id) {
                 if (dist2(points[static_cast<size_t>(id)], p) < spacing * spacing) {
                   clear = false;
                 }
               });
    if (!clear) continue;
    grid.add(static_cast<int32_t>(points.size()), p);
    points.push_back(p);
  }
  return points;
}

struct Edge {
  double d2 = 0;         // squared length
  int32_t a = 0, b = 0;  // a < b
  bool operator<(const Edge& o) const {
    if (d2 != o.d2) return d2 < o.d2;
    if (a != o.a) return a < o.a;
    return b < o.b;
  }
  bool operator==(const Edge& o) const { return a == o.a && b == o.b; }
};

// Candidate lanes: each system to its `k` nearest systems, deduplicated, shortest first.
std::vector<Edge> nearestEdges(const std::vector<Point>& pts, const Grid& grid, int k) {
  std::vector<Edge> edges;
  std::vector<std::pair<double, int32_t>> near;
  const auto n = static_cast<int32_t>(pts.size());
  const int want = std::min(k, n - 1);
  for (int32_t i = 0; i < n; ++i) {
    const Point& p = pts[static_cast<size_t>(i)];
    const int cx = grid.cellOf(p.x), cy = grid.cellOf(p.y);
    near.clear();
    for (int r = 0; r <= grid.side(); ++r) {
      // The ring of cells at Chebyshev distance r from (cx, cy).
      auto take = [&](int32_t j) {
        if (j != i) near.emplace_back(dist2(p, pts[static_cast<size_t>(j)]), j);
      };
      if (r == 0) {
        grid.visit(cx, cy, cx, cy, take);
      } else {
        grid.visit(cx - r, cy - r, cx + r, cy - r, take);
        grid.visit(cx - r, cy + r, cx + r, cy + r, take);
        grid.visit(cx - r, cy - r + 1, cx - r, cy + r - 1, take);
        grid.visit(cx + r, cy - r + 1, cx + r, cy + r - 1, take);
      }
      if (static_cast<int>(near.size()) < want) continue;
      std::nth_element(near.begin(), near.begin() + (want - 1), near.end());
      const double reach = r * grid.cell();  // everything unvisited is at least this far
      if (near[static_cast<size_t>(want - 1)].first <= reach * reach) break;
    }
    std::sort(near.begin(), near.end());
    for (int j = 0; j < want && j < static_cast<int>(near.size()); ++j) {
      const int32_t other = near[static_cast<size_t>(j)].second;
      edges.push_back({near[static_cast<size_t>(j)].first, std::min(i, other), std::max(i, other)});
    }
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

double orient(const Point& a, const Point& b, const Point& c) {
  return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
}

// Squared distance from p to the segment [a, b].
double segmentDist2(const Point& p, const Point& a, const Point& b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
  t = std::clamp(t, 0.0, 1.0);
  const Point q{a.x + t * dx, a.y + t * dy};
  return dist2(p, q);
}

// The lane network under construction.
class LaneBuilder {
 public:
  LaneBuilder(const std::vector<Point>& pts, const Grid& systems, double radius)
      : pts_(pts),
        systems_(systems),
        lanes_grid_(radius, kLaneCell),
        adj_(pts.size()),
        parent_(pts.size()) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }

  [[nodiscard]] int degree(int32_t s) const {
    return static_cast<int>(adj_[static_cast<size_t>(s)].size());
  }
  [[nodiscard]] const std::vector<int32_t>& neighbours(int32_t s) const {
    return adj_[static_cast<size_t>(s)];
  }
  [[nodiscard]] bool linked(int32_t a, int32_t b) const {
    const auto& n = neighbours(a);
    return std::find(n.begin(), n.end(), b) != n.end();
  }
  [[nodiscard]] bool shareNeighbour(int32_t a, int32_t b) const {
    for (int32_t c : neighbours(a)) {
      if (linked(b, c)) return true;
    }
    return false;
  }
  // True when [a, b] properly crosses an accepted lane.
  [[nodiscard]] bool crosses(int32_t a, int32_t b) const {
    const Point& p = pt(a);
    const Point& q = pt(b);
    bool hit = false;
    lanes_grid_.visitBox(lo(p, q), hi(p, q), [&](int32_t e) {
      if (hit) return;
      const auto [c, d] = lanes_[static_cast<size_t>(e)];
      if (c == a || c == b || d == a || d == b) return;
      const double o1 = orient(p, q, pt(c)), o2 = orient(p, q, pt(d));
      const double o3 = orient(pt(c), pt(d), p), o4 = orient(pt(c), pt(d), q);
      if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) &&
          ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) {
        hit = true;
      }
    });
    return hit;
  }
  // True when [a, b] passes within kLaneClearance of another system.
  [[nodiscard]] bool grazes(int32_t a, int32_t b) const {
    const Point& p = pt(a);
    const Point& q = pt(b);
    const Point margin{kLaneClearance, kLaneClearance};
    bool hit = false;
    systems_.visitBox(lo(p, q) - margin, hi(p, q) + margin, [&](int32_t s) {
      if (!hit && s != a && s != b && segmentDist2(pt(s), p, q) < kLaneClearance * kLaneClearance) {
        hit = true;
      }
    });
    return hit;
  }
  void add(int32_t a, int32_t b) {
    adj_[static_cast<size_t>(a)].push_back(b);
    adj_[static_cast<size_t>(b)].push_back(a);
    const auto id = static_cast<int32_t>(lanes_.size());
    lanes_.emplace_back(a, b);
    lanes_grid_.addBox(id, lo(pt(a), pt(b)), hi(pt(a), pt(b)));
    parent_[static_cast<size_t>(find(a))] = find(b);
  }
  int32_t find(int32_t s) {
    while (parent_[static_cast<size_t>(s)] != s) {
      parent_[static_cast<size_t>(s)] =
          parent_[static_cast<size_t>(parent_[static_cast<size_t>(s)])];
      s = parent_[static_cast<size_t>(s)];
    }
    return s;
  }
  [[nodiscard]] const std::vector<std::vector<int32_t>>& adjacency() const { return adj_; }

 private:
  [[nodiscard]] const Point& pt(int32_t s) const { return pts_[static_cast<size_t>(s)]; }
  static Point lo(const Point& a, const Point& b) {
    return {std::min(a.x, b.x), std::min(a.y, b.y)};
  }
  static Point hi(const Point& a, const Point& b) {
    return {std::max(a.x, b.x), std::max(a.y, b.y)};
  }

  const std::vector<Point>& pts_;
  const Grid& systems_;
  Grid lanes_grid_;
  std::vector<std::pair<int32_t, int32_t>> lanes_;
  std::vector<std::vector<int32_t>> adj_;
  std::vector<int32_t> parent_;
};

// Joins the components of `lanes` until one remains: the shortest lane between two
// components that keeps degrees within kMaxLanes, preferring lanes that cross nothing.
void connectComponents(LaneBuilder& lanes, const std::vector<Point>& pts,
                       const std::vector<Edge>& candidates) {
  const auto n = static_cast<int32_t>(pts.size());
  for (bool allow_crossing : {false, true}) {
    for (const Edge& e : candidates) {
      if (lanes.find(e.a) == lanes.find(e.b)) continue;
      if (lanes.degree(e.a) >= kMaxLanes || lanes.degree(e.b) >= kMaxLanes) continue;
      if (!allow_crossing && lanes.crosses(e.a, e.b)) continue;
      lanes.add(e.a, e.b);
    }
  }
  // Last resort (never seen in practice): nearest pair out of the lowest-numbered
  // system's component, crossing-free lanes first.
  while (true) {
    const int32_t root = lanes.find(0);
    bool split = false;
    for (int32_t v = 0; v < n && !split; ++v) split = lanes.find(v) != root;
    if (!split) return;
    bool best_crosses = true;
    Edge best{-1, 0, 0};
    for (int32_t u = 0; u < n; ++u) {
      if (lanes.find(u) != root || lanes.degree(u) >= kMaxLanes) continue;
      for (int32_t v = 0; v < n; ++v) {
        if (lanes.find(v) == root) continue;
        if (lanes.degree(v) >= kMaxLanes) continue;
        const double d2 = dist2(pts[static_cast<size_t>(u)], pts[static_cast<size_t>(v)]);
        const bool c = lanes.crosses(u, v);
        if (best.d2 < 0 || (!c && best_crosses) || (c == best_crosses && d2 < best.d2)) {
          best = {d2, u, v};
          best_crosses = c;
        }
      }
    }
    if (best.d2 < 0) return;  // no system with a free lane slot: leave it split
    lanes.add(best.a, best.b);
  }
}

// Hyperlanes: shortest candidates first, keeping the network planar, degrees within
// kMinLanes..kMaxLanes where possible, and most triangles open; then one component.
std::vector<std::vector<int32_t>> buildLanes(Rng& rng, const std::vector<Point>& pts,
                                             double radius) {
  Grid systems(radius, kLaneCell);
  for (size_t i = 0; i < pts.size(); ++i) systems.add(static_cast<int32_t>(i), pts[i]);
  const std::vector<Edge> candidates = nearestEdges(pts, systems, kNeighbours);
  LaneBuilder lanes(pts, systems, radius);
  for (const Edge& e : candidates) {
    if (lanes.degree(e.a) >= kMaxLanes || lanes.degree(e.b) >= kMaxLanes) continue;
    if (lanes.shareNeighbour(e.a, e.b) && !rng.chance(kTriangleKeep)) continue;
    if (lanes.crosses(e.a, e.b) || lanes.grazes(e.a, e.b)) continue;
    lanes.add(e.a, e.b);
  }
  // Dead ends get a second lane where one fits.
  for (const Edge& e : candidates) {
    if (lanes.degree(e.a) >= kMinLanes && lanes.degree(e.b) >= kMinLanes) continue;
    if (lanes.degree(e.a) >= kMaxLanes || lanes.degree(e.b) >= kMaxLanes) continue;
    if (lanes.linked(e.a, e.b) || lanes.crosses(e.a, e.b) || lanes.grazes(e.a, e.b)) continue;
    lanes.add(e.a, e.b);
  }
  connectComponents(lanes, pts, candidates);
  return lanes.adjacency();
}

PlanetType drawPlanetType(Rng& rng) {
  int total = 0;
  for (int t = 0; t < kPlanetTypeCount; ++t)
    total += planetTypeRule(static_cast<PlanetType>(t)).weight;
  int roll = static_cast<int>(rng.below(static_cast<uint32_t>(total)));
  for (int t = 0; t < kPlanetTypeCount; ++t) {
    roll -= planetTypeRule(static_cast<PlanetType>(t)).weight;
    if (roll < 0) return static_cast<PlanetType>(t);
  }
  return PlanetType::kBarren;
}

Planet makePlanet(Rng& rng, PlanetId id, SystemId system, std::string name) {
  Planet p;
  p.id = id;
  p.system = system;
  p.name = std::move(name);
  p.type = drawPlanetType(rng);
  const PlanetTypeRule& rule = planetTypeRule(p.type);
  p.size = rng.between(p.type == PlanetType::kGasGiant ? kMinGasGiantSize : kMinSize, kMaxSize);
  p.habitability = rng.between(rule.habitability_min, rule.habitability_max);
  for (size_t d = 0; d < p.deposits.size(); ++d) {
    p.deposits[d] = rng.between(rule.deposit_min[d], rule.deposit_max[d]);
  }
  return p;
}

// Capitals far apart: each next capital is the system farthest from the ones chosen, where
// the rim counts as a neighbour half as far (so capitals spread evenly, not onto the rim),
// with a per-system jitter so seeds differ.
std::vector<SystemId> placeCapitals(Rng& rng, const std::vector<Point>& pts, double radius,
                                    int count) {
  const size_t n = pts.size();
  std::vector<double> score(n);
  for (size_t i = 0; i < n; ++i) {
    const double rim = radius - std::sqrt(pts[i].x * pts[i].x + pts[i].y * pts[i].y);
    score[i] = 2 * std::max(rim, 0.0) * rng.uniform(1 - kCapitalJitter, 1);
  }
  std::vector<SystemId> capitals;
  for (int c = 0; c < count; ++c) {
    const auto best =
        static_cast<size_t>(std::max_element(score.begin(), score.end()) - score.begin());
    capitals.push_back(static_cast<SystemId>(best));
    for (size_t i = 0; i < n; ++i) {
      score[i] = std::min(score[i], std::sqrt(dist2(pts[i], pts[best])));
    }
    score[best] = -1;
  }
  return capitals;
}

int utf8Length(const std::string& s) {
  int count = 0;
  for (char c : s) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

Rejection invalid(std::string message) { return Rejection{reject::kInvalid, std::move(message)}; }

}  // namespace

std::optional<Rejection> validateConfig(const GameConfig& config) {
  if (config.systems < kMinSystems || config.systems > kMaxSystems) {
    return invalid("systems must be between " + std::to_string(kMinSystems) + " and " +
                   std::to_string(kMaxSystems) + ", got " + std::to_string(config.systems));
  }
  if (config.civs < 1 || config.civs > kMaxCivs) {
    return invalid("civs must be between 1 and " + std::to_string(kMaxCivs) + ", got " +
                   std::to_string(config.civs));
  }
  if (config.players < 0 || config.players > config.civs) {
    return invalid("players must be between 0 and the number of civs (" +
                   std::to_string(config.civs) + "), got " + std::to_string(config.players));
  }
  if (config.civs > config.systems / kSystemsPerCiv) {
    return invalid("a galaxy of " + std::to_string(config.systems) + " systems holds at most " +
                   std::to_string(config.systems / kSystemsPerCiv) + " civs (one per " +
                   std::to_string(kSystemsPerCiv) + " systems), got " +
                   std::to_string(config.civs));
  }
  if (config.player_names.size() > static_cast<size_t>(config.players)) {
    return invalid("there are " + std::to_string(config.player_names.size()) +
                   " player names but only " + std::to_string(config.players) + " players");
  }
  for (size_t i = 0; i < config.player_names.size(); ++i) {
    const int length = utf8Length(config.player_names[i]);
    if (length < 1 || length > kMaxPlayerNameChars) {
      return invalid("player name " + std::to_string(i + 1) + " must be 1 to " +
                     std::to_string(kMaxPlayerNameChars) + " characters long, got " +
                     std::to_string(length));
    }
    for (size_t j = 0; j < i; ++j) {
      if (config.player_names[j] == config.player_names[i]) {
        return invalid("player names must be distinct: \"" + config.player_names[i] +
                       "\" is given twice");
      }
    }
  }
  return std::nullopt;
}

GameState newGame(const GameConfig& config) {
  GameState state;
  state.config = config;
  state.rng = Rng(config.seed);
  Rng& rng = state.rng;
  NameGenerator names;
  const int n = config.systems;
  const double radius = std::sqrt(static_cast<double>(n)) * kDiscScale;

  // Systems and lanes.
  const std::vector<Point> pts = placeSystems(rng, n, radius);
  const std::vector<std::vector<int32_t>> adjacency = buildLanes(rng, pts, radius);
  state.systems.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    StarSystem& s = state.systems[static_cast<size_t>(i)];
    s.id = i;
    s.name = names.systemName(rng);
    s.x = pts[static_cast<size_t>(i)].x;
    s.y = pts[static_cast<size_t>(i)].y;
    for (int32_t j : adjacency[static_cast<size_t>(i)]) {
      const double d = std::sqrt(dist2(pts[static_cast<size_t>(i)], pts[static_cast<size_t>(j)]));
      s.lanes.push_back({j, std::max(1, static_cast<int32_t>(std::round(d)))});
    }
    std::sort(s.lanes.begin(), s.lanes.end(),
              [](const Lane& a, const Lane& b) { return a.to < b.to; });
    // Planets, in orbit order.
    const int count = rng.between(kMinPlanets, kMaxPlanets);
    for (int orbit = 0; orbit < count; ++orbit) {
      const auto id = static_cast<PlanetId>(state.planets.size());
      state.planets.push_back(makePlanet(rng, id, i, planetName(s.name, orbit)));
      s.planets.push_back(id);
    }
  }

  // Civilizations. Human players' chosen names are reserved before any is generated.
  for (const std::string& name : config.player_names) names.reserveCivAdjective(name);
  const std::vector<SystemId> capitals = placeCapitals(rng, pts, radius, config.civs);
  for (CivId id = 0; id < config.civs; ++id) {
    Civ civ;
    civ.id = id;
    if (id < static_cast<CivId>(config.player_names.size())) {
      civ.name = config.player_names[static_cast<size_t>(id)];
      civ.adjective = civ.name;
    } else {
      CivName generated = names.civName(rng);
      civ.name = std::move(generated.name);
      civ.adjective = std::move(generated.adjective);
    }
    civ.color = kPalette[static_cast<size_t>(id)];
    civ.ai = id >= config.players;
    civ.alive = true;

    // The capital: one planet of the chosen system remade as a developed homeworld.
    const SystemId home = capitals[static_cast<size_t>(id)];
    const StarSystem& system = state.systems[static_cast<size_t>(home)];
    const PlanetId capital_id =
        system.planets[rng.below(static_cast<uint32_t>(system.planets.size()))];
    Planet& capital = state.planets[static_cast<size_t>(capital_id)];
    capital.name = names.homeworldName(rng);
    capital.type = PlanetType::kTerran;
    capital.size = kCapitalSize;
    capital.habitability = kCapitalHabitability;
    capital.deposits = kCapitalDeposits;
    capital.owner = id;
    capital.capital = true;
    capital.population = kCapitalPopulation;
    capital.unrest = kCapitalUnrest;
    capital.buildings = kCapitalBuildings;
    civ.capital = capital_id;

    civ.stock = kStartStock;
    civ.influence = 0;
    civ.personality = {rng.uniform(kPersonalityMin, kPersonalityMax),
                       rng.uniform(kPersonalityMin, kPersonalityMax),
                       rng.uniform(kPersonalityMin, kPersonalityMax),
                       rng.uniform(kPersonalityMin, kPersonalityMax)};
    civ.researching = kNone;
    civ.techs = std::vector<bool>(kTechCount, false);
    civ.explored = std::vector<bool>(static_cast<size_t>(n), false);
    civ.explored[static_cast<size_t>(home)] = true;
    for (const Lane& lane : system.lanes) civ.explored[static_cast<size_t>(lane.to)] = true;
    civ.explored_count = 1 + static_cast<int32_t>(system.lanes.size());

    // Starting fleets at the capital.
    for (const StartFleet& start : kStartFleets) {
      Fleet fleet;
      fleet.id = state.next_fleet++;
      fleet.owner = id;
      fleet.name = civ.adjective + std::string(start.suffix);
      fleet.at = home;
      fleet.ships[static_cast<size_t>(start.ship)] = start.count;
      state.fleets.push_back(std::move(fleet));
    }
    state.civs.push_back(std::move(civ));
  }

  state.relations =
      std::vector<Relation>(static_cast<size_t>(config.civs) * static_cast<size_t>(config.civs));
  for (int i = 0; i < kGoodsCount; ++i) {
    state.market.price[static_cast<size_t>(i)] =
        marketRule(kGoods[static_cast<size_t>(i)]).base_price;
  }
  // Grown by push_back: give back the doubling's spare capacity (a campaign lives for hours,
  // and the planets are most of its state).
  state.planets.shrink_to_fit();
  state.fleets.shrink_to_fit();
  rebuildDerived(state);
  return state;
}

}  // namespace startales::game
