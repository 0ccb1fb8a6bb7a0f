#pragma once

// The game's public interface: a pure, deterministic simulation. No I/O, clocks or threads;
// all randomness comes from the state's own Rng. The same config and command stream give
// the same state, and the same stateHash(), on every run.
//
// Threading: a GameState is a plain value; the caller serializes access (the campaign
// strand). Nothing here is shared between states.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "game/command.h"
#include "game/state.h"

namespace startales::game {

// Something a civilization should hear about: construction done, a battle, a proposal...
struct Notice {
  int32_t tick = 0;
  CivId civ = kNone;    // recipient; kNone = every civilization
  std::string kind;     // stable code: "construction_complete", "battle", "war_declared"...
  std::string text;     // a factual sentence: "A farm was completed on Vega Two."
  CivId other = kNone;  // the other civilization involved, if any
  SystemId system = kNone;
  PlanetId planet = kNone;
  FleetId fleet = kNone;
  int32_t ref = 0;  // event id, proposal id or command seq, by kind
  bool operator==(const Notice&) const = default;
};

// Checks a configuration; nullopt when newGame() may be called with it.
std::optional<Rejection> validateConfig(const GameConfig& config);
// Generates the galaxy and the starting civilizations. Precondition: validateConfig passed.
GameState newGame(const GameConfig& config);

struct Accepted {
  int64_t seq = 0;       // position in the command stream
  int32_t apply_tick = 0;  // the tick whose step() applies it
};
// Validates a command against the current state and queues it for the next step().
std::variant<Accepted, Rejection> submit(GameState& state, const Command& command);
// Validation alone, without queueing.
std::optional<Rejection> validate(const GameState& state, const Command& command);
// Queues a command the campaign's log has already accepted under `seq`, without checking it
// again: step() checks every queued command at the tick that applies it, and a refusal there
// is a "command_failed" notice with ref = seq. The seq is the log's, so the state's sequence
// never drifts from the log's (a refusal still consumes its number). Precondition:
// seq >= state.next_seq; afterwards next_seq == seq + 1.
void queueLogged(GameState& state, const Command& command, int64_t seq);

// Advances one tick: applies queued commands in order, simulates, lets AI empires decide
// (their commands are queued for the next tick). Returns what happened.
std::vector<Notice> step(GameState& state);

// Why a queue item waits, as a sentence ("not enough minerals: need 120, have 45");
// empty when it is working.
std::string blockedText(const QueueItem& item);

// Research points `civ` needs for `tech` (dearer the more it already knows).
double techCost(const Civ& civ, int tech);

// 64-bit hash of the canonical serialization.
uint64_t stateHash(const GameState& state);
// stateHash as 16 lower-case hex digits (how snapshots, status answers and tools show it).
std::string stateHashHex(const GameState& state);

}  // namespace startales::game
