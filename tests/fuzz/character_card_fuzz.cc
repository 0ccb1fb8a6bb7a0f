// The Character Card V2 importer (POST .../characters/{cid}/card): JSON text through
// ai::fromCardV2. An imported character exports to a card that imports to the same character.

#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ai/character.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace json = boost::json;
  boost::system::error_code ec;
  json::value value = json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec) return 0;
  auto character = startales::ai::fromCardV2(value);
  if (!character) return 0;
  auto again = startales::ai::fromCardV2(startales::ai::toCardV2(*character));
  if (!again) std::abort();
  // The card carries no database ids.
  again->id = character->id;
  again->campaign_id = character->campaign_id;
  if (!(*again == *character)) std::abort();
  return 0;
}
