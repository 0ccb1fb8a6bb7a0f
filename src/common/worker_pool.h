#pragma once

// A bounded pool of threads for blocking work (database calls, password hashing, decoding).
// Network threads hand work here with `co_await pool.run(fn)` and are resumed on their own
// executor when it is done, so they never block.
//
// Bounded: at most `max_pending` calls may be queued or running; beyond that run() answers
// at once with Error{"overloaded"} (the HTTP layer turns it into 503 + Retry-After).

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>

#include "common/result.h"

namespace startales {

class WorkerPool {
 public:
  // threads: worker threads; max_pending: queued + running calls before rejecting.
  WorkerPool(std::string name, int threads, int max_pending);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] int pending() const { return pending_.load(); }
  [[nodiscard]] uint64_t rejected() const { return rejected_.load(); }

  // Runs fn() (which must return a Result<T>) on a worker thread. An exception thrown by fn
  // becomes Error{"internal"}.
  template <typename F>
  boost::asio::awaitable<std::invoke_result_t<F&>> run(F fn) {
    using R = std::invoke_result_t<F&>;
    if (pending_.fetch_add(1) >= max_pending_) {
      pending_.fetch_sub(1);
      rejected_.fetch_add(1);
      co_return R(makeError("overloaded", "The server is busy; try again in a moment."));
    }
    std::optional<R> result;
    try {
      // co_spawn requires a default-constructible result, hence the optional.
      result = co_await boost::asio::co_spawn(
          pool_.get_executor(),
          [&fn]() -> boost::asio::awaitable<std::optional<R>> { co_return fn(); },
          boost::asio::use_awaitable);
    } catch (const std::exception& e) {
      result.emplace(makeError("internal", std::string("Internal error: ") + e.what()));
    }
    pending_.fetch_sub(1);
    if (!result) result.emplace(makeError("internal", "Internal error: no result."));
    co_return std::move(*result);
  }

  // Blocks until queued work is done and joins the threads.
  void stop();

 private:
  // const after construction
  std::string name_;
  int max_pending_;

  boost::asio::thread_pool pool_;
  std::atomic<int> pending_{0};
  std::atomic<uint64_t> rejected_{0};
};

}  // namespace startales
