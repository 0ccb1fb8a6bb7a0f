#include "ai/builtin_engine.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ai/phrasing.h"
#include "game/game.h"

namespace startales::ai {
namespace {

game::GameState newState() {
  game::GameConfig config;
  config.seed = 11;
  config.systems = 60;
  config.civs = 3;
  config.players = 1;
  return game::newGame(config);
}

Character advisor(const game::GameState& s, Role role) {
  for (const auto& c : generateCast(s, 1)) {
    if (c.civ == 0 && c.role == role) return c;
  }
  ADD_FAILURE() << "no such advisor";
  return {};
}

std::string whole(double v) { return std::to_string(static_cast<long long>(std::llround(v))); }

// "the Solar Consortium" but "Vega": a player's single name takes no article.
TEST(Phrasing, ACivilizationsArticleFollowsItsName) {
  EXPECT_EQ(theCiv("Solar Consortium"), "the Solar Consortium");
  EXPECT_EQ(theCiv("Vega"), "Vega");
  EXPECT_EQ(theCiv("ada"), "ada");
  EXPECT_EQ(capitalised(theCiv("Ruby Syndicate")), "The Ruby Syndicate");
}

TEST(BuiltinEngine, RecognisesWhatIsAskedAndAboutWhat) {
  const auto s = newState();
  const auto situation = situationFor(s, 0);
  auto asked = [&](std::string_view text, Role role) {
    const auto r = builtinReply(advisor(s, role), situation, text);
    return std::pair{r.intent, r.topic};
  };
  EXPECT_EQ(asked("How are our finances?", Role::kDefense), std::pair(Intent::kStatus, Topic::kFinances));
  EXPECT_EQ(asked("Is our fleet under attack?", Role::kTreasury), std::pair(Intent::kStatus, Topic::kMilitary));
  EXPECT_EQ(asked("What are we researching", Role::kInterior), std::pair(Intent::kStatus, Topic::kResearch));
  EXPECT_EQ(asked("Are the people starving?", Role::kScience), std::pair(Intent::kStatus, Topic::kPopulation));
  EXPECT_EQ(asked("What should we do next?", Role::kTreasury).first, Intent::kAdvice);
  EXPECT_EQ(asked("Why is our income falling?", Role::kTreasury).first, Intent::kExplain);
  EXPECT_EQ(asked("Tell me a joke", Role::kTreasury).first, Intent::kSmallTalk);
  EXPECT_EQ(asked("What is the capital of France?", Role::kScience).first, Intent::kOutOfDomain);
  EXPECT_EQ(asked("hello there", Role::kScience).first, Intent::kGreeting);
  EXPECT_EQ(asked("Tell me about the planet Zorblax", Role::kInterior).first, Intent::kUnknownName);
  EXPECT_EQ(asked("Tell me about " + s.planets[s.civs[0].capital].name, Role::kInterior).first,
            Intent::kEntity);
}

TEST(BuiltinEngine, TreasuryAnswersWithTheRealNumbers) {
  auto s = newState();
  for (int i = 0; i < 20; ++i) game::step(s);
  const auto reply = builtinReply(advisor(s, Role::kTreasury), situationFor(s, 0), "how are our finances?");
  EXPECT_EQ(reply.topic, Topic::kFinances);
  const double credits = game::at(s.civs[0].stock, game::Resource::kCredits);
  EXPECT_NE(reply.text.find(whole(credits) + " credits"), std::string::npos) << reply.text;
  EXPECT_NE(reply.text.find(std::to_string(s.civs[0].policies.tax_rate) + "%"), std::string::npos)
      << reply.text;
}

TEST(BuiltinEngine, DefenseKnowsAboutAFleetUnderAttack) {
  auto s = newState();
  const auto home = s.planets[s.civs[0].capital].system;
  game::Fleet raiders;
  raiders.id = s.next_fleet++;
  raiders.owner = game::kPirates;
  raiders.name = "Pirate Raiders";
  raiders.at = home;
  raiders.ships[static_cast<int>(game::ShipClass::kCorvette)] = 4;
  raiders.expires = 500;
  s.fleets.push_back(raiders);
  const auto reply = builtinReply(advisor(s, Role::kDefense), situationFor(s, 0), "any threats?");
  EXPECT_EQ(reply.topic, Topic::kMilitary);
  EXPECT_NE(reply.text.find("Pirates have 4 warships at " + s.systems[home].name),
            std::string::npos)
      << reply.text;
}

TEST(BuiltinEngine, ProposalsAreValidCommandsThatChangeTheStateWhenApplied) {
  auto s = newState();
  const auto reply =
      builtinReply(advisor(s, Role::kScience), situationFor(s, 0), "What should we research?");
  ASSERT_FALSE(reply.proposals.empty());
  const game::Command approved{0, reply.proposals[0].action};
  EXPECT_FALSE(game::validate(s, approved).has_value());
  const uint64_t before = game::stateHash(s);
  auto rejected_copy = s;  // a rejected proposal is simply never submitted
  ASSERT_TRUE(std::holds_alternative<game::Accepted>(game::submit(s, approved)));
  game::step(s);
  game::step(rejected_copy);
  EXPECT_NE(s.civs[0].researching, game::kNone);
  EXPECT_EQ(rejected_copy.civs[0].researching, game::kNone);
  EXPECT_NE(game::stateHash(s), before);
}

TEST(BuiltinEngine, SameQuestionSameContextSameAnswer) {
  const auto s = newState();
  const auto c = advisor(s, Role::kInterior);
  EXPECT_EQ(builtinReply(c, situationFor(s, 0), "how are the people?").text,
            builtinReply(c, situationFor(s, 0), "how are the people?").text);
}

TEST(BuiltinEngine, AdvisorsSpeakUpOnlyAboutTheirOwnField) {
  const auto s = newState();
  const auto view = game::viewFor(s, 0);
  EXPECT_FALSE(builtinRemark(advisor(s, Role::kDefense), view, "battle", "Battle at Vega.").empty());
  EXPECT_TRUE(builtinRemark(advisor(s, Role::kScience), view, "battle", "Battle at Vega.").empty());
  EXPECT_FALSE(builtinRemark(advisor(s, Role::kTreasury), view, "shortage", "The treasury is empty.").empty());
}

}  // namespace
}  // namespace startales::ai
