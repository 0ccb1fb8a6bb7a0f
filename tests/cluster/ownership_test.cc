// Two cluster nodes in one process on one PostgreSQL database: each its own Database, pool,
// CampaignService and Ownership (a third, "frozen" owner has no Ownership at all: its
// renewals stopped, its campaign still runs). Placement, drain handoff, takeover after a
// missed TTL, and fencing of the former owner's late writes.

#include "cluster/ownership.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "campaign/service.h"
#include "common/clock.h"
#include "game/game.h"
#include "store/database.h"
#include "support/test_database.h"

namespace startales::cluster {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr auto kWait = 15s;  // bound of every wait below

OwnershipConfig fastConfig() {
  OwnershipConfig c;
  c.lease_ttl = 1500ms;
  c.renew_every = 250ms;
  c.local_deadline = 1000ms;
  c.scan_every = 200ms;
  return c;
}

// What a node's Placement hears when there is no Ownership (the frozen owner).
struct RecordingPlacement final : campaign::Placement {
  void place(int64_t) override {}
  void adopted(int64_t, std::shared_ptr<campaign::CampaignRuntime>) override {}
  std::shared_ptr<campaign::LiveCampaign> remote(int64_t) override { return nullptr; }
  void dropped(int64_t id, bool lost) override {
    std::lock_guard lock(mu);
    drops.emplace_back(id, lost);
  }
  std::vector<std::pair<int64_t, bool>> seen() {
    std::lock_guard lock(mu);
    return drops;
  }
  std::mutex mu;
  std::vector<std::pair<int64_t, bool>> drops;
};

// One node: its own connections, workers, campaign service and (optionally) ownership.
struct Node {
  Node(const store::DatabaseConfig& config, const std::string& name, asio::io_context& io,
       asio::io_context& sim_io, const Clock& clock, bool with_ownership, int snapshot_every) {
    auto opened = store::Database::open(config);
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    db = std::move(*opened);
    store = std::make_unique<campaign::CampaignStore>(*db);
    workers = std::make_unique<WorkerPool>(name, 2, 256);
    campaign::RuntimeConfig runtime;
    runtime.snapshot_every = snapshot_every;
    campaign::CampaignLimits limits;
    limits.min_tick_ms = 1;
    campaigns = std::make_unique<campaign::CampaignService>(*store, *workers, sim_io, clock,
                                                            runtime, limits);
    lease = makeDbLease(*db);
    registry = std::make_unique<NodeRegistry>(*db, name, name + "-1", "127.0.0.1:0");
    if (with_ownership) {
      ownership = std::make_unique<Ownership>(fastConfig(), *lease, *registry, *campaigns,
                                              *workers, io);
      campaigns->setPlacement(ownership.get());
      EXPECT_TRUE(ownership->join().ok());
      ownership->start();
    } else {
      campaigns->setPlacement(&recording);
    }
  }
  bool owns(int64_t id) const {
    for (const auto& [c, e] : campaigns->liveEpochs()) {
      if (c == id) return true;
    }
    return false;
  }

  std::unique_ptr<store::Database> db;
  std::unique_ptr<campaign::CampaignStore> store;
  std::unique_ptr<WorkerPool> workers;
  std::unique_ptr<campaign::CampaignService> campaigns;
  std::unique_ptr<Lease> lease;
  std::unique_ptr<NodeRegistry> registry;
  std::unique_ptr<Ownership> ownership;
  RecordingPlacement recording;
};

class OwnershipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { sim_io_.run(); });
    auto t = store::TestDatabase::create("postgres");
    ASSERT_TRUE(t.ok()) << t.error().message;
    test_db_ = std::move(t).value();
    auto db = store::Database::open(test_db_->config());
    ASSERT_TRUE(db.ok());
    admin_ = std::move(*db);
    ASSERT_TRUE(store::migrate(*admin_).ok());
    alice_ = addUser("alice");
  }
  void TearDown() override {
    for (auto* n : {&a_, &b_, &frozen_}) {
      if (!*n) continue;
      if ((*n)->ownership) run((*n)->ownership->drain());
      run((*n)->campaigns->stopAll());
    }
    io_work_.reset();
    sim_work_.reset();
    io_.stop();
    sim_io_.stop();
    for (auto& t : threads_) t.join();
    a_.reset();
    b_.reset();
    frozen_.reset();
    admin_.reset();
    test_db_.reset();
  }

  std::unique_ptr<Node> node(const std::string& name, bool with_ownership = true,
                             int snapshot_every = 5) {
    return std::make_unique<Node>(test_db_->config(), name, io_, sim_io_, clock_, with_ownership,
                                  snapshot_every);
  }

  account::User addUser(const std::string& name) {
    auto u = store::insertTestUser(*admin_, name);
    EXPECT_TRUE(u.ok());
    return account::User{*u, name, 0};
  }

  template <typename T>
  static asio::awaitable<std::optional<T>> optional(asio::awaitable<T> op) {
    co_return co_await std::move(op);
  }
  // Result<T> has no default value, which use_future needs: carried in an optional.
  template <typename T>
  T run(asio::awaitable<T> op) {
    auto f = asio::co_spawn(io_, optional(std::move(op)), asio::use_future);
    if (f.wait_for(kWait) != std::future_status::ready) std::abort();  // it holds our locals
    return std::move(*f.get());
  }
  void run(asio::awaitable<void> op) {
    auto f = asio::co_spawn(io_, std::move(op), asio::use_future);
    if (f.wait_for(kWait) != std::future_status::ready) std::abort();
    f.get();
  }

  // A solo campaign hosted by alice, started through `via`.
  int64_t startCampaign(Node& via) {
    json::object body{{"name", "Clustered"}, {"mode", "coop"},   {"systems", 24},
                      {"ai_empires", 1},     {"max_players", 2}, {"tick_ms", 50},
                      {"seed", 77},          {"civ_name", "Vega"}, {"color", "#ff0000"}};
    auto made = run(via.campaigns->create(alice_, body));
    EXPECT_TRUE(made.ok()) << made.error().message;
    const int64_t id = made->at("id").as_int64();
    auto started = run(via.campaigns->start(alice_, id));
    EXPECT_TRUE(started.ok()) << started.error().message;
    return id;
  }

  template <typename Pred>
  bool eventually(Pred pred) {
    const auto until = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < until) {
      if (pred()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return pred();
  }

  Result<campaign::CommandAck> research(Node& owner, int64_t id, const std::string& client_id) {
    auto a = run(owner.campaigns->access(alice_, id));
    if (!a) return a.error();
    return run(a->runtime->command(alice_.id, a->seat.civ,
                                   game::Research{game::tech::kHydroponics}, client_id));
  }

  asio::io_context io_, sim_io_;
  asio::executor_work_guard<asio::io_context::executor_type> io_work_{io_.get_executor()};
  asio::executor_work_guard<asio::io_context::executor_type> sim_work_{sim_io_.get_executor()};
  std::vector<std::thread> threads_;
  SystemClock clock_;
  std::unique_ptr<store::TestDatabase> test_db_;
  std::unique_ptr<store::Database> admin_;
  account::User alice_;
  std::unique_ptr<Node> a_, b_, frozen_;
};

TEST_F(OwnershipTest, AStartedCampaignIsSimulatedByExactlyOneNode) {
  a_ = node("node-a");
  b_ = node("node-b");
  std::this_thread::sleep_for(400ms);  // both heartbeats in the registry
  const int64_t id = startCampaign(*a_);
  ASSERT_TRUE(eventually([&] { return a_->owns(id) || b_->owns(id); }));
  std::this_thread::sleep_for(600ms);  // several scans later: still exactly one
  EXPECT_NE(a_->owns(id), b_->owns(id));
  Node& owner = a_->owns(id) ? *a_ : *b_;
  auto ack = research(owner, id, "c-1");
  ASSERT_TRUE(ack.ok()) << ack.error().message;
  // A retry with the same client command id answers the first outcome, not a second apply.
  auto again = research(owner, id, "c-1");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->seq, ack->seq);
  auto log = owner.store->commandsAfter(id, 0, std::nullopt, 10);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->size(), 1u);
}

TEST_F(OwnershipTest, DrainHandsTheCampaignOffAndTheRetryIsAnsweredByTheNewOwner) {
  a_ = node("node-a");
  const int64_t id = startCampaign(*a_);  // the only node: it is placed here
  ASSERT_TRUE(eventually([&] { return a_->owns(id); }));
  auto ack = research(*a_, id, "c-1");
  ASSERT_TRUE(ack.ok()) << ack.error().message;
  b_ = node("node-b");
  run(a_->ownership->drain());
  EXPECT_FALSE(a_->owns(id));
  ASSERT_TRUE(eventually([&] { return b_->owns(id); }));
  EXPECT_EQ(b_->ownership->stats().takeovers, 1u);
  // The client's retry after the handoff: the new owner knows the id from the log.
  auto again = research(*b_, id, "c-1");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->seq, ack->seq);
  auto fresh = research(*b_, id, "c-2");
  ASSERT_TRUE(fresh.ok()) << fresh.error().message;
  EXPECT_EQ(fresh->seq, ack->seq + 1);
}

TEST_F(OwnershipTest, AFrozenOwnerIsTakenOverAndItsLateWritesAreFenced) {
  // It never snapshots during the test (5,000 ticks of 50 ms), so its first write after the
  // takeover is the late command: a snapshot fenced first would drop the campaign before it.
  frozen_ = node("node-frozen", /*with_ownership=*/false, /*snapshot_every=*/5000);
  // The frozen node took the lease and runs the campaign, then stopped renewing.
  const int64_t id = startCampaign(*frozen_);
  auto grant = frozen_->lease->acquire(id, "node-frozen", 1500ms);
  ASSERT_TRUE(grant.ok() && grant->has_value());
  ASSERT_TRUE(run(frozen_->campaigns->adopt(id, (*grant)->epoch)).ok());
  ASSERT_TRUE(research(*frozen_, id, "c-1").ok());

  b_ = node("node-b");
  ASSERT_TRUE(eventually([&] { return b_->owns(id); }));  // after the TTL ran out
  // The frozen owner wakes up and writes: the database refuses its epoch.
  auto late = research(*frozen_, id, "c-2");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, "campaign_moved");
  EXPECT_GE(frozen_->campaigns->commandLogStats().fenced, 1u);
  ASSERT_TRUE(eventually([&] { return !frozen_->owns(id); }));
  const auto drops = frozen_->recording.seen();
  ASSERT_EQ(drops.size(), 1u);
  EXPECT_TRUE(drops.front().second);  // lost, not handed off
  // The log holds the acknowledged command once and nothing from after the takeover.
  auto log = b_->store->commandsAfter(id, 0, std::nullopt, 10);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ(log->front().client_id, "c-1");
  auto fresh = research(*b_, id, "c-2");
  ASSERT_TRUE(fresh.ok()) << fresh.error().message;
}

}  // namespace
}  // namespace startales::cluster
