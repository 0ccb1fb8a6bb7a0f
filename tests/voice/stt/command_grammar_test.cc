// Voice command grammar and parser: numbers, phrasings back to Actions with ids, and the
// JSGF text (sayable names only).

#include "voice/stt/command_grammar.h"

#include <gtest/gtest.h>

#include <set>

#include "voice/stt/number_words.h"

namespace startales::voice {
namespace {

Vocabulary smallVocabulary() {
  Vocabulary v;
  v.own_planets = {{"Terra", 3}, {"Vega Two", 7}};
  v.colonizable_planets = {{"Mira Four", 11}};
  v.enemy_planets = {{"Rigel One", 12}};
  v.systems = {{"Vega", 2}, {"Mira", 5}};
  v.fleets = {{"Crimson Scouts", 0}, {"First Fleet", 4}};
  v.civs = {{"Diamond Protectorate", 1}, {"the Zyx'qor Swarm", 2}};
  game::View empty;
  const Vocabulary rules = vocabularyFromView(empty);
  v.buildings = rules.buildings;
  v.ships = rules.ships;
  v.techs = rules.techs;
  v.goods = rules.goods;
  v.characters = {"Ada Cohen"};
  return v;
}

TEST(NumberWordsTest, RoundTrips) {
  for (int n : {0, 1, 7, 10, 13, 20, 25, 50, 99, 100, 101, 150, 999, 1000, 1005, 2500, 9999}) {
    const std::string words = numberWords(n);
    std::vector<std::string> split;
    for (const auto& w : normalizeWords(words)) split.push_back(w);
    EXPECT_EQ(parseNumberWords(split), n) << words;
  }
  auto parse = [](std::string_view s) { return parseNumberWords(normalizeWords(s)); };
  EXPECT_EQ(parse("a hundred and five"), 105);
  EXPECT_EQ(parse("120"), 120);
  EXPECT_EQ(parse("twenty twenty"), std::nullopt);
  EXPECT_EQ(parse("hundred"), std::nullopt);
  EXPECT_EQ(parse("farm"), std::nullopt);
}

TEST(CommandGrammarTest, ParsesEveryPhrasing) {
  const Vocabulary v = smallVocabulary();
  auto parse = [&v](std::string_view s) { return parseSpokenCommand(v, s); };
  EXPECT_EQ(parse("build a power plant on vega two"),
            game::Action(game::Build{7, game::Building::kPowerPlant}));
  EXPECT_EQ(parse("Build an exotics extractor on Terra."),
            game::Action(game::Build{3, game::Building::kExoticsExtractor}));
  EXPECT_EQ(parse("build a colony ship at terra"),
            game::Action(game::BuildShip{3, game::ShipClass::kColonyShip, 1}));
  EXPECT_EQ(parse("build three corvettes on vega two"),
            game::Action(game::BuildShip{7, game::ShipClass::kCorvette, 3}));
  EXPECT_EQ(parse("research fusion power"), game::Action(game::Research{3}));
  EXPECT_EQ(parse("move the crimson scouts to mira"), game::Action(game::MoveFleet{0, 5}));
  EXPECT_EQ(parse("send fleet first fleet to vega"), game::Action(game::MoveFleet{4, 2}));
  EXPECT_EQ(parse("colonize mira four with the crimson scouts"),
            game::Action(game::Colonize{0, 11}));
  EXPECT_EQ(parse("invade rigel one with first fleet"), game::Action(game::Invade{4, 12}));
  game::SetPolicy tax;
  tax.tax_rate = 25;
  EXPECT_EQ(parse("set taxes to twenty five percent"), game::Action(tax));
  EXPECT_EQ(parse("Set the tax rate to 25%"), game::Action(tax));
  game::SetPolicy tariff;
  tariff.tariff = 10;
  EXPECT_EQ(parse("set tariffs to ten percent"), game::Action(tariff));
  EXPECT_EQ(parse("sell one hundred fifty minerals"),
            game::Action(game::Trade{game::Resource::kMinerals, -150}));
  EXPECT_EQ(parse("buy 1,000 food"), game::Action(game::Trade{game::Resource::kFood, 1000}));
  EXPECT_EQ(parse("declare war on the diamond protectorate"),
            game::Action(game::DeclareWar{1}));
  EXPECT_EQ(parse("propose a trade pact with diamond protectorate"),
            game::Action(game::ProposeTreaty{1, game::Treaty::kTradePact}));
  EXPECT_EQ(parse("propose an alliance to the diamond protectorate"),
            game::Action(game::ProposeTreaty{1, game::Treaty::kAlliance}));
  EXPECT_EQ(parse("Ada, research lasers"), std::nullopt);  // "lasers" is no tech name
  EXPECT_EQ(parse("Ada Cohen, research laser weapons"), game::Action(game::Research{11}));
  EXPECT_EQ(parse("ada research laser weapons"), game::Action(game::Research{11}));
}

TEST(CommandGrammarTest, RejectsWhatIsNoCommand) {
  const Vocabulary v = smallVocabulary();
  for (const char* s : {"", "what a lovely day", "build a farm", "build a farm on mars",
                        "move the crimson scouts", "build eleven scouts at terra",
                        "research fusion power now", "colonize terra with the crimson scouts"}) {
    EXPECT_EQ(parseSpokenCommand(v, s), std::nullopt) << s;
  }
}

TEST(CommandGrammarTest, GrammarHoldsOnlySayableNames) {
  const Vocabulary v = smallVocabulary();
  const std::set<std::string> unknown = {"zyx'qor", "extractor"};
  auto known = [&unknown](std::string_view w) { return !unknown.contains(std::string(w)); };
  const CompiledGrammar g = buildGrammar(v, known);
  EXPECT_NE(g.jsgf.find("#JSGF V1.0;"), std::string::npos);
  EXPECT_NE(g.jsgf.find("vega two"), std::string::npos);
  EXPECT_NE(g.jsgf.find("crimson scouts"), std::string::npos);
  EXPECT_NE(g.jsgf.find("diamond protectorate"), std::string::npos);
  EXPECT_NE(g.jsgf.find("ada cohen"), std::string::npos);
  EXPECT_EQ(g.jsgf.find("zyx"), std::string::npos);
  EXPECT_EQ(g.jsgf.find("extractor"), std::string::npos);
  EXPECT_EQ(g.jsgf.find("<filler>"), std::string::npos);
  const std::set<std::string> skipped(g.skipped.begin(), g.skipped.end());
  EXPECT_TRUE(skipped.contains("zyx'qor swarm"));
  EXPECT_TRUE(skipped.contains("exotics extractor"));
  // Without fleets, no fleet phrasing (an empty JSGF rule would not compile).
  Vocabulary no_fleets = v;
  no_fleets.fleets.clear();
  const std::string jsgf = buildGrammar(no_fleets, known).jsgf;
  EXPECT_EQ(jsgf.find("<fleet>"), std::string::npos);
  EXPECT_NE(buildGrammar(v, known, true).jsgf.find("<filler> = ("), std::string::npos);
}

// Regression (found by grammar_fuzz): a character whose name has no word at all (a Character
// Card may call one "!!!") made buildGrammar read the first word of an empty list (a crash).
TEST(CommandGrammarTest, CharacterNameWithoutWordsIsLeftOut) {
  Vocabulary v = smallVocabulary();
  v.characters = {"!!!", "Ada Cohen"};
  const CompiledGrammar g = buildGrammar(v, [](std::string_view) { return true; });
  EXPECT_NE(g.jsgf.find("<character> = ada | ada cohen;"), std::string::npos) << g.jsgf;
  EXPECT_EQ(parseSpokenCommand(v, "!!! research fusion power"), game::Action(game::Research{3}));
  v.characters = {"..."};
  const CompiledGrammar none = buildGrammar(v, [](std::string_view) { return true; });
  EXPECT_EQ(none.jsgf.find("<character>"), std::string::npos) << none.jsgf;
}

TEST(VocabularyTest, HashFollowsContent) {
  Vocabulary a = smallVocabulary();
  Vocabulary b = a;
  EXPECT_EQ(a.hash(), b.hash());
  b.fleets[0].id = 9;
  EXPECT_NE(a.hash(), b.hash());
  EXPECT_EQ(spokenWords("Vega Two"), (std::vector<std::string>{"vega", "two"}));
}

}  // namespace
}  // namespace startales::voice
