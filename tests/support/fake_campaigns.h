#pragma once

// Campaigns in memory for tests of api/ and ai/: a campaign::CampaignAccess over GameStates
// this process owns, with no database of campaigns and no simulation threads. A test adds a
// campaign with its seats, advances it tick by tick with step(), and can make the next calls
// fail with a given error (e.g. "campaign_moved", "bus_timeout") to see how callers answer.
//
// Commands are validated and queued by the game itself (game::submit) and applied at the
// next step(); a retry with the same client id answers the first outcome, as the real
// runtime does. Threading: every call may come from any thread (one mutex per campaign);
// subscribers are called under no lock, on the caller's thread or step()'s.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "campaign/campaign_access.h"
#include "game/game.h"

namespace startales::testing {

class FakeLiveCampaign final : public campaign::LiveCampaign,
                               public std::enable_shared_from_this<FakeLiveCampaign> {
 public:
  FakeLiveCampaign(int64_t id, game::GameState state);

  int64_t id() const override { return id_; }
  boost::asio::awaitable<Result<campaign::CommandAck>> command(int64_t user, game::CivId civ,
                                                               game::Action action,
                                                               std::string client_id) override;
  boost::asio::awaitable<Result<std::string>> view(game::CivId civ) override;
  boost::asio::awaitable<Result<campaign::RuntimeStatus>> status() override;
  boost::asio::awaitable<Result<void>> read(
      std::function<void(const game::GameState&)> read) override;
  boost::asio::awaitable<Result<void>> subscribe(campaign::Seat seat,
                                                 std::weak_ptr<campaign::Subscriber> subscriber,
                                                 std::optional<int32_t> last_tick) override;
  boost::asio::awaitable<void> unsubscribe(const campaign::Subscriber* subscriber) override;
  boost::asio::awaitable<Result<void>> pause(bool paused) override;
  boost::asio::awaitable<Result<void>> chat(int64_t user, std::string username,
                                            std::string text) override;

  // One tick: applies the queued commands and sends every subscriber
  // {"type":"tick","campaign","tick"} (the real runtime sends deltas; callers forward text).
  void step();
  // The next `count` calls (any operation) fail with `error`.
  void failNext(Error error, int count = 1);
  // Every command the game accepted, in order (what the log would hold).
  std::vector<game::Command> accepted() const;
  int subscribers() const;

 private:
  std::optional<Error> takeFailure();  // under mu_
  void deliver(game::CivId civ, const std::string& text);  // not under mu_

  const int64_t id_;
  mutable std::mutex mu_;  // guards everything below
  game::GameState state_;
  bool paused_ = false;
  std::vector<game::Command> accepted_;
  std::map<std::string, Result<campaign::CommandAck>> outcomes_;  // by client id
  std::vector<std::pair<campaign::Seat, std::weak_ptr<campaign::Subscriber>>> subscribers_;
  std::optional<Error> failure_;
  int failures_left_ = 0;
};

class FakeCampaigns final : public campaign::CampaignAccess {
 public:
  struct Seats {
    std::map<int64_t, game::CivId> players;  // user → civilization
    std::vector<int64_t> observers;
    bool is_private = false;  // strangers get "not_found" instead of "forbidden"
  };
  // A live campaign from `config` (game::newGame); returns it for stepping and inspection.
  std::shared_ptr<FakeLiveCampaign> add(int64_t id, const game::GameConfig& config, Seats seats);
  // access() of a campaign that exists but is not live answers "invalid_state".
  void addStopped(int64_t id, Seats seats);

  boost::asio::awaitable<Result<Access>> access(const account::User& user, int64_t id) override;
  boost::asio::awaitable<Result<boost::json::object>> command(const account::User& user, int64_t id,
                                                              const boost::json::value& command,
                                                              std::string client_id) override;
  std::vector<int64_t> usersAt(int64_t id, game::CivId civ) const override;

 private:
  struct Entry {
    Seats seats;
    std::shared_ptr<FakeLiveCampaign> live;  // null: exists, not live
  };
  mutable std::mutex mu_;
  std::map<int64_t, Entry> campaigns_;
};

}  // namespace startales::testing
