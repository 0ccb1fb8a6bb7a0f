// Session lookups and bucket takes: in process (memory, SQLite) against Redis (a real
// redis-server on loopback started here with appendfsync everysec, tests/support/
// redis_server.h; with "always" every write waits for an fsync, ~3 ms on this machine).
//   build/release/bench/kv_bench   (docs/benchmarks.md, "Shared sessions and rate limits")

#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>

#include "account/rate_limiter.h"
#include "account/session_store.h"
#include "account/user_store.h"
#include "kv/memory_kv.h"
#include "kv/redis_kv.h"
#include "store/database.h"
#include "support/redis_server.h"
#include "support/server_process.h"

namespace {

using namespace startales;
namespace asio = boost::asio;

testing::RedisServer& redisServer() {
  static auto server = [] {
    auto s = testing::RedisServer::start("", "everysec");  // as docs/operations.md suggests
    if (!s) {
      std::fprintf(stderr, "%s\n", s.error().message.c_str());
      std::abort();
    }
    return std::move(*s);
  }();
  return *server;
}

kv::RedisKv& redisKv() {
  static auto kv = [] {
    auto config = kv::parseRedisUrl(redisServer().url());
    auto made = kv::RedisKv::create(*config, nullptr);
    return std::move(*made);
  }();
  return *kv;
}

const account::BucketConfig kRoomy{1e9, 1e9};  // never refuses: measures the take itself

// Runs the benchmark loop inside a coroutine on this thread, one awaited take after another.
void awaitedTakes(benchmark::State& state, account::RateLimiter& limiter) {
  asio::io_context io;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (auto _ : state) {
          auto r = co_await limiter.take("ip:10.0.0.1");
          benchmark::DoNotOptimize(r);
        }
      },
      asio::detached);
  io.run();
}

void BM_MemoryLimiterTakeNow(benchmark::State& state) {
  SystemClock clock;
  account::MemoryRateLimiter limiter(kRoomy, clock);
  for (auto _ : state) benchmark::DoNotOptimize(limiter.takeNow("ip:10.0.0.1"));
}
BENCHMARK(BM_MemoryLimiterTakeNow);

void BM_MemoryLimiterTakeAwaited(benchmark::State& state) {
  SystemClock clock;
  account::MemoryRateLimiter limiter(kRoomy, clock);
  awaitedTakes(state, limiter);
}
BENCHMARK(BM_MemoryLimiterTakeAwaited);

void BM_RedisLimiterTake(benchmark::State& state) {
  account::KvRateLimiter limiter(redisKv(), "bench", kRoomy);
  awaitedTakes(state, limiter);
}
BENCHMARK(BM_RedisLimiterTake)->UseRealTime();

// `range(0)` takes in flight at once on the one pipelined connection: throughput.
void BM_RedisLimiterTakePipelined(benchmark::State& state) {
  account::KvRateLimiter limiter(redisKv(), "bench", kRoomy);
  const int depth = static_cast<int>(state.range(0));
  for (auto _ : state) {
    asio::io_context io;
    for (int i = 0; i < depth; ++i) {
      asio::co_spawn(
          io,
          [&limiter, i]() -> asio::awaitable<void> {
            auto r = co_await limiter.take("ip:10.0.0." + std::to_string(i));
            benchmark::DoNotOptimize(r);
          },
          asio::detached);
    }
    io.run();
  }
  state.SetItemsProcessed(state.iterations() * depth);
}
BENCHMARK(BM_RedisLimiterTakePipelined)->Arg(64)->UseRealTime();

void sessionFinds(benchmark::State& state, account::SessionStore& store, int64_t user_id = 7) {
  const int64_t now = SystemClock().nowMs();
  if (!store.create({"benchhash", user_id, now, now + 3'600'000})) state.SkipWithError("create");
  for (auto _ : state) {
    auto found = store.find("benchhash");
    if (!found || !found->has_value()) state.SkipWithError("find");
  }
}

// A GET on the same path as the takes above: awaited from a coroutine on another thread.
void BM_RedisGetAwaited(benchmark::State& state) {
  asio::io_context io;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (auto _ : state) {
          auto r = co_await redisKv().get("st:session:benchhash");
          benchmark::DoNotOptimize(r);
        }
      },
      asio::detached);
  io.run();
}
BENCHMARK(BM_RedisGetAwaited)->UseRealTime();

void BM_SessionFindSqlite(benchmark::State& state) {
  const std::string dir = testing::makeTempDir("startales-kvbench-");
  {
    auto db = store::Database::open({.url = "sqlite://" + dir + "/b.db"});
    (void)store::migrate(**db);
    account::UserStore users(**db);
    auto user = users.create("bencher", "x", SystemClock().nowMs());
    account::DbSessionStore store(**db);
    sessionFinds(state, store, user ? user->id : 0);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SessionFindSqlite);

void BM_SessionFindMemoryKv(benchmark::State& state) {
  SystemClock clock;
  kv::MemoryKv kv(clock);
  account::KvSessionStore store(kv, clock);
  sessionFinds(state, store);
}
BENCHMARK(BM_SessionFindMemoryKv)->UseRealTime();

void BM_SessionFindRedis(benchmark::State& state) {
  SystemClock clock;
  account::KvSessionStore store(redisKv(), clock);
  sessionFinds(state, store);
}
BENCHMARK(BM_SessionFindRedis)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
