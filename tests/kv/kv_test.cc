// The Kv contract, run against MemoryKv (a hand-moved clock) and RedisKv on a real
// redis-server (real time: the suite's waits are a few hundred milliseconds).

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>

#include "kv/kv_test_util.h"
#include "kv/memory_kv.h"
#include "kv/redis_kv.h"
#include "support/redis_server.h"

namespace startales::kv {
namespace {

using std::chrono::milliseconds;

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Kv& kv() = 0;
  virtual void advance(int64_t ms) = 0;  // lets `ms` of the engine's time pass
};

class MemoryBackend final : public Backend {
 public:
  Kv& kv() override { return kv_; }
  void advance(int64_t ms) override { clock_.advanceMs(ms); }

 private:
  ManualClock clock_;
  MemoryKv kv_{clock_};
};

class RedisBackend final : public Backend {
 public:
  RedisBackend() {
    auto server = testing::RedisServer::start();
    if (!server) throw std::runtime_error(server.error().message);
    server_ = std::move(*server);
    auto config = parseRedisUrl(server_->url());
    if (!config) throw std::runtime_error(config.error().message);
    auto kv = RedisKv::create(*config, nullptr);
    if (!kv) throw std::runtime_error(kv.error().message);
    kv_ = std::move(*kv);
  }
  Kv& kv() override { return *kv_; }
  void advance(int64_t ms) override { std::this_thread::sleep_for(milliseconds(ms)); }

 private:
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<RedisKv> kv_;
};

class KvContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      backend_ = std::make_unique<MemoryBackend>();
    } else {
      backend_ = std::make_unique<RedisBackend>();
    }
  }
  Kv& kv() { return backend_->kv(); }
  std::unique_ptr<Backend> backend_;
};

TEST_P(KvContract, SetGetOverwriteDelete) {
  EXPECT_FALSE(runAwaitable(kv().get("a"))->has_value());
  ASSERT_TRUE(runAwaitable(kv().set("a", "one", milliseconds(60'000))));
  EXPECT_EQ(runAwaitable(kv().get("a"))->value_or(""), "one");
  ASSERT_TRUE(runAwaitable(kv().set("a", std::string("t\0wo", 4), milliseconds(60'000))));
  EXPECT_EQ(runAwaitable(kv().get("a"))->value_or(""), std::string("t\0wo", 4));  // binary-safe
  EXPECT_TRUE(*runAwaitable(kv().del("a")));
  EXPECT_FALSE(*runAwaitable(kv().del("a")));
  EXPECT_FALSE(runAwaitable(kv().get("a"))->has_value());
}

TEST_P(KvContract, ValuesExpireAfterTheirTtl) {
  ASSERT_TRUE(runAwaitable(kv().set("short", "x", milliseconds(200))));
  ASSERT_TRUE(runAwaitable(kv().set("long", "y", milliseconds(60'000))));
  EXPECT_TRUE(runAwaitable(kv().get("short"))->has_value());
  backend_->advance(400);
  EXPECT_FALSE(runAwaitable(kv().get("short"))->has_value());
  EXPECT_FALSE(*runAwaitable(kv().del("short")));
  EXPECT_TRUE(runAwaitable(kv().get("long"))->has_value());
}

TEST_P(KvContract, ExistsAnswersPerKeyInOrder) {
  ASSERT_TRUE(runAwaitable(kv().set("k1", "1", milliseconds(60'000))));
  ASSERT_TRUE(runAwaitable(kv().set("k3", "3", milliseconds(60'000))));
  auto found = runAwaitable(kv().exists({"k1", "k2", "k3", "k4"}));
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, (std::vector<bool>{true, false, true, false}));
  EXPECT_TRUE(runAwaitable(kv().exists({}))->empty());
}

TEST_P(KvContract, BucketGivesItsBurstThenSaysWhenToRetryThenRefills) {
  const BucketSpec spec{3, 60};  // 3 at once, then one a second
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(runAwaitable(kv().take("b", spec))->allowed) << i;
  auto refused = runAwaitable(kv().take("b", spec));
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->allowed);
  EXPECT_GT(refused->retry_after_ms, 0);
  EXPECT_LE(refused->retry_after_ms, 1000);
  EXPECT_TRUE(runAwaitable(kv().take("other", spec))->allowed);  // keys are independent
  backend_->advance(1100);
  EXPECT_TRUE(runAwaitable(kv().take("b", spec))->allowed);
  EXPECT_FALSE(runAwaitable(kv().take("b", spec))->allowed);
}

TEST_P(KvContract, BucketIsForgottenOnceFullAgain) {
  const BucketSpec spec{2, 600};  // refills a token every 100 ms
  EXPECT_TRUE(runAwaitable(kv().take("gone", spec))->allowed);
  EXPECT_TRUE(runAwaitable(kv().exists({"gone"}))->front());
  backend_->advance(300);  // full after 100 ms: the key has expired
  EXPECT_FALSE(runAwaitable(kv().exists({"gone"}))->front());
  // And it starts full again.
  EXPECT_TRUE(runAwaitable(kv().take("gone", spec))->allowed);
  EXPECT_TRUE(runAwaitable(kv().take("gone", spec))->allowed);
  EXPECT_FALSE(runAwaitable(kv().take("gone", spec))->allowed);
}

// Takes from many coroutines on several threads at once: exactly `burst` get through.
TEST_P(KvContract, ConcurrentTakesNeverExceedTheBurst) {
  const BucketSpec spec{50, 0.001};  // no meaningful refill during the test
  boost::asio::io_context io;
  std::atomic<int> allowed{0}, refused{0}, failed{0};
  for (int i = 0; i < 300; ++i) {
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          auto t = co_await kv().take("hot", spec);
          if (!t) {
            ++failed;
          } else if (t->allowed) {
            ++allowed;
          } else {
            ++refused;
          }
        },
        boost::asio::detached);
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { io.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(allowed.load(), 50);
  EXPECT_EQ(refused.load(), 250);
}

TEST_P(KvContract, BlockingCallFromAWorkerThread) {
  std::optional<std::string> got;
  std::thread worker([&] {
    auto set = blockingCall(kv(), [](Kv& k) { return k.set("w", "v", milliseconds(60'000)); });
    ASSERT_TRUE(set);
    auto r = blockingCall(kv(), [](Kv& k) { return k.get("w"); });
    ASSERT_TRUE(r);
    got = *r;
  });
  worker.join();
  EXPECT_EQ(got.value_or(""), "v");
}

INSTANTIATE_TEST_SUITE_P(Engines, KvContract, ::testing::Values("memory", "redis"),
                         [](const auto& info) { return info.param; });

TEST(MemoryKvTest, StaysWithinItsKeyBound) {
  ManualClock clock;
  MemoryKv kv(clock, 100);
  for (int i = 0; i < 1000; ++i) kv.setNow("k" + std::to_string(i), "v", milliseconds(60'000));
  EXPECT_LE(kv.size(), 100u);
  EXPECT_EQ(kv.getNow("k999").value_or(""), "v");  // the newest survives
  for (int i = 0; i < 1000; ++i) (void)kv.takeNow("b" + std::to_string(i), {5, 5});
  EXPECT_LE(kv.size(), 100u);
}

}  // namespace
}  // namespace startales::kv
