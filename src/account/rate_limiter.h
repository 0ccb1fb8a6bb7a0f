#pragma once

// Token-bucket rate limiting keyed by a string ("ip:1.2.3.4", "user:alice").
// The interface lets a Redis-backed limiter replace the in-memory one in distributed mode.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/clock.h"

namespace startales::account {

struct BucketConfig {
  double burst = 10;           // bucket capacity, requests
  double per_minute = 10;      // refill rate, requests per minute
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Takes one token for `key`. Returns nullopt when allowed, otherwise the whole seconds to
  // wait before a token is available (for Retry-After; at least 1).
  virtual std::optional<int> take(const std::string& key) = 0;
};

// In-process buckets. Thread-safe. Memory is bounded: when more than `max_keys` buckets
// exist, full (idle) buckets are dropped; they would be recreated full anyway.
class MemoryRateLimiter final : public RateLimiter {
 public:
  MemoryRateLimiter(const BucketConfig& config, const Clock& clock, size_t max_keys = 100'000);
  std::optional<int> take(const std::string& key) override;

 private:
  struct Bucket {
    double tokens;
    int64_t updated_ms;
  };
  void refill(Bucket& bucket, int64_t now) const;
  void evictIdle(int64_t now);

  // const after construction
  BucketConfig config_;
  const Clock& clock_;
  size_t max_keys_;

  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace startales::account
