#pragma once

// Snapshots: the canonical binary form of a GameState, used to save and restore campaigns and
// to compute stateHash(). Every non-derived member of state.h is written, in declaration
// order: "STGS", a format version, then little-endian fixed-width integers, doubles as their
// IEEE-754 bit patterns (restores are bit-exact), strings and vectors prefixed with a u32
// length. Equal states give equal bytes; a restored state re-serializes to the same bytes.

#include <cstdint>
#include <string>
#include <string_view>

#include "game/state.h"

namespace startales::game {

// The format version written by serialize(). Bump it whenever the layout changes; older
// versions are rejected (there are no saved campaigns to migrate yet).
inline constexpr uint32_t kSnapshotVersion = 1;

std::string serialize(const GameState& state);

// Restores a snapshot into `out`. Safe on any input: lengths are bounded by the bytes left,
// enums and ids are range-checked, so memory use stays proportional to the input. On success
// calls rebuildDerived(out) and returns true; on failure leaves `out` untouched, sets `error`
// to a sentence ("snapshot truncated at byte 1234 while reading planets") and returns false.
bool deserialize(std::string_view bytes, GameState& out, std::string& error);

// xxHash64 of `bytes` (stateHash() is hashBytes(serialize(state))).
uint64_t hashBytes(std::string_view bytes, uint64_t seed = 0);

}  // namespace startales::game
