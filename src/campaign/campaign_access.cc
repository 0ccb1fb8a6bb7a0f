#include "campaign/campaign_access.h"

#include <algorithm>

#include "campaign/command_codec.h"
#include "game/command.h"

namespace startales::campaign {

Result<void> checkClientId(const std::string& client_id) {
  const bool printable = std::all_of(client_id.begin(), client_id.end(),
                                     [](char ch) { return ch > ' ' && ch < 0x7f; });
  if (client_id.size() > 64 || !printable) {
    return makeError("invalid_field",
                     "A client command id is 1 to 64 printable characters without spaces.");
  }
  return {};
}

boost::asio::awaitable<Result<boost::json::object>> commandThrough(const CampaignAccess::Access& a,
                                                                   const boost::json::value& command,
                                                                   std::string client_id) {
  if (a.observer) co_return makeError("forbidden", "Observers cannot give commands.");
  auto action = parseAction(command);
  if (!action) co_return action.error();
  const std::string type(game::actionName(*action));
  auto op = a.runtime->command(a.seat.user_id, a.seat.civ, std::move(*action), std::move(client_id));
  auto ack = co_await std::move(op);
  if (!ack) {
    // Reaching into another civilization's planets or fleets is a permission problem.
    if (ack.error().code == game::reject::kNotOwner) {
      co_return makeError("forbidden", ack.error().message + ".");
    }
    co_return ack.error();
  }
  co_return boost::json::object{{"seq", ack->seq}, {"tick", ack->tick}, {"command", type}};
}

}  // namespace startales::campaign
