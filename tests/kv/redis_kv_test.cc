// What only the Redis engine has: its URL, a password, the script cache, a server that
// restarts, stalls or is not there. All against a real redis-server.

#include <gtest/gtest.h>

#include <chrono>
#include <boost/asio/detached.hpp>
#include <thread>

#include "kv/kv_test_util.h"
#include "kv/redis_kv.h"
#include "support/redis_server.h"

namespace startales::kv {
namespace {

using std::chrono::milliseconds;
using testing::RedisServer;

std::unique_ptr<RedisServer> startServer(const std::string& password = "") {
  auto server = RedisServer::start(password);
  if (!server) ADD_FAILURE() << server.error().message;
  return server ? std::move(*server) : nullptr;
}

std::unique_ptr<RedisKv> connectTo(const std::string& url, RedisConfig overrides = {}) {
  auto config = parseRedisUrl(url);
  EXPECT_TRUE(config) << (config ? "" : config.error().message);
  if (!config) return nullptr;
  config->command_timeout_ms = overrides.command_timeout_ms;
  config->reconnect_min_ms = overrides.reconnect_min_ms;
  config->reconnect_max_ms = overrides.reconnect_max_ms;
  config->max_in_flight = overrides.max_in_flight;
  auto kv = RedisKv::create(*config, nullptr);
  EXPECT_TRUE(kv);
  return kv ? std::move(*kv) : nullptr;
}

// Polls `ping` until it answers (the reconnect backoff is short in these tests).
bool answersWithin(RedisKv& kv, milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (runAwaitable(kv.ping())) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

TEST(RedisUrlTest, ParsesEveryPartAndRefusesNonsense) {
  auto plain = parseRedisUrl("redis://cache.local");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->host, "cache.local");
  EXPECT_EQ(plain->port, 6379);
  EXPECT_EQ(plain->db, 0);
  EXPECT_TRUE(plain->password.empty());

  auto full = parseRedisUrl("redis://:s%40cret@10.0.0.5:6380/3");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->host, "10.0.0.5");
  EXPECT_EQ(full->port, 6380);
  EXPECT_EQ(full->db, 3);
  EXPECT_EQ(full->password, "s@cret");
  EXPECT_TRUE(full->user.empty());

  auto acl = parseRedisUrl("redis://app:pw@h:1");
  ASSERT_TRUE(acl);
  EXPECT_EQ(acl->user, "app");
  EXPECT_EQ(acl->password, "pw");

  for (const char* bad : {"http://h:6379", "redis://", "redis://h:0", "redis://h:70000",
                          "redis://h:port", "redis://h/16", "redis://h/x", "redis://h?x=1"}) {
    auto r = parseRedisUrl(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, "invalid_config");
    }
  }
  // The sentence never repeats a password.
  auto r = parseRedisUrl("redis://:hunter2@h:notaport");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos);
}

TEST(RedisKvTest, AuthenticatesWithThePasswordAndFailsClearlyWithoutIt) {
  auto server = startServer("correct-horse-battery");
  ASSERT_TRUE(server);
  auto good = connectTo(server->url());
  ASSERT_TRUE(good);
  ASSERT_TRUE(runAwaitable(good->set("k", "v", milliseconds(60'000))));
  EXPECT_EQ(runAwaitable(good->get("k"))->value_or(""), "v");

  auto bad = connectTo("redis://:wrong@127.0.0.1:" + std::to_string(server->port()));
  ASSERT_TRUE(bad);
  auto refused = runAwaitable(bad->get("k"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "kv_unavailable");
  EXPECT_GT(refused.error().retry_after_s, 0);
  EXPECT_EQ(refused.error().message.find("wrong"), std::string::npos);
}

TEST(RedisKvTest, BucketSurvivesAFlushedScriptCache) {
  auto server = startServer();
  ASSERT_TRUE(server);
  auto kv = connectTo(server->url());
  ASSERT_TRUE(kv);
  EXPECT_TRUE(runAwaitable(kv->take("b", {2, 1}))->allowed);
  ASSERT_TRUE(server->command("SCRIPT FLUSH"));  // EVALSHA now answers NOSCRIPT
  EXPECT_TRUE(runAwaitable(kv->take("b", {2, 1}))->allowed);  // sent again as EVAL
  EXPECT_FALSE(runAwaitable(kv->take("b", {2, 1}))->allowed);
  // The key lives until the bucket is full again: two tokens at one a minute, at most 2 min.
  auto ttl = runAwaitable(kv->command({"PTTL", "b"}, "ttl"));
  ASSERT_TRUE(ttl);
  EXPECT_GT(ttl->integer, 60'000);
  EXPECT_LE(ttl->integer, 120'000);
}

TEST(RedisKvTest, FailsClearlyWhileDownAndReconnectsAfterARestartWithItsData) {
  auto server = startServer();
  ASSERT_TRUE(server);
  auto kv = connectTo(server->url(), {.reconnect_min_ms = 20, .reconnect_max_ms = 100});
  ASSERT_TRUE(kv);
  ASSERT_TRUE(runAwaitable(kv->set("session", "alive", milliseconds(600'000))));
  ASSERT_EQ(kv->reconnects(), 0u);

  server->stop();
  for (int i = 0; i < 5; ++i) {  // during the outage every call fails, clearly, and at once
    const auto started = std::chrono::steady_clock::now();
    auto r = runAwaitable(kv->get("session"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "kv_unavailable");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  }
  ASSERT_TRUE(server->restart());
  ASSERT_TRUE(answersWithin(*kv, std::chrono::seconds(5)));
  EXPECT_GE(kv->reconnects(), 1u);
  // The append-only file brought the value back.
  EXPECT_EQ(runAwaitable(kv->get("session"))->value_or(""), "alive");

  server->kill();  // a crash, not a shutdown: fsync-always AOF keeps it too
  ASSERT_TRUE(server->restart());
  ASSERT_TRUE(answersWithin(*kv, std::chrono::seconds(5)));
  EXPECT_EQ(runAwaitable(kv->get("session"))->value_or(""), "alive");
}

TEST(RedisKvTest, AStalledServerTimesCallsOutAndTheNextConnectionWorks) {
  auto server = startServer();
  ASSERT_TRUE(server);
  auto kv = connectTo(server->url(), {.command_timeout_ms = 200, .reconnect_min_ms = 20,
                                      .reconnect_max_ms = 100});
  ASSERT_TRUE(kv);
  ASSERT_TRUE(runAwaitable(kv->ping()));
  server->pause();
  const auto started = std::chrono::steady_clock::now();
  auto r = runAwaitable(kv->get("x"));
  const auto took = std::chrono::steady_clock::now() - started;
  server->resume();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "kv_unavailable");
  EXPECT_GE(took, milliseconds(150));
  EXPECT_LT(took, std::chrono::seconds(3));
  ASSERT_TRUE(answersWithin(*kv, std::chrono::seconds(5)));
  EXPECT_GE(kv->reconnects(), 1u);  // the stalled connection was dropped, a new one made
}

TEST(RedisKvTest, CallsBeyondTheInFlightBoundFailAtOnce) {
  auto server = startServer();
  ASSERT_TRUE(server);
  auto kv = connectTo(server->url(), {.command_timeout_ms = 1000, .max_in_flight = 1});
  ASSERT_TRUE(kv);
  ASSERT_TRUE(runAwaitable(kv->ping()));
  server->pause();
  boost::asio::io_context io;
  std::optional<Result<void>> first, second;
  boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
    first.emplace(co_await kv->ping());
  }, boost::asio::detached);
  boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
    std::this_thread::sleep_for(milliseconds(50));  // the first is in flight by now
    second.emplace(co_await kv->ping());
  }, boost::asio::detached);
  io.run();
  server->resume();
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(*second);  // refused: the bound was reached
  EXPECT_FALSE(*first);   // timed out: the server was stalled
}

TEST(RedisKvTest, NobodyListeningIsAClearErrorNotAHang) {
  auto kv = connectTo("redis://127.0.0.1:1");
  ASSERT_TRUE(kv);
  auto r = runAwaitable(kv->get("k"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "kv_unavailable");
  EXPECT_EQ(r.error().message,
            "Sign-in and rate checks are unavailable for a moment; try again in a few seconds.");
}

}  // namespace
}  // namespace startales::kv
