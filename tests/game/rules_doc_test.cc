// docs/game-rules.md embeds the generated rule tables (rulesMarkdown(), printed by
// `startales rules`) between two marker lines. This test keeps that copy equal to the code.

#include "game/rules_doc.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "game/rules.h"

#ifndef STARTALES_GAME_RULES_MD
#error "STARTALES_GAME_RULES_MD must name docs/game-rules.md (see tests/game/CMakeLists.txt)"
#endif

namespace startales::game {
namespace {

constexpr std::string_view kBegin = "<!-- BEGIN GENERATED RULES (startales rules) -->\n";
constexpr std::string_view kEnd = "<!-- END GENERATED RULES -->";
constexpr std::string_view kHowToFix =
    "docs/game-rules.md is out of date with the rules in src/game/rules.h. Rebuild, run\n"
    "  build/dev/src/app/startales rules\n"
    "and paste its output between the lines\n"
    "  <!-- BEGIN GENERATED RULES (startales rules) -->\n"
    "  <!-- END GENERATED RULES -->\n"
    "in docs/game-rules.md (then re-read the hand-written sections that explain those numbers).";

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The 1-based number and text of the first line where a and b differ.
std::string firstDifference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(sa, la));
    const bool more_b = static_cast<bool>(std::getline(sb, lb));
    if (!more_a && !more_b) return "(they differ only in line endings)";
    if (!more_a || !more_b || la != lb) {
      return "line " + std::to_string(line) +
             " of the block:\n  document:  " + (more_a ? la : "(end of block)") +
             "\n  generated: " + (more_b ? lb : "(end)");
    }
  }
}

TEST(RulesDocTest, DocumentEmbedsTheGeneratedRules) {
  const std::string doc = readFile(STARTALES_GAME_RULES_MD);
  ASSERT_FALSE(doc.empty()) << "cannot read " << STARTALES_GAME_RULES_MD;
  const size_t begin = doc.find(kBegin);
  ASSERT_NE(begin, std::string::npos) << "no line " << kBegin << "in docs/game-rules.md\n"
                                      << kHowToFix;
  ASSERT_EQ(doc.find(kBegin, begin + 1), std::string::npos) << "two BEGIN markers\n" << kHowToFix;
  const size_t start = begin + kBegin.size();
  const size_t end = doc.find(kEnd, start);
  ASSERT_NE(end, std::string::npos) << "no line " << kEnd << " after the BEGIN marker\n"
                                    << kHowToFix;
  ASSERT_TRUE(end == 0 || doc[end - 1] == '\n') << kEnd << " must start a line";

  const std::string embedded = doc.substr(start, end - start);
  const std::string generated = rulesMarkdown();
  if (embedded != generated) {
    FAIL() << kHowToFix << "\n\nFirst difference, " << firstDifference(embedded, generated);
  }
}

TEST(RulesDocTest, GeneratedRulesNameEveryTableEntry) {
  const std::string md = rulesMarkdown();
  ASSERT_FALSE(md.empty());
  EXPECT_EQ(md.back(), '\n');
  EXPECT_EQ(md, rulesMarkdown()) << "not deterministic";
  for (int b = 0; b < kBuildingCount; ++b) {
    EXPECT_NE(md.find(buildingRule(static_cast<Building>(b)).name), std::string::npos);
  }
  for (int c = 0; c < kShipClassCount; ++c) {
    EXPECT_NE(md.find(shipRule(static_cast<ShipClass>(c)).name), std::string::npos);
  }
  for (int t = 0; t < kTechCount; ++t) EXPECT_NE(md.find(techRule(t).name), std::string::npos);
  for (int e = 0; e < kEventKindCount; ++e) {
    const EventRule& rule = eventRule(static_cast<EventKind>(e));
    EXPECT_NE(md.find(rule.name), std::string::npos);
    for (auto option : rule.options) EXPECT_NE(md.find(option), std::string::npos);
  }
  for (int p = 0; p < kPlanetTypeCount; ++p) {
    EXPECT_NE(md.find(planetTypeName(static_cast<PlanetType>(p))), std::string::npos);
  }
}

}  // namespace
}  // namespace startales::game
