#include "account/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace startales::account {

MemoryRateLimiter::MemoryRateLimiter(const BucketConfig& config, const Clock& clock,
                                     size_t max_keys)
    : config_(config), clock_(clock), max_keys_(max_keys) {}

void MemoryRateLimiter::refill(Bucket& bucket, int64_t now) const {
  double elapsed_min = static_cast<double>(now - bucket.updated_ms) / 60'000.0;
  if (elapsed_min > 0) {
    bucket.tokens = std::min(config_.burst, bucket.tokens + elapsed_min * config_.per_minute);
    bucket.updated_ms = now;
  }
}

void MemoryRateLimiter::evictIdle(int64_t now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now);
    it = it->second.tokens >= config_.burst ? buckets_.erase(it) : std::next(it);
  }
}

std::optional<int> MemoryRateLimiter::take(const std::string& key) {
  int64_t now = clock_.nowMs();
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) evictIdle(now);
    it = buckets_.emplace(key, Bucket{config_.burst, now}).first;
  }
  Bucket& bucket = it->second;
  refill(bucket, now);
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return std::nullopt;
  }
  double wait_min = (1.0 - bucket.tokens) / config_.per_minute;
  return std::max(1, static_cast<int>(std::ceil(wait_min * 60.0)));
}

}  // namespace startales::account
