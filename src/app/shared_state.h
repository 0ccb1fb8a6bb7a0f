#pragma once

// Where sessions and rate-limit buckets live: with --redis in Redis, shared by every node
// (a token issued anywhere works everywhere, a logout anywhere ends it, a flood spread over
// nodes drains one bucket); without it in the database and in process (serve).

#include <memory>
#include <vector>

#include "account/rate_limiter.h"
#include "account/session_store.h"
#include "api/health_routes.h"
#include "app/config.h"
#include "common/clock.h"
#include "kv/kv_metrics.h"
#include "kv/redis_kv.h"
#include "metrics/metrics.h"
#include "store/database.h"

namespace startales::app {

struct SharedState {
  std::unique_ptr<kv::KvMetrics> kv_metrics;     // with --redis
  std::unique_ptr<kv::RedisKv> redis;            // null without --redis
  std::unique_ptr<account::SessionStore> sessions;
  account::RateLimiterFactory limiters;          // empty without --redis: in process
  std::unique_ptr<account::RateLimiter> per_address;  // the auth limiters
  std::unique_ptr<account::RateLimiter> per_account;
  std::vector<api::ReadyCheck> checks;       // for /api/ready

  // Before the io_context of the network threads goes (calls in flight resume there).
  void shutdown() {
    if (redis) redis->shutdown();
  }
};

// Never fails on an unreachable Redis (logged; /api/ready says so; calls answer 503 until it
// is back); fails only on settings RedisKv refuses.
Result<std::unique_ptr<SharedState>> openSharedState(const Config& config,
                                                     metrics::Metrics& metrics,
                                                     store::Database& db, const Clock& clock);

}  // namespace startales::app
