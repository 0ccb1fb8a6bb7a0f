#pragma once

// Token-bucket rate limiting keyed by a string ("ip:1.2.3.4", "user:alice").
// MemoryRateLimiter keeps buckets in process (serve); KvRateLimiter keeps them in a Kv, so
// every node of a cluster takes from the same bucket (Redis in `api`).

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"
#include "common/result.h"

namespace startales::kv {
class Kv;
}

namespace startales::account {

struct BucketConfig {
  double burst = 10;           // bucket capacity, requests
  double per_minute = 10;      // refill rate, requests per minute
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Takes one token for `key`. nullopt when allowed, otherwise the whole seconds to wait
  // before a token is available (for Retry-After; at least 1). An error (kv_unavailable, 503)
  // when the limiter cannot answer: the caller refuses the action (fail closed).
  // Never blocks the calling thread.
  virtual boost::asio::awaitable<Result<std::optional<int>>> take(std::string key) = 0;
};

// Makes the limiter of one family of buckets: `name` ("auth_address", "campaign_create"...)
// keeps families apart where they share a store. Empty: in-process buckets.
using RateLimiterFactory =
    std::function<std::unique_ptr<RateLimiter>(std::string_view name, const BucketConfig&)>;
// A take's verdict for callers that answer with an Error: nullopt to go ahead; else the
// limiter's own failure (fail closed) or "rate_limited": `what` then "wait N seconds.", with
// retry_after_s.
std::optional<Error> refusal(const Result<std::optional<int>>& wait, const std::string& what);

// The factory's limiter, or a MemoryRateLimiter on `clock` when the factory is empty.
std::unique_ptr<RateLimiter> makeRateLimiter(const RateLimiterFactory& factory,
                                             std::string_view name, const BucketConfig& config,
                                             const Clock& clock);

// In-process buckets. Thread-safe. Memory is bounded by construction: at most `max_keys`
// buckets of keys of at most kMaxKeyBytes (longer keys are cut); a new key beyond that evicts
// the least recently used bucket (whatever its level), so no pattern of keys grows the map.
class MemoryRateLimiter final : public RateLimiter {
 public:
  static constexpr size_t kMaxKeyBytes = 128;

  MemoryRateLimiter(const BucketConfig& config, const Clock& clock, size_t max_keys = 100'000);
  boost::asio::awaitable<Result<std::optional<int>>> take(std::string key) override;
  // The same, synchronously: it never waits on anything but mu_.
  std::optional<int> takeNow(const std::string& key);
  // Buckets held now (<= max_keys).
  size_t size() const;

 private:
  struct Bucket {
    double tokens;
    int64_t updated_ms;
    std::list<std::string>::iterator lru;  // its key's place in lru_
  };
  void refill(Bucket& bucket, int64_t now) const;

  // const after construction
  BucketConfig config_;
  const Clock& clock_;
  size_t max_keys_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
  std::list<std::string> lru_;  // guarded by mu_; keys, most recently used first
};

// Buckets in a Kv under "st:rl:<name>:<key>" (keys cut to kMaxKeyBytes), on the Kv's clock
// (Redis's TIME): one bucket per key for the whole cluster. Thread-safe; `kv` outlives it.
class KvRateLimiter final : public RateLimiter {
 public:
  static constexpr size_t kMaxKeyBytes = 128;

  KvRateLimiter(kv::Kv& kv, std::string name, const BucketConfig& config);
  boost::asio::awaitable<Result<std::optional<int>>> take(std::string key) override;

 private:
  // const after construction
  kv::Kv& kv_;
  const std::string prefix_;
  const BucketConfig config_;
};

}  // namespace startales::account
