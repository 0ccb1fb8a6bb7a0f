#pragma once

// The in-process bus: `serve` (one process, nothing to connect to) and unit tests elsewhere.
// Same semantics as NatsBus: wildcards, queue groups (round robin among members), requests
// with a timeout, "bus_no_responders" when nothing subscribes, a payload limit, and per
// subscription pending limits beyond which messages are dropped and counted as a slow
// consumer. Always connected.
//
// Thread-safe. Handlers run on one delivery thread owned by the bus, one message at a time
// (so in order per subscription); publish never runs a handler itself.

#include <cstddef>
#include <memory>

#include "bus/bus.h"
#include "bus/bus_metrics.h"

namespace startales::bus {

struct LocalBusConfig {
  size_t max_payload = 1024 * 1024;         // bytes per message (NATS's default max_payload)
  size_t pending_messages = 65536;          // per subscription, queued for its handler
  size_t pending_bytes = 64 * 1024 * 1024;  // per subscription, queued for its handler
};

class LocalBus final : public Bus {
 public:
  // metrics: may be null; outlives the bus.
  explicit LocalBus(LocalBusConfig config = {}, BusMetrics* metrics = nullptr);
  // Stops the delivery thread (messages still queued are dropped) and completes pending
  // requests with bus_unavailable. Must not run on the delivery thread (inside a handler).
  ~LocalBus() override;
  LocalBus(const LocalBus&) = delete;
  LocalBus& operator=(const LocalBus&) = delete;

  Result<void> publish(std::string_view subject, std::string_view data) override;
  Result<std::unique_ptr<Subscription>> subscribe(std::string subject, std::string queue,
                                                  Handler handler) override;
  boost::asio::awaitable<Result<std::string>> request(std::string subject, std::string data,
                                                      std::chrono::milliseconds timeout) override;
  Result<void> reply(const Message& request, std::string_view data) override;
  bool connected() const override { return true; }
  size_t maxPayload() const override;

  struct Core;

 private:
  std::shared_ptr<Core> core_;  // shared with the subscriptions, which may outlive the bus
};

}  // namespace startales::bus
