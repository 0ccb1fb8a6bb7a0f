#pragma once

// What the API layer and the AI characters need of the campaigns: a caller's seat in a live
// campaign (and a handle to it, local or remote — see live_campaign.h), a command given
// through it, and who plays a civilization. CampaignService implements it over the database
// and this node's runtimes; tests/support/fake_campaigns.h over a GameState in memory, so
// api/ and ai/ tests need neither a database of campaigns nor simulation threads.
//
// Threading: every call may be made from any thread.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "account/user_store.h"
#include "campaign/live_campaign.h"
#include "common/result.h"

namespace startales::campaign {

class CampaignAccess {
 public:
  virtual ~CampaignAccess() = default;

  struct Access {
    std::shared_ptr<LiveCampaign> runtime;  // this node's runtime, or a remote handle
    Seat seat;  // civ kNone for observers
    bool observer = false;
  };
  // The caller's seat in live campaign `id`. Errors: "not_found" when there is no such
  // campaign or it is private and the caller is not a member — the same answer word for word
  // (a private campaign does not exist for strangers); "forbidden" for a non-member of a
  // public campaign; "invalid_state" for a member (or anyone, when public) while it is not
  // live (not started, or paused and stored).
  virtual boost::asio::awaitable<Result<Access>> access(const account::User& user, int64_t id) = 0;

  // A command as JSON; answers after it is durably logged: {"seq","tick","command"}.
  // `client_id`: the client's id for this command (at most 64 printable ASCII characters;
  // empty: none), so a retry answers the first outcome ("invalid_field" when malformed).
  // Errors: those of access(), "forbidden" for observers and for another civilization's
  // planets or fleets, the game's refusals, and LiveCampaign::command's.
  virtual boost::asio::awaitable<Result<boost::json::object>> command(
      const account::User& user, int64_t id, const boost::json::value& command,
      std::string client_id = {}) = 0;

  // The players seated at `civ` in campaign `id` as this node knows them (empty when it is
  // not live here).
  virtual std::vector<int64_t> usersAt(int64_t id, game::CivId civ) const = 0;
};

// CampaignAccess::command once access() answered: observers refused, the JSON parsed, the
// command given to the campaign, reaching into another civilization's planets or fleets
// answered "forbidden". For implementations of CampaignAccess.
boost::asio::awaitable<Result<boost::json::object>> commandThrough(const CampaignAccess::Access& a,
                                                                   const boost::json::value& command,
                                                                   std::string client_id);

// A client command id is empty, or 1 to 64 printable ASCII characters without spaces;
// "invalid_field" otherwise.
Result<void> checkClientId(const std::string& client_id);

}  // namespace startales::campaign
