// RemoteEmbedder over a real Ollama backend against FakeLlmServer's /api/embed replies: the
// dimension learned at open(), unit vectors, and the failures a memory stream must see.

#include "ai/remote_embedder.h"

#include <gtest/gtest.h>

#include <cmath>

#include "llm/llm.h"
#include "support/fake_llm_server.h"

namespace startales::ai {
namespace {

using testing::FakeLlmServer;
using testing::FakeReply;

std::string embedReply(const std::string& vector) {
  return R"({"model":"tiny-embed","embeddings":[)" + vector + "]}";
}

class RemoteEmbedderTest : public ::testing::Test {
 protected:
  std::unique_ptr<llm::LlmBackend> backend(const std::string& url) {
    llm::LlmConfig config;
    config.embed_timeout_ms = 2'000;
    config.max_retries = 1;
    config.backoff_base_ms = 5;
    auto made = llm::makeBackend("ollama:" + url, config);
    EXPECT_TRUE(made.ok());
    return std::move(*made);
  }
  FakeLlmServer server_;
};

TEST_F(RemoteEmbedderTest, LearnsTheDimensionAndReturnsUnitVectors) {
  server_.enqueue(FakeReply::full(200, "application/json", embedReply("[1,0,0,0]")));
  server_.enqueue(FakeReply::full(200, "application/json", embedReply("[3,4,0,0]")));
  auto llm = backend(server_.url());
  auto embedder = RemoteEmbedder::open(*llm, "tiny-embed");
  ASSERT_TRUE(embedder.ok()) << embedder.error().message;
  EXPECT_EQ((*embedder)->dimension(), 4);
  auto v = (*embedder)->embed("our fleet at Vega");
  ASSERT_TRUE(v.ok()) << v.error().message;
  ASSERT_EQ(v->size(), 4u);
  EXPECT_FLOAT_EQ((*v)[0], 0.6f);  // (3,4) normalised
  EXPECT_FLOAT_EQ((*v)[1], 0.8f);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].target, "/api/embed");
  EXPECT_NE(requests[1].body.find("our fleet at Vega"), std::string::npos);
  EXPECT_NE(requests[1].body.find("tiny-embed"), std::string::npos);
}

TEST_F(RemoteEmbedderTest, AModelThatChangesItsDimensionIsAnError) {
  server_.enqueue(FakeReply::full(200, "application/json", embedReply("[1,0,0]")));
  server_.enqueue(FakeReply::full(200, "application/json", embedReply("[1,0]")));
  auto llm = backend(server_.url());
  auto embedder = RemoteEmbedder::open(*llm, "tiny-embed");
  ASSERT_TRUE(embedder.ok());
  auto v = (*embedder)->embed("text");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "embedding_dimension_mismatch");
}

TEST_F(RemoteEmbedderTest, NoVectorAndNoServerAreClearErrors) {
  server_.enqueue(FakeReply::full(200, "application/json", R"({"embeddings":[[]]})"));
  auto llm = backend(server_.url());
  auto empty = RemoteEmbedder::open(*llm, "tiny-embed");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "embedding_failed");

  auto down = backend("http://127.0.0.1:" + std::to_string(testing::refusedPort()));
  auto refused = RemoteEmbedder::open(*down, "tiny-embed");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "llm_unavailable") << refused.error().message;
}

}  // namespace
}  // namespace startales::ai
