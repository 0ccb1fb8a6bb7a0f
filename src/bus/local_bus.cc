#include "bus/local_bus.h"

#include <charconv>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "bus/handler_gate.h"
#include "bus/pending_requests.h"
#include "common/log.h"
#include "common/thread_name.h"

namespace startales::bus {

namespace {

constexpr std::string_view kInbox = "_INBOX.local.";

Error tooLarge(size_t size, size_t max) {
  return makeError("bus_payload_too_large", "A bus message of " + std::to_string(size) +
                                                " bytes is over the limit of " +
                                                std::to_string(max) + " bytes.");
}

}  // namespace

// One subscription's state. `pending_*` and `slow` are guarded by the core's mu.
struct LocalSub {
  LocalSub(std::string s, std::string q, Handler h)
      : subject(std::move(s)), queue(std::move(q)), gate(std::move(h)) {}
  const std::string subject;
  const std::string queue;
  HandlerGate gate;
  size_t pending_messages = 0;
  size_t pending_bytes = 0;
  bool slow = false;  // in a slow-consumer episode: the last message was dropped
};

struct LocalBus::Core {
  Core(LocalBusConfig c, BusMetrics* m) : config(c), metrics(m), pending(m) {}

  // Queues `data` for every matching subscriber (one per queue group). Returns how many
  // subscriptions matched (before pending limits).
  size_t deliver(std::string_view subject, std::string_view reply, std::string_view data);
  void run();  // the delivery thread
  void stop();

  // const after construction
  const LocalBusConfig config;
  BusMetrics* const metrics;

  PendingRequests pending;
  std::mutex mu;
  std::condition_variable wake;
  bool stopping = false;                                       // guarded by mu
  std::vector<std::shared_ptr<LocalSub>> subs;                 // guarded by mu
  std::map<std::pair<std::string, std::string>, size_t> next;  // guarded by mu: round robin
  struct Delivery {
    std::shared_ptr<LocalSub> sub;
    Message message;
  };
  std::deque<Delivery> queue;  // guarded by mu
  std::thread thread;
};

namespace {

class LocalSubscription final : public Subscription {
 public:
  LocalSubscription(std::shared_ptr<LocalBus::Core> core, std::shared_ptr<LocalSub> sub)
      : core_(std::move(core)), sub_(std::move(sub)) {}
  ~LocalSubscription() override {
    {
      std::lock_guard lock(core_->mu);
      std::erase(core_->subs, sub_);
    }
    sub_->gate.close();
  }

 private:
  std::shared_ptr<LocalBus::Core> core_;
  std::shared_ptr<LocalSub> sub_;
};

}  // namespace

size_t LocalBus::Core::deliver(std::string_view subject, std::string_view reply,
                               std::string_view data) {
  std::vector<std::shared_ptr<LocalSub>> chosen;
  size_t matched = 0;
  {
    std::lock_guard lock(mu);
    std::map<std::pair<std::string, std::string>, std::vector<std::shared_ptr<LocalSub>>> groups;
    for (const auto& sub : subs) {
      if (!subjectMatches(sub->subject, subject)) continue;
      ++matched;
      if (sub->queue.empty()) {
        chosen.push_back(sub);
      } else {
        groups[{sub->subject, sub->queue}].push_back(sub);
      }
    }
    for (auto& [key, members] : groups) chosen.push_back(members[next[key]++ % members.size()]);
    for (const auto& sub : chosen) {
      if (sub->pending_messages >= config.pending_messages ||
          sub->pending_bytes + data.size() > config.pending_bytes) {
        if (metrics != nullptr) metrics->dropped(1);
        if (!sub->slow) {
          sub->slow = true;
          if (metrics != nullptr) metrics->slowConsumer();
          logging::warn("bus slow consumer: dropping messages",
                        {{"subject", sub->subject}, {"pending", sub->pending_messages}});
        }
        continue;
      }
      sub->slow = false;
      ++sub->pending_messages;
      sub->pending_bytes += data.size();
      queue.push_back({sub, Message{std::string(subject), std::string(reply), std::string(data)}});
    }
  }
  if (!chosen.empty()) wake.notify_one();
  return matched;
}

void LocalBus::Core::run() {
  setThreadName("bus-local");
  std::unique_lock lock(mu);
  while (true) {
    wake.wait(lock, [this] { return stopping || !queue.empty(); });
    if (stopping) return;
    Delivery d = std::move(queue.front());
    queue.pop_front();
    --d.sub->pending_messages;
    d.sub->pending_bytes -= d.message.data.size();
    lock.unlock();
    if (d.sub->gate.deliver(std::move(d.message)) && metrics != nullptr) metrics->received();
    d.sub.reset();
    lock.lock();
  }
}

void LocalBus::Core::stop() {
  {
    std::lock_guard lock(mu);
    stopping = true;
    queue.clear();
  }
  wake.notify_all();
  if (thread.joinable()) thread.join();
  pending.failAll(makeError("bus_unavailable", "The message bus is shutting down."));
}

LocalBus::LocalBus(LocalBusConfig config, BusMetrics* metrics)
    : core_(std::make_shared<Core>(config, metrics)) {
  core_->thread = std::thread([core = core_.get()] { core->run(); });
  if (metrics != nullptr) metrics->setConnected(true);
}

LocalBus::~LocalBus() { core_->stop(); }

size_t LocalBus::maxPayload() const { return core_->config.max_payload; }

Result<void> LocalBus::publish(std::string_view subject, std::string_view data) {
  if (auto ok = checkSubject(subject, false); !ok) return ok.error();
  if (data.size() > core_->config.max_payload)
    return tooLarge(data.size(), core_->config.max_payload);
  if (core_->metrics != nullptr) core_->metrics->published();
  if (subject.starts_with(kInbox)) {  // a reply: complete the request waiting for it
    uint64_t token = 0;
    const std::string_view digits = subject.substr(kInbox.size());
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), token);
    if (ec == std::errc() && end == digits.data() + digits.size()) {
      (void)core_->pending.complete(token, std::string(data));  // false: it timed out already
      return {};
    }
  }
  core_->deliver(subject, "", data);
  return {};
}

Result<std::unique_ptr<Subscription>> LocalBus::subscribe(std::string subject, std::string queue,
                                                          Handler handler) {
  if (auto ok = checkSubject(subject, true); !ok) return ok.error();
  if (!queue.empty()) {
    if (auto ok = checkSubject(queue, false); !ok || queue.find('.') != std::string::npos) {
      return makeError("invalid_argument", "The queue group name \"" + queue.substr(0, 200) +
                                               "\" is not a single token.");
    }
  }
  auto sub = std::make_shared<LocalSub>(std::move(subject), std::move(queue), std::move(handler));
  {
    std::lock_guard lock(core_->mu);
    core_->subs.push_back(sub);
  }
  return std::unique_ptr<Subscription>(std::make_unique<LocalSubscription>(core_, std::move(sub)));
}

boost::asio::awaitable<Result<std::string>> LocalBus::request(std::string subject, std::string data,
                                                              std::chrono::milliseconds timeout) {
  Core& core = *core_;
  auto send = [&core, &subject, &data](uint64_t token) -> Result<void> {
    if (auto ok = checkSubject(subject, false); !ok) return ok.error();
    if (data.size() > core.config.max_payload)
      return tooLarge(data.size(), core.config.max_payload);
    if (core.metrics != nullptr) core.metrics->published();
    if (core.deliver(subject, std::string(kInbox) + std::to_string(token), data) == 0) {
      return makeError("bus_no_responders", "Nothing on the bus handles \"" +
                                                subject.substr(0, 200) +
                                                "\"; the request was not handled.");
    }
    return {};
  };
  // Named, then awaited: GCC 12 destroys a temporary passed into a coroutine inside a
  // co_await expression twice (docs/architecture.md), and this std::function owns heap memory.
  std::function<Result<void>(uint64_t)> send_fn = send;
  auto op = core.pending.await(timeout, std::move(send_fn));
  co_return co_await std::move(op);
}

Result<void> LocalBus::reply(const Message& request, std::string_view data) {
  if (request.reply.empty()) {
    return makeError("invalid_argument", "The message on \"" + request.subject.substr(0, 200) +
                                             "\" is not a request: it wants no reply.");
  }
  return publish(request.reply, data);
}

}  // namespace startales::bus
