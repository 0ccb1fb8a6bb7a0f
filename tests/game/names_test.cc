#include "game/names.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace startales::game {
namespace {

constexpr const char* kDictPath = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// word (lower case, without the "(2)" variant marker) -> its pronunciations.
const std::map<std::string, std::set<std::string>>* dictionary() {
  static const auto* dict = [] {
    auto* out = new std::map<std::string, std::set<std::string>>;
    std::ifstream in(kDictPath);
    if (!in) return out;
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string word, phone, phones;
      words >> word;
      if (const size_t paren = word.find('('); paren != std::string::npos) word.resize(paren);
      while (words >> phone) phones += (phones.empty() ? "" : " ") + phone;
      (*out)[word].insert(phones);
    }
    return out;
  }();
  return dict;
}

#define REQUIRE_DICTIONARY()                                                        \
  if (dictionary()->empty()) {                                                      \
    FAIL() << "the pocketsphinx dictionary " << kDictPath                           \
           << " is missing: run scripts/bootstrap.sh (package pocketsphinx-en-us)"; \
  }

std::vector<std::string> words(const std::string& name) {
  std::istringstream in(name);
  std::vector<std::string> out;
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

TEST(NamesTest, EveryVocabularyWordIsInTheRecogniserDictionary) {
  REQUIRE_DICTIONARY();
  std::vector<std::string> missing;
  for (std::string_view w : nameVocabulary()) {
    if (!dictionary()->contains(lower(w))) missing.emplace_back(w);
  }
  EXPECT_TRUE(missing.empty()) << "not in " << kDictPath << ": "
                               << ::testing::PrintToString(missing);
  EXPECT_GT(nameVocabulary().size(), 700u);
}

TEST(NamesTest, NoTwoVocabularyWordsSoundAlike) {
  REQUIRE_DICTIONARY();
  std::map<std::string, std::string> by_sound;
  for (std::string_view w : nameVocabulary()) {
    auto it = dictionary()->find(lower(w));
    if (it == dictionary()->end()) continue;  // reported by the test above
    for (const std::string& sound : it->second) {
      auto [at, fresh] = by_sound.emplace(sound, std::string(w));
      EXPECT_TRUE(fresh) << w << " sounds like " << at->second << " (" << sound << ")";
    }
  }
}

TEST(NamesTest, PoolsAreUniqueAndPlaceWordsDisjoint) {
  std::map<std::string, std::string> pool_of;
  auto add = [&](std::span<const std::string_view> pool, const std::string& name) {
    for (std::string_view w : pool) {
      auto [at, fresh] = pool_of.emplace(lower(w), name);
      EXPECT_TRUE(fresh) << w << " is in " << name << " and " << at->second;
      EXPECT_TRUE(std::isupper(static_cast<unsigned char>(w[0]))) << w;
    }
  };
  add(kStarWords, "stars");
  add(kSystemSuffixes, "suffixes");
  add(kPlanetOrdinals, "ordinals");
  add(kHomeworldNames, "homeworlds");
  add(kCivWords, "civ words");
  add(kPolityWords, "polities");
  pool_of.clear();
  add(kFirstNames, "first names");
  add(kFamilyNames, "family names");
  EXPECT_GE(kStarWords.size(), 300u);
  EXPECT_GE(kHomeworldNames.size(), 40u);
  EXPECT_GE(kCivWords.size(), 32u);
  EXPECT_GE(kFirstNames.size(), 100u);
  EXPECT_GE(kFamilyNames.size(), 100u);
}

TEST(NamesTest, FiveThousandUniqueSystemNamesFromTheVocabulary) {
  const auto vocab = nameVocabulary();
  const std::set<std::string_view> known(vocab.begin(), vocab.end());
  NameGenerator gen;
  Rng rng(7);
  std::set<std::string> seen;
  int single = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::string name = gen.systemName(rng);
    EXPECT_TRUE(seen.insert(name).second) << "duplicate " << name;
    const auto parts = words(name);
    ASSERT_GE(parts.size(), 1u);
    ASSERT_LE(parts.size(), 2u) << name;
    if (parts.size() == 1) ++single;
    for (const auto& w : parts) EXPECT_TRUE(known.contains(w)) << w << " in " << name;
  }
  EXPECT_EQ(single, static_cast<int>(kStarWords.size()));  // every single word used
}

TEST(NamesTest, SmallGalaxiesMostlyGetSingleWords) {
  NameGenerator gen;
  Rng rng(3);
  int single = 0;
  for (int i = 0; i < 100; ++i) single += words(gen.systemName(rng)).size() == 1 ? 1 : 0;
  EXPECT_GE(single, 70);
}

TEST(NamesTest, NamesStayUniqueBeyondThePoolCapacity) {
  NameGenerator gen;
  Rng rng(11);
  std::set<std::string> seen;
  const size_t capacity = kStarWords.size() * (kSystemSuffixes.size() + 1);
  for (size_t i = 0; i < capacity + 500; ++i) {
    ASSERT_TRUE(seen.insert(gen.systemName(rng)).second) << "at " << i;
  }
  std::set<std::string> homes;
  for (size_t i = 0; i < kHomeworldNames.size() + 20; ++i) {
    ASSERT_TRUE(homes.insert(gen.homeworldName(rng)).second);
  }
}

TEST(NamesTest, DeterministicForASeed) {
  auto run = [](uint64_t seed) {
    NameGenerator gen;
    Rng rng(seed);
    std::vector<std::string> out;
    for (int i = 0; i < 500; ++i) out.push_back(gen.systemName(rng));
    for (int i = 0; i < 10; ++i) out.push_back(gen.homeworldName(rng));
    for (int i = 0; i < 10; ++i) out.push_back(gen.civName(rng).name);
    for (int i = 0; i < 50; ++i) out.push_back(gen.personName(rng));
    return out;
  };
  EXPECT_EQ(run(42), run(42));
  EXPECT_NE(run(42), run(43));
}

TEST(NamesTest, PlanetNamesUseOrdinals) {
  EXPECT_EQ(planetName("Vega", 0), "Vega One");
  EXPECT_EQ(planetName("Vega Prime", 5), "Vega Prime Six");
}

TEST(NamesTest, CivNamesHaveUniqueAdjectivesAndVariedPolities) {
  NameGenerator gen;
  Rng rng(5);
  gen.reserveCivAdjective("crimson");  // a human player's name, any case
  std::set<std::string> adjectives, polities;
  for (int i = 0; i < 32; ++i) {
    const CivName civ = gen.civName(rng);
    EXPECT_NE(civ.adjective, "Crimson");
    EXPECT_TRUE(adjectives.insert(civ.adjective).second) << civ.adjective;
    ASSERT_EQ(civ.name.rfind(civ.adjective + " ", 0), 0u) << civ.name;
    const std::string polity = civ.name.substr(civ.adjective.size() + 1);
    EXPECT_NE(std::find(kPolityWords.begin(), kPolityWords.end(), polity), kPolityWords.end());
    EXPECT_TRUE(polities.insert(polity).second) << polity << " repeated before all were used";
  }
}

TEST(NamesTest, ReservedNamesAreNeverGenerated) {
  NameGenerator gen;
  Rng rng(9);
  for (std::string_view w : kStarWords) {
    if (w != "Vega") gen.reserveSystemName(w);
  }
  gen.reserveSystemName("vega prime");  // matching ignores case
  const size_t free = kStarWords.size() * (kSystemSuffixes.size() + 1) - kStarWords.size();
  std::set<std::string> seen;
  for (size_t i = 0; i < free; ++i) {
    const std::string name = gen.systemName(rng);
    ASSERT_TRUE(seen.insert(name).second) << name;
    if (words(name).size() == 1) {
      EXPECT_EQ(name, "Vega");
    }
    EXPECT_NE(name, "Vega Prime");
  }
  EXPECT_TRUE(seen.contains("Vega"));
  // Every combination is taken now: two star words.
  const auto parts = words(gen.systemName(rng));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_NE(std::find(kStarWords.begin(), kStarWords.end(), parts[1]), kStarWords.end());
}

TEST(NamesTest, PersonNamesAreUnique) {
  NameGenerator gen;
  Rng rng(13);
  std::set<std::string> seen;
  gen.reservePersonName("Ada Lee");
  for (int i = 0; i < 3000; ++i) {
    const std::string name = gen.personName(rng);
    EXPECT_EQ(words(name).size(), 2u) << name;
    EXPECT_NE(name, "Ada Lee");
    EXPECT_TRUE(seen.insert(name).second) << name;
  }
}

}  // namespace
}  // namespace startales::game
