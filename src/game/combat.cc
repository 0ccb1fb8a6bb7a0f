// Battles, blockades and planetary defenses. One combat round per tick in every system
// where hostile parties meet, so a battle plays out over several ticks and can be
// reinforced or fled. Damage rolls come from the campaign Rng, in a fixed order.

#include <algorithm>
#include <cmath>
#include <map>

#include "game/sim.h"

namespace startales::game {
namespace {

// One party in a system's battle: an owner's idle fleets and defended planets there.
struct Party {
  CivId owner;
  std::vector<size_t> fleets;      // indices into s.fleets
  std::vector<PlanetId> planets;   // with defense platforms
  double attack = 0;
  double defense = 0;  // average per ship
  double incoming = 0;
};

double shipHull(const GameState& s, CivId owner, int c) {
  return shipRule(static_cast<ShipClass>(c)).hull * (1 + modifier(s, owner, Modifier::kShipDefense));
}

// Applies `damage` to a fleet, destroying ships front to back (civilian ships first).
// Returns the number of ships lost.
int damageFleetImpl(GameState& s, Fleet& f, double damage) {
  int lost = 0;
  f.damage += damage;
  for (int c = 0; c < kShipClassCount && f.damage > 0; ++c) {
    const double hull = shipHull(s, f.owner, c);
    while (f.ships[c] > 0 && f.damage >= hull) {
      f.ships[c]--;
      f.damage -= hull;
      lost++;
    }
    if (f.ships[c] > 0) break;  // damage carries onto the front ship still standing
  }
  bool empty = std::all_of(f.ships.begin(), f.ships.end(), [](int32_t n) { return n == 0; });
  if (empty) f.damage = 0;
  return lost;
}

void fight(GameState& s, SystemId system, std::vector<Party>& parties, Notices& out) {
  // Attack and defense of each party.
  for (auto& party : parties) {
    const double atk_mult = 1 + modifier(s, party.owner, Modifier::kShipAttack);
    const double def_mult = 1 + modifier(s, party.owner, Modifier::kShipDefense);
    double ships = 0, defense = 0;
    for (size_t i : party.fleets) {
      const Fleet& f = s.fleets[i];
      for (int c = 0; c < kShipClassCount; ++c) {
        const auto& rule = shipRule(static_cast<ShipClass>(c));
        party.attack += f.ships[c] * rule.attack * atk_mult;
        defense += f.ships[c] * rule.defense * def_mult;
        ships += f.ships[c];
      }
    }
    for (PlanetId id : party.planets) {
      const Planet& p = s.planets[id];
      const int platforms = p.buildings[static_cast<int>(Building::kDefensePlatform)];
      const double max_hull = platforms * kDefenseHull * (1 + modifier(s, p.owner, Modifier::kPlanetDefense));
      party.attack += platforms * kDefenseAttack * (max_hull > 0 ? p.defense_hull / max_hull : 0);
      defense += platforms * kDefenseArmor;
      ships += platforms;
    }
    party.defense = ships > 0 ? defense / ships : 0;
  }
  // Everyone fires at the same moment: damage is computed before any is applied.
  for (size_t a = 0; a < parties.size(); ++a) {
    std::vector<size_t> targets;
    for (size_t b = 0; b < parties.size(); ++b) {
      if (a != b && hostile(s, parties[a].owner, parties[b].owner)) targets.push_back(b);
    }
    if (targets.empty() || parties[a].attack <= 0) continue;
    const double roll = s.rng.uniform(kCombatRollMin, kCombatRollMax);
    for (size_t b : targets) {
      parties[b].incoming += parties[a].attack * roll / targets.size() * kDefenseScale /
                             (kDefenseScale + parties[b].defense);
    }
  }
  for (auto& party : parties) {
    double damage = party.incoming;
    // Fleets shield their planets; platforms take what gets through.
    for (size_t i : party.fleets) {
      if (damage <= 0) break;
      Fleet& f = s.fleets[i];
      double hull = 0;
      for (int c = 0; c < kShipClassCount; ++c) hull += f.ships[c] * shipHull(s, f.owner, c);
      const double taken = std::min(damage, hull - f.damage);
      damageFleetImpl(s, f, taken);
      damage -= taken;
    }
    for (PlanetId id : party.planets) {
      if (damage <= 0) break;
      Planet& p = s.planets[id];
      const double taken = std::min(damage, p.defense_hull);
      p.defense_hull -= taken;
      damage -= taken;
      if (p.defense_hull <= 1e-9) {
        p.defense_hull = 0;
        if (p.buildings[static_cast<int>(Building::kDefensePlatform)] > 0) {
          p.buildings[static_cast<int>(Building::kDefensePlatform)] = 0;
          auto& n = notifyRef(s, out, p.owner, "defenses_destroyed",
                              "The defense platforms of " + p.name + " were destroyed.");
          n.planet = p.id;
          n.system = system;
        }
      }
    }
  }
}

}  // namespace

int damageFleet(GameState& s, Fleet& f, double damage) { return damageFleetImpl(s, f, damage); }

double invasionStrength(const GameState& s, const Fleet& f) {
  double attack = 0;
  for (int c = 0; c < kShipClassCount; ++c) attack += f.ships[c] * shipRule(static_cast<ShipClass>(c)).attack;
  return attack * (1 + modifier(s, f.owner, Modifier::kShipAttack));
}

double invasionStrengthNeeded(const Planet& p) {
  return p.population * kGarrisonPerPop + (p.capital ? kCapitalGarrison : kColonyGarrison);
}

void runCombat(GameState& s, Notices& out) {
  // Idle fleets by system (std::map: deterministic order).
  std::map<SystemId, std::vector<size_t>> present;
  for (size_t i = 0; i < s.fleets.size(); ++i) {
    if (s.fleets[i].next == kNone) present[s.fleets[i].at].push_back(i);
  }
  std::vector<SystemId> battles;
  for (auto& [system, fleet_indices] : present) {
    std::vector<Party> parties;
    auto party_of = [&](CivId owner) -> Party& {
      for (auto& p : parties) {
        if (p.owner == owner) return p;
      }
      parties.push_back(Party{owner, {}, {}});
      return parties.back();
    };
    for (size_t i : fleet_indices) party_of(s.fleets[i].owner).fleets.push_back(i);
    bool any_armed_hostility = false;
    for (PlanetId id : s.systems[system].planets) {
      const Planet& p = s.planets[id];
      if (p.owner < 0) continue;
      bool threatened = false;
      for (size_t i : fleet_indices) threatened |= hostile(s, p.owner, s.fleets[i].owner);
      if (threatened && p.defense_hull > 0) party_of(p.owner).planets.push_back(id);
    }
    for (size_t a = 0; a < parties.size(); ++a) {
      for (size_t b = a + 1; b < parties.size(); ++b) {
        if (!hostile(s, parties[a].owner, parties[b].owner)) continue;
        auto can_fight = [&](const Party& p) {
          if (!p.planets.empty()) return true;
          return std::any_of(p.fleets.begin(), p.fleets.end(), [&](size_t i) { return armed(s.fleets[i]); });
        };
        if (can_fight(parties[a]) || can_fight(parties[b])) any_armed_hostility = true;
      }
    }
    if (!any_armed_hostility) continue;

    battles.push_back(system);
    const bool new_battle = !std::binary_search(s.battles.begin(), s.battles.end(), system);
    if (new_battle) {
      s.counters.battles++;
      for (const auto& party : parties) {
        if (party.owner < 0) continue;
        auto& n = notifyRef(s, out, party.owner, "battle",
                            "Battle at " + s.systems[system].name + ".");
        n.system = system;
      }
    }
    fight(s, system, parties, out);
    // A party with nothing left lost; the others standing won.
    std::vector<CivId> standing, fallen;
    for (const auto& party : parties) {
      bool alive = std::any_of(party.fleets.begin(), party.fleets.end(), [&](size_t i) {
        const auto& ships = s.fleets[i].ships;
        return std::any_of(ships.begin(), ships.end(), [](int32_t n) { return n > 0; });
      });
      for (PlanetId id : party.planets) alive |= s.planets[id].defense_hull > 0;
      (alive ? standing : fallen).push_back(party.owner);
    }
    if (!fallen.empty()) {
      for (CivId winner : standing) {
        if (winner >= 0) s.civs[winner].battles_won++;
      }
      for (const auto& party : parties) {
        if (party.owner < 0) continue;
        bool won = std::find(standing.begin(), standing.end(), party.owner) != standing.end();
        auto& n = notifyRef(s, out, party.owner, won ? "battle_won" : "battle_lost",
                            std::string(won ? "Victory" : "Defeat") + " at " +
                                s.systems[system].name + ".");
        n.system = system;
      }
    }
  }
  s.battles = std::move(battles);
  removeDeadFleets(s);
  present.clear();  // indices moved
  for (size_t i = 0; i < s.fleets.size(); ++i) {
    if (s.fleets[i].next == kNone) present[s.fleets[i].at].push_back(i);
  }

  // Blockades, raids and repairs.
  for (auto& civ : s.civs) {
    if (!civ.alive) continue;
    for (PlanetId id : s.civ_planets[civ.id]) {
      Planet& p = s.planets[id];
      bool enemy = false, guard = false, pirates = false;
      auto it = present.find(p.system);
      if (it != present.end()) {
        for (size_t i : it->second) {
          const Fleet& f = s.fleets[i];
          if (f.at != p.system || f.next != kNone || !armed(f)) continue;
          if (f.owner == p.owner) guard = true;
          if (hostile(s, p.owner, f.owner)) {
            enemy = true;
            pirates |= f.owner == kPirates;
          }
        }
      }
      const bool was = p.blockaded;
      p.blockaded = enemy && !guard;
      if (p.blockaded && !was) {
        auto& n = notifyRef(s, out, p.owner, "blockade", p.name + " is blockaded.");
        n.planet = p.id;
        n.system = p.system;
      }
      if (p.blockaded && pirates) {
        double& credits = at(civ.stock, Resource::kCredits);
        credits = std::max(0.0, credits - kPirateRaidCredits);
      }
      const int platforms = p.buildings[static_cast<int>(Building::kDefensePlatform)];
      const double max_hull = platforms * kDefenseHull * (1 + modifier(s, p.owner, Modifier::kPlanetDefense));
      if (!enemy) p.defense_hull = std::min(max_hull, p.defense_hull + max_hull * kDefenseRegen);
    }
  }
}

void checkEliminations(GameState& s, Notices& out) {
  for (auto& civ : s.civs) {
    if (!civ.alive || !s.civ_planets[civ.id].empty()) continue;
    bool can_resettle = std::any_of(s.fleets.begin(), s.fleets.end(), [&](const Fleet& f) {
      return f.owner == civ.id && f.ships[static_cast<int>(ShipClass::kColonyShip)] > 0;
    });
    if (can_resettle) continue;
    civ.alive = false;
    s.counters.civs_destroyed++;
    std::erase_if(s.fleets, [&](const Fleet& f) { return f.owner == civ.id; });
    std::erase_if(s.proposals, [&](const Proposal& p) { return p.from == civ.id || p.to == civ.id; });
    std::erase_if(s.events, [&](const PendingEvent& e) { return e.civ == civ.id; });
    std::erase_if(s.pending, [&](const QueuedCommand& c) { return c.command.civ == civ.id; });
    std::string by = civ.destroyed_by >= 0 ? " by the " + s.civs[civ.destroyed_by].name : "";
    auto& n = notifyRef(s, out, kNone, "civ_destroyed", "The " + civ.name + " was destroyed" + by + ".");
    n.other = civ.id;
  }
}

}  // namespace startales::game
