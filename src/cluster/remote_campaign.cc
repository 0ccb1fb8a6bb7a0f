#include "cluster/remote_campaign.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <charconv>

#include "campaign/command_codec.h"
#include "cluster/campaign_wire.h"
#include "common/base64.h"
#include "common/log.h"
#include "game/serialize.h"

namespace startales::cluster {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

// One player socket fed from another node. Fields other than the const ones: guarded by
// RemoteCampaigns::mu_.
struct RemoteCampaigns::Feed {
  Feed(int64_t c, campaign::Seat s, std::weak_ptr<campaign::Subscriber> t)
      : campaign(c), seat(s), target(std::move(t)) {}
  const int64_t campaign;
  const campaign::Seat seat;
  const std::weak_ptr<campaign::Subscriber> target;
  std::string key;              // the current subscription's key ("" while resubscribing)
  uint64_t next_seq = 0;        // the frame expected next
  std::optional<int32_t> last_tick;  // the latest tick a message carried
  bool resubscribing = false;
  bool closed = false;          // unsubscribed: never resubscribe
};

namespace {

asio::awaitable<void> sleepFor(milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

// The "tick" of a game message ({"type":..,"campaign":..,"tick":N,...}), if it has one.
std::optional<int32_t> tickOf(std::string_view message) {
  const size_t at = message.find("\"tick\":");
  if (at == std::string_view::npos) return std::nullopt;
  int32_t tick = 0;
  const char* from = message.data() + at + 7;
  auto [end, ec] = std::from_chars(from, message.data() + message.size(), tick);
  if (ec != std::errc()) return std::nullopt;
  return tick;
}

}  // namespace

// The LiveCampaign of a campaign another node owns.
class RemoteCampaign final : public campaign::LiveCampaign,
                             public std::enable_shared_from_this<RemoteCampaign> {
 public:
  RemoteCampaign(RemoteCampaigns& remotes, int64_t id) : remotes_(remotes), id_(id) {}
  int64_t id() const override { return id_; }

  asio::awaitable<Result<campaign::CommandAck>> command(int64_t user, game::CivId civ,
                                                        game::Action action,
                                                        std::string client_id) override {
    json::object request{{"op", "command"},
                         {"user", user},
                         {"civ", civ},
                         {"action", campaign::actionToJson(action)},
                         {"client_id", client_id}};
    auto call_op = remotes_.call(id_, std::move(request), RemoteCampaigns::kCommandTimeout);
    auto answer = co_await std::move(call_op);
    if (!answer) co_return answer.error();
    const auto* o = answer->if_object();
    if (o == nullptr || !o->contains("seq") || !o->contains("tick")) {
      co_return makeInternalError("bus_error", "A command's answer over the bus had no seq.");
    }
    co_return campaign::CommandAck{o->at("seq").to_number<int64_t>(),
                                   o->at("tick").to_number<int32_t>()};
  }

  asio::awaitable<Result<std::string>> view(game::CivId civ) override {
    json::object request{{"op", "view"}, {"civ", civ}};
    auto call_op = remotes_.call(id_, std::move(request), RemoteCampaigns::kRequestTimeout);
    auto answer = co_await std::move(call_op);
    if (!answer) co_return answer.error();
    if (!answer->is_string()) co_return makeInternalError("bus_error", "A view was not text.");
    co_return std::string(answer->as_string());
  }

  asio::awaitable<Result<campaign::RuntimeStatus>> status() override {
    json::object request{{"op", "status"}};
    auto call_op = remotes_.call(id_, std::move(request), RemoteCampaigns::kRequestTimeout);
    auto answer = co_await std::move(call_op);
    if (!answer) co_return answer.error();
    const auto* o = answer->if_object();
    if (o == nullptr) co_return makeInternalError("bus_error", "A status was not an object.");
    campaign::RuntimeStatus s;
    s.tick = static_cast<int32_t>(o->at("tick").to_number<int64_t>());
    s.state_hash = std::string(o->at("state_hash").as_string());
    s.paused = o->at("paused").as_bool();
    s.subscribers = static_cast<int>(o->at("subscribers").to_number<int64_t>());
    co_return s;
  }

  asio::awaitable<Result<void>> read(std::function<void(const game::GameState&)> read) override {
    json::object request{{"op", "state"}};
    auto call_op = remotes_.call(id_, std::move(request), RemoteCampaigns::kRequestTimeout);
    auto answer = co_await std::move(call_op);
    if (!answer) co_return answer.error();
    std::optional<std::string> bytes =
        answer->is_string() ? base64Decode(answer->as_string()) : std::nullopt;
    if (!bytes) co_return makeInternalError("bus_error", "A campaign state over the bus was unreadable.");
    game::GameState state;
    std::string why;
    if (!game::deserialize(*bytes, state, why)) {
      co_return makeInternalError("bus_error", "A campaign state over the bus did not load: " + why);
    }
    read(state);
    co_return Result<void>{};
  }

  asio::awaitable<Result<void>> subscribe(campaign::Seat seat,
                                          std::weak_ptr<campaign::Subscriber> subscriber,
                                          std::optional<int32_t> last_tick) override {
    auto feed = std::make_shared<RemoteCampaigns::Feed>(id_, seat, std::move(subscriber));
    feed->last_tick = last_tick;
    feed->key = remotes_.newKey();
    {
      std::lock_guard lock(remotes_.mu_);
      remotes_.feeds_[feed->key] = feed;
    }
    auto call_op = remotes_.call(id_, subscribeRequest(*feed), RemoteCampaigns::kRequestTimeout);
    auto answer = co_await std::move(call_op);
    if (answer) co_return Result<void>{};
    {
      std::lock_guard lock(remotes_.mu_);
      remotes_.feeds_.erase(feed->key);
      feed->key.clear();
    }
    const std::string& code = answer.error().code;
    if (code == "campaign_moved" || code == "bus_timeout" || code == "bus_unavailable") {
      // No owner answers yet (just started, or changing hands): the feed starts when one does,
      // as after a move, and the player sees a short pause.
      remotes_.resubscribe(feed, std::chrono::milliseconds(200));
      co_return Result<void>{};
    }
    co_return answer.error();
  }

  asio::awaitable<void> unsubscribe(const campaign::Subscriber* subscriber) override {
    std::vector<std::string> keys;
    {
      std::lock_guard lock(remotes_.mu_);
      for (auto it = remotes_.feeds_.begin(); it != remotes_.feeds_.end();) {
        auto target = it->second->target.lock();
        if (it->second->campaign == id_ && (!target || target.get() == subscriber)) {
          it->second->closed = true;
          keys.push_back(it->first);
          it = remotes_.feeds_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (const auto& key : keys) {
      // Best effort: a relay not unsubscribed is dropped by the owner once no longer kept.
      json::object request{{"op", "unsubscribe"}, {"node", remotes_.node_}, {"key", key}};
      auto call_op = remotes_.call(id_, std::move(request), RemoteCampaigns::kRequestTimeout);
      (void)co_await std::move(call_op);
    }
  }

  asio::awaitable<Result<void>> chat(int64_t user, std::string username, std::string text) override {
    json::object request{{"op", "chat"}, {"user", user}, {"username", username}, {"text", text}};
    auto call_op = remotes_.call(id_, std::move(request), RemoteCampaigns::kRequestTimeout);
    auto answer = co_await std::move(call_op);
    if (!answer) co_return answer.error();
    co_return Result<void>{};
  }

  asio::awaitable<Result<void>> pause(bool paused) override {
    json::object request{{"op", "pause"}, {"paused", paused}};
    auto call_op = remotes_.call(id_, std::move(request), RemoteCampaigns::kCommandTimeout);
    auto answer = co_await std::move(call_op);
    if (!answer) co_return answer.error();
    co_return Result<void>{};
  }

  json::object subscribeRequest(const RemoteCampaigns::Feed& feed) const {
    json::object r{{"op", "subscribe"},          {"node", remotes_.node_}, {"key", feed.key},
                   {"user", feed.seat.user_id}, {"civ", feed.seat.civ}};
    if (feed.last_tick) r["last_tick"] = *feed.last_tick;
    return r;
  }

 private:
  RemoteCampaigns& remotes_;
  const int64_t id_;
};

RemoteCampaigns::RemoteCampaigns(bus::Bus& bus, std::string node, asio::io_context& io)
    : bus_(bus), node_(std::move(node)), io_(io) {}

RemoteCampaigns::~RemoteCampaigns() { stop(); }

Result<void> RemoteCampaigns::start() {
  auto sub = bus_.subscribe(wire::feedSubject(node_), "",
                            [this](bus::Message m) { onFrame(m); });
  if (!sub) return sub.error();
  feed_subscription_ = std::move(*sub);
  asio::co_spawn(io_, keepLoop(), asio::detached);
  return {};
}

void RemoteCampaigns::stop() {
  stopped_ = true;
  feed_subscription_.reset();
  std::map<int64_t, std::unique_ptr<bus::Subscription>> moved;
  {
    std::lock_guard lock(mu_);
    moved.swap(moved_);
  }
}

std::shared_ptr<campaign::LiveCampaign> RemoteCampaigns::open(int64_t id) {
  std::lock_guard lock(mu_);
  if (auto existing = open_[id].lock()) return existing;
  auto handle = std::make_shared<RemoteCampaign>(*this, id);
  open_[id] = handle;
  if (moved_.count(id) == 0) {
    auto sub = bus_.subscribe(wire::movedSubject(id), "",
                              [this, id](bus::Message) { movedNotice(id); });
    if (sub) moved_[id] = std::move(*sub);  // else: the keep loop notices the move instead
  }
  return handle;
}

size_t RemoteCampaigns::feedCount() const {
  std::lock_guard lock(mu_);
  return feeds_.size();
}

std::string RemoteCampaigns::newKey() {
  std::lock_guard lock(mu_);
  return "k" + std::to_string(++next_key_);
}

void RemoteCampaigns::onFrame(const bus::Message& message) {
  auto f = wire::parseFrame(message.data);
  if (!f) return;
  std::shared_ptr<Feed> feed;
  std::shared_ptr<campaign::Subscriber> target;
  bool gap = false;
  {
    std::lock_guard lock(mu_);
    auto it = feeds_.find(std::string(f->key));
    if (it == feeds_.end()) return;  // an old subscription's late frame
    feed = it->second;
    target = feed->target.lock();
    if (f->seq != feed->next_seq) {
      gap = true;  // never a silent skip: resubscribe from the last tick seen
      feeds_.erase(it);
      feed->key.clear();
    } else {
      feed->next_seq++;
      if (auto tick = tickOf(f->message)) feed->last_tick = tick;
    }
  }
  if (gap) {
    resubscribe(feed, milliseconds(0));
    return;
  }
  if (target) target->deliver(std::make_shared<const std::string>(f->message));
}

void RemoteCampaigns::movedNotice(int64_t id) {
  std::vector<std::shared_ptr<Feed>> moving;
  {
    std::lock_guard lock(mu_);
    for (auto it = feeds_.begin(); it != feeds_.end();) {
      if (it->second->campaign == id) {
        it->second->key.clear();
        moving.push_back(it->second);
        it = feeds_.erase(it);
      } else {
        ++it;
      }
    }
  }
  // The next owner needs a moment to adopt it (its scan, then the restore).
  for (auto& feed : moving) resubscribe(feed, milliseconds(200));
}

void RemoteCampaigns::resubscribe(std::shared_ptr<Feed> feed, milliseconds delay) {
  {
    std::lock_guard lock(mu_);
    if (feed->resubscribing || feed->closed) return;
    feed->resubscribing = true;
  }
  asio::co_spawn(io_, resubscribeLoop(std::move(feed), delay), asio::detached);
}

asio::awaitable<void> RemoteCampaigns::resubscribeLoop(std::shared_ptr<Feed> feed,
                                                       milliseconds delay) {
  const auto give_up = steady_clock::now() + kResubscribeFor;
  Error last = makeError("campaign_moved", "This campaign is moving to another server.");
  while (!stopped_ && steady_clock::now() < give_up) {
    co_await sleepFor(delay);
    delay = std::min(milliseconds(1000), std::max(milliseconds(100), delay * 2));
    if (feed->target.expired()) break;
    std::shared_ptr<RemoteCampaign> handle;
    json::object request;
    {
      std::lock_guard lock(mu_);
      if (feed->closed) break;
      handle = open_[feed->campaign].lock();
      feed->key = "k" + std::to_string(++next_key_);
      feed->next_seq = 0;
      feeds_[feed->key] = feed;
    }
    if (!handle) break;  // nobody holds the campaign any more
    auto call_op = call(feed->campaign, handle->subscribeRequest(*feed), kRequestTimeout);
    auto answer = co_await std::move(call_op);
    if (answer) {
      std::lock_guard lock(mu_);
      feed->resubscribing = false;
      co_return;
    }
    last = answer.error();
    std::lock_guard lock(mu_);
    feeds_.erase(feed->key);
    feed->key.clear();
  }
  {
    std::lock_guard lock(mu_);
    feed->resubscribing = false;
    if (!feed->key.empty()) feeds_.erase(feed->key);
  }
  if (auto target = feed->target.lock(); target && !stopped_) {
    logging::warn("campaign feed lost", {{"campaign", feed->campaign}, {"error", last.message}});
    target->deliver(std::make_shared<const std::string>(json::serialize(json::object{
        {"type", "error"},
        {"campaign", feed->campaign},
        {"code", last.code},
        {"message", "The campaign's server could not be reached; join the campaign again."}})));
  }
}

asio::awaitable<void> RemoteCampaigns::keepLoop() {
  while (!stopped_) {
    co_await sleepFor(kKeepEvery);
    std::map<int64_t, json::array> keys;
    {
      std::lock_guard lock(mu_);
      for (const auto& [key, feed] : feeds_) keys[feed->campaign].push_back(json::value(key));
    }
    for (auto& [id, list] : keys) {
      json::object request{{"op", "keep"}, {"node", node_}, {"keys", list}};
      auto call_op = call(id, std::move(request), kRequestTimeout);
      auto answer = co_await std::move(call_op);
      if (!answer && answer.error().code == "campaign_moved") {
        movedNotice(id);  // no owner answers, or the one answering lost it
        continue;
      }
      if (!answer || !answer->is_object()) continue;  // the bus is down: next round
      const auto* missing = answer->as_object().if_contains("missing");
      if (missing == nullptr || !missing->is_array()) continue;
      for (const auto& key : missing->as_array()) {
        std::shared_ptr<Feed> feed;
        {
          std::lock_guard lock(mu_);
          auto it = feeds_.find(std::string(key.as_string()));
          if (it == feeds_.end()) continue;
          feed = it->second;
          feeds_.erase(it);
          feed->key.clear();
        }
        resubscribe(feed, milliseconds(0));
      }
    }
  }
}

void RemoteCampaigns::registerMetrics(prometheus::Registry& registry) {
  requests_ = &prometheus::BuildCounter()
                   .Name("cluster_forwarded_requests_total")
                   .Help("Requests this node forwarded to campaigns' owners, by op and outcome "
                         "(ok, or the error code the player got).")
                   .Register(registry);
  seconds_ = &prometheus::BuildHistogram()
                  .Name("cluster_forwarded_request_seconds")
                  .Help("Round trip of a request forwarded to a campaign's owner, by op.")
                  .Register(registry);
}

void RemoteCampaigns::count(const std::string& op, const std::string& outcome, double seconds) {
  if (requests_ == nullptr) return;
  // prometheus-cpp's Add() is thread-safe and returns the existing series for known labels.
  requests_->Add({{"op", op}, {"outcome", outcome}}).Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets{
      0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1, 2.5};
  seconds_->Add({{"op", op}}, kBuckets).Observe(seconds);
}

asio::awaitable<Result<json::value>> RemoteCampaigns::call(int64_t id, json::object request,
                                                           milliseconds timeout) {
  const std::string op = request.contains("op") && request.at("op").is_string()
                             ? std::string(request.at("op").as_string())
                             : "unknown";
  const auto started = steady_clock::now();
  auto request_op = bus_.request(wire::rpcSubject(id), json::serialize(request), timeout);
  auto reply = co_await std::move(request_op);
  Result<json::value> out = reply ? wire::parseReply(*reply) : Result<json::value>(wire::forwarded(reply.error()));
  count(op, out ? "ok" : out.error().code,
        std::chrono::duration<double>(steady_clock::now() - started).count());
  co_return out;
}

}  // namespace startales::cluster
