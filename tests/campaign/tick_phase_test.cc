// Campaigns tick at a phase set by their id (runtime_internal.h: phasedTickAfter), so that
// campaigns started together do not all tick, and send their deltas, in the same instant.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "campaign/runtime_internal.h"

namespace startales::campaign {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::steady_clock;
using runtime_detail::phasedTickAfter;

int64_t us(steady_clock::time_point t) {
  return std::chrono::duration_cast<microseconds>(t.time_since_epoch()).count();
}

// Within one period after `now`, and at the same phase whatever `now` is.
TEST(TickPhase, NextTickIsWithinOnePeriodAtTheCampaignsOwnPhase) {
  const auto start = steady_clock::time_point(milliseconds(123'456'789));
  for (int64_t campaign : {1, 2, 17, 999, 123456789}) {
    for (int32_t tick_ms : {1000, 250, 3000}) {
      const int64_t period = int64_t{tick_ms} * 1000;
      const int64_t phase = us(phasedTickAfter(start, campaign, tick_ms)) % period;
      for (int64_t offset_us : {0, 1, 499'999, 1'000'000, 7'654'321}) {
        const auto now = start + microseconds(offset_us);
        const auto next = phasedTickAfter(now, campaign, tick_ms);
        EXPECT_GT(next, now) << campaign << " " << tick_ms << " " << offset_us;
        EXPECT_LE(next, now + milliseconds(tick_ms)) << campaign << " " << tick_ms;
        EXPECT_EQ(us(next) % period, phase) << campaign << " " << tick_ms << " " << offset_us;
      }
    }
  }
}

// A thousand campaigns started in the same instant: their first ticks spread over the whole
// second, none closer than a few hundred µs to the next, and at most 2 in any 1 ms.
TEST(TickPhase, CampaignsStartedTogetherTickSpreadOverThePeriod) {
  const auto now = steady_clock::time_point(milliseconds(5'000'000));
  std::vector<int64_t> offsets;
  for (int64_t campaign = 1; campaign <= 1000; ++campaign) {
    offsets.push_back(us(phasedTickAfter(now, campaign, 1000)) - us(now));
  }
  std::sort(offsets.begin(), offsets.end());
  int64_t largest_gap = offsets.front() + 1'000'000 - offsets.back();
  for (size_t i = 1; i < offsets.size(); ++i) {
    largest_gap = std::max(largest_gap, offsets[i] - offsets[i - 1]);
  }
  EXPECT_LT(largest_gap, 3'000) << "µs without any campaign ticking";
  std::vector<int> per_ms(1000, 0);
  for (int64_t o : offsets) ++per_ms[static_cast<size_t>((o - 1) / 1000)];
  EXPECT_LE(*std::max_element(per_ms.begin(), per_ms.end()), 2);
}

}  // namespace
}  // namespace startales::campaign
