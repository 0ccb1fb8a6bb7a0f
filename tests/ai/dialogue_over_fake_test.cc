// The cabinet over campaign::CampaignAccess alone: DialogueService on the in-memory campaigns
// of tests/support/fake_campaigns.h — no CampaignService, no simulation threads. The
// character store is the ai module's own (SQLite here); the campaign is only a row for it.

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <thread>
#include <variant>

#include "ai/character_store.h"
#include "ai/dialogue.h"
#include "ai/embedder.h"
#include "common/clock.h"
#include "common/worker_pool.h"
#include "store/database.h"
#include "support/fake_campaigns.h"
#include "support/run_awaitable.h"
#include "support/test_database.h"

namespace startales::ai {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using testing::runAwaitable;

class DialogueOverFakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    background_thread_ = std::thread([this] { background_.run(); });
    auto t = store::TestDatabase::create("sqlite");
    ASSERT_TRUE(t.ok()) << t.error().message;
    test_db_ = std::move(t).value();
    auto db = store::Database::open(test_db_->config());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    ASSERT_TRUE(store::migrate(*db_).ok());
    alice_ = addUser("alice");
    bob_ = addUser("bob");
    // The characters table refers to its campaign's row; the campaign itself is the fake.
    auto row = store::insertTestCampaign(*db_, alice_.id);
    ASSERT_TRUE(row.ok()) << row.error().message;
    id_ = *row;
    game::GameConfig config;
    config.seed = 4242;
    config.systems = 30;
    config.civs = 2;
    config.players = 1;
    live_ = campaigns_.add(id_, config, {{{alice_.id, 0}}, {}, false});
    characters_ = std::make_unique<CharacterStore>(*db_, clock_);
    dialogue_ = std::make_unique<DialogueService>(campaigns_, *characters_, workers_, nullptr,
                                                  embedder_, nullptr, clock_,
                                                  background_.get_executor());
  }
  void TearDown() override {
    for (int i = 0; i < 500 && workers_.pending() > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    work_.reset();
    background_.stop();
    background_thread_.join();
    dialogue_.reset();
  }
  account::User addUser(const std::string& name) {
    auto u = store::insertTestUser(*db_, name);
    EXPECT_TRUE(u.ok()) << u.error().message;
    return account::User{*u, name, 0};
  }
  int64_t characterId(const std::string& role) {
    auto cast = runAwaitable(dialogue_->characters(alice_, id_));
    EXPECT_TRUE(cast.ok()) << cast.error().message;
    if (!cast) return 0;
    for (const auto& v : *cast) {
      if (v.at("role").as_string() == role && v.at("civ").as_int64() == 0) {
        return v.at("id").as_int64();
      }
    }
    ADD_FAILURE() << "no " << role << " in the cast";
    return 0;
  }
  Result<json::object> talk(int64_t character, std::string text) {
    return runAwaitable(dialogue_->talk(alice_, id_, character, std::move(text), llm::DeltaFn(),
                                        llm::CancelToken()));
  }

  asio::io_context background_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{background_.get_executor()};
  std::thread background_thread_;
  SystemClock clock_;
  std::unique_ptr<store::TestDatabase> test_db_;
  std::unique_ptr<store::Database> db_;
  WorkerPool workers_{"db", 2, 256};
  account::User alice_, bob_;
  int64_t id_ = 0;
  testing::FakeCampaigns campaigns_;
  std::shared_ptr<testing::FakeLiveCampaign> live_;
  std::unique_ptr<CharacterStore> characters_;
  BuiltinEmbedder embedder_;
  std::unique_ptr<DialogueService> dialogue_;
};

TEST_F(DialogueOverFakeTest, AnApprovedProposalGoesThroughTheCampaignOnce) {
  const int64_t scientist = characterId("science");
  auto said = talk(scientist, "What should we research?");
  ASSERT_TRUE(said.ok()) << said.error().message;
  ASSERT_EQ(said->at("proposals").as_array().size(), 1u) << json::serialize(*said);
  const auto& proposal = said->at("proposals").as_array()[0].as_object();
  EXPECT_EQ(proposal.at("command").at("type"), "research");
  EXPECT_TRUE(live_->accepted().empty());  // a proposal is not a command yet
  auto approved = runAwaitable(dialogue_->decide(alice_, id_, proposal.at("id").as_int64(), true));
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  EXPECT_EQ(approved->at("status"), "approved");
  ASSERT_EQ(live_->accepted().size(), 1u);
  EXPECT_EQ(live_->accepted()[0].civ, 0);
  EXPECT_TRUE(std::holds_alternative<game::Research>(live_->accepted()[0].action));
}

TEST_F(DialogueOverFakeTest, StrangersAndAnUnreachableOwnerAreNamed) {
  const int64_t treasurer = characterId("treasury");
  auto stranger = runAwaitable(dialogue_->characters(bob_, id_));
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, "forbidden");
  live_->failNext(makeError("bus_timeout", "The node that runs this campaign did not answer."));
  auto said = talk(treasurer, "How are our finances?");
  ASSERT_FALSE(said.ok()) << json::serialize(*said);
  EXPECT_EQ(said.error().code, "bus_timeout");
  auto again = talk(treasurer, "How are our finances?");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_NE(std::string(again->at("message").at("text").as_string()).find("credits"),
            std::string::npos);
}

}  // namespace
}  // namespace startales::ai
