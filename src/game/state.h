#pragma once

// The complete state of one campaign. Everything here is canonical (serialized, hashed)
// except the members under "derived", which rebuildDerived() recomputes from the rest.
// Ids are indices: systems, planets and civs never move; fleets, proposals and events are
// kept sorted by id and removed when they end.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "game/command.h"
#include "game/ids.h"
#include "game/rng.h"
#include "game/rules.h"

namespace startales::game {

struct GameConfig {
  uint64_t seed = 1;
  int systems = 100;  // 20..5000
  int civs = 4;       // 1..32, including players
  int players = 0;    // the first `players` civs are human; the rest are AI empires
  std::vector<std::string> player_names;  // optional names for the human civs
  bool operator==(const GameConfig&) const = default;
};

struct Lane {
  SystemId to = kNone;
  int32_t length = 0;  // distance units; travel ticks = ceil(length / speed)
  bool operator==(const Lane&) const = default;
};

// Static map data: written by galaxy generation (and restore) only, never by a tick or a
// command; feeds hash each system once per campaign (campaign::SystemHashes).
struct StarSystem {
  SystemId id = kNone;
  std::string name;
  double x = 0, y = 0;  // distance units, disc centred on 0,0
  std::vector<PlanetId> planets;
  std::vector<Lane> lanes;  // sorted by `to`
  bool operator==(const StarSystem&) const = default;
};

// Why a construction queue item is not progressing. kNone means it is working.
enum class BlockReason : uint8_t {
  kNone,
  kResources,   // cannot pay the cost yet (see need/have)
  kBlockaded,   // hostile fleet in orbit
  kRevolt,      // planet in revolt
  kNoWorkers,   // population too small to staff construction
};

struct QueueItem {
  bool is_ship = false;
  uint8_t type = 0;  // Building or ShipClass
  double progress = 0;  // work done
  bool paid = false;
  BlockReason blocked = BlockReason::kNone;
  Resource short_of = Resource::kCredits;  // when blocked for resources
  double need = 0, have = 0;
  bool operator==(const QueueItem&) const = default;
};

struct Planet {
  PlanetId id = kNone;
  SystemId system = kNone;
  std::string name;
  PlanetType type = PlanetType::kBarren;
  int32_t size = 1;          // 1..5
  int32_t habitability = 0;  // percent
  std::array<int32_t, 4> deposits{};  // minerals, energy, food, exotics: 0..5
  CivId owner = kNone;
  double population = 0;  // thousands
  double unrest = 0;      // 0..100
  int32_t unrest_ticks = 0;  // consecutive ticks at or above kRevoltUnrest
  std::array<int32_t, kBuildingCount> buildings{};
  std::vector<QueueItem> queue;
  double defense_hull = 0;  // platforms' remaining hull
  bool blockaded = false;
  bool capital = false;
  bool operator==(const Planet&) const = default;
};

struct Policies {
  int32_t tax_rate = kStartTaxRate;  // percent, 0..50
  std::array<int32_t, kBudgetAreas> budget = kStartBudget;  // percent, sums to 100
  int32_t tariff = kStartTariff;     // percent, -10..20
  bool operator==(const Policies&) const = default;
};

// AI temperament, 0..1 each. Also flavours how a civ's leader talks.
struct Personality {
  double aggression = 0.5, expansion = 0.5, commerce = 0.5, science = 0.5;
  bool operator==(const Personality&) const = default;
};

struct Score {
  double empire = 0, discovery = 0, story = 0, social = 0;
  [[nodiscard]] double total() const { return empire + discovery + story + social; }
  bool operator==(const Score&) const = default;
};

struct Civ {
  CivId id = kNone;
  std::string name;       // "the Vegan Union"
  std::string adjective;  // "Vegan"
  uint32_t color = 0;     // 0xRRGGBB
  bool ai = true;
  bool alive = true;
  CivId destroyed_by = kNone;
  PlanetId capital = kNone;
  Stock stock{};
  double influence = 0;
  Policies policies;
  Personality personality;
  int32_t researching = kNone;
  double research_progress = 0;
  std::vector<bool> techs;      // kTechCount
  std::vector<bool> explored;   // per system
  double war_weariness = 0;     // 0..100
  std::array<double, kResourceCount> shortage{};  // fraction of last tick's need unmet
  Stock income{};             // net change per resource last tick (trade excluded)
  double research_rate = 0;   // research points last tick
  int32_t explored_count = 0;  // number of true entries in `explored`
  // Story counters (score and summaries).
  int32_t events_resolved = 0, battles_won = 0, colonies_founded = 0, trades = 0;
  Score score;
  bool operator==(const Civ&) const = default;
};

struct Relation {
  int32_t score = 0;  // -100..100
  Treaty treaty = Treaty::kNone;  // kNone until contact
  int32_t since = 0;  // tick the treaty began
  bool operator==(const Relation&) const = default;
};

struct Fleet {
  FleetId id = kNone;
  CivId owner = kNone;
  std::string name;
  SystemId at = kNone;      // current system, or the lane's origin while moving
  SystemId next = kNone;    // lane destination while moving, else kNone
  int32_t progress = 0;     // ticks travelled on the lane
  int32_t travel = 0;       // ticks the lane takes
  std::vector<SystemId> route;  // systems after `next`, in order
  std::array<int32_t, kShipClassCount> ships{};
  double damage = 0;        // hull lost by the front ship
  int32_t expires = 0;      // pirates leave at this tick; 0 for empires
  bool operator==(const Fleet&) const = default;
};

struct Proposal {
  int32_t id = 0;
  CivId from = kNone, to = kNone;
  Treaty treaty = Treaty::kPeace;
  int32_t expires = 0;  // tick
  bool operator==(const Proposal&) const = default;
};

struct PendingEvent {
  int32_t id = 0;
  CivId civ = kNone;
  EventKind kind = EventKind::kDiscovery;
  PlanetId planet = kNone;
  int32_t magnitude = 0;  // event-specific size (credits, percent, ships...)
  int32_t expires = 0;    // tick the default option applies
  bool operator==(const PendingEvent&) const = default;
};

struct Market {
  std::array<double, kGoodsCount> price{};
  std::array<double, kGoodsCount> bought{};  // units civs bought last tick
  std::array<double, kGoodsCount> sold{};    // units civs sold last tick
  bool operator==(const Market&) const = default;
};

// Totals over the campaign: what `startales sim` reports.
struct Counters {
  int32_t colonies_founded = 0, trades = 0, wars = 0, peace_treaties = 0, trade_pacts = 0,
          alliances = 0, battles = 0, invasions = 0, revolts = 0, events = 0,
          ships_built = 0, buildings_built = 0, techs_researched = 0, civs_destroyed = 0,
          commands_applied = 0, commands_failed = 0;
  bool operator==(const Counters&) const = default;
};

struct QueuedCommand {
  int64_t seq = 0;
  Command command;
  bool operator==(const QueuedCommand&) const = default;
};

struct GameState {
  GameConfig config;
  int32_t tick = 0;
  Rng rng;
  std::vector<StarSystem> systems;
  std::vector<Planet> planets;
  std::vector<Civ> civs;
  std::vector<Fleet> fleets;  // sorted by id
  std::vector<Relation> relations;  // civs x civs, symmetric; use relation(a, b)
  std::vector<Proposal> proposals;  // sorted by id
  std::vector<PendingEvent> events;  // sorted by id
  Market market;
  Counters counters;
  std::vector<SystemId> battles;  // systems with combat last tick, ascending
  std::vector<QueuedCommand> pending;  // accepted, applied at the next tick in seq order
  int64_t next_seq = 1;
  int32_t next_fleet = 0, next_proposal = 1, next_event = 1;

  // ---- derived (not serialized; rebuildDerived() recomputes) ----
  std::vector<std::vector<PlanetId>> civ_planets;  // per civ, ascending
  // Per civ, the summed tech amounts per Modifier; refreshed when a tech is researched.
  std::vector<std::array<double, kModifierCount>> civ_modifiers;

  Relation& relation(CivId a, CivId b) { return relations[a * civs.size() + b]; }
  [[nodiscard]] const Relation& relation(CivId a, CivId b) const {
    return relations[a * civs.size() + b];
  }
  Fleet* findFleet(FleetId id);
  [[nodiscard]] const Fleet* findFleet(FleetId id) const;
};

// Recomputes the derived members; call after deserializing or changing planet owners.
void rebuildDerived(GameState& state);

}  // namespace startales::game
