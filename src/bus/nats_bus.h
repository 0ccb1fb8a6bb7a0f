#pragma once

// The bus on a NATS server (the `api` role), over the NATS C client (libnats).
//
// Connection: named (the node name), a list of servers, a connect timeout; after a drop it
// reconnects forever (or max_reconnect times) with a wait between attempts. There is no
// reconnect buffer: while disconnected, publish/request/reply fail at once with
// bus_unavailable and nothing is queued for later (a message racing with the drop itself may
// still go out once the connection is back, as NATS's own at-most-once delivery allows).
// Subscriptions survive a reconnect (the client library subscribes them again).
//
// Requests share one wildcard inbox subscription per connection (`_INBOX.<random>.*`): the
// last token names the pending request. A NATS 2.2+ "no responders" status (503) completes a
// request with bus_no_responders; a drop completes every pending request at once with
// bus_unavailable, not after its timeout.
//
// Bounded: each subscription buffers at most pending_messages / pending_bytes for its
// handler; beyond that the client library drops the newest messages (they are never
// delivered), the episode is counted (bus_slow_consumer_total) and logged once, and delivery
// resumes with the messages that arrive once the handler has caught up.
//
// Threading: handlers run on the client library's delivery pool (delivery_threads threads
// for the whole process; a subscription always on the same one, so in order). Connection
// events run on the library's callback thread. Every method is thread-safe and none blocks
// on the network (publishes are buffered and flushed by the library's flusher thread).

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "bus/bus.h"
#include "bus/bus_metrics.h"

namespace startales::bus {

struct NatsConfig {
  std::vector<std::string> urls;  // nats://host:port each (parseNatsUrls)
  std::string name;               // connection name shown by the server (the node name)
  int connect_timeout_ms = 2000;  // per connection attempt, ms
  int reconnect_wait_ms = 250;    // between attempts on the same server, ms
  int max_reconnect = -1;         // attempts after a drop before giving up; -1 = forever
  int ping_interval_ms = 2000;    // a silent dead server is noticed after 2 missed pings
  int pending_messages = 65536;   // per subscription, queued for its handler
  int pending_bytes = 64 << 20;   // per subscription, queued for its handler
  int delivery_threads = 4;       // the library's delivery pool (process-wide)
  // Each publish is written to the socket at once (a syscall each) instead of waiting for the
  // library's flusher, which coalesces writes for about a millisecond per hop: a request's
  // round trip took 2 ms with it, see docs/benchmarks.md. Default true.
  bool send_asap = true;
};

// "nats://host:port[,nats://host:port...]" → the URLs. "invalid_config" with one sentence
// naming the first bad entry.
Result<std::vector<std::string>> parseNatsUrls(const std::string& text);

class NatsBus final : public Bus {
 public:
  // Connects (blocking, up to connect_timeout_ms per server). "bus_unavailable" naming the
  // servers when none answers; "invalid_config" for a bad config.
  // metrics: may be null; outlives the bus.
  static Result<std::unique_ptr<NatsBus>> connect(const NatsConfig& config,
                                                  BusMetrics* metrics = nullptr);
  // Closes the connection: pending requests complete with bus_unavailable. Subscriptions
  // still alive stop receiving.
  ~NatsBus() override;
  NatsBus(const NatsBus&) = delete;
  NatsBus& operator=(const NatsBus&) = delete;

  Result<void> publish(std::string_view subject, std::string_view data) override;
  Result<std::unique_ptr<Subscription>> subscribe(std::string subject, std::string queue,
                                                  Handler handler) override;
  boost::asio::awaitable<Result<std::string>> request(std::string subject, std::string data,
                                                      std::chrono::milliseconds timeout) override;
  Result<void> reply(const Message& request, std::string_view data) override;
  bool connected() const override;
  size_t maxPayload() const override;

  // The URL of the server connected to now, or "" (logs, /api/ready).
  std::string connectedUrl() const;

  struct Core;

 private:
  explicit NatsBus(std::shared_ptr<Core> core);
  std::shared_ptr<Core> core_;  // shared with the subscriptions, which may outlive the bus
};

}  // namespace startales::bus
