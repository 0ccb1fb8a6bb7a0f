// Game commands as clients send them (REST POST .../commands, /ws "command"): JSON text through
// campaign::parseAction. An accepted action round-trips: parseAction(actionToJson(a)) == a.

#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "campaign/command_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace json = boost::json;
  boost::system::error_code ec;
  json::value value = json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec) return 0;
  auto action = startales::campaign::parseAction(value);
  if (!action) return 0;
  auto again = startales::campaign::parseAction(startales::campaign::actionToJson(*action));
  if (!again || !(*again == *action)) std::abort();
  return 0;
}
