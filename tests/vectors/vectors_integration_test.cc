// The real startales binary with STARTALES_VECTORS=qdrant:... (against the fake Qdrant):
// the collection is made at start, /api/ready reports it, a collection of another dimension
// or a refused API key stops the start with one clear line, and the key is never logged.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/fake_qdrant_server.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace startales::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kKey = "qdrant-secret-for-tests";

TEST(VectorsIntegrationTest, ServeOnQdrantIsReadyAndReportsIt) {
  FakeQdrantServer qdrant;
  qdrant.requireApiKey(kKey);
  ServerProcess server({"--vectors", "qdrant:" + qdrant.url()},
                       {std::string("STARTALES_QDRANT_API_KEY=") + kKey});
  ASSERT_TRUE(server.waitReady()) << server.log();
  HttpClient client(server.port());
  auto ready = client.get("/api/ready");
  ASSERT_EQ(ready.status, 200) << ready.body;
  const auto checks = ready.json().at("checks").as_object();
  EXPECT_EQ(checks.at("vectors"), "qdrant, 0 points") << ready.body;
  // Qdrant down: still ready (replies go on without memories), and it says so.
  qdrant.fail({FakeQdrantServer::Failure::Kind::kUnavailable}, 3);
  auto degraded = client.get("/api/ready");
  ASSERT_EQ(degraded.status, 200) << degraded.body;
  EXPECT_EQ(degraded.json().at("checks").at("vectors").at("error"), "vectors_unavailable");
  server.signal(SIGTERM);
  EXPECT_EQ(server.waitExit(), 0);
  EXPECT_EQ(server.log().find(kKey), std::string::npos);
}

TEST(VectorsIntegrationTest, AWrongDimensionOrABadKeyStopsTheStartWithOneClearLine) {
  FakeQdrantServer qdrant;
  qdrant.createCollection("startales_memories", 768, "Cosine");
  {
    ServerProcess server({"--vectors", "qdrant:" + qdrant.url()});
    EXPECT_EQ(server.waitExit(), 1) << server.log();
    EXPECT_NE(server.log().find("vectors_dimension_mismatch"), std::string::npos) << server.log();
    EXPECT_NE(server.log().find("768 dimensions but the embedder gives 384"), std::string::npos);
  }
  qdrant.requireApiKey(kKey);
  {
    ServerProcess server({"--vectors", "qdrant:" + qdrant.url(), "--qdrant-api-key", "wrong-one"});
    EXPECT_EQ(server.waitExit(), 1) << server.log();
    EXPECT_NE(server.log().find("refused the API key"), std::string::npos) << server.log();
    EXPECT_EQ(server.log().find("wrong-one"), std::string::npos);
    EXPECT_EQ(server.log().find(kKey), std::string::npos);
  }
  {
    ServerProcess server({"--vectors", "qdrant:https://qdrant:6333"});
    EXPECT_EQ(server.waitExit(), 2) << server.log();  // invalid configuration
    EXPECT_NE(server.log().find("--vectors (STARTALES_VECTORS): Only http:// Qdrant URLs are "
                                "supported ('https://qdrant:6333'); put a TLS-terminating proxy "
                                "in front for https.\n"),
              std::string::npos)
        << server.log();
  }
}

}  // namespace
}  // namespace startales::testing
