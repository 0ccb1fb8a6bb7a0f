// Exact restores on the real binary: a command acknowledged before a SIGTERM, a pause + kill -9
// or a suspend is applied exactly once afterwards, and the whole log replayed from the start
// gives the same state; then a chaos loop of kill -9 under load.

#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "support/command_load.h"
#include "support/game_client.h"
#include "support/http_client.h"
#include "support/run_binary.h"
#include "support/server_process.h"

namespace startales::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::string login(HttpClient& http, const std::string& name) {
  auto r = http.postJson("/api/auth/login",
                         R"({"username":")" + name + R"(","password":"a long secret"})");
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? std::string(r.json().at("token").as_string()) : "";
}

json::object info(HttpClient& http, int64_t id, const std::string& token) {
  auto r = http.get("/api/campaigns/" + std::to_string(id), token);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? r.json().as_object() : json::object{};
}

int64_t startCampaign(HttpClient& http, const Player& host, int tick_ms) {
  auto c = post(http, "/api/campaigns",
                R"({"name":"Durable","systems":40,"ai_empires":1,"max_players":1,"tick_ms":)" +
                    std::to_string(tick_ms) + "}",
                host, 201);
  const int64_t id = c.at("id").as_int64();
  post(http, "/api/campaigns/" + std::to_string(id) + "/start", "", host);
  return id;
}

// `startales replay` of the stopped server's data: the log alone, from the start, up to the
// latest snapshot must give that snapshot's hash.
void expectReplayMatches(const std::string& data_dir, int64_t id, const std::string& hash) {
  auto replay = runBinary("replay --campaign " + std::to_string(id) + " --data-dir " + data_dir);
  EXPECT_EQ(replay.code, 0) << replay.output;
  const auto brace = replay.output.rfind('{');
  ASSERT_NE(brace, std::string::npos) << replay.output;
  auto replayed = json::parse(replay.output.substr(brace)).as_object();
  EXPECT_EQ(replayed.at("replayed_hash").as_string(), hash) << replay.output;
}

void dumpOnFailure(const ServerProcess& server) {
  if (!::testing::Test::HasFailure()) return;
  auto lines = server.lines();
  const size_t from = lines.size() > 30 ? lines.size() - 30 : 0;
  for (size_t i = from; i < lines.size(); ++i) std::cerr << "server: " << lines[i] << "\n";
}

// The campaign ticks once a minute, so every command below stays queued for tick 1 across
// each stop: the snapshots hold it, and the log has it too.
TEST(CampaignRestoreTest, QueuedCommandsAreAppliedExactlyOnceAcrossSigtermKillAndSuspend) {
  const std::string dir = makeTempDir("startales-exact");
  int64_t id = 0;
  std::string h1;
  {  // SIGTERM with a command queued
    ServerProcess a({"--data-dir", dir}, kFastAuth);
    ASSERT_TRUE(a.waitReady()) << a.log();
    HttpClient http(a.port());
    Player alice = signUp(http, "alice");
    id = startCampaign(http, alice, 60'000);
    auto ack = post(http, "/api/campaigns/" + std::to_string(id) + "/commands",
                    R"({"type":"set_policy","tax_rate":33})", alice, 202);
    EXPECT_EQ(ack.at("tick").as_int64(), 1);
    h1 = std::string(info(http, id, alice.token).at("state_hash").as_string());
    a.signal(SIGTERM);
    EXPECT_EQ(a.waitExit(), 0);
    dumpOnFailure(a);
  }
  std::string h2, h3;
  {  // restarted: the same state; then pause with a second command queued, and kill -9
    ServerProcess b({"--data-dir", dir}, kFastAuth);
    ASSERT_TRUE(b.waitReady()) << b.log();
    HttpClient http(b.port());
    Player alice{"alice", login(http, "alice"), 0};
    auto after_term = info(http, id, alice.token);
    EXPECT_EQ(after_term.at("tick").as_int64(), 0);
    EXPECT_EQ(after_term.at("state_hash").as_string(), h1) << "SIGTERM + restart changed the state";
    post(http, "/api/campaigns/" + std::to_string(id) + "/commands",
         R"({"type":"trade","resource":"food","amount":-5})", alice, 202);
    auto paused = post(http, "/api/campaigns/" + std::to_string(id) + "/pause", "", alice);
    h2 = std::string(paused.at("state_hash").as_string());
    b.signal(SIGKILL);
    b.waitExit();
    dumpOnFailure(b);
  }
  {  // restarted: paused as it was; loaded, a third command, paused, suspended, resumed
    ServerProcess c({"--data-dir", dir, "--suspend-after-s", "1"}, kFastAuth);
    ASSERT_TRUE(c.waitReady()) << c.log();
    HttpClient http(c.port());
    Player alice{"alice", login(http, "alice"), 0};
    auto after_kill = info(http, id, alice.token);
    EXPECT_EQ(after_kill.at("status").as_string(), "paused");
    EXPECT_EQ(after_kill.at("tick").as_int64(), 0);
    EXPECT_EQ(after_kill.at("state_hash").as_string(), h2) << "pause + kill -9 changed the state";
    const std::string path = "/api/campaigns/" + std::to_string(id);
    post(http, path + "/resume", "", alice);  // loaded from storage
    auto loaded = info(http, id, alice.token);
    EXPECT_EQ(loaded.at("tick").as_int64(), 0);
    EXPECT_EQ(loaded.at("state_hash").as_string(), h2) << "loading the paused campaign changed it";
    post(http, path + "/commands", R"({"type":"set_policy","tax_rate":20})", alice, 202);
    auto paused = post(http, path + "/pause", "", alice);
    h3 = std::string(paused.at("state_hash").as_string());
    EXPECT_TRUE(c.waitForLine("campaign suspended", milliseconds(15000)));
    post(http, path + "/resume", "", alice);
    auto resumed = info(http, id, alice.token);
    EXPECT_EQ(resumed.at("tick").as_int64(), 0);
    EXPECT_EQ(resumed.at("state_hash").as_string(), h3) << "suspend + resume changed the state";
    const auto logged = loggedSeqs(http, id, alice.token);
    EXPECT_EQ(logged.size(), 3u);
    c.signal(SIGTERM);
    EXPECT_EQ(c.waitExit(), 0);
    dumpOnFailure(c);
  }
  expectReplayMatches(dir, id, h3);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// kill -9 at random moments under load, each followed by a restart and the check that every
// command acknowledged so far is in the log exactly once; at the end the log alone rebuilds
// the state. Bounded: 20 trials, or fewer if two minutes pass (reported).
TEST(CampaignChaosTest, KillMinus9AtRandomMomentsUnderLoadLosesNoAcknowledgedCommand) {
  constexpr int kTrials = 20;
  const auto deadline = steady_clock::now() + std::chrono::minutes(2);
  const std::string dir = makeTempDir("startales-chaos");
  const std::vector<std::string> args = {"--data-dir", dir, "--snapshot-every", "3"};
  std::mt19937 rng(20261201);
  std::uniform_int_distribution<int> pause_ms(30, 700);
  std::set<int64_t> acked;
  int64_t id = 0;
  std::string token;
  int trials = 0, trials_with_acks = 0;
  for (; trials < kTrials && steady_clock::now() < deadline; ++trials) {
    ServerProcess server(args, kFastAuth);
    ASSERT_TRUE(server.waitReady()) << server.log();
    HttpClient http(server.port());
    if (trials == 0) {
      Player alice = signUp(http, "alice");
      token = alice.token;
      id = startCampaign(http, alice, 100);
    } else {
      ASSERT_TRUE(server.waitForLine("campaign resumed", milliseconds(10000))) << server.log();
      const auto logged = loggedSeqs(http, id, token);
      for (int64_t seq : acked) {
        auto it = logged.find(seq);
        ASSERT_TRUE(it != logged.end())
            << "trial " << trials << ": acknowledged command " << seq << " was lost";
        ASSERT_EQ(it->second, 1) << "command " << seq << " is logged " << it->second << " times";
      }
    }
    CommandLoad load(server.port(), id, token, 4, 5000);
    std::this_thread::sleep_for(milliseconds(pause_ms(rng)));
    server.signal(SIGKILL);
    load.stop();
    EXPECT_EQ(server.waitExit(), 128 + SIGKILL);
    const auto now_acked = load.acked();
    trials_with_acks += !now_acked.empty();
    acked.insert(now_acked.begin(), now_acked.end());
    dumpOnFailure(server);
  }
  std::cerr << "chaos: " << trials << " kill -9 trials, " << acked.size()
            << " acknowledged commands, " << trials_with_acks << " trials with acks\n";
  EXPECT_GE(trials, kTrials) << "the loop ran out of time";
  EXPECT_GT(trials_with_acks, kTrials / 2);

  ServerProcess last(args, kFastAuth);
  ASSERT_TRUE(last.waitReady()) << last.log();
  HttpClient http(last.port());
  const auto logged = loggedSeqs(http, id, token);
  for (int64_t seq : acked) EXPECT_TRUE(logged.count(seq)) << "command " << seq << " was lost";
  Player alice{"alice", token, 0};
  auto paused = post(http, "/api/campaigns/" + std::to_string(id) + "/pause", "", alice);
  last.signal(SIGTERM);
  EXPECT_EQ(last.waitExit(), 0);
  dumpOnFailure(last);
  expectReplayMatches(dir, id, std::string(paused.at("state_hash").as_string()));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace startales::testing
