// The vocabulary a voice command is recognised with (api/stt_routes.h campaignVocabulary),
// read from a live campaign through campaign::CampaignAccess — here in-memory campaigns
// (tests/support/fake_campaigns.h): no database, no simulation threads.

#include <gtest/gtest.h>

#include <algorithm>

#include "api/stt_routes.h"
#include "game/view.h"
#include "support/fake_campaigns.h"
#include "support/run_awaitable.h"

namespace startales::api {
namespace {

using testing::FakeCampaigns;
using testing::runAwaitable;

class CampaignVocabularyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    game::GameConfig config;
    config.seed = 11;
    config.systems = 30;
    config.civs = 3;
    config.players = 2;
    live_ = campaigns_.add(5, config, {{{alice_.id, 0}, {bob_.id, 1}}, {eve_.id}, true});
  }
  static bool has(const std::vector<voice::NamedId>& names, const std::string& name) {
    return std::any_of(names.begin(), names.end(), [&](const auto& n) { return n.name == name; });
  }

  account::User alice_{1, "alice", 0}, bob_{2, "bob", 0}, eve_{3, "eve", 0}, mallory_{4, "mallory", 0};
  FakeCampaigns campaigns_;
  std::shared_ptr<testing::FakeLiveCampaign> live_;
};

TEST_F(CampaignVocabularyTest, APlayersOwnNamesAndCabinetOnly) {
  auto vocabulary = runAwaitable(campaignVocabulary(campaigns_, alice_, 5, {"Ada Cohen"}));
  ASSERT_TRUE(vocabulary.ok()) << vocabulary.error().message;
  std::string own_capital, rival_capital;
  ASSERT_TRUE(runAwaitable(live_->read([&](const game::GameState& s) {
    own_capital = s.planets[s.civs[0].capital].name;
    rival_capital = s.planets[s.civs[1].capital].name;
  })).ok());
  EXPECT_TRUE(has((*vocabulary)->own_planets, own_capital)) << own_capital;
  EXPECT_FALSE(has((*vocabulary)->own_planets, rival_capital)) << rival_capital;
  EXPECT_EQ((*vocabulary)->characters, std::vector<std::string>{"Ada Cohen"});
  auto bobs = runAwaitable(campaignVocabulary(campaigns_, bob_, 5, {}));
  ASSERT_TRUE(bobs.ok());
  EXPECT_TRUE(has((*bobs)->own_planets, rival_capital));
}

TEST_F(CampaignVocabularyTest, ObserversAndStrangersAreRefused) {
  EXPECT_EQ(runAwaitable(campaignVocabulary(campaigns_, eve_, 5, {})).error().code, "forbidden");
  // A private campaign does not exist for strangers.
  EXPECT_EQ(runAwaitable(campaignVocabulary(campaigns_, mallory_, 5, {})).error().code,
            "not_found");
}

TEST_F(CampaignVocabularyTest, AnOwnerElsewhereThatCannotAnswerIsNamed) {
  live_->failNext(makeError("bus_timeout", "The node that runs this campaign did not answer."));
  auto vocabulary = runAwaitable(campaignVocabulary(campaigns_, alice_, 5, {}));
  ASSERT_FALSE(vocabulary.ok());
  EXPECT_EQ(vocabulary.error().code, "bus_timeout");
  campaigns_.addStopped(6, {{{alice_.id, 0}}, {}, false});
  EXPECT_EQ(runAwaitable(campaignVocabulary(campaigns_, alice_, 6, {})).error().code,
            "invalid_state");
}

}  // namespace
}  // namespace startales::api
