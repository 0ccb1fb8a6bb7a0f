#include <algorithm>
#include <cmath>
#include <cstdio>

#include "game/sim.h"

namespace startales::game {

Fleet* GameState::findFleet(FleetId id) {
  auto it = std::lower_bound(fleets.begin(), fleets.end(), id,
                             [](const Fleet& f, FleetId v) { return f.id < v; });
  return it != fleets.end() && it->id == id ? &*it : nullptr;
}
const Fleet* GameState::findFleet(FleetId id) const {
  return const_cast<GameState*>(this)->findFleet(id);
}

void rebuildDerived(GameState& s) {
  s.civ_modifiers.assign(s.civs.size(), {});
  for (const auto& civ : s.civs) refreshModifiers(s, civ.id);
  s.civ_planets.assign(s.civs.size(), {});
  for (const auto& p : s.planets) {
    if (p.owner >= 0 && p.owner < static_cast<CivId>(s.civs.size())) {
      s.civ_planets[p.owner].push_back(p.id);
    }
  }
}

bool hasTech(const Civ& civ, int tech) {
  return tech < 0 || (tech < static_cast<int>(civ.techs.size()) && civ.techs[tech]);
}

double modifier(const GameState& s, CivId civ, Modifier m) {
  if (civ < 0 || civ >= static_cast<CivId>(s.civ_modifiers.size())) return 0;
  return s.civ_modifiers[civ][static_cast<int>(m)];
}

void refreshModifiers(GameState& s, CivId civ) {
  auto& mods = s.civ_modifiers[civ];
  mods.fill(0);
  const auto& techs = s.civs[civ].techs;
  for (int i = 0; i < kTechCount && i < static_cast<int>(techs.size()); ++i) {
    if (!techs[i]) continue;
    mods[static_cast<int>(techRule(i).modifier)] += techRule(i).amount;
  }
  // Unified Culture also boosts influence (its table row carries the unrest part).
  if (hasTech(s.civs[civ], tech::kUnifiedCulture)) mods[static_cast<int>(Modifier::kInfluence)] += 0.5;
}

bool atWar(const GameState& s, CivId a, CivId b) {
  if (a == b) return false;
  if (a == kPirates || b == kPirates) return true;
  if (a < 0 || b < 0) return false;
  return s.relation(a, b).treaty == Treaty::kWar;
}

bool hostile(const GameState& s, CivId a, CivId b) { return atWar(s, a, b); }

bool armed(const Fleet& f) {
  for (int c = 0; c < kShipClassCount; ++c) {
    if (f.ships[c] > 0 && shipRule(static_cast<ShipClass>(c)).attack > 0) return true;
  }
  return false;
}

double fleetStrength(const GameState& s, const Fleet& f) {
  double attack = 0, hull = 0;
  for (int c = 0; c < kShipClassCount; ++c) {
    const auto& rule = shipRule(static_cast<ShipClass>(c));
    attack += f.ships[c] * rule.attack;
    hull += f.ships[c] * rule.hull;
  }
  attack *= 1 + modifier(s, f.owner, Modifier::kShipAttack);
  hull *= 1 + modifier(s, f.owner, Modifier::kShipDefense);
  return std::sqrt(std::max(0.0, attack * hull));
}

int32_t slotCount(const Planet& p) { return p.size * kSlotsPerSize + (p.capital ? 1 : 0); }

int32_t slotsUsed(const Planet& p) {
  int32_t used = 0;
  for (int b = 0; b < kBuildingCount; ++b) used += p.buildings[b];
  for (const auto& item : p.queue) used += item.is_ship ? 0 : 1;
  return used;
}

double fleetSpeed(const GameState& s, const Fleet& f) {
  double speed = 1e9;
  for (int c = 0; c < kShipClassCount; ++c) {
    if (f.ships[c] > 0) speed = std::min(speed, shipRule(static_cast<ShipClass>(c)).speed);
  }
  if (speed > 1e8) speed = 1;
  return speed * (1 + modifier(s, f.owner, Modifier::kShipSpeed));
}

std::string formatAmount(double v) {
  char buf[32];
  double rounded = std::round(v * 10) / 10;
  if (rounded == std::floor(rounded)) {
    std::snprintf(buf, sizeof buf, "%.0f", rounded);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", rounded);
  }
  return buf;
}

Notice& notifyRef(GameState& s, Notices& out, CivId civ, std::string kind, std::string text) {
  Notice n;
  n.tick = s.tick;
  n.civ = civ;
  n.kind = std::move(kind);
  n.text = std::move(text);
  out.push_back(std::move(n));
  return out.back();
}

void notify(GameState& s, Notices& out, CivId civ, std::string kind, std::string text) {
  notifyRef(s, out, civ, std::move(kind), std::move(text));
}

void setTreaty(GameState& s, CivId a, CivId b, Treaty t) {
  for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
    auto& r = s.relation(x, y);
    r.treaty = t;
    r.since = s.tick;
  }
}

void addRelation(GameState& s, CivId a, CivId b, int32_t delta) {
  if (a < 0 || b < 0 || a == b) return;
  int32_t v = std::clamp(s.relation(a, b).score + delta, -100, 100);
  s.relation(a, b).score = v;
  s.relation(b, a).score = v;
}

namespace {

void meet(GameState& s, CivId a, CivId b, SystemId where, Notices& out) {
  if (a < 0 || b < 0 || a == b) return;
  if (!s.civs[a].alive || !s.civs[b].alive) return;
  if (s.relation(a, b).treaty != Treaty::kNone) return;
  setTreaty(s, a, b, Treaty::kPeace);
  for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
    auto& n = notifyRef(s, out, x, "contact",
                        "First contact with the " + s.civs[y].name + " at " +
                            s.systems[where].name + ".");
    n.other = y;
    n.system = where;
  }
}

}  // namespace

void explore(GameState& s, CivId civ, SystemId system, Notices& out) {
  if (civ < 0) return;
  auto& civRef = s.civs[civ];
  if (!civRef.explored[system]) {
    civRef.explored[system] = true;
    civRef.explored_count++;
  }
  // Contact with anyone who owns a planet or has a fleet here.
  for (PlanetId p : s.systems[system].planets) {
    if (s.planets[p].owner >= 0) meet(s, civ, s.planets[p].owner, system, out);
  }
  // Fleets: only worth scanning while someone alive is still unmet.
  bool all_met = true;
  for (const auto& other : s.civs) {
    if (other.id != civ && other.alive && s.relation(civ, other.id).treaty == Treaty::kNone) {
      all_met = false;
      break;
    }
  }
  if (all_met) return;
  for (const auto& f : s.fleets) {
    if (f.owner >= 0 && f.at == system && f.next == kNone) meet(s, civ, f.owner, system, out);
  }
}

void changeOwner(GameState& s, PlanetId planet, CivId owner, Notices& out) {
  auto& p = s.planets[planet];
  CivId old = p.owner;
  if (old >= 0) {
    auto& list = s.civ_planets[old];
    list.erase(std::remove(list.begin(), list.end(), planet), list.end());
    if (s.civs[old].capital == planet) {
      s.civs[old].capital = list.empty() ? kNone : list.front();
      p.capital = false;
      if (!list.empty()) s.planets[list.front()].capital = true;
    }
  }
  p.owner = owner;
  p.queue.clear();
  p.unrest_ticks = 0;
  if (owner >= 0) {
    auto& list = s.civ_planets[owner];
    list.insert(std::lower_bound(list.begin(), list.end(), planet), planet);
    // A colony sees its system and the systems within sensor range.
    exploreAround(s, owner, p.system, sensorRange(s, owner), out);
  }
}

Fleet& addFleet(GameState& s, CivId owner, SystemId at, std::string name) {
  Fleet f;
  f.id = s.next_fleet++;
  f.owner = owner;
  f.at = at;
  f.name = std::move(name);
  s.fleets.push_back(std::move(f));  // ids grow, so the vector stays sorted
  return s.fleets.back();
}

void removeDeadFleets(GameState& s) {
  std::erase_if(s.fleets, [](const Fleet& f) {
    for (int32_t n : f.ships) {
      if (n > 0) return false;
    }
    return true;
  });
}

namespace {

// "First" .. "Ninety Ninth": spoken ordinals, so every fleet name can be said aloud.
std::string ordinalWords(int n) {
  static constexpr std::array<std::string_view, 20> kUnits = {
      "",         "First",     "Second",     "Third",      "Fourth",     "Fifth",    "Sixth",
      "Seventh",  "Eighth",    "Ninth",      "Tenth",      "Eleventh",   "Twelfth",  "Thirteenth",
      "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth"};
  static constexpr std::array<std::string_view, 10> kTensOrdinal = {
      "", "", "Twentieth", "Thirtieth", "Fortieth", "Fiftieth", "Sixtieth", "Seventieth",
      "Eightieth", "Ninetieth"};
  static constexpr std::array<std::string_view, 10> kTens = {
      "", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"};
  if (n < 20) return std::string(kUnits[n]);
  if (n % 10 == 0) return std::string(kTensOrdinal[n / 10]);
  return std::string(kTens[n / 10]) + " " + std::string(kUnits[n % 10]);
}

}  // namespace

std::string fleetName(const GameState& s, CivId owner) {
  if (owner == kPirates) return "Pirate Raiders";
  static const std::vector<std::string> kNames = [] {  // "First Fleet" .. "Ninety Ninth Fleet"
    std::vector<std::string> names;
    for (int i = 1; i < 100; ++i) names.push_back(ordinalWords(i) + " Fleet");
    return names;
  }();
  // The lowest ordinal not in use by this owner, so names stay unique and short.
  std::vector<bool> used(kNames.size(), false);
  for (const auto& f : s.fleets) {
    if (f.owner != owner) continue;
    auto it = std::find(kNames.begin(), kNames.end(), f.name);
    if (it != kNames.end()) used[it - kNames.begin()] = true;
  }
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (!used[i]) return kNames[i];
  }
  return "Reserve Fleet";
}

}  // namespace startales::game
