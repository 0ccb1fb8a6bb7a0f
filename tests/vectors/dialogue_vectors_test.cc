// The dialogue on a Qdrant memory index (a protocol-faithful fake Qdrant, support/
// fake_qdrant_server.h): memories are written to and found through Qdrant, and when Qdrant
// fails (503, timeout, dropped connection) the character still answers, without memories,
// with a notice saying so, the failure logged and counted.

#include "ai/dialogue_fixture.h"
#include "metrics/metrics.h"
#include "support/fake_qdrant_server.h"
#include "vectors/qdrant_index.h"

namespace startales::ai::dialogue_testing {
namespace {

using testing::FakeQdrantServer;

class DialogueOnQdrantTest : public DialogueTest {
 protected:
  void SetUp() override {
    DialogueTest::SetUp();
    vectors::QdrantConfig q;
    q.url = qdrant_.url();
    q.collection = "dialogue_memories";
    q.timeout_ms = 800;
    auto b = vectors::QdrantVectorBackend::open(q, embedder_.dimension(), &vectors_metrics_);
    ASSERT_TRUE(b.ok()) << b.error().message;
    backend_ = std::move(b).value();
    vectors_ = backend_.get();
  }
  void TearDown() override {
    DialogueTest::TearDown();
    qdrant_.stop();
  }
  double failedSearches(const std::string& outcome) {
    const std::string text = metrics_.render();
    const std::string key = "vectors_requests_total{op=\"search\",outcome=\"" + outcome + "\"} ";
    const auto at = text.find(key);
    return at == std::string::npos ? 0 : std::stod(text.substr(at + key.size()));
  }

  FakeQdrantServer qdrant_;
  metrics::Metrics metrics_;
  vectors::VectorsMetrics vectors_metrics_{metrics_.registry()};
  std::unique_ptr<vectors::QdrantVectorBackend> backend_;
};

TEST_F(DialogueOnQdrantTest, MemoriesGoThroughQdrantAndAFailingQdrantStillGetsAnAnswer) {
  makeDialogue();
  const Campaign c = startCampaign(20);
  pause(c);
  const int64_t treasurer = characterId(alice_, c, "treasury", c.alice_civ);
  auto first = talk(alice_, c, treasurer, "Remember: the Vega shipyard must never be sold.");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->contains("notice")) << json::serialize(*first);
  ASSERT_GE(qdrant_.pointCount("dialogue_memories"), 1u);  // the player's line, as a point

  using Kind = FakeQdrantServer::Failure::Kind;
  const std::vector<std::pair<FakeQdrantServer::Failure, int>> failures = {
      {{Kind::kUnavailable, 0, "/points/search"}, 3},  // first try + 2 retries
      {{Kind::kDrop, 0, "/points/search"}, 3},
      {{Kind::kSlow, 3'000, "/points/search"}, 1},
  };
  for (const auto& [failure, times] : failures) {
    qdrant_.fail(failure, times);
    const std::string said = "What do we do with the Vega shipyard?";
    auto done = talk(alice_, c, treasurer, said);
    ASSERT_TRUE(done.ok()) << done.error().message;
    ASSERT_TRUE(done->contains("notice")) << json::serialize(*done);
    EXPECT_TRUE(contains(str(done->at("notice")), "Memories are out of reach"))
        << done->at("notice");
    EXPECT_FALSE(str(done->at("message").at("text")).empty());
    EXPECT_EQ(done->at("usage").at("engine"), "builtin");
  }
  EXPECT_GE(failedSearches("unavailable"), 2);
  EXPECT_GE(failedSearches("timeout"), 1);
  // Every line was stored and, once Qdrant answered again, indexed: nothing was lost.
  EXPECT_EQ(messages(alice_, c, treasurer).size(), 8u);
  auto after = talk(alice_, c, treasurer, "And the shipyard?");
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_FALSE(after->contains("notice")) << json::serialize(*after);
  EXPECT_EQ(qdrant_.pointCount("dialogue_memories"),
            static_cast<size_t>(memory_store_->count(treasurer).value()));
}

}  // namespace
}  // namespace startales::ai::dialogue_testing
