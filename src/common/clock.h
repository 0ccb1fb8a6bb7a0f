#pragma once

// Time is injected so tests are hermetic. All times are milliseconds since the Unix epoch.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace startales {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in milliseconds since the Unix epoch.
  [[nodiscard]] virtual int64_t nowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] int64_t nowMs() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

// A clock tests move by hand. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  [[nodiscard]] int64_t nowMs() const override { return now_.load(); }
  void advanceMs(int64_t ms) { now_ += ms; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace startales
