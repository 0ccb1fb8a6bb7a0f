#pragma once

// Game commands as JSON, the shape clients send over REST and /ws:
//   {"type": "build", "planet": 12, "building": "power plant"}
// Enum values are names ("power plant", "power_plant" and "Power Plant" all work); techs,
// buildings and ship classes are named as in docs/game-rules.md. Parsing never throws: a
// bad command is an Error whose message says which field was wrong and why.

#include <boost/json/fwd.hpp>

#include "common/result.h"
#include "game/command.h"

namespace startales::campaign {

// Parses the action part of a command (the issuing civ comes from the session, never from
// the client). Error code: "invalid_command".
Result<game::Action> parseAction(const boost::json::value& json);

// The inverse, for command logs and audits: parseAction(actionToJson(a)) == a.
boost::json::value actionToJson(const game::Action& action);

}  // namespace startales::campaign
