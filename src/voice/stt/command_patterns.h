#pragma once

// Internal to command_grammar.cc and command_parser.cc: the command patterns and the names
// each slot stands for.

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "game/command.h"
#include "voice/stt/vocabulary.h"

namespace startales::voice::detail {

enum class Slot : uint8_t {
  kOwnPlanet, kColonyTarget, kEnemyPlanet, kSystem, kFleet, kCiv,
  kBuilding, kShip, kShips, kTech, kGood, kNumber, kCount,
};
inline constexpr int kSlotCount = 13;

using Words = std::vector<std::string>;

// One step of a pattern: a choice of word sequences, or a slot; possibly optional.
struct Element {
  std::vector<Words> alternatives;  // empty for a slot
  bool is_slot = false;
  Slot slot = Slot::kNumber;
  bool optional = false;
};

using Bindings = std::array<int32_t, kSlotCount>;  // slot -> id or number

struct Pattern {
  std::vector<Element> elements;
  std::function<game::Action(const Bindings&)> make;
};

// The patterns, parsed once from their text form.
const std::vector<Pattern>& patterns();

struct Candidate {
  Words words;
  int32_t id = 0;
};
// The sayable names of a name slot (not kNumber/kCount), in vocabulary order.
std::vector<Candidate> candidates(const Vocabulary& v, Slot slot);

// The JSGF rule name of a slot, without brackets: "own_planet".
const char* slotRule(Slot slot);

}  // namespace startales::voice::detail
