#pragma once

// Requests waiting for their reply, shared by LocalBus and NatsBus: a map token → pending
// request, each with a timeout timer. Exactly one of reply, timeout or failure completes a
// request (whoever removes it from the map first); the awaiting coroutine resumes on its own
// executor, never on the thread that completed it.
//
// Thread-safe. Timers run on a thread this object owns; complete() and failAll() may be
// called from any thread (a bus's delivery or connection threads).

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "bus/bus_metrics.h"
#include "common/result.h"

namespace startales::bus {

class PendingRequests {
 public:
  // metrics: may be null; outlives this object.
  explicit PendingRequests(BusMetrics* metrics);
  // Completes every pending request with bus_unavailable and joins the timer thread.
  ~PendingRequests();
  PendingRequests(const PendingRequests&) = delete;
  PendingRequests& operator=(const PendingRequests&) = delete;

  // Registers a request, calls send(token) to put it on the wire and waits for complete(),
  // the timeout (bus_timeout) or failAll(). A failed send completes it with send's error.
  // `send` runs on the calling thread before the coroutine suspends and must not block.
  boost::asio::awaitable<Result<std::string>> await(
      std::chrono::milliseconds timeout, std::function<Result<void>(uint64_t token)> send);

  // Completes the request `token` with `result`. False when it is not pending (it already
  // timed out or failed: a late reply is dropped).
  bool complete(uint64_t token, Result<std::string> result);
  // Completes every pending request with `error` (the connection dropped). Returns how many.
  size_t failAll(const Error& error);
  size_t size() const;

 private:
  using Completion = boost::asio::any_completion_handler<void(Result<std::string>)>;
  struct Entry {
    Completion handler;
    boost::asio::any_io_executor executor;             // the awaiting coroutine's, tracking work
    std::unique_ptr<boost::asio::steady_timer> timer;  // on timer_io_; null until armed
    std::chrono::steady_clock::time_point started;
  };

  uint64_t add(Completion handler, boost::asio::any_io_executor executor,
               std::chrono::milliseconds timeout);
  void arm(uint64_t token, std::chrono::milliseconds timeout);  // on the timer thread
  void finish(Entry entry, Result<std::string> result);         // outside mu_

  // const after construction
  BusMetrics* metrics_;

  boost::asio::io_context timer_io_;
  // Keeps timer_io_ running until the destructor: then it returns once the last timer is gone.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> timer_work_;
  std::thread timer_thread_;
  mutable std::mutex mu_;
  uint64_t next_token_ = 1;                      // guarded by mu_
  std::unordered_map<uint64_t, Entry> entries_;  // guarded by mu_
};

// "ok", "timeout", "no_responders", "unavailable" or "error" for a request's result.
const char* outcomeOf(const Result<std::string>& result);

}  // namespace startales::bus
