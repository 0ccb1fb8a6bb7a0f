#pragma once

// The setup over REST: register and log in every player, then create, fill, ready and start
// the campaigns (player k * per_campaign hosts campaign k). Each stage runs on the HTTP pool
// with bounded concurrency; the first failure ends the setup with a message.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "loadgen/http_pool.h"
#include "loadgen/options.h"
#include "loadgen/stats.h"

namespace startales::loadgen {

inline constexpr const char* kPassword = "loadgen-password-1";

struct Account {
  std::string username;
  std::string token;
  int64_t campaign = 0;  // the campaign it plays in
};

// Runs the whole setup; fills info's setup times and campaign count. `progress` gets one line
// per stage (may be empty). Error code "setup_failed" with a message naming the stage.
asio::awaitable<Result<std::vector<Account>>> setUp(
    asio::io_context& io, HttpContext& http, const Options& options, const std::string& run_id,
    RunInfo& info, Clock::time_point deadline, std::function<void(const std::string&)> progress);

// Deletes the campaigns (each by its host, player k * per_campaign), so a rerun against the
// same server does not leave thousands of campaigns ticking. Accounts stay (there is no route
// to delete one). Error code "cleanup_failed" naming the first failure.
asio::awaitable<Result<void>> tearDown(asio::io_context& io, HttpContext& http,
                                       const Options& options, const std::vector<Account>& accounts,
                                       Clock::time_point deadline);

// Checks that `target` answers GET /api/health like a StarTales server. Error code
// "unreachable" with the reason.
asio::awaitable<Result<void>> checkReachable(HttpContext& http);

}  // namespace startales::loadgen
