// Leases and fencing on a real database (SQLite and PostgreSQL), and the in-memory lease.

#include "cluster/lease.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "campaign/campaign_store.h"
#include "cluster/node_registry.h"
#include "store/database.h"
#include "support/test_database.h"

namespace startales::cluster {
namespace {

using namespace std::chrono_literals;
using campaign::CampaignStore;
using campaign::LoggedCommand;

class LeaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto t = store::TestDatabase::create(GetParam());
    ASSERT_TRUE(t.ok()) << t.error().message;
    test_db_ = std::move(t).value();
    auto db = store::Database::open(test_db_->config());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    ASSERT_TRUE(store::migrate(*db_).ok());
    lease_ = makeDbLease(*db_);
    store_ = std::make_unique<CampaignStore>(*db_);
    campaign_ = makeCampaign();
  }
  void TearDown() override {
    store_.reset();
    lease_.reset();
    db_.reset();
    test_db_.reset();
  }

  int64_t makeCampaign() {
    auto u = store::insertTestUser(*db_, "host" + std::to_string(++users_));
    EXPECT_TRUE(u.ok());
    campaign::CampaignSettings s;
    s.name = "Leased";
    campaign::Member host;
    host.civ_name = "Vega";
    host.color = "#ff0000";
    auto c = store_->create(s, *u, "", host, 1000);
    EXPECT_TRUE(c.ok()) << c.error().message;
    return c->id;
  }

  LeaseGrant take(const std::string& holder, std::chrono::milliseconds ttl = 10s) {
    auto g = lease_->acquire(campaign_, holder, ttl);
    EXPECT_TRUE(g.ok()) << g.error().message;
    EXPECT_TRUE(g->has_value()) << holder << " did not get the lease";
    return g->value_or(LeaseGrant{});
  }

  Result<void> append(int64_t seq, int64_t epoch) {
    std::vector<LoggedCommand> records{LoggedCommand{seq, 1, 1, 0, "{}", 0, "", ""}};
    return store_->appendBatches({CampaignStore::CommandBatch{campaign_, &records, nullptr, 0, 0,
                                                              epoch}});
  }

  std::unique_ptr<store::TestDatabase> test_db_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Lease> lease_;
  std::unique_ptr<CampaignStore> store_;
  int64_t campaign_ = 0;
  int users_ = 0;
};

TEST_P(LeaseTest, AcquireRefusesAnotherHolderWhileTheLeaseIsLive) {
  const auto a = take("node-a");
  EXPECT_EQ(a.epoch, 1);
  auto b = lease_->acquire(campaign_, "node-b", 10s);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_FALSE(b->has_value());
  auto now = lease_->now();
  ASSERT_TRUE(now.ok());
  EXPECT_GT(a.expires_at_ms, *now + 5'000);  // on the database's clock
}

TEST_P(LeaseTest, ExpiredLeaseIsTakenOverWithTheNextEpoch) {
  const auto a = take("node-a", 100ms);
  std::this_thread::sleep_for(250ms);
  const auto b = take("node-b");
  EXPECT_EQ(b.epoch, a.epoch + 1);
  EXPECT_EQ(b.holder, "node-b");
  // The former holder cannot renew what it lost.
  auto renewed = lease_->renew({a}, 10s);
  ASSERT_TRUE(renewed.ok()) << renewed.error().message;
  EXPECT_TRUE(renewed->empty());
}

TEST_P(LeaseTest, RenewExtendsOnlyTheExactGrantsAndManyAtOnce) {
  std::vector<LeaseGrant> mine;
  for (int i = 0; i < 250; ++i) {  // more than one statement's worth
    auto g = lease_->acquire(makeCampaign(), "node-a", 1s);
    ASSERT_TRUE(g.ok() && g->has_value());
    mine.push_back(**g);
  }
  auto renewed = lease_->renew(mine, 20s);
  ASSERT_TRUE(renewed.ok()) << renewed.error().message;
  ASSERT_EQ(renewed->size(), mine.size());
  EXPECT_GT(renewed->front().expires_at_ms, mine.front().expires_at_ms + 10'000);
  // A grant with a wrong epoch is not extended.
  LeaseGrant stale = mine.front();
  stale.epoch += 5;
  auto none = lease_->renew({stale}, 20s);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(LeaseTest, ReleasedLeaseIsTakenAtOnceAndKeepsItsEpochGrowing) {
  const auto a = take("node-a");
  ASSERT_TRUE(lease_->release(a).ok());
  const auto b = take("node-b");
  EXPECT_EQ(b.epoch, 2);
  ASSERT_TRUE(lease_->release(a).ok());  // releasing what is no longer held changes nothing
  auto c = lease_->acquire(campaign_, "node-c", 10s);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->has_value());
}

TEST_P(LeaseTest, ConcurrentAcquiresHaveExactlyOneWinner) {
  std::atomic<int> winners{0}, failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      auto g = lease_->acquire(campaign_, "node-" + std::to_string(i), 10s);
      if (!g.ok()) {
        ++failures;
      } else if (g->has_value()) {
        ++winners;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(winners.load(), 1);
}

TEST_P(LeaseTest, TheDatabaseRefusesWritesWithAStaleEpoch) {
  // No lease yet: `serve` writes with epoch 0.
  ASSERT_TRUE(append(1, 0).ok());
  const auto a = take("node-a");
  ASSERT_TRUE(append(2, a.epoch).ok());
  auto unfenced = append(3, 0);  // a `serve` process on a cluster's database
  ASSERT_FALSE(unfenced.ok());
  EXPECT_EQ(unfenced.error().code, "db_fenced");

  ASSERT_TRUE(lease_->release(a).ok());
  const auto b = take("node-b");
  auto late = append(3, a.epoch);  // the former owner, after the takeover
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, "db_fenced");
  // The trigger refuses it too, whatever path the insert takes.
  auto raw = db_->query(
      "INSERT INTO campaign_commands (campaign_id, seq, tick, user_id, civ, command, created_at, "
      "epoch) VALUES ($1, 3, 1, 1, 0, '{}', 0, $2)",
      {campaign_, a.epoch});
  ASSERT_FALSE(raw.ok());
  EXPECT_EQ(raw.error().code, "db_fenced");
  // Its snapshots and discards are refused as well; the new owner's write goes through.
  auto snap = store_->saveSnapshot(campaign_, {5, "00000000000000ab", "x", a.epoch}, 10);
  ASSERT_FALSE(snap.ok());
  EXPECT_EQ(snap.error().code, "db_fenced");
  std::vector<LoggedCommand> none;
  auto discard = store_->appendBatches(
      {CampaignStore::CommandBatch{campaign_, &none, nullptr, 1, 3, a.epoch}});
  ASSERT_FALSE(discard.ok());
  EXPECT_EQ(discard.error().code, "db_fenced");
  ASSERT_TRUE(append(3, b.epoch).ok());
  ASSERT_TRUE(store_->saveSnapshot(campaign_, {5, "00000000000000ab", "x", b.epoch}, 10).ok());

  auto log = store_->commandsAfter(campaign_, 0, std::nullopt, 10);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 3u);  // 1 (serve), 2 (a), 3 (b): nothing of a's after the takeover
}

TEST_P(LeaseTest, AStaleBatchFailsAloneInAGroupCommit) {
  const int64_t other = makeCampaign();
  auto other_grant = lease_->acquire(other, "node-a", 10s);
  ASSERT_TRUE(other_grant.ok() && other_grant->has_value());
  const auto a = take("node-a");
  ASSERT_TRUE(lease_->release(a).ok());
  take("node-b");
  std::vector<LoggedCommand> records{LoggedCommand{1, 1, 1, 0, "{}", 0, "", ""}};
  auto both = store_->appendBatches(
      {CampaignStore::CommandBatch{campaign_, &records, nullptr, 0, 0, a.epoch},
       CampaignStore::CommandBatch{other, &records, nullptr, 0, 0, (*other_grant)->epoch}});
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().code, "db_fenced");
  EXPECT_NE(both.error().message.find(std::to_string(campaign_)), std::string::npos);
}

TEST_P(LeaseTest, NodeNamesAreUniqueAmongLiveNodes) {
  NodeRegistry first(*db_, "node-a", "one", "127.0.0.1:1");
  NodeRegistry second(*db_, "node-a", "two", "127.0.0.1:2");
  ASSERT_TRUE(first.join(10'000).ok());
  auto clash = second.join(10'000);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, "node_name_in_use");
  ASSERT_TRUE(first.heartbeat(3, 7, false).ok());
  auto nodes = first.nodes(10'000);
  ASSERT_TRUE(nodes.ok());
  ASSERT_EQ(nodes->size(), 1u);
  EXPECT_TRUE(nodes->front().live);
  EXPECT_EQ(nodes->front().campaigns, 3);
  EXPECT_EQ(nodes->front().players, 7);
  // A silent node's name can be taken; the silent one then learns it on its next heartbeat.
  std::this_thread::sleep_for(150ms);
  ASSERT_TRUE(second.join(100).ok());
  auto late = first.heartbeat(0, 0, false);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, "node_name_in_use");
}

TEST_P(LeaseTest, OrphansAreRunningCampaignsWithoutALiveLease) {
  NodeRegistry registry(*db_, "node-a", "one", "");
  ASSERT_TRUE(store_->setStatus(campaign_, campaign::CampaignStatus::kRunning).ok());
  const int64_t paused = makeCampaign();
  ASSERT_TRUE(store_->setStatus(paused, campaign::CampaignStatus::kPaused).ok());
  auto orphans = registry.orphanCampaigns(10);
  ASSERT_TRUE(orphans.ok());
  EXPECT_EQ(*orphans, std::vector<int64_t>{campaign_});
  const auto a = take("node-a");
  orphans = registry.orphanCampaigns(10);
  ASSERT_TRUE(orphans.ok());
  EXPECT_TRUE(orphans->empty());
  ASSERT_TRUE(lease_->release(a).ok());
  orphans = registry.orphanCampaigns(10);
  ASSERT_TRUE(orphans.ok());
  EXPECT_EQ(*orphans, std::vector<int64_t>{campaign_});
}

INSTANTIATE_TEST_SUITE_P(Backends, LeaseTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

TEST(MemoryLeaseTest, FollowsTheSameRulesOnItsClock) {
  ManualClock clock;
  auto lease = makeMemoryLease(clock);
  auto a = lease->acquire(7, "node-a", 1000ms);
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->epoch, 1);
  auto b = lease->acquire(7, "node-b", 1000ms);
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->has_value());
  clock.advanceMs(500);
  auto renewed = lease->renew({**a}, 1000ms);
  ASSERT_TRUE(renewed.ok());
  ASSERT_EQ(renewed->size(), 1u);
  clock.advanceMs(900);  // 1400 ms after acquiring, 900 after renewing: still held
  b = lease->acquire(7, "node-b", 1000ms);
  EXPECT_FALSE(b->has_value());
  clock.advanceMs(200);
  b = lease->acquire(7, "node-b", 1000ms);
  ASSERT_TRUE(b->has_value());
  EXPECT_EQ((*b)->epoch, 2);
  renewed = lease->renew({**a}, 1000ms);
  EXPECT_TRUE(renewed->empty());
}

}  // namespace
}  // namespace startales::cluster
