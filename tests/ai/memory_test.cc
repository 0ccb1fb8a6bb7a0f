#include "ai/memory.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

namespace startales::ai {
namespace {

constexpr int64_t kAlice = 7;
constexpr int64_t kBob = 8;

// Everyday reports about other matters, mentioning other places, for filling a stream.
std::string filler(std::mt19937& rng) {
  static const std::vector<std::string> kTopics = {
      "The treasury collected {n} credits in taxes from {p}",
      "Science finished researching improved hydroponics on {p}",
      "A trade delegation from {p} asked for lower tariffs",
      "The people of {p} celebrated the harvest festival",
      "Mining output on {p} rose by {n} percent",
      "An envoy from {p} proposed a cultural exchange",
      "Construction of a spaceport on {p} is {n} percent complete",
      "Unrest in the slums of {p} calmed after new housing",
      "Pirates were sighted near the asteroid belt of {p}",
      "The academy on {p} graduated {n} new engineers",
      "The fleet at {p} finished its patrol",
  };
  static const std::vector<std::string> kPlaces = {"Sirius", "Altair", "Deneb",   "Rigel",
                                                   "Mars",   "Lyra",   "Procyon", "Kepler"};
  std::string s = kTopics[rng() % kTopics.size()];
  s.replace(s.find("{p}"), 3, kPlaces[rng() % kPlaces.size()]);
  if (const auto n = s.find("{n}"); n != std::string::npos) {
    s.replace(n, 3, std::to_string(rng() % 90 + 10));
  }
  return s;
}

class MemoryTest : public ::testing::Test {
 protected:
  std::unique_ptr<MemoryStream> open(const MemoryConfig& config = {}) {
    auto s = MemoryStream::open(1, 12, embedder_, nullptr, clock_, config);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return std::move(s).value();
  }
  static void remember(MemoryStream& s, const std::string& scope, const std::string& text,
                       int32_t tick, int importance) {
    auto m = s.remember(scope, text, tick, importance);
    ASSERT_TRUE(m.ok()) << m.error().message;
  }
  static std::vector<std::string> texts(const std::vector<ScoredMemory>& r) {
    std::vector<std::string> out;
    out.reserve(r.size());
    for (const auto& m : r) out.push_back(m.memory.text);
    return out;
  }

  BuiltinEmbedder embedder_;
  ManualClock clock_;
};

TEST_F(MemoryTest, RecencyImportanceAndRelevanceEachRank) {
  auto s = open();
  // Recency: the same memory twice, the newer wins.
  remember(*s, "campaign", "The Vega shipyard launched a frigate", 10, 5);
  remember(*s, "campaign", "The Vega shipyard launched a frigate", 900, 5);
  auto r = s->retrieve("Vega shipyard frigate", 1000, std::nullopt, 2);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(r->at(0).memory.tick, 900);
  EXPECT_GT(r->at(0).recency, r->at(1).recency);
  EXPECT_DOUBLE_EQ(r->at(0).relevance, r->at(1).relevance);

  // Importance: same text, same tick; the more important wins.
  auto s2 = open();
  remember(*s2, "campaign", "The senate debated the budget", 50, 2);
  remember(*s2, "campaign", "The senate debated the budget", 50, 9);
  r = s2->retrieve("senate budget", 60, std::nullopt, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at(0).memory.importance, 9);
  EXPECT_DOUBLE_EQ(r->at(0).importance, 0.9);

  // Relevance: same tick and importance; the one about the query wins.
  auto s3 = open();
  remember(*s3, "campaign", "Plasma cannons were installed on the flagship", 50, 5);
  remember(*s3, "campaign", "Grain prices fell across the colonies", 50, 5);
  r = s3->retrieve("flagship plasma cannons", 60, std::nullopt, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at(0).memory.text, "Plasma cannons were installed on the flagship");
  EXPECT_GT(r->at(0).relevance, 0.5);
}

TEST_F(MemoryTest, WeightsDecideBetweenOldRelevantAndNewImportant) {
  const auto fill = [&](MemoryStream& s) {
    remember(s, "campaign", "Admiral Okoro swore to defend the Vega gate", 1000, 5);
    remember(s, "campaign", "A comet storm damaged the Deneb observatory", 2000, 9);
  };
  auto by_default = open();
  fill(*by_default);
  auto r = by_default->retrieve("who defends the Vega gate?", 2000, std::nullopt, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at(0).memory.text, "Admiral Okoro swore to defend the Vega gate");

  MemoryConfig no_relevance;
  no_relevance.relevance_weight = 0;
  auto recency_and_importance = open(no_relevance);
  fill(*recency_and_importance);
  r = recency_and_importance->retrieve("who defends the Vega gate?", 2000, std::nullopt, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at(0).memory.text, "A comet storm damaged the Deneb observatory");

  // The score is the weighted sum of the reported components.
  MemoryConfig c;
  c.recency_weight = 0.5;
  c.importance_weight = 3;
  c.relevance_weight = 1.5;
  auto weighted = open(c);
  fill(*weighted);
  r = weighted->retrieve("Vega gate", 2000, std::nullopt, 2);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  for (const auto& m : *r) {
    EXPECT_NEAR(m.score, 0.5 * m.recency + 3 * m.importance + 1.5 * m.relevance, 1e-9);
    // One half-life (1000 ticks) ago, or now.
    EXPECT_NEAR(m.recency, m.memory.tick == 1000 ? 0.5 : 1.0, 1e-12);
  }
  EXPECT_EQ(r->at(0).memory.importance, 9);  // importance weighs most here
}

TEST_F(MemoryTest, WhatThePlayerSaid500TicksAgoIsRetrievedWhenItMatters) {
  for (const int threshold : {1'000'000, 100}) {  // exact, then hnswlib
    MemoryConfig config;
    config.hnsw_threshold = threshold;
    config.ann_candidates = 8;  // small, so the graph is searched rather than skipped
    config.recent_per_importance = 2;
    auto s = open(config);
    remember(*s, playerScope(kAlice),
             "The player told me: keep the reserve fleet at Vega, never send it away", 100, 6);
    std::mt19937 rng(42);
    for (int tick = 101; tick <= 600; ++tick) {
      remember(*s, "campaign", filler(rng), tick, static_cast<int>(rng() % 10) + 1);
      if (tick % 5 == 0) {
        remember(*s, playerScope(kAlice), filler(rng), tick, static_cast<int>(rng() % 10) + 1);
      }
    }
    EXPECT_EQ(s->localIndex()->usesHnsw("campaign"), threshold == 100);
    auto r = s->retrieve("should we send the Vega reserve fleet to the front?", 600, kAlice);
    ASSERT_TRUE(r.ok());
    const auto found = texts(*r);
    EXPECT_NE(std::find(found.begin(), found.end(),
                        "The player told me: keep the reserve fleet at Vega, never send it away"),
              found.end())
        << "threshold " << threshold;
    // And it is the best match, not just present.
    EXPECT_EQ(r->at(0).memory.tick, 100);
    EXPECT_EQ(s->localIndex()->stats().graph_searches > 0, threshold == 100);
  }
}

TEST_F(MemoryTest, PrivateMemoriesNeverReachAnotherPlayer) {
  for (const int threshold : {1'000'000, 50}) {  // exact, then hnswlib for every scope
    MemoryConfig config;
    config.hnsw_threshold = threshold;
    config.ann_candidates = 8;
    config.recent_per_importance = 2;
    auto s = open(config);
    std::mt19937 rng(7);
    // Alice's secrets match the query perfectly and are the most important and recent.
    for (int i = 0; i < 200; ++i) {
      remember(*s, playerScope(kAlice), "secret plan to invade Vega with the black fleet", 1000,
               10);
      remember(*s, "campaign", filler(rng), i, 3);
      remember(*s, playerScope(kBob), filler(rng), i, 3);
    }
    ASSERT_EQ(s->localIndex()->usesHnsw(playerScope(kAlice)), threshold == 50);
    for (const auto mode : {SearchMode::kAuto, SearchMode::kExact}) {
      auto for_bob =
          s->retrieve("secret plan to invade Vega with the black fleet", 1000, kBob, 50, mode);
      ASSERT_TRUE(for_bob.ok());
      EXPECT_EQ(for_bob->size(), 50u);
      for (const auto& m : *for_bob) EXPECT_NE(m.memory.scope, playerScope(kAlice));
      auto for_nobody = s->retrieve("secret plan to invade Vega", 1000, std::nullopt, 50, mode);
      ASSERT_TRUE(for_nobody.ok());
      for (const auto& m : *for_nobody) EXPECT_EQ(m.memory.scope, "campaign");
      auto for_alice = s->retrieve("secret plan to invade Vega", 1000, kAlice, 5, mode);
      ASSERT_TRUE(for_alice.ok());
      ASSERT_EQ(for_alice->size(), 5u);
      for (const auto& m : *for_alice) EXPECT_EQ(m.memory.scope, playerScope(kAlice));
    }
    EXPECT_EQ(s->localIndex()->stats().graph_searches > 0, threshold == 50);
  }
}

// Regression: a single round of graph candidates (ranked by relevance only) missed the
// memories that win on recency and importance among many equally relevant ones.
TEST_F(MemoryTest, HnswSearchAgreesWithExactAmongEquallyRelevantMemories) {
  MemoryConfig config;
  config.hnsw_threshold = 500;
  auto s = open(config);
  std::mt19937 rng(3);
  for (int tick = 0; tick < 3000; ++tick) {
    remember(*s, "campaign", filler(rng), tick, static_cast<int>(rng() % 10) + 1);
  }
  ASSERT_TRUE(s->localIndex()->usesHnsw("campaign"));
  int agree = 0;
  int total = 0;
  for (const char* q : {"taxes collected from Sirius", "pirates near the asteroid belt",
                        "engineers graduated from the academy", "trade tariffs with Deneb"}) {
    auto approx = s->retrieve(q, 3000, std::nullopt, 8, SearchMode::kAuto);
    auto exact = s->retrieve(q, 3000, std::nullopt, 8, SearchMode::kExact);
    ASSERT_TRUE(approx.ok() && exact.ok());
    std::set<int64_t> ids;
    for (const auto& m : *exact) ids.insert(m.memory.id);
    for (const auto& m : *approx) agree += static_cast<int>(ids.count(m.memory.id));
    total += static_cast<int>(exact->size());
  }
  EXPECT_GE(agree * 10, total * 9) << agree << " of " << total;
  EXPECT_GT(s->localIndex()->stats().graph_searches, 0u);
}

TEST_F(MemoryTest, ReflectionAfterEnoughImportancePerScope) {
  MemoryConfig config;
  config.reflection_threshold = 30;
  auto s = open(config);
  EXPECT_FALSE(s->needsReflection("campaign"));
  EXPECT_EQ(s->reflectionSummary("campaign"), "");
  remember(*s, "campaign", "Taxes were raised on Mars.", 1, 4);
  remember(*s, "campaign", "The Vega fleet was attacked by raiders.", 2, 9);
  remember(*s, "campaign", "A plague broke out on Deneb.", 3, 8);
  remember(*s, playerScope(kAlice), "Alice asked me to spy on Bob.", 4, 10);
  EXPECT_FALSE(s->needsReflection("campaign"));  // 21
  remember(*s, "campaign", "Grain stores are full.", 5, 2);
  remember(*s, "campaign", "Rebels seized the Deneb capital.", 6, 8);
  EXPECT_TRUE(s->needsReflection("campaign"));  // 31
  EXPECT_FALSE(s->needsReflection(playerScope(kAlice)));
  EXPECT_EQ(s->scopesNeedingReflection(), std::vector<std::string>{"campaign"});

  // Most important first; of the two 8s, the more recent first. Private memories stay out.
  const std::string summary = s->reflectionSummary("campaign");
  EXPECT_EQ(summary,
            "I have noted: The Vega fleet was attacked by raiders; Rebels seized the Deneb "
            "capital; A plague broke out on Deneb.");
  auto reflection = s->addReflection("campaign", summary, 7, 6);
  ASSERT_TRUE(reflection.ok());
  EXPECT_EQ(reflection->kind, "reflection");
  EXPECT_FALSE(s->needsReflection("campaign"));
  EXPECT_EQ(s->ledger().importanceSinceReflection("campaign"), 0);
  EXPECT_EQ(s->reflectionSummary("campaign"), "");
  remember(*s, "campaign", "The treasury is empty.", 7, 5);
  EXPECT_EQ(s->ledger().importanceSinceReflection("campaign"), 5);
  // The reflection itself is a memory that can be retrieved.
  auto r = s->retrieve("what have you noted about Deneb and Vega?", 8, std::nullopt, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at(0).memory.kind, "reflection");
}

TEST_F(MemoryTest, BadInputIsAnError) {
  auto s = open();
  for (const char* scope : {"", "player:", "player:0", "player:-3", "player:12x", "everyone"}) {
    auto m = s->remember(scope, "x", 1, 5);
    ASSERT_FALSE(m.ok()) << scope;
    EXPECT_EQ(m.error().code, "invalid_field");
  }
  EXPECT_FALSE(s->remember("campaign", "x", 1, 0).ok());
  EXPECT_FALSE(s->remember("campaign", "x", 1, 11).ok());
  EXPECT_TRUE(s->remember("player:12", "x", 1, 10).ok());

  MemoryConfig bad;
  bad.recency_half_life_ticks = 0;
  bad.top_k = 0;
  auto opened = MemoryStream::open(1, 12, embedder_, nullptr, clock_, bad);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, "invalid_config");
  EXPECT_NE(opened.error().message.find("half-life"), std::string::npos);
  EXPECT_NE(opened.error().message.find("top_k"), std::string::npos);
}

}  // namespace
}  // namespace startales::ai
