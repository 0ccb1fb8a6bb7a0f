#pragma once

// A civilization's view of the game, its per-tick deltas and its notices, as JSON for
// clients (REST state, /ws snapshot/delta/event). Enums are names ("power plant", "war"),
// queue items carry their blocked reason as a sentence, ids are integers, amounts are
// rounded to 0.1. docs/protocol.md shows examples.

#include <boost/json/fwd.hpp>
#include <boost/json/storage_ptr.hpp>

#include "game/game.h"
#include "game/view.h"

namespace startales::campaign {

// `sp`: where the JSON tree is allocated (default: the heap). A monotonic resource over a
// reused buffer makes building one delta allocation-free (see CampaignRuntime::publish).
boost::json::object viewToJson(const game::View& view, boost::json::storage_ptr sp = {});
boost::json::object deltaToJson(const game::ViewDelta& delta, boost::json::storage_ptr sp = {});
boost::json::object noticeToJson(const game::Notice& notice);

}  // namespace startales::campaign
