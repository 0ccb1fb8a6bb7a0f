#pragma once

// What the two halves of CampaignRuntime share (runtime.cc: ticks, commands, the log;
// runtime_feeds.cc: subscribers, views and deltas). Internal to src/campaign.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
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

}  // namespace runtime_detail

struct CampaignRuntime::Feed {
  ViewDigest held;  // digests the view the subscribers hold (players only)
  std::deque<std::pair<int32_t, std::shared_ptr<const std::string>>> recent;  // tick, delta
  size_t recent_bytes = 0;  // sum of recent's message sizes
  std::vector<std::weak_ptr<Subscriber>> subscribers;
  int32_t idle_since = 0;  // tick the last subscriber left
};

}  // namespace startales::campaign
