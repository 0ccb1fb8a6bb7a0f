// Campaigns on the real binary: lobby over REST, play over /ws, authorization, resume after
// reconnect, and durability across kill -9.

#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <set>
#include <thread>

#include "support/game_client.h"
#include "support/http_client.h"
#include "support/run_binary.h"
#include "support/server_process.h"
#include "support/ws_client.h"

namespace startales::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

class CampaignIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{}, kFastAuth);
    ASSERT_TRUE(server_->waitReady()) << server_->log();
    http_ = std::make_unique<HttpClient>(server_->port());
  }

  void TearDown() override {
    if (HasFailure() && server_) {
      auto lines = server_->lines();
      const size_t from = lines.size() > 40 ? lines.size() - 40 : 0;
      for (size_t i = from; i < lines.size(); ++i) std::cerr << "server: " << lines[i] << "\n";
    }
  }

  int64_t startCampaign(const std::vector<Player>& players, const std::string& extra = "") {
    auto c = post(*http_, "/api/campaigns",
                  R"({"name":"Trio","systems":60,"ai_empires":1,"max_players":3,"tick_ms":100)" +
                      extra + "}",
                  players[0], 201);
    const int64_t id = c.at("id").as_int64();
    const std::string code = c.contains("invite_code") ? std::string(c.at("invite_code").as_string()) : "";
    for (size_t i = 1; i < players.size(); ++i) {
      post(*http_, "/api/campaigns/" + std::to_string(id) + "/join",
           R"({"civ_name":")" + players[i].name + R"(","invite_code":")" + code + R"("})", players[i]);
      post(*http_, "/api/campaigns/" + std::to_string(id) + "/ready", "{}", players[i]);
    }
    auto started = post(*http_, "/api/campaigns/" + std::to_string(id) + "/start", "", players[0]);
    EXPECT_EQ(started.at("status").as_string(), "running");
    return id;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> http_;
};

TEST_F(CampaignIntegrationTest, ThreePlayersSeeEachOthersTradesAndOnlyCommandTheirOwn) {
  std::vector<Player> players = {signUp(*http_, "alice"), signUp(*http_, "bob"),
                                 signUp(*http_, "carol")};
  const int64_t id = startCampaign(players);

  std::vector<std::unique_ptr<Gamer>> gamers;
  std::vector<int64_t> capitals;
  for (const auto& p : players) {
    gamers.push_back(std::make_unique<Gamer>(server_->port(), p));
    auto joined = gamers.back()->join(id);
    EXPECT_EQ(joined.at("role").as_string(), "player");
    auto snapshot = gamers.back()->waitFor("snapshot");
    capitals.push_back(snapshot.at("view").at("self").at("capital").as_int64());
  }

  // Each sells a different good; everyone must see every sale in the public market.
  const std::array<const char*, 3> goods = {"food", "minerals", "energy"};
  std::array<int64_t, 3> ticks{};
  for (size_t i = 0; i < 3; ++i) {
    auto ack = gamers[i]->command({{"type", "trade"}, {"resource", goods[i]}, {"amount", -60}});
    ASSERT_EQ(ack.at("type").as_string(), "ack") << json::serialize(ack);
    ticks[i] = ack.at("tick").as_int64();
  }
  for (size_t viewer = 0; viewer < 3; ++viewer) {
    for (size_t seller = 0; seller < 3; ++seller) {
      bool seen = false;
      for (int round = 0; round < 40 && !seen; ++round) {
        for (const auto& m : gamers[viewer]->seen()) {
          if (m.at("type").as_string() != "delta" || m.at("tick").as_int64() != ticks[seller]) continue;
          const auto& d = m.at("delta").as_object();
          if (d.contains("market")) {
            seen |= d.at("market").at(goods[seller]).at("sold").as_double() >= 60;
          }
        }
        if (!seen) gamers[viewer]->waitFor("delta", -1, milliseconds(300));
      }
      EXPECT_TRUE(seen) << players[viewer].name << " did not see " << players[seller].name
                        << "'s sale of " << goods[seller] << " at tick " << ticks[seller];
    }
  }

  // Bob reaching for Alice's capital: forbidden, over /ws and over REST.
  auto theft = gamers[1]->command({{"type", "build"}, {"planet", capitals[0]}, {"building", "farm"}});
  EXPECT_EQ(theft.at("type").as_string(), "error");
  EXPECT_EQ(theft.at("code").as_string(), "forbidden") << json::serialize(theft);
  post(*http_, "/api/campaigns/" + std::to_string(id) + "/commands",
       R"({"type":"build","planet":)" + std::to_string(capitals[0]) + R"(,"building":"farm"})",
       players[1], 403);

  // A game rule refusal carries its code and sentence.
  auto poor = gamers[2]->command({{"type", "trade"}, {"resource", "exotics"}, {"amount", -99999}});
  EXPECT_EQ(poor.at("type").as_string(), "error");
  EXPECT_FALSE(std::string(poor.at("message").as_string()).empty());

  // An observer watches but cannot command.
  Player dave = signUp(*http_, "dave");
  auto watch = post(*http_, "/api/campaigns/" + std::to_string(id) + "/join", R"({"role":"observer"})", dave);
  Gamer observer(server_->port(), dave);
  EXPECT_EQ(observer.join(id).at("role").as_string(), "observer");
  auto denied = observer.command({{"type", "trade"}, {"resource", "food"}, {"amount", -1}});
  EXPECT_EQ(denied.at("code").as_string(), "forbidden");

  // A stranger cannot attach at all.
  Player eve = signUp(*http_, "eve");
  Gamer stranger(server_->port(), eve);
  stranger.send({{"type", "join"}, {"campaign", id}, {"id", 1}});
  EXPECT_EQ(stranger.waitFor("joined", 1).at("code").as_string(), "forbidden");

  // Chat reaches everyone in the campaign.
  gamers[0]->send({{"type", "chat"}, {"text", "hello galaxy"}, {"id", 77}});
  for (auto& g : gamers) {
    auto chat = g->waitFor("chat");
    EXPECT_EQ(chat.at("text").as_string(), "hello galaxy");
  }
  // The sender's request is answered too (after the broadcast it caused).
  EXPECT_EQ(gamers[0]->waitFor("ack", 77).at("type").as_string(), "ack");

  // The command log lists each player's own commands only.
  auto log = http_->get("/api/campaigns/" + std::to_string(id) + "/commands?after=0", players[0].token);
  ASSERT_EQ(log.status, 200);
  const auto entries = log.json();
  ASSERT_FALSE(entries.at("commands").as_array().empty());
  for (const auto& c : entries.at("commands").as_array()) {
    EXPECT_EQ(c.at("civ").as_int64(), 0);
  }

  // The list filters by status; a status that does not exist is named, not an empty list.
  auto running = http_->get("/api/campaigns?status=running", players[0].token);
  ASSERT_EQ(running.status, 200) << running.body;
  const auto listed = running.json();
  ASSERT_EQ(listed.at("campaigns").as_array().size(), 1u);
  EXPECT_EQ(listed.at("campaigns").at(0).at("status").as_string(), "running");
  auto lobbies = http_->get("/api/campaigns?status=lobby", players[0].token);
  EXPECT_TRUE(lobbies.json().at("campaigns").as_array().empty()) << lobbies.body;
  auto bogus = http_->get("/api/campaigns?status=started", players[0].token);
  EXPECT_EQ(bogus.status, 400) << bogus.body;
  EXPECT_EQ(bogus.json().at("error").at("code").as_string(), "invalid_query");
}

TEST_F(CampaignIntegrationTest, PrivateCampaignNeedsItsInviteCode) {
  Player alice = signUp(*http_, "alice"), bob = signUp(*http_, "bob");
  auto c = post(*http_, "/api/campaigns", R"({"name":"Secret","visibility":"private"})", alice, 201);
  const std::string path = "/api/campaigns/" + std::to_string(c.at("id").as_int64());
  EXPECT_EQ(http_->get(path, bob.token).status, 404);  // not even visible
  // Without the code (or with a wrong one) it does not exist: the answer is the 404 of a
  // campaign nobody created (authz_matrix_test compares them byte for byte).
  auto r = http_->postJson(path + "/join", "{}", bob.token);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.json().at("error").at("code").as_string(), "not_found");
  r = http_->postJson(path + "/join", R"({"invite_code":"WRONG123"})", bob.token);
  EXPECT_EQ(r.status, 404);
  r = http_->postJson(path + "/join", R"({"invite_code":")" + std::string(c.at("invite_code").as_string()) + "\"}",
                      bob.token);
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(CampaignIntegrationTest, ReconnectResumesWithTheMissingDeltas) {
  Player alice = signUp(*http_, "alice");
  const int64_t id = startCampaign({alice});
  int64_t last_tick = 0;
  {
    Gamer g(server_->port(), alice);
    g.join(id);
    g.waitFor("snapshot");
    for (int i = 0; i < 3; ++i) last_tick = g.waitFor("delta").at("tick").as_int64();
  }
  std::this_thread::sleep_for(milliseconds(350));  // a few ticks pass while away
  Gamer again(server_->port(), alice);
  again.join(id, last_tick);
  auto first = again.next();
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first.at("type").as_string(), "delta");
  EXPECT_EQ(first.at("tick").as_int64(), last_tick + 1);
}

TEST_F(CampaignIntegrationTest, BadMessagesGetClearErrorsAndFloodsAreAnswered) {
  Player alice = signUp(*http_, "alice");
  Gamer g(server_->port(), alice);
  g.raw().sendText("not json");
  EXPECT_EQ(g.waitFor("error").at("code").as_string(), "invalid_json");
  g.send({{"type", "teleport"}, {"id", 5}});
  EXPECT_EQ(g.waitFor("error", 5).at("code").as_string(), "unknown_type");
  g.send({{"type", "command"}, {"id", 6}, {"command", {{"type", "build"}}}});
  EXPECT_EQ(g.waitFor("error", 6).at("code").as_string(), "not_joined");
  for (int i = 0; i < 200; ++i) g.send({{"type", "ping"}, {"id", 1000 + i}});
  bool limited = false;
  for (int i = 0; i < 250 && !limited; ++i) {
    auto m = g.next(milliseconds(2000));
    if (m.empty()) break;
    limited |= m.at("type").as_string() == "error" && m.at("code").as_string() == "rate_limited";
  }
  EXPECT_TRUE(limited);
  EXPECT_TRUE(g.raw().connected());
}

// Every acknowledged command survives kill -9; a paused campaign comes back bit for bit.
TEST(CampaignDurabilityTest, AcknowledgedCommandsSurviveKillMinus9) {
  std::string data_dir = makeTempDir("startales-durable");
  std::vector<int64_t> acked;
  int64_t id = 0;
  Player alice;
  {
    ServerProcess server({"--data-dir", data_dir}, kFastAuth);
    ASSERT_TRUE(server.waitReady()) << server.log();
    HttpClient http(server.port());
    alice = signUp(http, "alice");
    auto c = post(http, "/api/campaigns", R"({"name":"Durable","systems":40,"ai_empires":1,"max_players":1,"tick_ms":100})", alice, 201);
    id = c.at("id").as_int64();
    post(http, "/api/campaigns/" + std::to_string(id) + "/start", "", alice);
    // Several writers keep commands in flight while the process is killed.
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        HttpClient mine(server.port());
        for (int i = 0; i < 400 && !stop; ++i) {
          auto r = mine.postJson("/api/campaigns/" + std::to_string(id) + "/commands",
                                 R"({"type":"set_policy","tax_rate":)" + std::to_string(10 + (i + w) % 30) + "}",
                                 alice.token);
          if (r.status == 202) {
            std::lock_guard lock(mu);
            acked.push_back(r.json().at("seq").as_int64());
          }
        }
      });
    }
    std::this_thread::sleep_for(milliseconds(700));
    server.signal(SIGKILL);
    stop = true;
    for (auto& t : writers) t.join();
    EXPECT_EQ(server.waitExit(), 128 + SIGKILL);
  }
  ASSERT_FALSE(acked.empty());
  ServerProcess server({"--data-dir", data_dir}, kFastAuth);
  ASSERT_TRUE(server.waitReady()) << server.log();
  EXPECT_TRUE(server.waitForLine("campaign resumed", milliseconds(5000)));
  HttpClient http(server.port());
  auto login = http.postJson("/api/auth/login", R"({"username":"alice","password":"a long secret"})");
  alice.token = std::string(login.json().at("token").as_string());
  std::set<int64_t> logged;
  int64_t after = 0;
  for (int page = 0; page < 100; ++page) {
    auto r = http.get("/api/campaigns/" + std::to_string(id) + "/commands?after=" + std::to_string(after), alice.token);
    ASSERT_EQ(r.status, 200);
    const auto page_json = r.json();
    const auto& list = page_json.at("commands").as_array();
    if (list.empty()) break;
    for (const auto& c : list) logged.insert(c.at("seq").as_int64());
    after = list.back().at("seq").as_int64();
  }
  for (int64_t seq : acked) EXPECT_TRUE(logged.count(seq)) << "acknowledged command " << seq << " was lost";

  // Pause, kill -9, restart: the same tick and state hash.
  const std::string path = "/api/campaigns/" + std::to_string(id);
  auto paused = post(http, path + "/pause", "", alice);
  ASSERT_EQ(paused.at("status").as_string(), "paused");
  server.signal(SIGKILL);
  server.waitExit();
  ServerProcess again({"--data-dir", data_dir}, kFastAuth);
  ASSERT_TRUE(again.waitReady()) << again.log();
  HttpClient http2(again.port());
  login = http2.postJson("/api/auth/login", R"({"username":"alice","password":"a long secret"})");
  alice.token = std::string(login.json().at("token").as_string());
  auto after_restart = http2.get(path, alice.token).json();
  EXPECT_EQ(after_restart.at("status").as_string(), "paused");
  EXPECT_EQ(after_restart.at("tick").as_int64(), paused.at("tick").as_int64());
  EXPECT_EQ(after_restart.at("state_hash").as_string(), paused.at("state_hash").as_string());

  // The whole log replayed from the start (no snapshot) gives that very state.
  again.signal(SIGTERM);
  EXPECT_EQ(again.waitExit(), 0);
  auto replay = runBinary("replay --campaign " + std::to_string(id) + " --data-dir " + data_dir);
  EXPECT_EQ(replay.code, 0) << replay.output;
  auto replayed = json::parse(replay.output.substr(replay.output.rfind('{')));
  EXPECT_EQ(replayed.at("tick").as_int64(), paused.at("tick").as_int64());
  EXPECT_EQ(replayed.at("replayed_hash").as_string(), paused.at("state_hash").as_string());
  std::error_code ec;
  std::filesystem::remove_all(data_dir, ec);
}

}  // namespace
}  // namespace startales::testing
