#include "cluster/campaign_relay.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json.hpp>

#include "campaign/command_codec.h"
#include "cluster/campaign_wire.h"
#include "common/base64.h"
#include "common/log.h"

namespace startales::cluster {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::steady_clock;

// One remote player socket: what the runtime delivers to it goes to its node's feed.
struct CampaignRelay::Relay final : campaign::Subscriber {
  Relay(bus::Bus& b, std::string subject, std::string key)
      : bus(b), subject(std::move(subject)), key(std::move(key)) {}
  void deliver(std::shared_ptr<const std::string> message) override {
    // A refused publish (bus down) is a gap the node sees in the numbering: it resubscribes.
    (void)bus.publish(subject, wire::frame(key, seq++, *message));
  }
  bus::Bus& bus;
  const std::string subject, key;
  std::atomic<uint64_t> seq{0};  // called on the campaign strand only; atomic for sweep reads
  steady_clock::time_point kept = steady_clock::now();  // guarded by CampaignRelay::mu_
};

namespace {

Error badRequest(const std::string& why) {
  return makeError("invalid_message", "A request over the bus was malformed: " + why + ".");
}

int64_t intField(const json::object& o, const char* key, int64_t fallback) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : fallback;
}

std::string textField(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

json::value statusJson(const campaign::RuntimeStatus& s) {
  return json::object{{"tick", s.tick},
                      {"state_hash", s.state_hash},
                      {"paused", s.paused},
                      {"subscribers", s.subscribers}};
}

}  // namespace

CampaignRelay::CampaignRelay(bus::Bus& bus, asio::io_context& io) : bus_(bus), io_(io) {}

CampaignRelay::~CampaignRelay() {
  std::map<int64_t, Served> served;
  {
    std::lock_guard lock(mu_);
    served.swap(served_);
  }
  // Subscriptions end here, outside the lock (a handler in flight may be taking it).
}

Result<void> CampaignRelay::serve(int64_t id, std::shared_ptr<campaign::CampaignRuntime> runtime) {
  // A queue group: if a former owner still answers during a takeover, one of the two does
  // (the former one says campaign_moved, and the client's retry reaches the new one).
  auto subscription = bus_.subscribe(wire::rpcSubject(id), "owner",
                                     [this, id](bus::Message m) { onRequest(id, std::move(m)); });
  if (!subscription) return subscription.error();
  std::lock_guard lock(mu_);
  Served& s = served_[id];
  s.runtime = std::move(runtime);
  s.subscription = std::move(*subscription);
  s.relays.clear();
  return {};
}

void CampaignRelay::stop(int64_t id) {
  Served gone;
  {
    std::lock_guard lock(mu_);
    auto it = served_.find(id);
    if (it == served_.end()) return;
    gone = std::move(it->second);
    served_.erase(it);
  }
  gone.subscription.reset();
  // The relays' nodes subscribe again, to whoever owns it next (a lost notice is caught by
  // their next "keep").
  (void)bus_.publish(wire::movedSubject(id), "{}");
}

void CampaignRelay::sweep() {
  std::vector<std::pair<std::shared_ptr<campaign::CampaignRuntime>, std::shared_ptr<Relay>>> gone;
  const auto now = steady_clock::now();
  {
    std::lock_guard lock(mu_);
    for (auto& [id, s] : served_) {
      for (auto it = s.relays.begin(); it != s.relays.end();) {
        if (now - it->second->kept > kRelayTtl) {
          gone.emplace_back(s.runtime, it->second);
          it = s.relays.erase(it);
        } else {
          ++it;
        }
      }
    }
  }
  for (auto& [runtime, relay] : gone) {
    asio::co_spawn(io_, runtime->unsubscribe(relay.get()), asio::detached);
  }
}

size_t CampaignRelay::relayCount() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [id, s] : served_) n += s.relays.size();
  return n;
}

void CampaignRelay::onRequest(int64_t id, bus::Message message) {
  asio::co_spawn(io_, answer(id, std::move(message)), asio::detached);
}

asio::awaitable<void> CampaignRelay::answer(int64_t id, bus::Message message) {
  std::shared_ptr<campaign::CampaignRuntime> runtime;
  {
    std::lock_guard lock(mu_);
    auto it = served_.find(id);
    if (it != served_.end()) runtime = it->second.runtime;
  }
  Result<json::value> out = makeError("campaign_moved", "This campaign moved; try again.");
  boost::system::error_code ec;
  json::value request = json::parse(message.data, ec);
  if (ec || !request.is_object()) {
    out = badRequest("not a JSON object");
  } else if (runtime) {
    auto handle_op = handle(id, runtime, request.as_object());
    out = co_await std::move(handle_op);
  }
  const std::string reply = out ? wire::okReply(*out) : wire::errorReply(out.error());
  if (auto sent = bus_.reply(message, reply); !sent) {
    logging::warn("bus reply failed", {{"campaign", id}, {"error", sent.error().message}});
  }
}

asio::awaitable<Result<json::value>> CampaignRelay::handle(
    int64_t id, const std::shared_ptr<campaign::CampaignRuntime>& runtime,
    const json::object& request) {
  const std::string op = textField(request, "op");
  const auto civ = static_cast<game::CivId>(intField(request, "civ", game::kNone));
  if (op == "command") {
    const auto* body = request.if_contains("action");
    if (body == nullptr) co_return badRequest("a command without an action");
    auto action = campaign::parseAction(*body);
    if (!action) co_return action.error();
    auto command_op = runtime->command(intField(request, "user", 0), civ, std::move(*action),
                                       textField(request, "client_id"));
    auto ack = co_await std::move(command_op);
    if (!ack) co_return ack.error();
    co_return json::object{{"seq", ack->seq}, {"tick", ack->tick}};
  }
  if (op == "view") {
    auto view_op = runtime->viewJson(civ);
    co_return json::value(co_await std::move(view_op));
  }
  if (op == "status") {
    auto status_op = runtime->localStatus();
    co_return statusJson(co_await std::move(status_op));
  }
  if (op == "state") {
    auto state_op = runtime->stateBytes();
    co_return json::value(base64Encode(co_await std::move(state_op)));
  }
  if (op == "chat") {
    auto chat_op = runtime->chat(intField(request, "user", 0), textField(request, "username"),
                                 textField(request, "text"));
    auto sent = co_await std::move(chat_op);
    if (!sent) co_return sent.error();
    co_return json::value(nullptr);
  }
  if (op == "subscribe") {
    const std::string node = textField(request, "node"), key = textField(request, "key");
    if (node.empty() || key.empty()) co_return badRequest("a subscribe without node and key");
    auto relay = std::make_shared<Relay>(bus_, wire::feedSubject(node), key);
    {
      std::lock_guard lock(mu_);
      auto it = served_.find(id);
      if (it == served_.end()) co_return makeError("campaign_moved", "This campaign moved.");
      it->second.relays[node + "/" + key] = relay;
    }
    std::optional<int32_t> last_tick;
    if (const auto* t = request.if_contains("last_tick"); t != nullptr && t->is_int64()) {
      last_tick = static_cast<int32_t>(t->as_int64());
    }
    const campaign::Seat seat{intField(request, "user", 0), civ};
    // The relay is held by the map above; the runtime holds it weakly, as any subscriber.
    auto subscribe_op = runtime->subscribe(seat, relay, last_tick);
    auto subscribed = co_await std::move(subscribe_op);
    if (!subscribed) co_return subscribed.error();
    co_return json::value(nullptr);
  }
  if (op == "unsubscribe") {
    std::shared_ptr<Relay> relay;
    {
      std::lock_guard lock(mu_);
      auto it = served_.find(id);
      if (it != served_.end()) {
        auto r = it->second.relays.find(textField(request, "node") + "/" + textField(request, "key"));
        if (r != it->second.relays.end()) {
          relay = r->second;
          it->second.relays.erase(r);
        }
      }
    }
    if (relay) {
      auto unsubscribe_op = runtime->unsubscribe(relay.get());
      co_await std::move(unsubscribe_op);
    }
    co_return json::value(nullptr);
  }
  if (op == "keep") co_return keep(id, request);
  if (op == "pause") {
    const auto* paused = request.if_contains("paused");
    if (paused == nullptr || !paused->is_bool()) co_return badRequest("a pause without paused");
    auto pause_op = runtime->setPaused(paused->as_bool());
    co_await std::move(pause_op);
    co_return json::value(nullptr);
  }
  co_return badRequest("unknown op \"" + op + "\"");
}

Result<json::value> CampaignRelay::keep(int64_t id, const json::object& request) {
  const std::string node = textField(request, "node");
  const auto* keys = request.if_contains("keys");
  if (node.empty() || keys == nullptr || !keys->is_array()) {
    return badRequest("a keep without node and keys");
  }
  json::array missing;
  std::lock_guard lock(mu_);
  auto it = served_.find(id);
  if (it == served_.end()) return makeError("campaign_moved", "This campaign moved.");
  const auto now = steady_clock::now();
  for (const auto& k : keys->as_array()) {
    if (!k.is_string()) continue;
    auto r = it->second.relays.find(node + "/" + std::string(k.as_string()));
    if (r == it->second.relays.end()) {
      missing.push_back(k);
    } else {
      r->second->kept = now;
    }
  }
  return json::value(json::object{{"missing", std::move(missing)}});
}

}  // namespace startales::cluster
