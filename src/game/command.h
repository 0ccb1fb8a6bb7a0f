#pragma once

// Commands: the only way anything changes the game. A command is validated when submitted
// (ownership, cost, prerequisites, range) and either queued for the next tick or rejected
// with a code and a sentence; at the tick it is validated again, since the world moved.

#include <array>
#include <optional>
#include <string>
#include <variant>

#include "game/ids.h"
#include "game/rules.h"

namespace startales::game {

struct Build {
  PlanetId planet = kNone;
  Building building = Building::kFarm;
  bool operator==(const Build&) const = default;
};
struct CancelBuild {
  PlanetId planet = kNone;
  int32_t index = 0;  // position in the planet's queue
  bool operator==(const CancelBuild&) const = default;
};
struct BuildShip {
  PlanetId planet = kNone;  // needs a shipyard
  ShipClass ship = ShipClass::kScout;
  int32_t count = 1;  // 1..10 queue items
  bool operator==(const BuildShip&) const = default;
};
// Any field left empty keeps its value.
struct SetPolicy {
  std::optional<int32_t> tax_rate;
  std::optional<std::array<int32_t, kBudgetAreas>> budget;
  std::optional<int32_t> tariff;
  bool operator==(const SetPolicy&) const = default;
};
struct Research {
  int32_t tech = 0;
  bool operator==(const Research&) const = default;
};
struct MoveFleet {
  FleetId fleet = kNone;
  SystemId to = kNone;
  bool operator==(const MoveFleet&) const = default;
};
struct SplitFleet {
  FleetId fleet = kNone;
  std::array<int32_t, kShipClassCount> ships{};  // ships to move into a new fleet
  bool operator==(const SplitFleet&) const = default;
};
struct MergeFleets {
  FleetId fleet = kNone;
  FleetId into = kNone;  // same system, same owner
  bool operator==(const MergeFleets&) const = default;
};
struct Colonize {
  FleetId fleet = kNone;  // with a colony ship, in the planet's system
  PlanetId planet = kNone;
  bool operator==(const Colonize&) const = default;
};
struct Invade {
  FleetId fleet = kNone;  // armed, in the planet's system, at war with its owner
  PlanetId planet = kNone;
  bool operator==(const Invade&) const = default;
};
struct Trade {
  Resource resource = Resource::kMinerals;
  int32_t amount = 0;  // > 0 buys, < 0 sells, units
  bool operator==(const Trade&) const = default;
};
struct ProposeTreaty {
  CivId to = kNone;
  Treaty treaty = Treaty::kPeace;  // peace, trade pact or alliance
  bool operator==(const ProposeTreaty&) const = default;
};
struct RespondTreaty {
  int32_t proposal = 0;
  bool accept = false;
  bool operator==(const RespondTreaty&) const = default;
};
struct DeclareWar {
  CivId target = kNone;
  bool operator==(const DeclareWar&) const = default;
};
struct ChooseEventOption {
  int32_t event = 0;
  int32_t option = 0;
  bool operator==(const ChooseEventOption&) const = default;
};

using Action = std::variant<Build, CancelBuild, BuildShip, SetPolicy, Research, MoveFleet,
                            SplitFleet, MergeFleets, Colonize, Invade, Trade, ProposeTreaty,
                            RespondTreaty, DeclareWar, ChooseEventOption>;

// The wire names, in Action's order: "build", "cancel_build", ...
std::string_view actionName(const Action& action);

struct Command {
  CivId civ = kNone;  // who issues it
  Action action;
  bool operator==(const Command&) const = default;
};

// Why a command was refused. `code` is stable (clients switch on it); `message` is a
// sentence for a person: "not enough minerals: need 120, have 45".
struct Rejection {
  std::string code;
  std::string message;
  bool operator==(const Rejection&) const = default;
};

// Rejection codes.
namespace reject {
inline constexpr const char* kNotFound = "not_found";
inline constexpr const char* kNotOwner = "not_owner";
inline constexpr const char* kInsufficient = "insufficient_resources";
inline constexpr const char* kPrerequisite = "prerequisite_missing";
inline constexpr const char* kOutOfRange = "out_of_range";
inline constexpr const char* kInvalid = "invalid_argument";
inline constexpr const char* kInvalidState = "invalid_state";
inline constexpr const char* kNoSlots = "no_slots";
inline constexpr const char* kDiplomacy = "diplomacy";
inline constexpr const char* kEliminated = "eliminated";
}  // namespace reject

}  // namespace startales::game
