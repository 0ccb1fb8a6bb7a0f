#include "account/rate_limiter.h"

#include <gtest/gtest.h>

namespace startales::account {
namespace {

TEST(RateLimiterTest, BurstThenRetryAfterThenRefill) {
  ManualClock clock;
  MemoryRateLimiter limiter({3, 6}, clock);  // 3 at once, then one every 10 s
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.takeNow("ip:1").has_value());
  auto wait = limiter.takeNow("ip:1");
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, 10);
  clock.advanceMs(5'000);
  EXPECT_EQ(limiter.takeNow("ip:1").value_or(0), 5);
  clock.advanceMs(5'000);
  EXPECT_FALSE(limiter.takeNow("ip:1").has_value());
}

TEST(RateLimiterTest, KeysAreIndependent) {
  ManualClock clock;
  MemoryRateLimiter limiter({1, 1}, clock);
  EXPECT_FALSE(limiter.takeNow("a").has_value());
  EXPECT_TRUE(limiter.takeNow("a").has_value());
  EXPECT_FALSE(limiter.takeNow("b").has_value());
}

TEST(RateLimiterTest, MemoryIsBoundedByDroppingIdleBuckets) {
  ManualClock clock;
  MemoryRateLimiter limiter({2, 60}, clock, 100);
  for (int i = 0; i < 1000; ++i) {
    (void)limiter.takeNow("key" + std::to_string(i));
    clock.advanceMs(1'000);  // each bucket refills before the next eviction
  }
  EXPECT_LE(limiter.size(), 100u);
}

// Main evicted only full buckets: keys that each took a token inside the refill window grew
// the map without bound (one per username an attacker tried).
TEST(RateLimiterTest, MemoryIsBoundedWhenNoBucketIsIdle) {
  ManualClock clock;  // never advances: no bucket ever refills
  MemoryRateLimiter limiter({5, 5}, clock, 100);
  for (int i = 0; i < 10'000; ++i) (void)limiter.takeNow("user:" + std::to_string(i));
  EXPECT_LE(limiter.size(), 100u);
  // Keys are bounded too: a huge key costs no more than kMaxKeyBytes.
  const std::string huge(1 << 20, 'x');
  EXPECT_FALSE(limiter.takeNow(huge).has_value());
  EXPECT_LE(limiter.size(), 100u);
}

TEST(RateLimiterTest, AThrottledKeyInUseIsNotForgotten) {
  ManualClock clock;
  MemoryRateLimiter strict({1, 1}, clock, 2);
  EXPECT_FALSE(strict.takeNow("hot").has_value());
  for (int i = 0; i < 10; ++i) {
    (void)strict.takeNow("other" + std::to_string(i));
    EXPECT_TRUE(strict.takeNow("hot").has_value()) << i;  // hammering keeps it the newest
  }
}

}  // namespace
}  // namespace startales::account
