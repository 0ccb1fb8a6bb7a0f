#include "bus/nats_bus.h"

#include <nats/nats.h>

#include <atomic>
#include <charconv>
#include <future>
#include <mutex>
#include <unordered_map>

#include "bus/handler_gate.h"
#include "bus/pending_requests.h"
#include "common/log.h"

namespace startales::bus {

namespace {

Error unavailable() {
  return makeError("bus_unavailable",
                   "The message bus (NATS) is not connected; try again in a moment.");
}

Error tooLarge(size_t size, size_t max) {
  return makeError("bus_payload_too_large", "A bus message of " + std::to_string(size) +
                                                " bytes is over the server's limit of " +
                                                std::to_string(max) + " bytes.");
}

// A failed library call: what the caller can do about it, the library's text for the log.
Error fromStatus(natsStatus s, std::string_view what) {
  switch (s) {
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_NOT_YET_CONNECTED:
    case NATS_INSUFFICIENT_BUFFER:
    case NATS_IO_ERROR:
    case NATS_NO_SERVER:
    case NATS_STALE_CONNECTION:
    case NATS_TIMEOUT:
      return unavailable();
    case NATS_MAX_PAYLOAD:
      return makeError("bus_payload_too_large",
                       "A bus message is over the NATS server's max_payload.");
    case NATS_INVALID_SUBJECT:
      return makeError("invalid_argument", "The NATS server refuses this subject.");
    default:
      return makeInternalError("bus_error", std::string(what) + ": " + natsStatus_GetText(s));
  }
}

}  // namespace

Result<std::vector<std::string>> parseNatsUrls(const std::string& text) {
  std::vector<std::string> urls;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string url = text.substr(start, end - start);
    while (!url.empty() && url.front() == ' ') url.erase(url.begin());
    while (!url.empty() && url.back() == ' ') url.pop_back();
    start = end + 1;
    auto bad = [&] {
      return makeError("invalid_config", "\"" + url + "\" is not a NATS server URL like nats://" +
                                             "nats:4222 (several: comma-separated)");
    };
    if (!url.starts_with("nats://")) return bad();
    const std::string hostport = url.substr(7);
    const size_t colon = hostport.rfind(':');
    if (colon == std::string::npos || colon == 0) return bad();
    const std::string host = hostport.substr(0, colon);
    const std::string port = hostport.substr(colon + 1);
    if (host.find_first_of("/@ ?#") != std::string::npos || host == "[]") return bad();
    if (host.front() == '[' ? host.back() != ']' : host.find(':') != std::string::npos) {
      return bad();
    }
    int number = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc() || p != port.data() + port.size() || number < 1 || number > 65535) {
      return bad();
    }
    urls.push_back(url);
  }
  if (urls.empty()) {
    return makeError("invalid_config", "no NATS server URL given (e.g. nats://nats:4222)");
  }
  return urls;
}

// One subscription's state, shared by its Subscription object and the library (through a
// heap shared_ptr handed over as the callback closure and deleted in the completion callback,
// after which the library never calls back).
struct NatsSub {
  NatsSub(Handler h, BusMetrics* m) : gate(std::move(h)), metrics(m) {}
  HandlerGate gate;
  BusMetrics* const metrics;
};

struct NatsBus::Core {
  explicit Core(BusMetrics* m) : metrics(m), pending(m) {}
  ~Core() {
    if (nc != nullptr) natsConnection_Destroy(nc);
  }

  void shutdown();
  void onReply(natsMsg* msg);
  // Adds what the library dropped for `sub` since it was last asked.
  void countDropped(natsSubscription* sub, bool forget);
  Result<void> send(const std::string& subject, const char* reply, std::string_view data);

  // const after connect()
  BusMetrics* const metrics;
  natsConnection* nc = nullptr;
  std::string inbox;  // "_INBOX.<random>." — a request's reply subject is inbox + token

  int pending_messages = 0;  // per subscription (NatsConfig)
  int pending_bytes = 0;

  PendingRequests pending;
  // Its callback closure is a heap shared_ptr to this Core, deleted by its completion
  // callback: the Core outlives every onReply call.
  natsSubscription* inbox_sub = nullptr;
  std::atomic<bool> up{false};
  std::atomic<bool> closing{false};
  std::promise<void> closed;  // set by the closed callback, the library's last one

  std::mutex mu;
  std::unordered_map<natsSubscription*, int64_t> dropped_seen;  // guarded by mu
};

namespace {

void onMessage(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto& sub = *static_cast<std::shared_ptr<NatsSub>*>(closure);
  Message message{
      natsMsg_GetSubject(msg), natsMsg_GetReply(msg) ? natsMsg_GetReply(msg) : "",
      std::string(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)))};
  natsMsg_Destroy(msg);
  if (sub->gate.deliver(std::move(message)) && sub->metrics != nullptr) sub->metrics->received();
}

void onSubscriptionComplete(void* closure) {
  delete static_cast<std::shared_ptr<NatsSub>*>(closure);
}

void onReplyMessage(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  (*static_cast<std::shared_ptr<NatsBus::Core>*>(closure))->onReply(msg);
}

void onInboxComplete(void* closure) {
  delete static_cast<std::shared_ptr<NatsBus::Core>*>(closure);
}

void onDisconnected(natsConnection*, void* closure) {
  auto* core = static_cast<NatsBus::Core*>(closure);
  if (core->metrics != nullptr) core->metrics->setConnected(false);
  if (core->closing.load()) return;
  if (core->up.exchange(false)) {
    if (core->metrics != nullptr) core->metrics->disconnected();
    const size_t failed = core->pending.failAll(makeError(
        "bus_unavailable",
        "The connection to the message bus dropped while waiting for the answer; the request "
        "may or may not have been handled. Try again."));
    logging::warn("bus disconnected", {{"bus", "nats"}, {"requests_failed", failed}});
  }
}

void onReconnected(natsConnection* nc, void* closure) {
  auto* core = static_cast<NatsBus::Core*>(closure);
  if (core->closing.load()) return;
  if (!core->up.exchange(true)) {
    if (core->metrics != nullptr) {
      core->metrics->reconnected();
      core->metrics->setConnected(true);
    }
    char url[256] = {0};
    (void)natsConnection_GetConnectedUrl(nc, url, sizeof url);
    logging::info("bus reconnected", {{"bus", "nats"}, {"url", std::string_view(url)}});
  }
}

void onClosed(natsConnection*, void* closure) {
  auto* core = static_cast<NatsBus::Core*>(closure);
  core->up = false;
  if (core->metrics != nullptr) core->metrics->setConnected(false);
  if (!core->closing.load()) {
    logging::error("bus connection closed for good: out of reconnect attempts", {{"bus", "nats"}});
    core->pending.failAll(unavailable());
  }
  core->closed.set_value();
}

void onError(natsConnection*, natsSubscription* sub, natsStatus err, void* closure) {
  auto* core = static_cast<NatsBus::Core*>(closure);
  if (err == NATS_SLOW_CONSUMER && sub != nullptr) {
    // The library reports an episode once: when a message is first dropped after one was
    // accepted.
    if (core->metrics != nullptr) core->metrics->slowConsumer();
    int msgs = 0, bytes = 0;
    (void)natsSubscription_GetPending(sub, &msgs, &bytes);
    logging::warn("bus slow consumer: dropping messages",
                  {{"bus", "nats"},
                   {"subject", std::string_view(natsSubscription_GetSubject(sub))},
                   {"pending_messages", msgs},
                   {"pending_bytes", bytes}});
    core->countDropped(sub, false);
    return;
  }
  logging::warn("bus error", {{"bus", "nats"}, {"reason", natsStatus_GetText(err)}});
}

class NatsSubscription final : public Subscription {
 public:
  NatsSubscription(std::shared_ptr<NatsBus::Core> core, std::shared_ptr<NatsSub> state,
                   natsSubscription* sub)
      : core_(std::move(core)), state_(std::move(state)), sub_(sub) {}
  ~NatsSubscription() override {
    state_->gate.close();
    core_->countDropped(sub_, true);
    (void)natsSubscription_Unsubscribe(sub_);  // fails once the connection is closed: fine
    natsSubscription_Destroy(sub_);
  }

 private:
  std::shared_ptr<NatsBus::Core> core_;  // keeps the connection while the subscription lives
  std::shared_ptr<NatsSub> state_;
  natsSubscription* sub_;
};

}  // namespace

void NatsBus::Core::onReply(natsMsg* msg) {
  const std::string_view subject = natsMsg_GetSubject(msg);
  uint64_t token = 0;
  bool ours = subject.starts_with(inbox);
  if (ours) {
    const std::string_view digits = subject.substr(inbox.size());
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), token);
    ours = ec == std::errc() && end == digits.data() + digits.size();
  }
  if (ours) {
    if (natsMsg_IsNoResponders(msg)) {
      (void)pending.complete(token, makeError("bus_no_responders",
                                              "Nothing on the bus handles this request; it was "
                                              "not handled."));
    } else {
      (void)pending.complete(token, std::string(natsMsg_GetData(msg),
                                                static_cast<size_t>(natsMsg_GetDataLength(msg))));
    }
  }
  natsMsg_Destroy(msg);
}

void NatsBus::Core::countDropped(natsSubscription* sub, bool forget) {
  int64_t total = 0;
  if (natsSubscription_GetDropped(sub, &total) != NATS_OK) total = -1;
  std::lock_guard lock(mu);
  int64_t& seen = dropped_seen[sub];
  if (total > seen && metrics != nullptr) metrics->dropped(static_cast<double>(total - seen));
  if (total > seen) seen = total;
  if (forget) dropped_seen.erase(sub);
}

Result<void> NatsBus::Core::send(const std::string& subject, const char* reply,
                                 std::string_view data) {
  const size_t max = static_cast<size_t>(natsConnection_GetMaxPayload(nc));
  if (data.size() > max) return tooLarge(data.size(), max);
  // The library would buffer a publish while reconnecting: refuse it instead.
  if (natsConnection_Status(nc) != NATS_CONN_STATUS_CONNECTED) return unavailable();
  const natsStatus s =
      reply == nullptr
          ? natsConnection_Publish(nc, subject.c_str(), data.data(), static_cast<int>(data.size()))
          : natsConnection_PublishRequest(nc, subject.c_str(), reply, data.data(),
                                          static_cast<int>(data.size()));
  if (s != NATS_OK) return fromStatus(s, "publish");
  if (metrics != nullptr) metrics->published();
  return {};
}

void NatsBus::Core::shutdown() {
  closing = true;
  pending.failAll(makeError("bus_unavailable", "The message bus is shutting down."));
  if (inbox_sub != nullptr) {
    (void)natsSubscription_Unsubscribe(inbox_sub);
    natsSubscription_Destroy(inbox_sub);
    inbox_sub = nullptr;
  }
  if (nc != nullptr) {
    natsConnection_Close(nc);
    // The closed callback is the library's last call with this Core: wait for it (bounded,
    // in case the library never delivers it).
    (void)closed.get_future().wait_for(std::chrono::seconds(5));
  }
}

Result<std::unique_ptr<NatsBus>> NatsBus::connect(const NatsConfig& config, BusMetrics* metrics) {
  if (config.urls.empty()) {
    return makeError("invalid_config", "no NATS server URL given (e.g. nats://nats:4222)");
  }
  auto core = std::make_shared<Core>(metrics);
  core->pending_messages = config.pending_messages;
  core->pending_bytes = config.pending_bytes;
  std::string servers;
  for (const auto& url : config.urls) servers += (servers.empty() ? "" : ",") + url;

  natsOptions* opts = nullptr;
  natsStatus s = natsOptions_Create(&opts);
  std::vector<const char*> urls;
  for (const auto& url : config.urls) urls.push_back(url.c_str());
  Core* raw = core.get();
  if (s == NATS_OK) s = natsOptions_SetServers(opts, urls.data(), static_cast<int>(urls.size()));
  if (s == NATS_OK && !config.name.empty()) s = natsOptions_SetName(opts, config.name.c_str());
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts, config.connect_timeout_ms);
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, config.max_reconnect);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts, config.reconnect_wait_ms);
  // The smallest buffer the library allows (0 means its 8 MiB default); send() refuses to
  // publish while reconnecting, so nothing is queued but a message racing with the drop.
  if (s == NATS_OK) s = natsOptions_SetReconnectBufSize(opts, 1);
  if (s == NATS_OK) s = natsOptions_SetPingInterval(opts, config.ping_interval_ms);
  if (s == NATS_OK) s = natsOptions_SetMaxPingsOut(opts, 2);
  if (s == NATS_OK) s = natsOptions_SetMaxPendingMsgs(opts, config.pending_messages);
  if (s == NATS_OK) s = natsOptions_SetSendAsap(opts, config.send_asap);
  if (s == NATS_OK) s = natsOptions_UseGlobalMessageDelivery(opts, true);
  if (s == NATS_OK) s = nats_SetMessageDeliveryPoolSize(config.delivery_threads);
  if (s == NATS_OK) s = natsOptions_SetErrorHandler(opts, onError, raw);
  if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(opts, onDisconnected, raw);
  if (s == NATS_OK) s = natsOptions_SetReconnectedCB(opts, onReconnected, raw);
  if (s == NATS_OK) s = natsOptions_SetClosedCB(opts, onClosed, raw);
  if (s != NATS_OK) {
    natsOptions_Destroy(opts);
    return makeError("invalid_config",
                     std::string("Invalid NATS client settings: ") + natsStatus_GetText(s) + ".");
  }
  s = natsConnection_Connect(&core->nc, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) {
    core->nc = nullptr;
    return makeError("bus_unavailable", "Cannot connect to the message bus at " + servers +
                                            " (NATS): " + natsStatus_GetText(s) + ".");
  }
  core->up = true;
  if (metrics != nullptr) metrics->setConnected(true);

  natsInbox* inbox = nullptr;
  s = natsInbox_Create(&inbox);
  if (s == NATS_OK) {
    core->inbox = std::string(inbox) + ".";
    natsInbox_Destroy(inbox);
    auto* closure = new std::shared_ptr<Core>(core);
    s = natsConnection_Subscribe(&core->inbox_sub, core->nc, (core->inbox + "*").c_str(),
                                 onReplyMessage, closure);
    if (s == NATS_OK) {
      s = natsSubscription_SetOnCompleteCB(core->inbox_sub, onInboxComplete, closure);
    } else {
      delete closure;
    }
  }
  // Replies are bounded by the requests in flight, each bounded by its timeout.
  if (s == NATS_OK) s = natsSubscription_SetPendingLimits(core->inbox_sub, -1, -1);
  if (s != NATS_OK) {
    Error e = fromStatus(s, "subscribing the request inbox");
    core->shutdown();
    return e;
  }
  char url[256] = {0};
  (void)natsConnection_GetConnectedUrl(core->nc, url, sizeof url);
  logging::info("bus connected", {{"bus", "nats"},
                                  {"url", std::string_view(url)},
                                  {"name", config.name},
                                  {"max_payload", natsConnection_GetMaxPayload(core->nc)}});
  return std::unique_ptr<NatsBus>(new NatsBus(std::move(core)));
}

NatsBus::NatsBus(std::shared_ptr<Core> core) : core_(std::move(core)) {}

NatsBus::~NatsBus() { core_->shutdown(); }

bool NatsBus::connected() const {
  return natsConnection_Status(core_->nc) == NATS_CONN_STATUS_CONNECTED;
}

size_t NatsBus::maxPayload() const {
  return static_cast<size_t>(natsConnection_GetMaxPayload(core_->nc));
}

std::string NatsBus::connectedUrl() const {
  char url[256] = {0};
  if (natsConnection_GetConnectedUrl(core_->nc, url, sizeof url) != NATS_OK) return "";
  return url;
}

Result<void> NatsBus::publish(std::string_view subject, std::string_view data) {
  if (auto ok = checkSubject(subject, false); !ok) return ok.error();
  return core_->send(std::string(subject), nullptr, data);
}

Result<std::unique_ptr<Subscription>> NatsBus::subscribe(std::string subject, std::string queue,
                                                         Handler handler) {
  if (auto ok = checkSubject(subject, true); !ok) return ok.error();
  if (!queue.empty()) {
    if (auto ok = checkSubject(queue, false); !ok || queue.find('.') != std::string::npos) {
      return makeError("invalid_argument", "The queue group name \"" + queue.substr(0, 200) +
                                               "\" is not a single token.");
    }
  }
  auto state = std::make_shared<NatsSub>(std::move(handler), core_->metrics);
  auto* closure = new std::shared_ptr<NatsSub>(state);
  natsSubscription* sub = nullptr;
  natsStatus s =
      queue.empty() ? natsConnection_Subscribe(&sub, core_->nc, subject.c_str(), onMessage, closure)
                    : natsConnection_QueueSubscribe(&sub, core_->nc, subject.c_str(), queue.c_str(),
                                                    onMessage, closure);
  if (s != NATS_OK) {
    delete closure;
    return fromStatus(s, "subscribe");
  }
  s = natsSubscription_SetOnCompleteCB(sub, onSubscriptionComplete, closure);
  if (s == NATS_OK) {
    s = natsSubscription_SetPendingLimits(sub, core_->pending_messages, core_->pending_bytes);
  }
  if (s != NATS_OK) {
    state->gate.close();
    (void)natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
    return fromStatus(s, "subscription settings");
  }
  return std::unique_ptr<Subscription>(
      std::make_unique<NatsSubscription>(core_, std::move(state), sub));
}

boost::asio::awaitable<Result<std::string>> NatsBus::request(std::string subject, std::string data,
                                                             std::chrono::milliseconds timeout) {
  Core& core = *core_;
  auto send = [&core, &subject, &data](uint64_t token) -> Result<void> {
    if (auto ok = checkSubject(subject, false); !ok) return ok.error();
    const std::string reply = core.inbox + std::to_string(token);
    if (auto sent = core.send(subject, reply.c_str(), data); !sent) return sent;
    // A drop between the check in send() and now would leave this request to its timeout:
    // the disconnect callback fails pending requests only after the status changed.
    if (natsConnection_Status(core.nc) != NATS_CONN_STATUS_CONNECTED) return unavailable();
    return {};
  };
  // Named, then awaited: GCC 12 destroys a temporary passed into a coroutine inside a
  // co_await expression twice (docs/architecture.md), and this std::function owns heap memory.
  std::function<Result<void>(uint64_t)> send_fn = send;
  auto op = core.pending.await(timeout, std::move(send_fn));
  co_return co_await std::move(op);
}

Result<void> NatsBus::reply(const Message& request, std::string_view data) {
  if (request.reply.empty()) {
    return makeError("invalid_argument", "The message on \"" + request.subject.substr(0, 200) +
                                             "\" is not a request: it wants no reply.");
  }
  return core_->send(request.reply, nullptr, data);
}

}  // namespace startales::bus
