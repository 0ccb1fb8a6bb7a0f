#pragma once

// A token bucket for one owner (one WebSocket connection): `burst` tokens at most, refilled
// at `per_second`. Not thread-safe: its owner uses it from one strand. Time is passed in, so
// tests need no clock.

#include <algorithm>
#include <chrono>
#include <cmath>

namespace startales::net {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // per_second <= 0 means no limit. The bucket starts full.
  TokenBucket(double per_second, double burst, Clock::time_point now)
      : per_second_(per_second), burst_(std::max(1.0, burst)), tokens_(burst_), updated_(now) {}

  // Takes one token. False when the bucket is empty (the caller refuses the message).
  [[nodiscard]] bool take(Clock::time_point now) {
    if (per_second_ <= 0) return true;
    refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  // Time until the next token, rounded up to whole ms; zero when one is available.
  [[nodiscard]] std::chrono::milliseconds retryAfter(Clock::time_point now) {
    if (per_second_ <= 0) return std::chrono::milliseconds(0);
    refill(now);
    if (tokens_ >= 1.0) return std::chrono::milliseconds(0);
    double ms = std::ceil((1.0 - tokens_) / per_second_ * 1000.0);
    return std::chrono::milliseconds(static_cast<int64_t>(std::min(ms, 86'400'000.0)));
  }

 private:
  void refill(Clock::time_point now) {
    if (now <= updated_) return;
    double seconds = std::chrono::duration<double>(now - updated_).count();
    tokens_ = std::min(burst_, tokens_ + seconds * per_second_);
    updated_ = now;
  }

  double per_second_;  // tokens per second; <= 0: unlimited
  double burst_;       // capacity, tokens
  double tokens_;
  Clock::time_point updated_;
};

}  // namespace startales::net
