#pragma once

// What the two halves of CampaignRuntime share (runtime.cc: ticks, commands, the log;
// runtime_feeds.cc: subscribers, views and deltas). Internal to src/campaign.

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "campaign/runtime.h"
#include "campaign/view_digest.h"

namespace startales::campaign {

namespace runtime_detail {

inline std::shared_ptr<const std::string> message(boost::json::object body) {
  return std::make_shared<const std::string>(boost::json::serialize(body));
}

// Runs `body` (a callable returning awaitable<T>) on `strand` and resumes the caller on its
// own executor with the result. T need not be default-constructible.
//
// GCC 12 destroys temporaries that appear in a co_await full-expression twice (a lambda
// holding a shared_ptr loses a reference each time), so callers name their lambdas and
// this function creates the operation before awaiting it. Keep to that pattern here.
template <typename Strand, typename Body>
auto onStrand(Strand& strand, Body body)
    -> boost::asio::awaitable<typename std::invoke_result_t<Body&>::value_type> {
  using T = typename std::invoke_result_t<Body&>::value_type;
  auto wrapped = [body = std::move(body)]() mutable -> boost::asio::awaitable<std::optional<T>> {
    co_return co_await body();
  };
  auto op = boost::asio::co_spawn(strand, std::move(wrapped), boost::asio::use_awaitable);
  std::optional<T> out = co_await std::move(op);
  co_return std::move(*out);
}

// The first tick time after `now` of a campaign ticking every `tick_ms`: ticks fall at a phase
// set by the campaign id, spread evenly over the period (the id times the golden ratio, mod 1,
// so consecutive ids land far apart). Campaigns started or resumed together (a server restart
// restores them all at once) then do not tick in the same millisecond and send every
// player's delta in one burst. The result is in (now, now + tick_ms].
inline std::chrono::steady_clock::time_point phasedTickAfter(
    std::chrono::steady_clock::time_point now, int64_t campaign, int32_t tick_ms) {
  using std::chrono::microseconds;
  const int64_t period = int64_t{std::max(tick_ms, 1)} * 1000;  // µs, below 2^32
  const uint64_t weyl = static_cast<uint64_t>(campaign) * 0x9E3779B97F4A7C15ULL;
  const auto phase = static_cast<int64_t>(((weyl >> 32) * static_cast<uint64_t>(period)) >> 32);
  const int64_t now_us = std::chrono::duration_cast<microseconds>(now.time_since_epoch()).count();
  const int64_t since_phase = ((now_us - phase) % period + period) % period;
  return std::chrono::steady_clock::time_point(microseconds(now_us - since_phase + period));
}

}  // namespace runtime_detail

struct CampaignRuntime::Feed {
  ViewDigest held;  // digests the view the subscribers hold (players only)
  std::deque<std::pair<int32_t, std::shared_ptr<const std::string>>> recent;  // tick, delta
  size_t recent_bytes = 0;  // sum of recent's message sizes
  std::vector<std::weak_ptr<Subscriber>> subscribers;
  int32_t idle_since = 0;  // tick the last subscriber left
};

}  // namespace startales::campaign
