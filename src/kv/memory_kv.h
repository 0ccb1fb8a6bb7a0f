#pragma once

// Kv in process: a map guarded by a mutex, time from an injected Clock. Thread-safe; every
// call completes at once (no I/O). Bounded: at most `max_keys` entries; a new key beyond that
// first drops expired entries, then an arbitrary one (like Redis's allkeys-random policy).

#include <boost/asio/thread_pool.hpp>
#include <mutex>
#include <unordered_map>

#include "common/clock.h"
#include "kv/kv.h"

namespace startales::kv {

class MemoryKv final : public Kv {
 public:
  explicit MemoryKv(const Clock& clock, size_t max_keys = 1'000'000);
  ~MemoryKv() override;

  [[nodiscard]] std::string_view backend() const override { return "memory"; }
  boost::asio::awaitable<Result<std::optional<std::string>>> get(std::string key) override;
  boost::asio::awaitable<Result<std::vector<bool>>> exists(std::vector<std::string> keys) override;
  boost::asio::awaitable<Result<void>> set(std::string key, std::string value,
                                           std::chrono::milliseconds ttl) override;
  boost::asio::awaitable<Result<bool>> del(std::string key) override;
  boost::asio::awaitable<Result<Taken>> take(std::string key, BucketSpec spec) override;
  boost::asio::awaitable<Result<void>> ping() override;
  boost::asio::any_io_executor executor() override { return pool_.get_executor(); }

  // The same operations, synchronously (what the awaitables return).
  std::optional<std::string> getNow(const std::string& key);
  void setNow(const std::string& key, std::string value, std::chrono::milliseconds ttl);
  bool delNow(const std::string& key);
  Taken takeNow(const std::string& key, BucketSpec spec);
  size_t size() const;

 private:
  struct Entry {
    std::string value;      // a bucket keeps its state in `tokens`/`updated_ms` instead
    int64_t expires_ms = 0;
    double tokens = 0;
    int64_t updated_ms = 0;
  };
  // The live entry of `key`, or null (an expired one is erased). Caller holds mu_.
  Entry* find(const std::string& key, int64_t now);
  Entry& insert(const std::string& key, int64_t now);

  // const after construction
  const Clock& clock_;
  const size_t max_keys_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  boost::asio::thread_pool pool_{1};                // runs blockingCall()'s coroutines
};

// The bucket arithmetic both engines use (the Lua script in redis_kv.cc mirrors it):
// refills `tokens` for the time since `updated_ms`, then takes one if there is one.
// Returns the outcome and the ms until the bucket is full again (its key's lifetime).
Taken takeFromBucket(double& tokens, int64_t& updated_ms, int64_t now_ms, BucketSpec spec,
                     int64_t& full_in_ms);

}  // namespace startales::kv
