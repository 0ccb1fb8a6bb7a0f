#include "account/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "kv/kv.h"

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

std::optional<int> MemoryRateLimiter::takeNow(const std::string& full_key) {
  const std::string key = full_key.substr(0, kMaxKeyBytes);
  int64_t now = clock_.nowMs();
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    while (!buckets_.empty() && buckets_.size() >= std::max<size_t>(1, max_keys_)) {
      buckets_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(key);
    it = buckets_.emplace(key, Bucket{config_.burst, now, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
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

boost::asio::awaitable<Result<std::optional<int>>> MemoryRateLimiter::take(std::string key) {
  co_return takeNow(key);
}

KvRateLimiter::KvRateLimiter(kv::Kv& kv, std::string name, const BucketConfig& config)
    : kv_(kv), prefix_("st:rl:" + name + ":"), config_(config) {}

boost::asio::awaitable<Result<std::optional<int>>> KvRateLimiter::take(std::string key) {
  if (key.size() > kMaxKeyBytes) key.resize(kMaxKeyBytes);
  auto taken = co_await kv_.take(prefix_ + key, kv::BucketSpec{config_.burst, config_.per_minute});
  if (!taken) co_return taken.error();
  if (taken->allowed) co_return std::optional<int>();
  co_return std::optional<int>(
      std::max<int>(1, static_cast<int>((taken->retry_after_ms + 999) / 1000)));
}

std::optional<Error> refusal(const Result<std::optional<int>>& wait, const std::string& what) {
  if (!wait) return wait.error();
  if (!wait->has_value()) return std::nullopt;
  Error e = makeError("rate_limited", what + "wait " + std::to_string(**wait) + " seconds.");
  e.retry_after_s = **wait;
  return e;
}

std::unique_ptr<RateLimiter> makeRateLimiter(const RateLimiterFactory& factory,
                                             std::string_view name, const BucketConfig& config,
                                             const Clock& clock) {
  if (factory) return factory(name, config);
  return std::make_unique<MemoryRateLimiter>(config, clock);
}

size_t MemoryRateLimiter::size() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace startales::account
