// Snapshot deserialization (campaign restore from the database): game::deserialize on any
// bytes. A snapshot it accepts re-serializes to bytes that deserialize to the same state.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "game/serialize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace startales::game;
  GameState state;
  std::string error;
  if (!deserialize(std::string_view(reinterpret_cast<const char*>(data), size), state, error)) {
    if (error.empty()) std::abort();  // a refusal always says why
    return 0;
  }
  const std::string bytes = serialize(state);
  GameState again;
  if (!deserialize(bytes, again, error)) std::abort();
  if (serialize(again) != bytes) std::abort();
  return 0;
}
