#include "ai/prompt.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "game/game.h"

namespace startales::ai {
namespace {

namespace json = boost::json;

TEST(Prompt, TheModelIsHandedTheBuiltinEnginesFactsAndRecommendationsAsAToolResult) {
  game::GameConfig config;
  config.seed = 11;
  config.systems = 60;
  config.civs = 3;
  config.players = 1;
  const auto s = game::newGame(config);
  Character scientist;
  for (const auto& c : generateCast(s, 1)) {
    if (c.civ == 0 && c.role == Role::kScience) scientist = c;
  }
  const Situation situation = situationFor(s, 0);
  const Reply briefing = builtinReply(scientist, situation, "What should we research?");
  ASSERT_FALSE(briefing.proposals.empty());
  const std::vector<ScoredMemory> memories;
  const std::vector<StoredMessage> history;
  const auto request = buildChatRequest({scientist, "Argent Confederacy", stateFacts(scientist.role, situation),
                                         memories, history, "What should we research?", true, &briefing});
  ASSERT_GE(request.messages.size(), 4u);
  const auto& call = request.messages[request.messages.size() - 2];
  const auto& result = request.messages.back();
  ASSERT_EQ(call.role, llm::ChatMessage::Role::kAssistant);
  ASSERT_EQ(call.tool_calls.size(), 1u);
  EXPECT_EQ(call.tool_calls[0].name, "game_briefing");
  ASSERT_EQ(result.role, llm::ChatMessage::Role::kTool);
  EXPECT_EQ(result.tool_call_id, call.tool_calls[0].id);
  const auto parsed = json::parse(result.content).as_object();
  EXPECT_EQ(parsed.at("intent"), "advice");
  ASSERT_FALSE(parsed.at("recommendations").as_array().empty());
  EXPECT_EQ(parsed.at("recommendations").as_array()[0].at("command").at("type"), "research");
  EXPECT_FALSE(parsed.at("facts").as_array().empty());
  // Without a briefing the conversation ends with the player's line.
  const auto plain = buildChatRequest({scientist, "Argent Confederacy", "", memories, history, "hi", true});
  EXPECT_EQ(plain.messages.back().role, llm::ChatMessage::Role::kUser);
}

TEST(Prompt, AWrongFigureIsCorrectedAndAnUnknownOneFlagged) {
  const std::string facts = "Credits: 470, +2.7 a day. Tax rate 20%.\nResearching Hydroponics: 12 of 3600 points.";
  std::string text = "We hold 4700 credits, taxes are at 25%, and 3600 points buy Hydroponics; 999 spies agree.";
  const NumberCheck check = checkNumbers(text, facts);
  EXPECT_EQ(text, "We hold 470 credits, taxes are at 20%, and 3600 points buy Hydroponics; 999 spies agree.");
  ASSERT_EQ(check.corrected.size(), 2u);
  EXPECT_EQ(check.corrected[0], "4700 credits -> 470 credits");
  ASSERT_EQ(check.unchecked.size(), 1u);
  EXPECT_EQ(check.unchecked[0], "999");
  EXPECT_NE(check.notice().find("999"), std::string::npos);
  std::string right = "We hold 470 credits at 20% tax, for 3 more days.";
  EXPECT_TRUE(checkNumbers(right, facts).clean());
}

}  // namespace
}  // namespace startales::ai
