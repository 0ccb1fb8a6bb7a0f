#pragma once

// A circuit breaker per backend: after `failures` consecutive failed calls it opens and fails
// calls fast for `open_ms`; then it lets one probe call through (half-open): success closes
// it, failure opens it again. Time comes from an injected Clock (ms). Thread-safe.

#include <cstdint>
#include <mutex>

#include "common/clock.h"

namespace startales::llm {

class CircuitBreaker {
 public:
  enum class State { kClosed = 0, kOpen = 1, kHalfOpen = 2 };

  CircuitBreaker(int failures, int open_ms, const Clock& clock)
      : failures_(failures < 1 ? 1 : failures), open_ms_(open_ms), clock_(clock) {}

  // False: fail this call fast. True in half-open: this call is the one probe; it must end in
  // onSuccess, onFailure or onNeutral.
  bool allow() {
    std::lock_guard lock(mu_);
    refresh();
    if (state_ == State::kClosed) return true;
    if (state_ == State::kOpen || probing_) return false;
    probing_ = true;
    return true;
  }
  void onSuccess() {
    std::lock_guard lock(mu_);
    state_ = State::kClosed;
    consecutive_ = 0;
    probing_ = false;
  }
  void onFailure() {
    std::lock_guard lock(mu_);
    probing_ = false;
    if (state_ == State::kHalfOpen || ++consecutive_ >= failures_) {
      state_ = State::kOpen;
      opened_at_ms_ = clock_.nowMs();
    }
  }
  // The call ended in a way that says nothing about the server (cancelled, refused request).
  void onNeutral() {
    std::lock_guard lock(mu_);
    probing_ = false;
  }

  [[nodiscard]] State state() const {
    std::lock_guard lock(mu_);
    refresh();
    return state_;
  }
  [[nodiscard]] bool isOpen() const { return state() == State::kOpen; }

 private:
  void refresh() const {  // requires mu_
    if (state_ == State::kOpen && clock_.nowMs() - opened_at_ms_ >= open_ms_) {
      state_ = State::kHalfOpen;
    }
  }

  // const after construction
  const int failures_;
  const int64_t open_ms_;
  const Clock& clock_;

  mutable std::mutex mu_;
  mutable State state_ = State::kClosed;  // guarded by mu_
  int consecutive_ = 0;                   // guarded by mu_
  int64_t opened_at_ms_ = 0;              // guarded by mu_
  bool probing_ = false;                  // guarded by mu_: the half-open probe is in flight
};

}  // namespace startales::llm
