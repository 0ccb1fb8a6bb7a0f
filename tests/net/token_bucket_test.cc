#include "net/token_bucket.h"

#include <gtest/gtest.h>

namespace startales::net {
namespace {

using std::chrono::milliseconds;
const TokenBucket::Clock::time_point kStart{std::chrono::seconds(1000)};

TEST(TokenBucketTest, AllowsTheBurstThenRefillsAtTheRate) {
  TokenBucket bucket(/*per_second=*/2, /*burst=*/3, kStart);
  EXPECT_TRUE(bucket.take(kStart));
  EXPECT_TRUE(bucket.take(kStart));
  EXPECT_TRUE(bucket.take(kStart));
  EXPECT_FALSE(bucket.take(kStart));
  EXPECT_EQ(bucket.retryAfter(kStart), milliseconds(500));
  EXPECT_FALSE(bucket.take(kStart + milliseconds(499)));
  EXPECT_TRUE(bucket.take(kStart + milliseconds(500)));
  EXPECT_FALSE(bucket.take(kStart + milliseconds(500)));
}

TEST(TokenBucketTest, NeverHoldsMoreThanTheBurst) {
  TokenBucket bucket(10, 2, kStart);
  auto later = kStart + std::chrono::hours(1);
  EXPECT_TRUE(bucket.take(later));
  EXPECT_TRUE(bucket.take(later));
  EXPECT_FALSE(bucket.take(later));
}

TEST(TokenBucketTest, TimeGoingBackwardsAddsNothing) {
  TokenBucket bucket(1, 1, kStart);
  EXPECT_TRUE(bucket.take(kStart));
  EXPECT_FALSE(bucket.take(kStart - std::chrono::seconds(5)));
  EXPECT_FALSE(bucket.take(kStart));
}

TEST(TokenBucketTest, ZeroRateMeansNoLimit) {
  TokenBucket bucket(0, 1, kStart);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(bucket.take(kStart));
  EXPECT_EQ(bucket.retryAfter(kStart), milliseconds(0));
}

}  // namespace
}  // namespace startales::net
