// CampaignAccess's command path (campaign_access.cc) as every implementation shares it, run on
// the in-memory campaigns of tests/support/fake_campaigns.h: no database, no sim threads.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/fake_campaigns.h"
#include "support/run_awaitable.h"

namespace startales::campaign {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using testing::FakeCampaigns;

template <typename T>
T run(asio::awaitable<T> op) {
  return testing::runAwaitable(std::move(op));
}

class CampaignAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    game::GameConfig config;
    config.seed = 7;
    config.systems = 30;
    config.civs = 3;
    config.players = 2;
    live_ = campaigns_.add(1, config, {{{alice_.id, 0}, {bob_.id, 1}}, {eve_.id}, false});
  }
  json::value build(game::PlanetId planet) {
    return json::object{{"type", "build"}, {"planet", planet}, {"building", "farm"}};
  }
  game::PlanetId capitalOf(game::CivId civ) {
    game::PlanetId capital = game::kNone;
    auto a = run(campaigns_.access(alice_, 1));
    EXPECT_TRUE(run(a->runtime->read([&](const game::GameState& s) {
      capital = s.civs[civ].capital;
    })).ok());
    return capital;
  }

  account::User alice_{1, "alice", 0}, bob_{2, "bob", 0}, eve_{3, "eve", 0}, mallory_{4, "mallory", 0};
  FakeCampaigns campaigns_;
  std::shared_ptr<testing::FakeLiveCampaign> live_;
};

TEST_F(CampaignAccessTest, ACommandIsAnsweredWithItsSeqAndApplyTick) {
  auto ack = run(campaigns_.command(alice_, 1, build(capitalOf(0)), ""));
  ASSERT_TRUE(ack.ok()) << ack.error().message;
  EXPECT_EQ(ack->at("command").as_string(), "build");
  EXPECT_EQ(ack->at("tick").as_int64(), 1);
  ASSERT_EQ(live_->accepted().size(), 1u);
  EXPECT_EQ(live_->accepted()[0].civ, 0);
}

TEST_F(CampaignAccessTest, AnotherCivilizationsPlanetIsForbiddenNotARefusal) {
  auto ack = run(campaigns_.command(alice_, 1, build(capitalOf(1)), ""));
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.error().code, "forbidden");
  EXPECT_TRUE(live_->accepted().empty());
}

TEST_F(CampaignAccessTest, ObserversAndStrangersCannotCommand) {
  EXPECT_EQ(run(campaigns_.command(eve_, 1, build(capitalOf(0)), "")).error().code, "forbidden");
  EXPECT_EQ(run(campaigns_.command(mallory_, 1, build(capitalOf(0)), "")).error().code,
            "forbidden");
  EXPECT_EQ(run(campaigns_.command(alice_, 2, build(capitalOf(0)), "")).error().code, "not_found");
  EXPECT_TRUE(live_->accepted().empty());
}

TEST_F(CampaignAccessTest, MalformedCommandsAndClientIdsAreNamed) {
  auto bad = run(campaigns_.command(alice_, 1, json::object{{"type", "teleport"}}, ""));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("teleport"), std::string::npos) << bad.error().message;
  auto spaced = run(campaigns_.command(alice_, 1, build(capitalOf(0)), "has space"));
  EXPECT_EQ(spaced.error().code, "invalid_field");
  auto longer = run(campaigns_.command(alice_, 1, build(capitalOf(0)), std::string(65, 'x')));
  EXPECT_EQ(longer.error().code, "invalid_field");
  EXPECT_TRUE(live_->accepted().empty());
}

TEST_F(CampaignAccessTest, ARetryWithTheSameClientIdIsAppliedOnce) {
  auto first = run(campaigns_.command(alice_, 1, build(capitalOf(0)), "c-1"));
  auto again = run(campaigns_.command(alice_, 1, build(capitalOf(0)), "c-1"));
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->at("seq"), again->at("seq"));
  EXPECT_EQ(live_->accepted().size(), 1u);
}

TEST_F(CampaignAccessTest, TheOwnersErrorsReachTheCallerUnchanged) {
  const auto capital = capitalOf(0);
  live_->failNext(makeError("campaign_moved", "The campaign moved to another node; retry."));
  auto moved = run(campaigns_.command(alice_, 1, build(capital), ""));
  EXPECT_EQ(moved.error().code, "campaign_moved");
  EXPECT_TRUE(live_->accepted().empty());
  auto retried = run(campaigns_.command(alice_, 1, build(capital), ""));
  EXPECT_TRUE(retried.ok());
}

}  // namespace
}  // namespace startales::campaign
