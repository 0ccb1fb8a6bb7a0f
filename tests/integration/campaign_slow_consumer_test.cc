// A player whose client stops reading, on the real binary: the server closes that socket with
// 4000 "too slow" once its bounded outbound queue fills, while another player of the same
// campaign keeps getting answers as fast as before.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <algorithm>
#include <iostream>
#include <sstream>
#include <thread>

#include "support/game_client.h"
#include "support/server_process.h"

namespace startales::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// The value of one series in /metrics text (`metrics`: the metrics listener); -1 when absent.
double metric(HttpClient& metrics, const std::string& series) {
  std::istringstream lines(metrics.get("/metrics").body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

// Milliseconds for each of `n` commands from send to ack.
std::vector<double> ackTimes(Gamer& gamer, int n) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    const auto start = Clock::now();
    auto ack = gamer.command({{"type", "set_policy"}, {"tax_rate", 20 + i % 5}});
    EXPECT_EQ(ack.at("type").as_string(), "ack") << json::serialize(ack);
    out.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(CampaignSlowConsumerTest, AClientThatStopsReadingIsClosedWithoutSlowingTheOthers) {
  std::vector<std::string> env = kFastAuth;
  ServerProcess server({"--ws-outbound-max-messages", "256", "--ws-outbound-max-bytes", "262144",
                        "--ws-rate-per-second", "100000", "--ws-rate-burst", "100000"},
                       env);
  ASSERT_TRUE(server.waitReady()) << server.log();
  HttpClient http(server.port());
  HttpClient metrics(server.metricsPort());
  auto alice = signUp(http, "alice"), bob = signUp(http, "bob");
  auto c = post(http, "/api/campaigns",
                R"({"name":"Slow","systems":60,"ai_empires":1,"max_players":2,"tick_ms":100})",
                alice, 201);
  const int64_t id = c.at("id").as_int64();
  post(http, "/api/campaigns/" + std::to_string(id) + "/join", R"({"civ_name":"Bob"})", bob);
  post(http, "/api/campaigns/" + std::to_string(id) + "/ready", "{}", bob);
  post(http, "/api/campaigns/" + std::to_string(id) + "/start", "", alice);

  // Bob's client joins, then never reads again; its receive window is small, so the
  // server's queue for it fills rather than the kernel's buffers absorbing everything.
  WsClient::Options small_window{"/ws", {{"Authorization", "Bearer " + bob.token}}, 4096};
  WsClient slow(server.port(), small_window);
  ASSERT_TRUE(slow.connected()) << slow.error();
  ASSERT_TRUE(slow.sendText(json::serialize(
      json::object{{"type", "join"}, {"campaign", id}, {"id", 1}})));

  Gamer alice_ws(server.port(), alice);
  alice_ws.join(id);
  const auto before = ackTimes(alice_ws, 20);

  // Alice chats (every chat goes to both players) until the server gives up on Bob's socket
  // (it logs so): at most 40,000 lines of 500 bytes (20 MB; the kernel buffers a few MB
  // first), in batches.
  const std::string line(500, 'x');
  bool closed = false;
  std::vector<double> during;
  for (int batch = 0; batch < 400 && !closed; ++batch) {
    for (int i = 0; i < 100; ++i) alice_ws.send({{"type", "chat"}, {"text", line}});
    // Alice reads what came back to her so her own queue never fills.
    for (int i = 0; i < 100; ++i) {
      if (alice_ws.next(milliseconds(2000)).empty()) break;
    }
    closed = server.waitForLine("websocket consumer too slow; closing", milliseconds(1));
    const auto one = ackTimes(alice_ws, 1);  // alice's own commands while Bob's queue fills
    during.push_back(one.front());
  }
  std::sort(during.begin(), during.end());
  ASSERT_TRUE(closed) << "the slow client's queue never filled";
  alice_ws.seen().clear();

  const auto after = ackTimes(alice_ws, 20);
  const double median_before = before[before.size() / 2], median_after = after[after.size() / 2];
  std::cerr << "alice's command→ack median before " << median_before << " ms, while Bob's queue "
            << "filled " << during[during.size() / 2] << " ms (" << during.size()
            << " batches), after " << median_after << " ms; max during " << during.back()
            << " ms, after " << after.back() << " ms\n";
  // Flat: the same order of magnitude (acks wait for a group commit and the disk; generous
  // bounds keep this from depending on a quiet machine).
  EXPECT_LT(median_after, 3 * median_before + 50);
  EXPECT_LT(after.back(), 1000);
  EXPECT_LT(during[during.size() / 2], 3 * median_before + 50);
  EXPECT_LT(during.back(), 1000);

  // Bob, reading at last, finds the close frame with its reason after what was in flight.
  ASSERT_TRUE(slow.waitClose(std::chrono::seconds(20))) << slow.error();
  EXPECT_EQ(slow.closeCode(), 4000);
  EXPECT_EQ(slow.closeReason(), "too slow: outbound queue full");
  for (int i = 0; i < 100 && metric(metrics, "ws_closes_total{reason=\"slow_consumer\"}") < 1; ++i) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(metric(metrics, "ws_closes_total{reason=\"slow_consumer\"}"), 1);
  // Every acknowledged command went through the shared command-log writer.
  EXPECT_GE(metric(metrics, "command_log_commit_records_sum"), 40);

  // And he can come back: a new socket joins and gets a snapshot.
  Gamer bob_again(server.port(), bob);
  auto joined = bob_again.join(id);
  EXPECT_EQ(joined.at("type").as_string(), "joined");
  EXPECT_EQ(bob_again.waitFor("snapshot").at("type").as_string(), "snapshot");
}

}  // namespace
}  // namespace startales::testing
