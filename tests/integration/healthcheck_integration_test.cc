// `startales healthcheck URL`, the images' HEALTHCHECK: exit 0 only on a 2xx answer, 1 with one
// line saying why on anything else (a closed port, a 503, a 404, a server that never answers),
// 2 on a URL it cannot use.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/fake_llm_server.h"
#include "support/run_binary.h"
#include "support/server_process.h"
#include "support/test_database.h"

namespace startales::testing {
namespace {

int lineCount(const std::string& text) {
  int lines = 0;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  return lines;
}

TEST(HealthcheckTest, ExitsZeroOnALiveServersHealthAndOneOnAnUnknownPath) {
  ServerProcess server;
  ASSERT_TRUE(server.waitReady()) << server.log();
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());

  auto ok = runBinary("healthcheck " + base + "/api/health");
  EXPECT_EQ(ok.code, 0) << ok.output;
  EXPECT_EQ(ok.output, "");

  auto missing = runBinary("healthcheck " + base + "/no/such/path");
  EXPECT_EQ(missing.code, 1) << missing.output;
  EXPECT_NE(missing.output.find("answered HTTP 404"), std::string::npos) << missing.output;
  EXPECT_EQ(lineCount(missing.output), 1) << missing.output;
}

TEST(HealthcheckTest, ExitsOneOnAClosedPort) {
  const int port = store::unusedPort();
  auto run = runBinary("healthcheck http://127.0.0.1:" + std::to_string(port) + "/api/health");
  EXPECT_EQ(run.code, 1) << run.output;
  EXPECT_NE(run.output.find("cannot connect"), std::string::npos) << run.output;
  EXPECT_EQ(lineCount(run.output), 1) << run.output;
}

TEST(HealthcheckTest, ExitsOneOnA503AndSaysSo) {
  FakeLlmServer fake;
  fake.enqueue(FakeReply::busy(2, R"({"error":{"code":"not_ready","message":"Not yet."}})"));
  auto run = runBinary("healthcheck " + fake.url("/ready"));
  EXPECT_EQ(run.code, 1) << run.output;
  EXPECT_NE(run.output.find("503"), std::string::npos) << run.output;
  EXPECT_EQ(lineCount(run.output), 1) << run.output;
  ASSERT_EQ(fake.requestCount(), 1u);  // one try: the orchestrator does the retrying
  EXPECT_EQ(fake.requests()[0].method, "GET");
  EXPECT_EQ(fake.requests()[0].target, "/ready");
}

TEST(HealthcheckTest, GivesUpAfterItsTimeoutOnAServerThatNeverAnswers) {
  FakeLlmServer fake;
  fake.enqueue(FakeReply::stream("application/json").pause(10'000));
  const auto start = std::chrono::steady_clock::now();
  auto run = runBinary("healthcheck --timeout-ms 300 " + fake.url("/api/health"));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(run.code, 1) << run.output;
  EXPECT_NE(run.output.find("in time"), std::string::npos) << run.output;
  EXPECT_LT(took, std::chrono::seconds(8));  // the 10 s pause was not waited out
}

TEST(HealthcheckTest, RefusesAUrlItCannotUse) {
  auto run = runBinary("healthcheck https://127.0.0.1:4000/api/health");
  EXPECT_EQ(run.code, 2) << run.output;
  EXPECT_NE(run.output.find("startales healthcheck:"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace startales::testing
