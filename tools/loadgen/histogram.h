#pragma once

// A fixed-size, lock-free latency histogram: log-linear buckets over microseconds (64 exact
// buckets below 64 us, then 64 buckets per power of two, so a recorded value is off by at most
// 1/64 ≈ 1.6%). Memory is constant (~18 KiB) however many values are recorded. Values above
// ~12 days are clamped. Thread-safe: record() from any thread, read once recording stopped.

#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace startales::loadgen {

class Histogram {
 public:
  static constexpr int kSubBits = 6;
  static constexpr uint64_t kSub = uint64_t{1} << kSubBits;  // 64
  static constexpr int kMaxExponent = 40;                    // 2^40 us ≈ 12.7 days
  static constexpr size_t kBuckets = kSub * (kMaxExponent - kSubBits + 2);

  void record(int64_t micros) {
    const uint64_t v = micros < 0 ? 0 : static_cast<uint64_t>(micros);
    buckets_[indexOf(v)].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    uint64_t seen = max_.load(std::memory_order_relaxed);
    while (v > seen && !max_.compare_exchange_weak(seen, v, std::memory_order_relaxed)) {
    }
  }

  [[nodiscard]] uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  [[nodiscard]] uint64_t maxMicros() const { return max_.load(std::memory_order_relaxed); }

  // The value at quantile q (0 < q <= 1), in microseconds: the middle of the bucket holding the
  // ceil(q * count)-th smallest value, never above the exact maximum. 0 when empty.
  [[nodiscard]] double quantileMicros(double q) const {
    const uint64_t n = count();
    if (n == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(n) + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += buckets_[i].load(std::memory_order_relaxed);
      if (seen >= rank) {
        const double mid =
            (static_cast<double>(lowerBound(i)) + static_cast<double>(upperBound(i))) / 2;
        const double max = static_cast<double>(maxMicros());
        return mid < max ? mid : max;
      }
    }
    return static_cast<double>(maxMicros());
  }

  static size_t indexOf(uint64_t v) {
    if (v < kSub) return static_cast<size_t>(v);
    int e = static_cast<int>(std::bit_width(v)) - 1;  // >= kSubBits
    if (e > kMaxExponent) return kBuckets - 1;
    const uint64_t top = v >> (e - kSubBits);  // in [kSub, 2 * kSub)
    return static_cast<size_t>(kSub * static_cast<uint64_t>(e - kSubBits + 1) + (top - kSub));
  }
  static uint64_t lowerBound(size_t i) {
    if (i < kSub) return i;
    const int e = static_cast<int>(i / kSub) + kSubBits - 1;
    return (kSub + i % kSub) << (e - kSubBits);
  }
  static uint64_t upperBound(size_t i) {
    if (i < kSub) return i;
    const int e = static_cast<int>(i / kSub) + kSubBits - 1;
    return lowerBound(i) + (uint64_t{1} << (e - kSubBits)) - 1;
  }

 private:
  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> max_{0};
};

}  // namespace startales::loadgen
