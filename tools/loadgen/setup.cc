#include "loadgen/setup.h"

#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

namespace startales::loadgen {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs one setup stage on the pool and times it.
asio::awaitable<Result<void>> stage(asio::io_context& io, HttpContext& http, const Options& o,
                                    std::string what, size_t count, Task task,
                                    Clock::time_point deadline, double& seconds,
                                    const std::function<void(const std::string&)>& progress) {
  if (progress) progress(what + " (" + std::to_string(count) + ")...");
  const auto start = Clock::now();
  auto op = runPool(io, http, count, o.http_concurrency, std::move(task), deadline);
  PoolResult r = co_await std::move(op);
  seconds += secondsSince(start);
  if (r.failed > 0) {
    co_return makeError("setup_failed", what + " failed: " + r.first.value_or("unknown error"));
  }
  co_return Result<void>{};
}

// An answer that counts as success: the expected status, or (after a network error made us
// send the same POST twice) the conflict that the first copy caused.
bool succeeded(const HttpReply& r, int expected, const char* conflict_code) {
  if (r.status == expected) return true;
  return r.retried_network && r.status == 409 && r.errorCode() == conflict_code;
}

}  // namespace

asio::awaitable<Result<void>> checkReachable(HttpContext& http) {
  HttpSession session(co_await asio::this_coro::executor, http);
  // No retries beyond the network ones: an unreachable server should be reported quickly.
  auto op =
      session.call(http::verb::get, "/api/health", "", "", Clock::now() + std::chrono::seconds(5));
  HttpReply r = co_await std::move(op);
  if (r.status == 0) co_return makeError("unreachable", r.error);
  const auto v = r.json();
  if (r.status != 200 || !v.is_object() || !v.as_object().contains("status")) {
    co_return makeError("unreachable", "GET /api/health answered " + r.describe() +
                                           "; is this a StarTales server?");
  }
  co_return Result<void>{};
}

asio::awaitable<Result<std::vector<Account>>> setUp(
    asio::io_context& io, HttpContext& http, const Options& o, const std::string& run_id,
    RunInfo& info, Clock::time_point deadline, std::function<void(const std::string&)> progress) {
  const size_t n = static_cast<size_t>(o.players);
  const size_t per = static_cast<size_t>(o.per_campaign);
  const size_t campaigns = (n + per - 1) / per;
  info.campaigns = static_cast<int>(campaigns);
  std::vector<Account> accounts(n);
  for (size_t i = 0; i < n; ++i) accounts[i].username = "lg" + run_id + "_" + std::to_string(i);
  std::vector<int64_t> ids(campaigns, 0);
  // Tasks write only their own slot of `accounts` / `ids`; the pool completes before we read.
  Account* acc = accounts.data();
  int64_t* campaign_ids = ids.data();

  auto credentials = [acc](size_t i) {
    return json::serialize(json::object{{"username", acc[i].username}, {"password", kPassword}});
  };

  Task register_task = [acc, credentials, deadline](HttpSession& s, size_t i) -> TaskResult {
    auto op = s.call(http::verb::post, "/api/auth/register", credentials(i), "", deadline);
    HttpReply r = co_await std::move(op);
    if (succeeded(r, 201, "username_taken")) co_return std::nullopt;
    co_return "registering " + acc[i].username + ": " + r.describe();
  };
  auto reg = stage(io, http, o, "registering players", n, std::move(register_task), deadline,
                   info.setup_register_s, progress);
  if (auto done = co_await std::move(reg); !done) co_return done.error();

  Task login_task = [acc, credentials, deadline](HttpSession& s, size_t i) -> TaskResult {
    auto op = s.call(http::verb::post, "/api/auth/login", credentials(i), "", deadline);
    HttpReply r = co_await std::move(op);
    const auto v = r.json();
    if (r.status == 200 && v.is_object() && v.as_object().contains("token") &&
        v.at("token").is_string()) {
      acc[i].token = std::string(v.at("token").as_string());
      co_return std::nullopt;
    }
    co_return "logging in " + acc[i].username + ": " + r.describe();
  };
  auto login = stage(io, http, o, "logging in", n, std::move(login_task), deadline,
                     info.setup_login_s, progress);
  if (auto done = co_await std::move(login); !done) co_return done.error();

  const std::string settings_name = "loadgen " + run_id;
  Task create_task = [acc, campaign_ids, per, &o, settings_name, deadline](HttpSession& s,
                                                                           size_t c) -> TaskResult {
    json::object body{{"name", settings_name + " #" + std::to_string(c)},
                      {"mode", "coop"},
                      {"visibility", "public"},
                      {"systems", o.systems},
                      {"max_players", o.per_campaign},
                      {"ai_empires", o.ai_empires},
                      {"tick_ms", o.tick_ms}};
    const Account& host = acc[c * per];
    auto op =
        s.call(http::verb::post, "/api/campaigns", json::serialize(body), host.token, deadline);
    HttpReply r = co_await std::move(op);
    const auto v = r.json();
    if (r.status == 201 && v.is_object() && v.as_object().contains("id") && v.at("id").is_int64()) {
      campaign_ids[c] = v.at("id").as_int64();
      co_return std::nullopt;
    }
    co_return "creating campaign " + std::to_string(c) + " as " + host.username + ": " +
        r.describe();
  };
  auto create = stage(io, http, o, "creating campaigns", campaigns, std::move(create_task),
                      deadline, info.setup_campaigns_s, progress);
  if (auto done = co_await std::move(create); !done) co_return done.error();
  for (size_t i = 0; i < n; ++i) accounts[i].campaign = ids[i / per];

  // Everyone but the hosts joins, then says ready; index j maps to player j + j / (per - 1) + 1.
  const size_t guests = n - campaigns;
  auto guest = [per](size_t j) { return j + j / (per - 1) + 1; };
  if (guests > 0) {
    Task join_task = [acc, guest, deadline](HttpSession& s, size_t j) -> TaskResult {
      const Account& a = acc[guest(j)];
      auto op = s.call(http::verb::post, "/api/campaigns/" + std::to_string(a.campaign) + "/join",
                       "{}", a.token, deadline);
      HttpReply r = co_await std::move(op);
      if (succeeded(r, 200, "already_joined")) co_return std::nullopt;
      co_return a.username + " joining campaign " + std::to_string(a.campaign) + ": " +
          r.describe();
    };
    auto join = stage(io, http, o, "joining campaigns", guests, std::move(join_task), deadline,
                      info.setup_campaigns_s, progress);
    if (auto done = co_await std::move(join); !done) co_return done.error();

    Task ready_task = [acc, guest, deadline](HttpSession& s, size_t j) -> TaskResult {
      const Account& a = acc[guest(j)];
      auto op = s.call(http::verb::post, "/api/campaigns/" + std::to_string(a.campaign) + "/ready",
                       R"({"ready":true})", a.token, deadline);
      HttpReply r = co_await std::move(op);
      if (r.status == 200) co_return std::nullopt;
      co_return a.username + " getting ready in campaign " + std::to_string(a.campaign) + ": " +
          r.describe();
    };
    auto ready = stage(io, http, o, "getting ready", guests, std::move(ready_task), deadline,
                       info.setup_campaigns_s, progress);
    if (auto done = co_await std::move(ready); !done) co_return done.error();
  }

  Task start_task = [acc, per, deadline](HttpSession& s, size_t c) -> TaskResult {
    const Account& host = acc[c * per];
    auto op = s.call(http::verb::post, "/api/campaigns/" + std::to_string(host.campaign) + "/start",
                     "", host.token, deadline);
    HttpReply r = co_await std::move(op);
    if (succeeded(r, 200, "invalid_state")) co_return std::nullopt;
    co_return "starting campaign " + std::to_string(host.campaign) + ": " + r.describe();
  };
  auto start = stage(io, http, o, "starting campaigns", campaigns, std::move(start_task), deadline,
                     info.setup_campaigns_s, progress);
  if (auto done = co_await std::move(start); !done) co_return done.error();
  co_return accounts;
}

asio::awaitable<Result<void>> tearDown(asio::io_context& io, HttpContext& http, const Options& o,
                                       const std::vector<Account>& accounts,
                                       Clock::time_point deadline) {
  const size_t per = static_cast<size_t>(o.per_campaign);
  const size_t campaigns = (accounts.size() + per - 1) / per;
  const Account* acc = accounts.data();
  Task delete_task = [acc, per, deadline](HttpSession& s, size_t c) -> TaskResult {
    const Account& host = acc[c * per];
    auto op = s.call(http::verb::delete_, "/api/campaigns/" + std::to_string(host.campaign), "",
                     host.token, deadline);
    HttpReply r = co_await std::move(op);
    if (r.status == 204 || (r.retried_network && r.status == 404)) co_return std::nullopt;
    co_return "deleting campaign " + std::to_string(host.campaign) + ": " + r.describe();
  };
  auto op = runPool(io, http, campaigns, o.http_concurrency, std::move(delete_task), deadline);
  PoolResult r = co_await std::move(op);
  if (r.failed > 0) co_return makeError("cleanup_failed", r.first.value_or("unknown error"));
  co_return Result<void>{};
}

}  // namespace startales::loadgen
