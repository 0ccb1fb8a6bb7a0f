// The real `startales serve` with --nats on a real nats-server: it connects at start,
// /api/ready reports the bus and fails while NATS is down, and it comes back with NATS.
// Without a reachable NATS it refuses to start, with one clear line.

#include <gtest/gtest.h>

#include <thread>

#include "support/http_client.h"
#include "support/nats_server.h"
#include "support/server_process.h"
#include "support/test_database.h"  // store::unusedPort

namespace startales::testing {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> kFast = {"--password-mem-kib", "8", "--password-ops", "1"};

std::vector<std::string> args(std::vector<std::string> extra) {
  extra.insert(extra.end(), kFast.begin(), kFast.end());
  return extra;
}

int readyStatus(HttpClient& client) { return client.get("/api/ready").status; }

bool eventuallyStatus(HttpClient& client, int status, std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (readyStatus(client) == status) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

TEST(BusServerTest, ReadyReportsTheBusAndFailsWhileNatsIsDown) {
  auto nats = NatsServer::start();
  ASSERT_TRUE(nats) << nats.error().message;
  ServerProcess server(args({"--nats", (*nats)->url()}));
  ASSERT_TRUE(server.waitReady()) << server.log();
  EXPECT_TRUE(server.waitForLine(R"("msg":"bus connected")", 5s)) << server.log();
  HttpClient client(server.port());
  auto ready = client.get("/api/ready");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(std::string(ready.json().at("checks").at("bus").as_string()), "nats " + (*nats)->url());

  (*nats)->halt(true);
  ASSERT_TRUE(eventuallyStatus(client, 503, 10s)) << server.log();
  auto down = client.get("/api/ready");
  EXPECT_EQ(std::string(down.json().at("error").at("message").as_string()),
            "The message bus is unreachable.");
  EXPECT_TRUE(server.waitForLine(R"("msg":"bus disconnected")", 5s)) << server.log();
  EXPECT_EQ(client.get("/api/health").status, 200);  // alive, just not ready

  ASSERT_TRUE((*nats)->restart());
  ASSERT_TRUE(eventuallyStatus(client, 200, 20s)) << server.log();
  EXPECT_TRUE(server.waitForLine(R"("msg":"bus reconnected")", 5s)) << server.log();
}

TEST(BusServerTest, UnreachableNatsStopsTheStartWithOneClearLine) {
  const std::string url = "nats://127.0.0.1:" + std::to_string(store::unusedPort());
  ServerProcess server(args({"--nats", url}));
  EXPECT_FALSE(server.waitReady(30s));
  EXPECT_NE(server.waitExit(10s), 0);
  EXPECT_NE(server.log().find("Cannot connect to the message bus at " + url), std::string::npos)
      << server.log();
}

}  // namespace
}  // namespace startales::testing
