#pragma once

// A civilization's view of the game, its per-tick deltas and its notices, as JSON for
// clients (REST state, /ws snapshot/delta/event). Enums are names ("power plant", "war"),
// queue items carry their blocked reason as a sentence, ids are integers, amounts are
// rounded to 0.1 (prices to 0.001). docs/protocol.md shows examples.
//
// Views and deltas are written as text directly (common/json_out.h): a delta goes to every
// player every tick, and building a boost::json tree first cost more than writing the text.

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "campaign/view_digest.h"
#include "common/json_out.h"
#include "game/game.h"
#include "game/view.h"

namespace startales::campaign {

void writeView(JsonOut& out, const game::View& view);
void writeDelta(JsonOut& out, const game::ViewDelta& delta);
// As above, with the market (when it changed) written as `market_json`, writeMarket's text.
void writeDelta(JsonOut& out, const game::ViewDelta& delta, std::string_view market_json);
void writeMarket(JsonOut& out, const game::Market& market);
std::string viewText(const game::View& view);
std::string deltaText(const game::ViewDelta& delta);

// One tick of a civilization's feed: the message {"type":"delta","campaign":..,"tick":..,
// "delta":{...}} that takes the view `held` digests (the view the civ's players hold) to
// `state`'s view of `civ`, which `held` then digests. Written once per civ and shared by all its
// sockets; written into `scratch` (reused across calls, so already grown) and copied out at its
// exact size, because deltas are kept for resumes and a string grown by doubling would hold up
// to twice its bytes.
// `market_json` is the state's market as writeMarket writes it (marketJson): the same bytes for
// every civilization of a tick, so the caller writes it once per tick. `systems` is the
// campaign's (see advanceDigest).
std::shared_ptr<const std::string> advanceFeed(ViewDigest& held, const game::GameState& state,
                                               game::CivId civ, SystemHashes& systems,
                                               int64_t campaign, std::string_view market_json,
                                               std::string& scratch);
std::string marketJson(const game::Market& market);

boost::json::object noticeToJson(const game::Notice& notice);

}  // namespace startales::campaign
