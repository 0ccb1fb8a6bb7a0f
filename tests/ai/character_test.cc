#include "ai/character.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <limits>
#include <set>
#include <sstream>

#include "game/game.h"
#include "game/names.h"

namespace startales::ai {
namespace {

namespace json = boost::json;

game::GameState smallGame(uint64_t seed = 3) {
  game::GameConfig config;
  config.seed = seed;
  config.systems = 60;
  config.civs = 4;
  config.players = 2;
  return game::newGame(config);
}

TEST(Character, EveryCivHasACabinetAiEmpiresALeaderAndTheCampaignAGameMaster) {
  const auto state = smallGame();
  const auto cast = generateCast(state, 9);
  ASSERT_EQ(cast.size(), 4u * kCabinetSize + 2 /* AI leaders */ + 1 /* game master */);
  std::set<std::string> names;
  int masters = 0;
  for (const auto& c : cast) {
    names.insert(c.name);
    EXPECT_EQ(c.campaign_id, 9);
    EXPECT_FALSE(c.personality.empty());
    EXPECT_FALSE(c.goals.empty());
    EXPECT_GE(c.voice.rate, 80);
    EXPECT_LE(c.voice.rate, 260);
    if (c.role == Role::kGameMaster) {
      masters++;
      EXPECT_EQ(c.civ, game::kNone);
    }
    if (c.role == Role::kLeader) {
      EXPECT_TRUE(state.civs[c.civ].ai);
    }
  }
  EXPECT_EQ(masters, 1);
  EXPECT_EQ(names.size(), cast.size()) << "names must be unique";
}

TEST(Character, NamesAreMadeOfWordsTheRecogniserKnows) {
  const auto vocabulary = game::nameVocabulary();
  for (const auto& c : generateCast(smallGame(), 1)) {
    std::istringstream words(c.name);
    std::string word;
    while (words >> word) {
      EXPECT_NE(std::find(vocabulary.begin(), vocabulary.end(), word), vocabulary.end())
          << word << " in " << c.name;
    }
  }
}

TEST(Character, SameCampaignSameCast) {
  EXPECT_EQ(generateCast(smallGame(5), 1), generateCast(smallGame(5), 1));
  EXPECT_NE(generateCast(smallGame(5), 1), generateCast(smallGame(6), 1));
}

TEST(Character, CardV2RoundTrip) {
  for (const auto& c : generateCast(smallGame(), 4)) {
    const auto card = toCardV2(c);
    EXPECT_EQ(card.at("spec").as_string(), "chara_card_v2");
    EXPECT_TRUE(card.at("data").at("extensions").as_object().contains("startales"));
    auto back = fromCardV2(json::parse(json::serialize(card)));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->name, c.name);
    EXPECT_EQ(back->role, c.role);
    EXPECT_EQ(back->civ, c.civ);
    EXPECT_EQ(back->voice, c.voice);
    EXPECT_EQ(back->goals, c.goals);
    EXPECT_NEAR(back->traits.boldness, c.traits.boldness, 1e-9);
  }
}

TEST(Character, CardsFromElsewhereAndBadCards) {
  auto foreign = fromCardV2(json::parse(
      R"({"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"Ada","personality":"kind"}})"));
  ASSERT_TRUE(foreign.ok());
  EXPECT_EQ(foreign->name, "Ada");
  for (const char* bad : {R"([1])", R"({"spec":"chara_card_v1","data":{"name":"A"}})",
                          R"({"spec":"chara_card_v2"})", R"({"spec":"chara_card_v2","data":{}})",
                          R"({"spec":"chara_card_v2","data":{"name":"A","extensions":{"startales":{"role":"king"}}}})"}) {
    auto r = fromCardV2(json::parse(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_card");
  }
}

// A card's persona goes into every prompt of its character: main took any size and any
// voice (an unknown variant, a pitch of 500 clamped silently).
json::value cardWith(const std::string& data_extra, const std::string& startales = "") {
  return json::parse(R"({"spec":"chara_card_v2","data":{"name":"Ada")" + data_extra +
                     R"(,"extensions":{"startales":{)" + startales + "}}}}");
}

TEST(Character, CardImportBoundsEveryFieldAndNamesIt) {
  const std::string big(2001, 'x');
  struct Case {
    json::value card;
    std::string code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {cardWith(R"(,"personality":")" + big + "\""), "card_too_large", R"("personality")"},
      {cardWith("", R"("speaking_style":")" + big + "\""), "card_too_large", R"("speaking_style")"},
      {cardWith("", R"("goals":[)" + [] {
                  std::string g;
                  for (int i = 0; i < 11; ++i) g += std::string(i ? "," : "") + R"("win")";
                  return g;
                }() + "]"),
       "card_too_large", R"("goals")"},
      {cardWith("", R"("goals":[")" + std::string(301, 'g') + R"("])"), "card_too_large",
       R"("goals")"},
      {json::parse(R"({"spec":"chara_card_v2","data":{"name":")" + std::string(81, 'n') + R"("}})"),
       "card_too_large", R"("name")"},
      {cardWith("", R"("voice":{"variant":"zz9"})"), "invalid_card", R"("variant")"},
      {cardWith("", R"("voice":{"variant":"m3","pitch":500})"), "invalid_card", R"("pitch")"},
      {cardWith("", R"("voice":{"rate":"fast"})"), "invalid_card", R"("rate")"},
      {cardWith("", R"("voice":"loud")"), "invalid_card", R"("voice")"},
      {cardWith(R"(,"personality":7)"), "invalid_card", R"("personality")"},
  };
  for (const auto& c : cases) {
    auto r = fromCardV2(c.card);
    ASSERT_FALSE(r.ok()) << json::serialize(c.card).substr(0, 120);
    EXPECT_EQ(r.error().code, c.code) << r.error().message;
    EXPECT_NE(r.error().message.find(c.field), std::string::npos) << r.error().message;
  }
  // At the limits is fine.
  auto ok = fromCardV2(cardWith(R"(,"personality":")" + std::string(2000, 'p') + "\"",
                                R"("voice":{"variant":"f5","pitch":99,"range":0,"rate":260})"));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->voice.variant, "f5");
  EXPECT_EQ(ok->voice.pitch, 99);
}

// Regression (UBSan float-cast-overflow, reading the importer for character_card_fuzz): numbers
// outside an int's range were converted to int before they were clamped, which is undefined.
TEST(Character, CardNumbersOutOfRangeAreClampedBeforeConversion) {
  auto r = fromCardV2(json::parse(R"({"spec":"chara_card_v2","data":{"name":"Ada","extensions":
      {"startales":{"civ":1e300,"campaign_id":-1e300}}}})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->civ, std::numeric_limits<int32_t>::max());
  EXPECT_EQ(r->campaign_id, 0);
  // Voice numbers out of range are refused (checked as doubles, before any conversion).
  for (const char* voice : {R"({"pitch":1e300})", R"({"range":-1e300})", R"({"rate":9.9e18})"}) {
    auto refused = fromCardV2(json::parse(
        std::string(R"({"spec":"chara_card_v2","data":{"name":"Ada","extensions":{"startales":{"voice":)") +
        voice + "}}}}"));
    ASSERT_FALSE(refused.ok()) << voice;
    EXPECT_EQ(refused.error().code, "invalid_card");
  }
  auto exact = fromCardV2(json::parse(R"({"spec":"chara_card_v2","data":{"name":"Ada","extensions":
      {"startales":{"civ":2,"voice":{"pitch":40.7,"rate":170}}}}})"));
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->civ, 2);
  EXPECT_EQ(exact->voice.pitch, 40);
  EXPECT_EQ(exact->voice.rate, 170);
}

}  // namespace
}  // namespace startales::ai
