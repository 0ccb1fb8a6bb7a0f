#include "campaign/campaign_store.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <prometheus/registry.h>
#include <chrono>
#include <future>
#include <thread>

#include "campaign/command_log.h"

#include "store/database.h"
#include "support/test_database.h"

namespace startales::campaign {
namespace {

class CampaignStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto t = store::TestDatabase::create(GetParam());
    ASSERT_TRUE(t.ok()) << t.error().message;
    test_db_ = std::move(t).value();
    auto db = store::Database::open(test_db_->config());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    ASSERT_TRUE(store::migrate(*db_).ok());
    store_ = std::make_unique<CampaignStore>(*db_);
    alice_ = user("alice");
    bob_ = user("bob");
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    test_db_.reset();
  }

  int64_t user(const std::string& name) {
    auto r = store::insertTestUser(*db_, name);
    EXPECT_TRUE(r.ok());
    return *r;
  }

  CampaignRecord make(const std::string& visibility = "public") {
    CampaignSettings s;
    s.name = "Test";
    s.visibility = visibility;
    s.seed = 42;
    Member host;
    host.civ_name = "Vega";
    host.color = "#ff0000";
    auto c = store_->create(s, alice_, visibility == "private" ? "CODE12" : "", host, 1000);
    EXPECT_TRUE(c.ok()) << c.error().message;
    return *c;
  }

  std::unique_ptr<store::TestDatabase> test_db_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<CampaignStore> store_;
  int64_t alice_ = 0, bob_ = 0;
};

TEST_P(CampaignStoreTest, CreateFindAndMembers) {
  const auto c = make();
  auto found = store_->find(c.id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->settings.seed, 42);
  EXPECT_EQ((*found)->status, CampaignStatus::kLobby);
  auto members = store_->members(c.id);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ(members->at(0).username, "alice");
  EXPECT_EQ(members->at(0).civ, -1);

  Member m;
  m.user_id = bob_;
  m.civ_name = "Lyra";
  m.color = "#00ff00";
  m.joined_at_ms = 2000;
  ASSERT_TRUE(store_->addMember(c.id, m).ok());
  auto again = store_->addMember(c.id, m);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "already_joined");
  ASSERT_TRUE(store_->setReady(c.id, bob_, true).ok());
  ASSERT_TRUE(store_->start(c.id, {{alice_, 0}, {bob_, 1}}, 3000).ok());
  members = store_->members(c.id);
  EXPECT_EQ(members->at(1).civ, 1);
  EXPECT_TRUE(members->at(1).ready);
  auto twice = store_->start(c.id, {}, 4000);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, "invalid_state");
  auto active = store_->active();
  ASSERT_EQ(active->size(), 1u);
}

TEST_P(CampaignStoreTest, PrivateCampaignsAreListedOnlyToMembers) {
  make("public");
  const auto secret = make("private");
  CampaignFilter f;
  f.viewer = bob_;
  EXPECT_EQ(store_->list(f)->size(), 1u);
  f.viewer = alice_;
  EXPECT_EQ(store_->list(f)->size(), 2u);
  f.member = bob_;
  EXPECT_EQ(store_->list(f)->size(), 0u);
  EXPECT_EQ((*store_->find(secret.id))->invite_code, "CODE12");
}

TEST_P(CampaignStoreTest, StatusAndRoleRoundTripAndFilter) {
  const auto lobby = make();
  const auto paused = make();
  ASSERT_TRUE(store_->setStatus(paused.id, CampaignStatus::kPaused).ok());
  Member watcher;
  watcher.user_id = bob_;
  watcher.role = MemberRole::kObserver;
  watcher.civ_name = "Eye";
  watcher.joined_at_ms = 5000;  // after the host
  ASSERT_TRUE(store_->addMember(lobby.id, watcher).ok());
  auto members = store_->members(lobby.id);
  ASSERT_TRUE(members.ok());
  EXPECT_EQ(members->at(0).role, MemberRole::kPlayer);
  EXPECT_EQ(members->at(1).role, MemberRole::kObserver);
  CampaignFilter f;
  f.viewer = alice_;
  f.status = CampaignStatus::kPaused;
  auto listed = store_->list(f);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).id, paused.id);
  EXPECT_EQ(listed->at(0).status, CampaignStatus::kPaused);
  for (auto s : {CampaignStatus::kLobby, CampaignStatus::kRunning, CampaignStatus::kPaused,
                 CampaignStatus::kFinished}) {
    EXPECT_EQ(parseStatus(statusName(s)), s);
  }
  EXPECT_FALSE(parseStatus("Running").has_value());
  EXPECT_FALSE(parseMemberRole("admin").has_value());
}

// A value no version of the server writes is reported, naming the campaign, not guessed at.
TEST_P(CampaignStoreTest, UnknownStoredStatusIsAnError) {
  const auto c = make();
  ASSERT_TRUE(db_->query("UPDATE campaigns SET status = 'archived' WHERE id = $1", {c.id}).ok());
  auto found = store_->find(c.id);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, "campaign_corrupt");
  EXPECT_NE(found.error().message.find("\"archived\""), std::string::npos);
  CampaignFilter f;
  f.viewer = alice_;
  EXPECT_EQ(store_->list(f).error().code, "campaign_corrupt");
}

TEST_P(CampaignStoreTest, CommandLogAndSnapshots) {
  const auto c = make();
  std::vector<LoggedCommand> batch = {{1, 5, alice_, 0, R"({"type":"research","tech":"Hydroponics"})", 10},
                                      {2, 5, bob_, 1, R"({"type":"declare_war","target":0})", 11},
                                      {3, 6, alice_, 0, R"({"type":"build"})", 12}};
  ASSERT_TRUE(store_->appendCommands(c.id, batch).ok());
  auto mine = store_->commandsAfter(c.id, 0, alice_, 100);
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ(mine->at(1).seq, 3);
  auto since = store_->commandsSinceTick(c.id, 5);
  ASSERT_EQ(since->size(), 1u);
  EXPECT_EQ(since->at(0).tick, 6);
  // A duplicate sequence number fails the whole batch.
  auto dup = store_->appendCommands(c.id, {{4, 7, alice_, 0, "{}", 13}, {3, 7, alice_, 0, "{}", 13}});
  EXPECT_FALSE(dup.ok());
  EXPECT_EQ(store_->commandsAfter(c.id, 3, std::nullopt, 100)->size(), 0u);

  std::string binary("\x00\x01\xff snapshot", 12);
  for (int tick : {10, 20, 30}) {
    ASSERT_TRUE(store_->saveSnapshot(c.id, {tick, "00000000000000ab", binary}, 5, 2).ok());
  }
  auto latest = store_->latestSnapshot(c.id);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->tick, 30);
  EXPECT_EQ((*latest)->data, binary);
  auto count = db_->query("SELECT COUNT(*) FROM campaign_snapshots");
  EXPECT_EQ(count->rows.front().getInt(0), 2);
  EXPECT_EQ((*store_->find(c.id))->tick, 30);
}

TEST_P(CampaignStoreTest, AppendBatchesWritesEveryCampaignInOneTransaction) {
  const auto a = make();
  const auto b = make();
  // 150 rows: the 16-, 4- and 1-row INSERT statements all run.
  std::vector<LoggedCommand> many, few;
  for (int i = 1; i <= 147; ++i) {
    many.push_back({i, i / 10, alice_, 0, "{\"n\":" + std::to_string(i) + "}", i});
  }
  for (int i = 1; i <= 3; ++i) few.push_back({i, 1, alice_, 0, "{}", i});
  ASSERT_TRUE(store_->appendBatches({{a.id, &many}, {b.id, &few}}).ok());
  auto got = store_->commandsAfter(a.id, 0, std::nullopt, 1000);
  ASSERT_EQ(got->size(), 147u);
  for (size_t i = 0; i < got->size(); ++i) {
    EXPECT_EQ(got->at(i).seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(got->at(i).command, many[i].command);
  }
  EXPECT_EQ(store_->commandsAfter(b.id, 0, std::nullopt, 1000)->size(), 3u);
  // All or none: a duplicate in b's batch leaves a's new records out too.
  std::vector<LoggedCommand> next{{148, 20, alice_, 0, "{}", 1}};
  std::vector<LoggedCommand> dup{{3, 1, alice_, 0, "{}", 1}};
  EXPECT_FALSE(store_->appendBatches({{a.id, &next}, {b.id, &dup}}).ok());
  EXPECT_EQ(store_->commandsAfter(a.id, 147, std::nullopt, 10)->size(), 0u);
}

// Several campaigns' batches queued while the writer waits for the database go out in one
// transaction; when it fails, each is retried alone so only the bad batch fails.
TEST_P(CampaignStoreTest, CommandLogWriterIsolatesABadBatchInASharedCommit) {
  namespace asio = boost::asio;
  using namespace std::chrono_literals;
  const auto a = make();
  const auto b = make();
  const auto c = make();
  ASSERT_TRUE(store_->appendCommands(b.id, {{1, 1, alice_, 0, "{}", 1}}).ok());

  prometheus::Registry registry;
  CommandLogMetrics metrics(registry);
  CommandLogWriter writer(*store_);
  writer.setMetrics(&metrics);
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  auto append = [&](int64_t campaign, std::vector<LoggedCommand> records) {
    auto op = writer.append(campaign, std::move(records), asio::use_awaitable);
    return asio::co_spawn(io, std::move(op), asio::use_future);
  };

  // Another connection holds the write lock for a while.
  std::promise<void> locked;
  std::thread holder([&] {
    (void)db_->transaction([&](store::Connection& conn) -> Result<void> {
      if (GetParam() == "postgres") {
        auto r = conn.query("LOCK TABLE campaign_commands IN EXCLUSIVE MODE");
        if (!r) return r.error();
      }
      locked.set_value();
      std::this_thread::sleep_for(600ms);
      return {};
    });
  });
  locked.get_future().wait();
  auto first = append(a.id, {{1, 1, alice_, 0, "{}", 1}});
  std::this_thread::sleep_for(150ms);  // the writer took it and waits for the lock
  auto good = append(a.id, {{2, 1, alice_, 0, "{}", 1}});
  auto bad = append(b.id, {{1, 1, alice_, 0, "{}", 1}});  // seq 1 is already logged
  auto other = append(c.id, {{1, 1, alice_, 0, "{}", 1}, {2, 1, alice_, 0, "{}", 1}});
  holder.join();

  ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(first.get().ok());
  ASSERT_EQ(good.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(good.get().ok());
  ASSERT_EQ(bad.wait_for(10s), std::future_status::ready);
  auto bad_result = bad.get();
  ASSERT_FALSE(bad_result.ok());
  EXPECT_EQ(bad_result.error().code, "db_constraint");
  ASSERT_EQ(other.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(other.get().ok());
  EXPECT_EQ(store_->commandsAfter(a.id, 0, std::nullopt, 10)->size(), 2u);
  EXPECT_EQ(store_->commandsAfter(b.id, 0, std::nullopt, 10)->size(), 1u);
  EXPECT_EQ(store_->commandsAfter(c.id, 0, std::nullopt, 10)->size(), 2u);
  const auto stats = writer.stats();
  EXPECT_EQ(stats.retried_alone, 3u);
  EXPECT_EQ(stats.failed_commits, 2u);  // the shared one, then b's alone
  EXPECT_EQ(stats.records, 4u);
  for (const auto& family : registry.Collect()) {
    if (family.name == "command_log_commit_records") {
      EXPECT_EQ(family.metric.at(0).histogram.sample_count, 3u);  // first, good, other
      EXPECT_EQ(family.metric.at(0).histogram.sample_sum, 4.0);
    }
    if (family.name == "command_log_commit_failures_total") {
      EXPECT_EQ(family.metric.at(0).counter.value, 2.0);
    }
  }

  // After stop(), appends are refused rather than lost.
  writer.stop();
  auto late = append(a.id, {{3, 2, alice_, 0, "{}", 1}});
  ASSERT_EQ(late.wait_for(10s), std::future_status::ready);
  auto late_result = late.get();
  ASSERT_FALSE(late_result.ok());
  EXPECT_EQ(late_result.error().code, "stopped");
  guard.reset();
  runner.join();
}

INSTANTIATE_TEST_SUITE_P(Backends, CampaignStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace startales::campaign
