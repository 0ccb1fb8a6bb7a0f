#include "campaign/runtime.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <future>
#include <mutex>
#include <thread>

#include "game/serialize.h"
#include "store/database.h"
#include "support/test_database.h"

namespace startales::campaign {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

class Collector : public Subscriber {
 public:
  void deliver(std::shared_ptr<const std::string> message) override {
    std::lock_guard lock(mu_);
    messages_.push_back(json::parse(*message).as_object());
  }
  std::vector<json::object> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }

 private:
  std::mutex mu_;
  std::vector<json::object> messages_;
};

// A database whose transactions can be made to report a failure after they committed: what a
// client sees when the connection drops during COMMIT (the outcome is unknown to it).
class CommitThenFailDatabase : public store::Database {
 public:
  explicit CommitThenFailDatabase(store::Database& inner) : inner_(inner) {}
  std::string_view backend() const override { return inner_.backend(); }
  Result<store::Rows> query(std::string_view sql, const store::Params& params) override {
    return inner_.query(sql, params);
  }
  Result<void> transaction(const std::function<Result<void>(store::Connection&)>& fn) override {
    auto result = inner_.transaction(fn);
    if (result && fail_after_commit_.exchange(false)) {
      return makeError("db_unavailable", "The connection to the database was lost during COMMIT.");
    }
    return result;
  }
  Result<void> ping() override { return inner_.ping(); }
  void failNextCommit() { fail_after_commit_ = true; }

 private:
  store::Database& inner_;
  std::atomic<bool> fail_after_commit_{false};
};

// A database whose first snapshot write, once armed, does not return (after it committed) until
// released: a periodic snapshot still in flight. The transactions after it run as usual.
class HeldSnapshotDatabase : public store::Database {
 public:
  explicit HeldSnapshotDatabase(store::Database& inner) : inner_(inner) {}
  std::string_view backend() const override { return inner_.backend(); }
  Result<store::Rows> query(std::string_view sql, const store::Params& params) override {
    return inner_.query(sql, params);
  }
  Result<void> transaction(const std::function<Result<void>(store::Connection&)>& fn) override {
    bool snapshot = false;
    auto result = inner_.transaction([&](store::Connection& c) {
      Probe probe(c, snapshot);
      return fn(probe);
    });
    std::unique_lock lock(mu_);
    if (snapshot && armed_) {
      armed_ = false;
      holding_ = true;
      changed_.notify_all();
      changed_.wait_for(lock, std::chrono::seconds(20), [&] { return !holding_; });
    }
    return result;
  }
  Result<void> ping() override { return inner_.ping(); }
  void arm() {
    std::lock_guard lock(mu_);
    armed_ = true;
  }
  bool waitUntilHolding() {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return holding_; });
  }
  void release() {
    std::lock_guard lock(mu_);
    holding_ = false;
    changed_.notify_all();
  }

 private:
  class Probe : public store::Connection {
   public:
    Probe(store::Connection& inner, bool& snapshot) : inner_(inner), snapshot_(snapshot) {}
    Result<store::Rows> query(std::string_view sql, const store::Params& params) override {
      if (sql.find("INSERT INTO campaign_snapshots") != std::string_view::npos) snapshot_ = true;
      return inner_.query(sql, params);
    }
    Result<void> executeScript(std::string_view sql) override { return inner_.executeScript(sql); }

   private:
    store::Connection& inner_;
    bool& snapshot_;
  };
  store::Database& inner_;
  std::mutex mu_;
  std::condition_variable changed_;
  bool armed_ = false, holding_ = false;
};

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = store::TestDatabase::create("sqlite");
    ASSERT_TRUE(t.ok()) << t.error().message;
    test_db_ = std::move(t).value();
    auto db = store::Database::open(test_db_->config());
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(store::migrate(*db_).ok());
    store_ = std::make_unique<CampaignStore>(*db_);
    log_ = std::make_unique<CommandLogWriter>(*store_);
    auto u = store::insertTestUser(*db_, "alice");
    ASSERT_TRUE(u.ok()) << u.error().message;
    user_ = *u;
    CampaignSettings s;
    s.name = "Runtime";
    s.systems = 40;
    s.ai_empires = 2;
    s.tick_ms = 20;
    s.seed = 99;
    Member host;
    host.user_id = user_;
    host.civ_name = "Vega";
    host.color = "#ff0000";
    record_ = *store_->create(s, user_, "", host, 0);
    players_ = *store_->members(record_.id);
    work_ = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
        io_.get_executor());
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    work_.reset();
    io_.stop();
    thread_.join();
  }

  std::shared_ptr<CampaignRuntime> launch(const RuntimeConfig& config,
                                          CampaignStore* store = nullptr) {
    auto restored = CampaignRuntime::restore(*store_, record_, players_);
    EXPECT_TRUE(restored.ok()) << restored.error().message;
    auto rt = CampaignRuntime::create(io_, record_, std::move(restored->state),
                                      store != nullptr ? *store : *store_, workers_,
                                      *log_, clock_, config);
    rt->start(false);
    return rt;
  }

  template <typename T>
  T run(asio::awaitable<T> a) {
    return asio::co_spawn(io_, std::move(a), asio::use_future).get();
  }

  RuntimeStatus statusOf(CampaignRuntime& rt) {
    return asio::co_spawn(io_, rt.localStatus(), asio::use_future).get();
  }

  Result<CommandAck> command(CampaignRuntime& rt, game::Action a) {
    std::optional<Result<CommandAck>> out;
    auto f = asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          out.emplace(co_await rt.command(user_, 0, std::move(a)));
        },
        asio::use_future);
    f.get();
    return std::move(*out);
  }

  void waitForTick(CampaignRuntime& rt, int32_t tick) {
    for (int i = 0; i < 500 && statusOf(rt).tick < tick; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_GE(statusOf(rt).tick, tick);
  }

  std::unique_ptr<store::TestDatabase> test_db_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<CampaignStore> store_;
  std::unique_ptr<CommandLogWriter> log_;  // after store_: destroyed before it
  int64_t user_ = 0;
  CampaignRecord record_;
  std::vector<Member> players_;
  asio::io_context io_;
  std::unique_ptr<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread thread_;
  WorkerPool workers_{"db", 2, 64};
  SystemClock clock_;
};

TEST_F(RuntimeTest, CommandIsLoggedBeforeItIsAcknowledgedAndAppliesAtThatTick) {
  RuntimeConfig config;
  config.snapshot_every = 1000;
  auto rt = launch(config);
  const auto capital = 0;  // civ 0's capital is planet... found through the view below
  (void)capital;
  auto view = json::parse(asio::co_spawn(io_, rt->viewJson(0), asio::use_future).get());
  const int64_t planet = view.at("self").at("capital").as_int64();
  auto ack = command(*rt, game::Build{static_cast<game::PlanetId>(planet), game::Building::kFarm});
  ASSERT_TRUE(ack.ok()) << ack.error().message;
  auto logged = store_->commandsAfter(record_.id, 0, user_, 10);
  ASSERT_EQ(logged->size(), 1u);
  EXPECT_EQ(logged->at(0).seq, ack->seq);
  EXPECT_EQ(logged->at(0).tick, ack->tick);
  waitForTick(*rt, ack->tick);
  view = json::parse(asio::co_spawn(io_, rt->viewJson(0), asio::use_future).get());
  bool queued = false;
  for (const auto& p : view.at("planets").as_array()) {
    for (const auto& q : p.at("queue").as_array()) queued |= q.at("item").as_string() == "farm";
    queued |= p.at("buildings").as_object().at("farm").as_int64() > 2;
  }
  EXPECT_TRUE(queued);

  auto bad = command(*rt, game::Build{9999, game::Building::kFarm});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "not_found");
  EXPECT_EQ(store_->commandsAfter(record_.id, 0, user_, 10)->size(), 1u);  // not logged
  ASSERT_TRUE(run(rt->stop()).ok());
}

TEST_F(RuntimeTest, SubscriberGetsSnapshotThenDeltasAndResumes) {
  auto rt = launch({});
  auto sub = std::make_shared<Collector>();
  ASSERT_TRUE(run(rt->subscribe({user_, 0}, sub, std::nullopt)).ok());
  const int32_t start = statusOf(*rt).tick;
  waitForTick(*rt, start + 5);
  auto msgs = sub->messages();
  ASSERT_GE(msgs.size(), 4u);
  EXPECT_EQ(msgs[0].at("type").as_string(), "snapshot");
  int64_t last_tick = msgs[0].at("tick").as_int64();
  for (size_t i = 1; i < msgs.size(); ++i) {
    if (msgs[i].at("type").as_string() != "delta") continue;
    EXPECT_EQ(msgs[i].at("tick").as_int64(), last_tick + 1);  // no gaps
    last_tick = msgs[i].at("tick").as_int64();
  }
  run(rt->unsubscribe(sub.get()));
  waitForTick(*rt, static_cast<int32_t>(last_tick) + 3);
  auto again = std::make_shared<Collector>();
  ASSERT_TRUE(run(rt->subscribe({user_, 0}, again, static_cast<int32_t>(last_tick))).ok());
  auto resumed = again->messages();
  ASSERT_FALSE(resumed.empty());
  EXPECT_EQ(resumed[0].at("type").as_string(), "delta");  // missing deltas, not a snapshot
  EXPECT_EQ(resumed[0].at("tick").as_int64(), last_tick + 1);
  // Too old to resume: a fresh snapshot.
  auto stale = std::make_shared<Collector>();
  ASSERT_TRUE(run(rt->subscribe({user_, 0}, stale, -1000)).ok());
  EXPECT_EQ(stale->messages().at(0).at("type").as_string(), "snapshot");
  ASSERT_TRUE(run(rt->stop()).ok());
}

TEST_F(RuntimeTest, ResumeHistoryIsBoundedInBytesAndBeyondItASnapshotIsSent) {
  RuntimeConfig config;
  config.delta_history_bytes = 1;  // smaller than any delta: none is kept for resume
  auto rt = launch(config);
  auto sub = std::make_shared<Collector>();
  ASSERT_TRUE(run(rt->subscribe({user_, 0}, sub, std::nullopt)).ok());
  const int32_t start = statusOf(*rt).tick;
  waitForTick(*rt, start + 3);
  run(rt->unsubscribe(sub.get()));
  const auto seen = sub->messages();
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen.back().at("type").as_string(), "delta");  // live deltas still flow
  const int64_t last_tick = seen.back().at("tick").as_int64();
  waitForTick(*rt, static_cast<int32_t>(last_tick) + 2);
  auto again = std::make_shared<Collector>();
  ASSERT_TRUE(run(rt->subscribe({user_, 0}, again, static_cast<int32_t>(last_tick))).ok());
  const auto resumed = again->messages();
  ASSERT_FALSE(resumed.empty());
  EXPECT_EQ(resumed[0].at("type").as_string(), "snapshot");
  EXPECT_GT(resumed[0].at("tick").as_int64(), last_tick);
  ASSERT_TRUE(run(rt->stop()).ok());
}

TEST_F(RuntimeTest, RestoreFromLogAloneReproducesTheLiveState) {
  RuntimeConfig config;
  config.snapshot_every = 100000;  // never: the log alone must carry the campaign
  auto rt = launch(config);
  auto view = json::parse(asio::co_spawn(io_, rt->viewJson(0), asio::use_future).get());
  const auto planet = static_cast<game::PlanetId>(view.at("self").at("capital").as_int64());
  ASSERT_TRUE(command(*rt, game::Research{game::tech::kHydroponics}).ok());
  waitForTick(*rt, statusOf(*rt).tick + 2);
  ASSERT_TRUE(command(*rt, game::Build{planet, game::Building::kMine}).ok());
  ASSERT_TRUE(command(*rt, game::Trade{game::Resource::kFood, -50}).ok());
  waitForTick(*rt, statusOf(*rt).tick + 3);
  const auto live = statusOf(*rt);  // (tick, hash) taken together on the strand

  // A second process would do exactly this on start.
  auto restored = CampaignRuntime::restore(*store_, record_, players_);
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  ASSERT_LE(restored->state.tick, live.tick);
  while (restored->state.tick < live.tick) game::step(restored->state);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(game::stateHash(restored->state)));
  EXPECT_EQ(std::string(buf), live.state_hash);

  // stop() writes a snapshot; restoring from it gives the final live state exactly.
  ASSERT_TRUE(run(rt->stop()).ok());
  const auto final_status = statusOf(*rt);
  auto from_snapshot = CampaignRuntime::restore(*store_, record_, players_);
  ASSERT_TRUE(from_snapshot.ok());
  EXPECT_EQ(from_snapshot->state.tick, final_status.tick);
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(game::stateHash(from_snapshot->state)));
  EXPECT_EQ(std::string(buf), final_status.state_hash);
}

TEST_F(RuntimeTest, PauseWritesASnapshotOfTheExactState) {
  auto rt = launch({});
  waitForTick(*rt, 3);
  run(rt->setPaused(true));
  const auto paused = statusOf(*rt);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(statusOf(*rt).tick, paused.tick);  // no ticks while paused
  auto restored = CampaignRuntime::restore(*store_, record_, players_);
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->state.tick, paused.tick);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(game::stateHash(restored->state)));
  EXPECT_EQ(std::string(buf), paused.state_hash);
  run(rt->setPaused(false));
  waitForTick(*rt, paused.tick + 2);
  ASSERT_TRUE(run(rt->stop()).ok());
}

// Deleting a campaign stops it, then removes its rows: a periodic snapshot still being written
// when stop() is called must return before stop() does, or it would land after the delete.
TEST_F(RuntimeTest, StopReturnsOnlyAfterAPeriodicSnapshotInFlightHasBeenWritten) {
  HeldSnapshotDatabase held(*db_);
  CampaignStore store(held);
  RuntimeConfig config;
  config.snapshot_every = 1;
  held.arm();
  auto rt = launch(config, &store);
  ASSERT_TRUE(held.waitUntilHolding());
  auto stopped = asio::co_spawn(io_, rt->stop(), asio::use_future);
  // The final snapshot (the second write) is not held: without the wait, stop returns now.
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  held.release();
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(stopped.get().ok());
}

// --- Exact restores: every acknowledged command applied exactly once ---

// A campaign whose first tick is a minute away: a command acknowledged now stays queued.
class SlowCampaignTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    record_.settings.tick_ms = 60'000;
  }
  game::PlanetId capital(CampaignRuntime& rt) {
    auto view = json::parse(asio::co_spawn(io_, rt.viewJson(0), asio::use_future).get());
    return static_cast<game::PlanetId>(view.at("self").at("capital").as_int64());
  }
  // The restored state, checked against the live one and against a replay of the whole log.
  void expectRestoredExactly(const RuntimeStatus& live) {
    auto restored = CampaignRuntime::restore(*store_, *store_->find(record_.id).value(), players_);
    ASSERT_TRUE(restored.ok()) << restored.error().message;
    EXPECT_EQ(restored->state.tick, live.tick);
    EXPECT_EQ(game::stateHashHex(restored->state), live.state_hash);
    const auto& state = restored->state;
    const auto logged = store_->commandsAfter(record_.id, 0, user_, 100).value();
    for (const auto& c : logged) {
      const auto copies =
          std::count_if(state.pending.begin(), state.pending.end(),
                        [&](const game::QueuedCommand& q) { return q.seq == c.seq; });
      EXPECT_EQ(copies, 1) << "command " << c.seq << " is queued " << copies << " times";
    }
    const ReplayBound bound{state.tick, state.next_seq};
    auto replayed = CampaignRuntime::replayFromStart(*store_, record_, players_, bound);
    ASSERT_TRUE(replayed.ok()) << replayed.error().message;
    EXPECT_EQ(game::stateHashHex(*replayed), live.state_hash);
  }
};

TEST_F(SlowCampaignTest, CommandQueuedAtPauseIsAppliedExactlyOnceAfterRestore) {
  auto rt = launch({});
  ASSERT_TRUE(command(*rt, game::Build{capital(*rt), game::Building::kFarm}).ok());
  ASSERT_TRUE(command(*rt, game::Trade{game::Resource::kFood, -10}).ok());
  run(rt->setPaused(true));  // the snapshot holds both commands, queued for tick 1
  const auto paused = statusOf(*rt);
  EXPECT_EQ(paused.tick, 0);
  expectRestoredExactly(paused);
  ASSERT_TRUE(run(rt->stop()).ok());
}

TEST_F(SlowCampaignTest, CommandQueuedAtStopIsAppliedExactlyOnceAfterRestore) {
  auto rt = launch({});
  ASSERT_TRUE(command(*rt, game::Research{game::tech::kHydroponics}).ok());
  ASSERT_TRUE(run(rt->stop()).ok());  // SIGTERM and suspend both end this way
  expectRestoredExactly(statusOf(*rt));
}

TEST_F(SlowCampaignTest, CommandAfterPauseIsAppliedOnceAndReplayMatchesTheSnapshot) {
  auto rt = launch({});
  ASSERT_TRUE(command(*rt, game::Trade{game::Resource::kFood, -10}).ok());
  run(rt->setPaused(true));
  ASSERT_TRUE(
      command(*rt, game::Trade{game::Resource::kMinerals, -10}).ok());  // after the snapshot
  expectRestoredExactly(statusOf(*rt));
  ASSERT_TRUE(run(rt->stop()).ok());
}

// --- Sequence numbers cannot drift ---

TEST_F(SlowCampaignTest, CommitWithUnknownOutcomeDoesNotReuseItsSeqsOrReplayThem) {
  CommitThenFailDatabase flaky(*db_);
  CampaignStore store(flaky);
  CommandLogWriter log(store);
  record_.settings.ai_empires = 0;  // no AI commands to move the sequence on
  auto created = store_->create(record_.settings, user_, "", players_.front(), 0);
  record_ = *created;
  players_ = *store_->members(record_.id);
  auto restored = CampaignRuntime::restore(store, record_, players_);
  ASSERT_TRUE(restored.ok());
  auto rt = CampaignRuntime::create(io_, record_, std::move(restored->state), store, workers_, log,
                                    clock_, {});
  rt->start(false);

  flaky.failNextCommit();  // commits, then says it failed
  auto lost = command(*rt, game::Trade{game::Resource::kFood, -10});
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().code, "db_unavailable");
  EXPECT_GT(lost.error().retry_after_s, 0);
  EXPECT_NE(lost.error().message.find("not saved"), std::string::npos) << lost.error().message;
  for (int i = 0; i < 3; ++i) {  // the next commands get logged, none refused by a constraint
    auto ack = command(*rt, game::Trade{game::Resource::kMinerals, -(i + 1)});
    ASSERT_TRUE(ack.ok()) << ack.error().code << ": " << ack.error().message;
  }
  const auto logged = store_->commandsAfter(record_.id, 0, std::nullopt, 100).value();
  ASSERT_EQ(logged.size(), 3u) << "the unconfirmed command was discarded";
  for (const auto& c : logged) EXPECT_EQ(c.command.find("food"), std::string::npos);
  run(rt->setPaused(true));
  // The restored state has what the live one has: the three acknowledged commands only.
  auto again = CampaignRuntime::restore(*store_, *store_->find(record_.id).value(), players_);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(game::stateHashHex(again->state), statusOf(*rt).state_hash);
  EXPECT_EQ(again->state.pending.size(), 3u);
  ASSERT_TRUE(run(rt->stop()).ok());
  log.stop();
}

TEST_F(RuntimeTest, CommandRefusedAtItsTickIsLoggedWithItsRefusalAndTheSequenceGoesOn) {
  record_.settings.ai_empires = 0;  // no AI commands to move the sequence on
  record_.settings.tick_ms = 500;
  record_ = *store_->create(record_.settings, user_, "", players_.front(), 0);
  players_ = *store_->members(record_.id);
  auto rt = launch({});
  auto sub = std::make_shared<Collector>();
  ASSERT_TRUE(run(rt->subscribe({user_, 0}, sub, std::nullopt)).ok());
  // Civ 0 starts with 10 exotics: selling 8 is valid alone, the second sale fails at the tick
  // that applies both (they are validated together, against the same state).
  std::optional<Result<CommandAck>> acks[2];
  std::vector<std::future<void>> sent;
  for (auto& out : acks) {
    sent.push_back(asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          out.emplace(co_await rt->command(user_, 0, game::Trade{game::Resource::kExotics, -8}));
        },
        asio::use_future));
  }
  for (auto& f : sent) f.get();
  ASSERT_TRUE(acks[0]->ok() && acks[1]->ok());
  ASSERT_EQ((*acks[0])->tick, (*acks[1])->tick) << "both must apply at the same tick";
  const int64_t refused_seq = std::max((*acks[0])->seq, (*acks[1])->seq);
  waitForTick(*rt, (*acks[0])->tick + 1);

  // The player hears it as an event naming the command's seq...
  bool told = false;
  for (const auto& m : sub->messages()) {
    if (m.at("type").as_string() != "event") continue;
    const auto& n = m.at("notice").as_object();
    told |= n.at("kind").as_string() == "command_failed" && n.at("ref").as_int64() == refused_seq;
  }
  EXPECT_TRUE(told);
  // ...the log keeps it with its refusal...
  auto logged = store_->commandsAfter(record_.id, 0, user_, 10).value();
  ASSERT_EQ(logged.size(), 2u);
  for (const auto& c : logged) {
    if (c.seq == refused_seq) {
      EXPECT_NE(c.refusal.find("exotics"), std::string::npos) << c.refusal;
    } else {
      EXPECT_EQ(c.refusal, "");
    }
  }
  // ...and the next command takes the next number.
  auto next = command(*rt, game::Trade{game::Resource::kFood, -5});
  ASSERT_TRUE(next.ok()) << next.error().code << ": " << next.error().message;
  EXPECT_EQ(next->seq, refused_seq + 1);
  ASSERT_TRUE(run(rt->stop()).ok());
  auto restored = CampaignRuntime::restore(*store_, *store_->find(record_.id).value(), players_);
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(game::stateHashHex(restored->state), statusOf(*rt).state_hash);
}

TEST_F(RuntimeTest, CorruptLatestSnapshotFallsBackToThePreviousThenToTheStart) {
  RuntimeConfig config;
  config.snapshot_every = 2;
  auto rt = launch(config);
  ASSERT_TRUE(command(*rt, game::Trade{game::Resource::kFood, -10}).ok());
  waitForTick(*rt, 7);
  ASSERT_TRUE(run(rt->stop()).ok());
  const auto final_status = statusOf(*rt);
  const auto record = *store_->find(record_.id).value();
  ASSERT_EQ(record.tick, final_status.tick);
  ASSERT_EQ(store_->snapshots(record_.id)->size(), 2u);

  ASSERT_TRUE(db_->query("UPDATE campaign_snapshots SET data = 'AAAA' WHERE campaign_id = $1 AND "
                         "tick = $2",
                         {record_.id, int64_t{final_status.tick}})
                  .ok());
  auto from_previous = CampaignRuntime::restore(*store_, record, players_);
  ASSERT_TRUE(from_previous.ok()) << from_previous.error().message;
  EXPECT_EQ(from_previous->skipped.size(), 1u);
  EXPECT_EQ(from_previous->state.tick, final_status.tick);
  EXPECT_EQ(game::stateHashHex(from_previous->state), final_status.state_hash);

  ASSERT_TRUE(db_->query("UPDATE campaign_snapshots SET state_hash = '0000000000000000' WHERE "
                         "campaign_id = $1",
                         {record_.id})
                  .ok());
  auto from_start = CampaignRuntime::restore(*store_, record, players_);
  ASSERT_TRUE(from_start.ok()) << from_start.error().message;
  EXPECT_EQ(from_start->skipped.size(), 2u);
  EXPECT_EQ(from_start->state.tick, final_status.tick);
  EXPECT_EQ(game::stateHashHex(from_start->state), final_status.state_hash);
}

}  // namespace
}  // namespace startales::campaign
