#pragma once

// A small key-value engine for state every node of a cluster shares: login sessions and
// rate-limit buckets. Two implementations, chosen by configuration: MemoryKv (in process,
// tests and one-node use) and RedisKv (kv/redis_kv.h, STARTALES_REDIS).
//
// Calls are awaitables: network threads co_await them and are resumed on their own executor,
// never blocked. Worker threads (blocking code such as AccountService) use blockingCall().
// Every failure of the engine (unreachable, timed out, refused, busy) is
// Error{"kv_unavailable"} with a sentence for users and retry_after_s set; the engine's own
// text goes to the log.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace startales::kv {

// A token bucket: `burst` tokens at most, refilled at `per_minute` tokens a minute.
struct BucketSpec {
  double burst = 10;       // capacity, tokens (>= 1)
  double per_minute = 10;  // refill rate, tokens per minute (> 0)
};

struct Taken {
  bool allowed = false;
  int64_t retry_after_ms = 0;  // when refused: until one token is back (> 0)
};

class Kv {
 public:
  virtual ~Kv() = default;

  // "memory" or "redis".
  [[nodiscard]] virtual std::string_view backend() const = 0;

  // The value of `key`, or nullopt when it is missing or expired.
  virtual boost::asio::awaitable<Result<std::optional<std::string>>> get(std::string key) = 0;
  // Which of `keys` exist (same order). One round trip on Redis.
  virtual boost::asio::awaitable<Result<std::vector<bool>>> exists(
      std::vector<std::string> keys) = 0;
  // Sets `key` to `value`, expiring after `ttl` (>= 1 ms).
  virtual boost::asio::awaitable<Result<void>> set(std::string key, std::string value,
                                                   std::chrono::milliseconds ttl) = 0;
  // Removes `key`; true when it existed.
  virtual boost::asio::awaitable<Result<bool>> del(std::string key) = 0;
  // Takes one token from the bucket at `key` atomically (a full bucket when it is missing).
  // The key expires once the bucket would be full again.
  virtual boost::asio::awaitable<Result<Taken>> take(std::string key, BucketSpec spec) = 0;
  // Round trip to the engine (readiness).
  virtual boost::asio::awaitable<Result<void>> ping() = 0;

  // Where blockingCall() runs its coroutine: never a thread that blocks on it.
  virtual boost::asio::any_io_executor executor() = 0;
};

// For blocking code on a worker thread: runs `call(kv)` (returning an awaitable Result) to
// completion and returns its result. Bounded by the engine's own timeouts. Must not be
// called from kv.executor()'s thread, nor from a network thread.
template <typename F>
auto blockingCall(Kv& kv, F call) -> typename std::invoke_result_t<F&, Kv&>::value_type {
  using R = typename std::invoke_result_t<F&, Kv&>::value_type;
  auto future = boost::asio::co_spawn(
      kv.executor(),
      [&kv, &call]() -> boost::asio::awaitable<std::optional<R>> { co_return co_await call(kv); },
      boost::asio::use_future);
  try {
    std::optional<R> result = future.get();
    if (result) return std::move(*result);
  } catch (const std::exception& e) {
    return R(makeInternalError("internal", std::string("Key-value call failed: ") + e.what()));
  }
  return R(makeInternalError("internal", "Key-value call returned nothing."));
}

// Error{"kv_unavailable"} for users (retry_after_s = 2): sign-in and limits are checked there.
Error unavailable();

}  // namespace startales::kv
