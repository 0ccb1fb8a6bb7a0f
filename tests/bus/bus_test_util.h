#pragma once

// Helpers of the bus suites: a message collector, a synchronous request, buses on both
// implementations with a metrics registry.

#include <prometheus/registry.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bus/bus.h"
#include "bus/bus_metrics.h"

namespace startales::bus {

using namespace std::chrono_literals;

// Records what a subscription receives; waits for it.
class Collector {
 public:
  Handler handler() {
    return [this](Message m) {
      std::lock_guard lock(mu_);
      messages_.push_back(std::move(m));
      cv_.notify_all();
    };
  }
  // True once at least `n` messages arrived within `timeout`.
  bool waitFor(size_t n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
  }
  std::vector<Message> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  size_t size() {
    std::lock_guard lock(mu_);
    return messages_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Message> messages_;
};

// bus.request(...) awaited on an io_context of its own.
inline Result<std::string> requestNow(Bus& bus, std::string subject, std::string data,
                                      std::chrono::milliseconds timeout) {
  boost::asio::io_context io;
  auto done = boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<std::optional<Result<std::string>>> {
        co_return co_await bus.request(subject, data, timeout);
      },
      boost::asio::use_future);
  io.run();
  return std::move(*done.get());
}

inline std::string describe(const Error& e) { return e.code + ": " + e.message; }

// Repeats `request` until it is answered (a subscription made on another connection is
// effective once the server has processed it).
inline Result<std::string> requestWhenSubscribed(Bus& bus, const std::string& subject,
                                                 const std::string& data) {
  Result<std::string> r = makeError("bus_no_responders", "");
  for (int i = 0; i < 200; ++i) {
    r = requestNow(bus, subject, data, 2s);
    if (r.ok() || r.error().code != "bus_no_responders") return r;
    std::this_thread::sleep_for(10ms);
  }
  return r;
}

}  // namespace startales::bus
