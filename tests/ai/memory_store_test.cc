#include "ai/memory_store.h"

#include <gtest/gtest.h>

#include "ai/memory.h"
#include "store/database.h"
#include "support/test_database.h"

namespace startales::ai {
namespace {

constexpr int64_t kCharacter = 12;

class MemoryStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto t = store::TestDatabase::create(GetParam());
    ASSERT_TRUE(t.ok()) << t.error().message;
    test_db_ = std::move(t).value();
    auto db = store::Database::open(test_db_->config());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    ASSERT_TRUE(store::migrate(*db_).ok());
    auto u = store::insertTestUser(*db_, "alice");
    ASSERT_TRUE(u.ok()) << u.error().message;
    alice_ = *u;
    auto c = store::insertTestCampaign(*db_, alice_);
    ASSERT_TRUE(c.ok()) << c.error().message;
    campaign_ = *c;
    store_ = std::make_unique<MemoryStore>(*db_);
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    test_db_.reset();
  }

  Result<std::unique_ptr<MemoryStream>> open(Embedder& embedder, const MemoryConfig& c = {}) {
    return MemoryStream::open(campaign_, kCharacter, embedder, store_.get(), clock_, c);
  }

  std::unique_ptr<store::TestDatabase> test_db_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<MemoryStore> store_;
  ManualClock clock_;
  int64_t alice_ = 0;
  int64_t campaign_ = 0;
};

TEST_P(MemoryStoreTest, RoundTripRebuildsTheSameIndex) {
  BuiltinEmbedder embedder;
  MemoryConfig config;
  config.hnsw_threshold = 40;  // the campaign scope gets a graph, the private one does not
  std::vector<std::vector<ScoredMemory>> before;
  {
    auto s = open(embedder, config);
    ASSERT_TRUE(s.ok()) << s.error().message;
    for (int i = 0; i < 60; ++i) {
      auto m =
          (*s)->remember("campaign", "Report " + std::to_string(i) + " from Sirius", i, i % 10 + 1);
      ASSERT_TRUE(m.ok()) << m.error().message;
      EXPECT_GT(m->id, 0);
    }
    ASSERT_TRUE((*s)->remember(playerScope(alice_), "Alice trusts the Vega admiral", 61, 9).ok());
    ASSERT_TRUE((*s)->remember(playerScope(alice_), "Alice fears the Deneb senate", 62, 3).ok());
    ASSERT_TRUE((*s)->addReflection(playerScope(alice_), "I have noted: trust", 5, 63).ok());
    ASSERT_TRUE((*s)->remember(playerScope(alice_), "Alice wants more ships", 64, 4).ok());
    for (const char* q : {"Vega admiral", "report from Sirius", "ships"}) {
      auto r = (*s)->retrieve(q, 70, alice_, 5);
      ASSERT_TRUE(r.ok());
      before.push_back(*r);
    }
  }
  auto count = store_->count(kCharacter);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 64);
  EXPECT_EQ(*store_->count(kCharacter + 1), 0);

  auto s = open(embedder, config);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ((*s)->localIndex()->size(), 64u);
  EXPECT_TRUE((*s)->localIndex()->usesHnsw("campaign"));
  EXPECT_FALSE((*s)->localIndex()->usesHnsw(playerScope(alice_)));
  EXPECT_EQ((*s)->ledger().importanceSinceReflection(playerScope(alice_)), 4);
  size_t i = 0;
  for (const char* q : {"Vega admiral", "report from Sirius", "ships"}) {
    auto r = (*s)->retrieve(q, 70, alice_, 5);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->size(), before[i].size()) << q;
    for (size_t j = 0; j < r->size(); ++j) {
      const Memory& a = r->at(j).memory;
      const Memory& b = before[i][j].memory;
      EXPECT_EQ(a.id, b.id);
      EXPECT_EQ(a.text, b.text);
      EXPECT_EQ(a.scope, b.scope);
      EXPECT_EQ(a.kind, b.kind);
      EXPECT_EQ(a.tick, b.tick);
      EXPECT_EQ(a.importance, b.importance);
      EXPECT_EQ(a.campaign_id, campaign_);
      EXPECT_EQ(a.created_at_ms, clock_.nowMs());
      EXPECT_DOUBLE_EQ(r->at(j).score, before[i][j].score);  // embeddings survive bit for bit
    }
    ++i;
  }

  auto loaded = store_->loadForCharacter(kCharacter, embedder.dimension());
  ASSERT_TRUE(loaded.ok());
  auto fresh = embedder.embed(loaded->front().text);
  EXPECT_EQ(loaded->front().embedding, *fresh);
}

TEST_P(MemoryStoreTest, DimensionMismatchIsAClearError) {
  BuiltinEmbedder big(768);
  {
    auto s = open(big);
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_TRUE((*s)->remember("campaign", "The Vega fleet was attacked", 5, 7).ok());
  }
  BuiltinEmbedder small(384);
  auto s = open(small);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "embedding_dimension_mismatch");
  EXPECT_EQ(s.error().message,
            "memories of character 12 were embedded with dimension 768 but the embedder gives "
            "384; re-embed or use the same model");
  auto check = store_->checkDimension(384);
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().message, s.error().message);
  EXPECT_TRUE(store_->checkDimension(768).ok());
  EXPECT_TRUE(open(big).ok());
}

TEST(EmbeddingCodecTest, LittleEndianFloat32Base64) {
  EXPECT_EQ(encodeEmbedding(std::vector<float>{1.0F}), "AACAPw==");  // 0x3f800000, LE
  const std::vector<float> v = {0.0F, -1.5F, 3.25e-7F, 12345.678F};
  auto back = decodeEmbedding(encodeEmbedding(v), 4);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, v);
  EXPECT_FALSE(decodeEmbedding(encodeEmbedding(v), 3).has_value());
  EXPECT_FALSE(decodeEmbedding("not base64!", 4).has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, MemoryStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace startales::ai
