#pragma once

// The JSON shapes of characters, conversation messages and proposals (docs/protocol.md),
// and the public view observers get.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "ai/character.h"
#include "ai/character_store.h"
#include "game/state.h"
#include "game/view.h"

namespace startales::ai {

// {id, name, role, title, civ, personality, speaking_style, goals, voice{...}}
boost::json::object characterJson(const Character& c);
// {id, character, speaker, text, tick, engine, notice?, created_at}
boost::json::object messageJson(const StoredMessage& m);
// {id, character, message, command{...}, reason, status, result?, created_at, decided_at?}
boost::json::object proposalJson(const StoredProposal& p);

// What anyone in a campaign may know: the day and every civilization's name, standing and
// score. For observers, who have no civilization of their own.
game::View publicView(const game::GameState& state);

// How a character remembers a player's line: "<username> said: <text>". The recap tells
// these apart from the chronicle's events by this prefix.
std::string saidPrefix(std::string_view username);

}  // namespace startales::ai
