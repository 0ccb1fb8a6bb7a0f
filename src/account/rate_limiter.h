#pragma once

// Token-bucket rate limiting keyed by a string ("ip:1.2.3.4", "user:alice").
// The interface lets a Redis-backed limiter replace the in-memory one in distributed mode.

#include <cstdint>
#include <list>
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

// In-process buckets. Thread-safe. Memory is bounded by construction: at most `max_keys`
// buckets of keys of at most kMaxKeyBytes (longer keys are cut); a new key beyond that evicts
// the least recently used bucket (whatever its level), so no pattern of keys grows the map.
class MemoryRateLimiter final : public RateLimiter {
 public:
  static constexpr size_t kMaxKeyBytes = 128;

  MemoryRateLimiter(const BucketConfig& config, const Clock& clock, size_t max_keys = 100'000);
  std::optional<int> take(const std::string& key) override;
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

}  // namespace startales::account
