#include "app/shared_state.h"

#include "common/log.h"

namespace startales::app {

Result<std::unique_ptr<SharedState>> openSharedState(const Config& config,
                                                     metrics::Metrics& metrics,
                                                     store::Database& db, const Clock& clock) {
  auto state = std::make_unique<SharedState>();
  if (!config.redis) {
    state->sessions = std::make_unique<account::DbSessionStore>(db);
    state->per_address = std::make_unique<account::MemoryRateLimiter>(
        config.auth_rate_per_address, clock, config.auth_rate_max_keys);
    state->per_account = std::make_unique<account::MemoryRateLimiter>(
        config.auth_rate_per_account, clock, config.auth_rate_max_keys);
    return state;
  }
  state->kv_metrics = std::make_unique<kv::KvMetrics>(metrics.registry());
  auto redis = kv::RedisKv::create(config.redis_config, state->kv_metrics.get());
  if (!redis) return redis.error();
  state->redis = std::move(*redis);
  kv::Kv& kv = *state->redis;
  // Sessions are dated with the system clock; Redis expires them on its own: keep the
  // nodes' clocks in sync (NTP), as for any TTL.
  state->sessions = std::make_unique<account::KvSessionStore>(kv, clock);
  kv::Kv* shared = &kv;  // owned by the state, which outlives every limiter and check
  state->limiters = [shared](std::string_view name, const account::BucketConfig& bucket) {
    return std::make_unique<account::KvRateLimiter>(*shared, std::string(name), bucket);
  };
  state->per_address = state->limiters("auth_address", config.auth_rate_per_address);
  state->per_account = state->limiters("auth_account", config.auth_rate_per_account);
  state->checks.push_back(
      {"kv", "Redis", [shared]() -> boost::asio::awaitable<Result<std::string>> {
         auto pong = co_await shared->ping();
         if (!pong) co_return pong.error();
         co_return std::string("redis");
       }});
  auto reachable = kv::blockingCall(kv, [](kv::Kv& k) { return k.ping(); });
  logging::write(reachable ? logging::Level::kInfo : logging::Level::kWarn,
                 reachable ? "redis ready" : "redis unreachable at start; answering 503 until it is back",
                 {{"redis", config.redis_url_shown},
                  {"timeout_ms", config.redis_config.command_timeout_ms},
                  {"session_check_s", config.session_check_s}});
  return state;
}

}  // namespace startales::app
