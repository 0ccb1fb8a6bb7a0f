#pragma once

// A running campaign as the API and the AI characters use it, wherever it runs: its
// CampaignRuntime when this node simulates it, or a cluster::RemoteCampaign that forwards to
// the node that does (over the bus). Callers never know which they hold.
//
// Threading: every call may be made from any thread; results resume on the caller's executor.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "game/game.h"

namespace startales::campaign {

struct CommandAck {
  int64_t seq = 0;
  int32_t tick = 0;  // the tick that applies it
};

struct RuntimeStatus {
  int32_t tick = 0;
  std::string state_hash;  // 16 hex digits
  bool paused = false;
  int subscribers = 0;
};

// Who may be told what: a member's civilization (or kNone for observers).
struct Seat {
  int64_t user_id = 0;
  game::CivId civ = game::kNone;
};

// Receives one player's (or observer's) messages as serialized JSON text. Called on the
// campaign's strand (or the bus's delivery thread, remotely); must not block (enqueue and
// return).
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual void deliver(std::shared_ptr<const std::string> message) = 0;
};

class LiveCampaign {
 public:
  virtual ~LiveCampaign() = default;
  virtual int64_t id() const = 0;

  // Validates, logs durably, queues; answers once the command is in the log. Errors: the
  // game's rejection codes, "overloaded", "stopped", "campaign_moved" (retry: it reaches the
  // new owner), a store error, or a bus error when the owner is elsewhere. `client_id`: see
  // CampaignRuntime::command (a retry with the same id answers the first outcome).
  virtual boost::asio::awaitable<Result<CommandAck>> command(int64_t user, game::CivId civ,
                                                             game::Action action,
                                                             std::string client_id = {}) = 0;
  // The civ's current view as JSON ("snapshot" payload); observers (kNone) get the public view.
  virtual boost::asio::awaitable<Result<std::string>> view(game::CivId civ) = 0;
  virtual boost::asio::awaitable<Result<RuntimeStatus>> status() = 0;
  // Runs `read` with the live state (read-only; must not block or keep references past its
  // return). Remotely, on a copy of the owner's state fetched for the call.
  virtual boost::asio::awaitable<Result<void>> read(
      std::function<void(const game::GameState&)> read) = 0;
  // Starts sending to `subscriber`: the missing deltas after `last_tick` when they are still
  // kept, else a snapshot; then a delta per tick, notices and chat. Unsubscribe with the same
  // pointer (also done when the weak_ptr expires).
  virtual boost::asio::awaitable<Result<void>> subscribe(Seat seat,
                                                         std::weak_ptr<Subscriber> subscriber,
                                                         std::optional<int32_t> last_tick) = 0;
  virtual boost::asio::awaitable<void> unsubscribe(const Subscriber* subscriber) = 0;
  // Pauses or resumes ticking (a pause writes a snapshot: the state as it stands).
  virtual boost::asio::awaitable<Result<void>> pause(bool paused) = 0;
  // Sends a chat line to everyone subscribed.
  virtual boost::asio::awaitable<Result<void>> chat(int64_t user, std::string username,
                                                    std::string text) = 0;
};

}  // namespace startales::campaign
