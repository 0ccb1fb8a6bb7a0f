#include "support/fake_campaigns.h"

#include <boost/json.hpp>

#include "campaign/view_codec.h"
#include "game/view.h"

namespace startales::testing {

namespace json = boost::json;
namespace asio = boost::asio;
using campaign::CommandAck;
using campaign::RuntimeStatus;

FakeLiveCampaign::FakeLiveCampaign(int64_t id, game::GameState state)
    : id_(id), state_(std::move(state)) {}

std::optional<Error> FakeLiveCampaign::takeFailure() {
  if (failures_left_ <= 0) return std::nullopt;
  --failures_left_;
  return failure_;
}

void FakeLiveCampaign::failNext(Error error, int count) {
  std::lock_guard lock(mu_);
  failure_ = std::move(error);
  failures_left_ = count;
}

asio::awaitable<Result<CommandAck>> FakeLiveCampaign::command(int64_t /*user*/, game::CivId civ,
                                                              game::Action action,
                                                              std::string client_id) {
  std::lock_guard lock(mu_);
  if (auto failure = takeFailure()) co_return *failure;
  if (!client_id.empty()) {
    if (auto it = outcomes_.find(client_id); it != outcomes_.end()) co_return it->second;
  }
  const game::Command command{civ, std::move(action)};
  auto submitted = game::submit(state_, command);
  Result<CommandAck> outcome = CommandAck{};
  if (const auto* refused = std::get_if<game::Rejection>(&submitted)) {
    outcome = makeError(refused->code, refused->message);
  } else {
    const auto& accepted = std::get<game::Accepted>(submitted);
    accepted_.push_back(command);
    outcome = CommandAck{accepted.seq, accepted.apply_tick};
  }
  if (!client_id.empty()) outcomes_.emplace(client_id, outcome);
  co_return outcome;
}

asio::awaitable<Result<std::string>> FakeLiveCampaign::view(game::CivId civ) {
  std::lock_guard lock(mu_);
  if (auto failure = takeFailure()) co_return *failure;
  if (civ == game::kNone) co_return R"({"tick":)" + std::to_string(state_.tick) + "}";
  co_return campaign::viewText(game::viewFor(state_, civ));
}

asio::awaitable<Result<RuntimeStatus>> FakeLiveCampaign::status() {
  std::lock_guard lock(mu_);
  if (auto failure = takeFailure()) co_return *failure;
  co_return RuntimeStatus{state_.tick, game::stateHashHex(state_), paused_,
                          static_cast<int>(subscribers_.size())};
}

asio::awaitable<Result<void>> FakeLiveCampaign::read(
    std::function<void(const game::GameState&)> read) {
  std::lock_guard lock(mu_);
  if (auto failure = takeFailure()) co_return *failure;
  read(state_);
  co_return Result<void>{};
}

asio::awaitable<Result<void>> FakeLiveCampaign::subscribe(
    campaign::Seat seat, std::weak_ptr<campaign::Subscriber> subscriber,
    std::optional<int32_t> /*last_tick: always a snapshot here*/) {
  std::string snapshot;
  {
    std::lock_guard lock(mu_);
    if (auto failure = takeFailure()) co_return *failure;
    subscribers_.emplace_back(seat, subscriber);
    const std::string view = seat.civ == game::kNone
                                 ? R"({"tick":)" + std::to_string(state_.tick) + "}"
                                 : campaign::viewText(game::viewFor(state_, seat.civ));
    snapshot = R"({"type":"snapshot","campaign":)" + std::to_string(id_) + R"(,"tick":)" +
               std::to_string(state_.tick) + R"(,"civ":)" + std::to_string(seat.civ) +
               R"(,"view":)" + view + "}";
  }
  if (auto s = subscriber.lock()) s->deliver(std::make_shared<const std::string>(snapshot));
  co_return Result<void>{};
}

asio::awaitable<void> FakeLiveCampaign::unsubscribe(const campaign::Subscriber* subscriber) {
  std::lock_guard lock(mu_);
  std::erase_if(subscribers_, [&](const auto& entry) {
    auto s = entry.second.lock();
    return !s || s.get() == subscriber;
  });
  co_return;
}

asio::awaitable<Result<void>> FakeLiveCampaign::pause(bool paused) {
  std::lock_guard lock(mu_);
  if (auto failure = takeFailure()) co_return *failure;
  paused_ = paused;
  co_return Result<void>{};
}

asio::awaitable<Result<void>> FakeLiveCampaign::chat(int64_t user, std::string username,
                                                     std::string text) {
  {
    std::lock_guard lock(mu_);
    if (auto failure = takeFailure()) co_return *failure;
  }
  deliver(game::kNone, json::serialize(json::object{{"type", "chat"},
                                                    {"campaign", id_},
                                                    {"user", user},
                                                    {"username", username},
                                                    {"text", text}}));
  co_return Result<void>{};
}

void FakeLiveCampaign::step() {
  int32_t tick = 0;
  {
    std::lock_guard lock(mu_);
    game::step(state_);
    tick = state_.tick;
  }
  deliver(game::kNone, R"({"type":"tick","campaign":)" + std::to_string(id_) + R"(,"tick":)" +
                           std::to_string(tick) + "}");
}

void FakeLiveCampaign::deliver(game::CivId civ, const std::string& text) {
  std::vector<std::shared_ptr<campaign::Subscriber>> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& [seat, weak] : subscribers_) {
      if (civ != game::kNone && seat.civ != civ) continue;
      if (auto s = weak.lock()) targets.push_back(std::move(s));
    }
  }
  auto message = std::make_shared<const std::string>(text);
  for (const auto& s : targets) s->deliver(message);
}

std::vector<game::Command> FakeLiveCampaign::accepted() const {
  std::lock_guard lock(mu_);
  return accepted_;
}

int FakeLiveCampaign::subscribers() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(subscribers_.size());
}

std::shared_ptr<FakeLiveCampaign> FakeCampaigns::add(int64_t id, const game::GameConfig& config,
                                                     Seats seats) {
  auto live = std::make_shared<FakeLiveCampaign>(id, game::newGame(config));
  std::lock_guard lock(mu_);
  campaigns_[id] = Entry{std::move(seats), live};
  return live;
}

void FakeCampaigns::addStopped(int64_t id, Seats seats) {
  std::lock_guard lock(mu_);
  campaigns_[id] = Entry{std::move(seats), nullptr};
}

asio::awaitable<Result<FakeCampaigns::Access>> FakeCampaigns::access(const account::User& user,
                                                                     int64_t id) {
  std::lock_guard lock(mu_);
  auto it = campaigns_.find(id);
  const auto missing = makeError("not_found", "No campaign " + std::to_string(id) + ".");
  if (it == campaigns_.end()) co_return missing;
  const Entry& e = it->second;
  Access a;
  a.runtime = e.live;
  if (auto p = e.seats.players.find(user.id); p != e.seats.players.end()) {
    a.seat = campaign::Seat{user.id, p->second};
  } else if (std::find(e.seats.observers.begin(), e.seats.observers.end(), user.id) !=
             e.seats.observers.end()) {
    a.observer = true;
    a.seat = campaign::Seat{user.id, game::kNone};
  } else {
    if (e.seats.is_private) co_return missing;
    co_return makeError("forbidden", "You have not joined this campaign.");
  }
  if (!e.live) co_return makeError("invalid_state", "The campaign is not running.");
  co_return a;
}

asio::awaitable<Result<json::object>> FakeCampaigns::command(const account::User& user, int64_t id,
                                                             const json::value& command,
                                                             std::string client_id) {
  if (auto valid = campaign::checkClientId(client_id); !valid) co_return valid.error();
  auto access_op = access(user, id);
  auto a = co_await std::move(access_op);
  if (!a) co_return a.error();
  auto op = campaign::commandThrough(*a, command, std::move(client_id));
  co_return co_await std::move(op);
}

std::vector<int64_t> FakeCampaigns::usersAt(int64_t id, game::CivId civ) const {
  std::lock_guard lock(mu_);
  std::vector<int64_t> out;
  auto it = campaigns_.find(id);
  if (it == campaigns_.end() || !it->second.live) return out;
  for (const auto& [user, seat] : it->second.seats.players) {
    if (seat == civ) out.push_back(user);
  }
  return out;
}

}  // namespace startales::testing
