// Sessions and rate limits on Redis as a cluster sees them: two "nodes" (two RedisKv
// connections, two AccountServices on one database) share sessions and buckets, and a Redis
// outage is an error, never a pass. A real redis-server (tests/support/redis_server.h).

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "account/account_service.h"
#include "account/rate_limiter.h"
#include "account/session_store.h"
#include "kv/kv_test_util.h"
#include "kv/redis_kv.h"
#include "store/database.h"
#include "support/redis_server.h"
#include "support/server_process.h"

namespace startales::account {
namespace {

using kv::runAwaitable;

std::unique_ptr<kv::RedisKv> connect(const testing::RedisServer& server) {
  auto config = kv::parseRedisUrl(server.url());
  EXPECT_TRUE(config);
  config->reconnect_min_ms = 20;
  config->reconnect_max_ms = 100;
  auto made = kv::RedisKv::create(*config, nullptr);
  EXPECT_TRUE(made);
  return std::move(*made);
}

class KvAccountTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::start();
    ASSERT_TRUE(server) << server.error().message;
    redis_ = std::move(*server);
    kv_a_ = connect(*redis_);
    kv_b_ = connect(*redis_);
    dir_ = testing::makeTempDir("startales-kv-account-");
    auto db = store::Database::open({.url = "sqlite://" + dir_ + "/a.db"});
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    ASSERT_TRUE(store::migrate(*db_).ok());
    users_ = std::make_unique<UserStore>(*db_);
    sessions_a_ = std::make_unique<KvSessionStore>(*kv_a_, clock_);
    sessions_b_ = std::make_unique<KvSessionStore>(*kv_b_, clock_);
    AccountConfig config;
    config.session_ttl_s = 3600;
    config.password.ops_limit = 1;
    config.password.mem_limit_kib = 8;
    auto a = AccountService::create(config, *users_, *sessions_a_, clock_);
    auto b = AccountService::create(config, *users_, *sessions_b_, clock_);
    ASSERT_TRUE(a && b);
    node_a_ = std::move(*a);
    node_b_ = std::move(*b);
  }
  void TearDown() override {
    node_a_.reset();
    node_b_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  SystemClock clock_;  // Redis expires keys on its own clock: sessions are dated with real time
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<kv::RedisKv> kv_a_, kv_b_;
  std::string dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<UserStore> users_;
  std::unique_ptr<KvSessionStore> sessions_a_, sessions_b_;
  std::unique_ptr<AccountService> node_a_, node_b_;
};

TEST_F(KvAccountTest, SessionStoreRoundTripsAndExpiresWithTheSession) {
  const int64_t now = clock_.nowMs();
  ASSERT_TRUE(sessions_a_->create({"hash1", 42, now, now + 90'000}));
  auto found = sessions_b_->find("hash1");
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->user_id, 42);
  EXPECT_EQ((*found)->created_at_ms, now);
  EXPECT_EQ((*found)->expires_at_ms, now + 90'000);
  // Redis drops the key when the session ends.
  auto ttl = runAwaitable(kv_a_->command({"PTTL", "st:session:hash1"}, "ttl"));
  ASSERT_TRUE(ttl);
  EXPECT_GT(ttl->integer, 80'000);
  EXPECT_LE(ttl->integer, 90'000);
  // One already expired is not kept at all.
  ASSERT_TRUE(sessions_a_->create({"old", 42, now - 10, now - 1}));
  EXPECT_FALSE(sessions_b_->find("old")->has_value());

  auto exist = sessions_b_->exist({"hash1", "old", "never"});
  ASSERT_TRUE(exist);
  EXPECT_EQ(*exist, (std::vector<bool>{true, false, false}));
  ASSERT_TRUE(sessions_b_->revoke("hash1"));
  EXPECT_FALSE(sessions_a_->find("hash1")->has_value());
  EXPECT_TRUE(sessions_a_->revoke("hash1"));  // revoking a missing one is fine
}

TEST_F(KvAccountTest, ATokenFromOneNodeWorksOnTheOtherAndLogoutAnywhereEndsIt) {
  ASSERT_TRUE(node_a_->registerUser("alice", "correct horse battery"));
  auto login = node_a_->login("alice", "correct horse battery");
  ASSERT_TRUE(login) << login.error().message;
  auto on_b = node_b_->authenticate(login->token);
  ASSERT_TRUE(on_b) << on_b.error().message;
  EXPECT_EQ(on_b->username, "alice");

  ASSERT_TRUE(node_b_->logout(login->token));
  auto on_a = node_a_->authenticate(login->token);
  ASSERT_FALSE(on_a);
  EXPECT_EQ(on_a.error().code, "unauthorized");
  auto alive = node_a_->sessionsExist({tokenHash(login->token)});
  ASSERT_TRUE(alive);
  EXPECT_FALSE(alive->front());
}

TEST_F(KvAccountTest, WhileRedisIsDownATokenIsNeitherAcceptedNorCalledInvalid) {
  ASSERT_TRUE(node_a_->registerUser("bob", "correct horse battery"));
  auto login = node_a_->login("bob", "correct horse battery");
  ASSERT_TRUE(login);
  redis_->stop();
  auto during = node_b_->authenticate(login->token);
  ASSERT_FALSE(during);
  EXPECT_EQ(during.error().code, "kv_unavailable");  // 503 + Retry-After, not 401, not access
  EXPECT_GT(during.error().retry_after_s, 0);
  auto login_during = node_a_->login("bob", "correct horse battery");
  ASSERT_FALSE(login_during);
  EXPECT_EQ(login_during.error().code, "kv_unavailable");
  ASSERT_TRUE(redis_->restart());
  // The session survived the restart (append-only file): the same token works again.
  Result<User> after = makeError("none", "");
  for (int i = 0; i < 100 && !after; ++i) {
    after = node_b_->authenticate(login->token);
    if (!after) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(after) << after.error().code;
  EXPECT_EQ(after->username, "bob");
}

TEST_F(KvAccountTest, LimitersOnTwoNodesTakeFromOneBucket) {
  KvRateLimiter on_a(*kv_a_, "auth_address", {5, 1});
  KvRateLimiter on_b(*kv_b_, "auth_address", {5, 1});
  KvRateLimiter other(*kv_b_, "campaign_create", {5, 1});
  int allowed = 0;
  std::optional<int> last_wait;
  for (int i = 0; i < 10; ++i) {
    auto r = runAwaitable((i % 2 == 0 ? on_a : on_b).take("ip:10.0.0.1"));
    ASSERT_TRUE(r);
    if (!r->has_value()) {
      ++allowed;
    } else {
      last_wait = **r;
    }
  }
  EXPECT_EQ(allowed, 5);  // one bucket, not one per node
  ASSERT_TRUE(last_wait);
  EXPECT_GE(*last_wait, 1);
  EXPECT_LE(*last_wait, 60);  // one token a minute
  EXPECT_FALSE(runAwaitable(other.take("ip:10.0.0.1"))->has_value());  // another family
  EXPECT_FALSE(runAwaitable(on_a.take("ip:10.0.0.2"))->has_value());   // another key
}

TEST_F(KvAccountTest, ALimiterThatCannotReachRedisRefuses) {
  KvRateLimiter limiter(*kv_a_, "auth_address", {5, 1});
  redis_->stop();
  auto r = runAwaitable(limiter.take("ip:10.0.0.1"));
  ASSERT_FALSE(r);  // fail closed: no answer is no token
  EXPECT_EQ(r.error().code, "kv_unavailable");
}

}  // namespace
}  // namespace startales::account
