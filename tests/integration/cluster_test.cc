// The cluster on real parts, all on loopback and all stopped by the test: PostgreSQL,
// nats-server, redis-server, an S3 store (s3rver), three `startales api` nodes and nginx in
// front (least connections, WebSocket upgrade). Players spread over the nodes play one
// campaign; commands through non-owners are acknowledged; a kill -9 of the owner and a SIGTERM
// drain lose no acknowledged command and apply none twice (the log replays to the state);
// NATS and Redis restarts are survived as docs/operations.md says.

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "support/cluster_stack.h"
#include "support/client_id_load.h"
#include "support/game_client.h"
#include "support/http_client.h"
#include "support/nginx_server.h"
#include "support/run_binary.h"
#include "support/server_process.h"
#include "support/wait.h"

namespace startales::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr int kLeaseTtlMs = 2000;

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stack = ClusterStack::start();
    ASSERT_TRUE(stack.ok()) << stack.error().message;
    stack_ = std::move(*stack);
    std::vector<uint16_t> ports;
    for (const char* name : {"alpha", "beta", "gamma"}) {
      auto& node = nodes_[name];
      node = std::make_unique<ServerProcess>(stack_->nodeArgs(name, kLeaseTtlMs),
                                             stack_->nodeEnv(), "api");
      ASSERT_TRUE(node->waitReady()) << node->log();
      ports.push_back(node->port());
    }
    auto nginx = NginxServer::start(ports);
    ASSERT_TRUE(nginx.ok()) << nginx.error().message;
    nginx_ = std::move(*nginx);
  }
  void TearDown() override {
    if (HasFailure()) {
      for (auto& [name, node] : nodes_) {
        if (!node) continue;
        auto lines = node->lines();
        const size_t from = lines.size() > 25 ? lines.size() - 25 : 0;
        for (size_t i = from; i < lines.size(); ++i) std::cerr << name << ": " << lines[i] << "\n";
      }
      if (nginx_) std::cerr << "nginx: " << nginx_->errorLog() << "\n";
    }
    nginx_.reset();
    nodes_.clear();
    stack_.reset();
  }

  ServerProcess& node(const std::string& name) { return *nodes_.at(name); }

  // From GET /api/cluster on the first live node that answers.
  Owners owners() {
    for (auto& [name, n] : nodes_) {
      if (!n || !n->running()) continue;
      if (auto o = clusterOwners(n->port()); !o.empty()) return o;
    }
    return {};
  }
  std::string ownerOf(int64_t campaign) { return ownerIn(owners(), campaign); }
  std::vector<uint16_t> portsExcept(const std::string& name) {
    std::vector<uint16_t> out;
    for (auto& [n, p] : nodes_) {
      if (n != name && p && p->running()) out.push_back(p->port());
    }
    return out;
  }

  // host creates and starts a campaign for `players` (host first), joined through nginx.
  int64_t startCampaign(const std::vector<Player>& players) {
    HttpClient http(nginx_->port());
    auto c = post(http, "/api/campaigns",
                  R"({"name":"Galaxy","systems":30,"ai_empires":1,"max_players":3,"tick_ms":200})",
                  players[0], 201);
    const int64_t id = c.at("id").as_int64();
    const std::string path = "/api/campaigns/" + std::to_string(id);
    const char* colors[] = {"#00ff00", "#0000ff"};
    for (size_t i = 1; i < players.size(); ++i) {
      post(http, path + "/join",
           R"({"civ_name":"Civ)" + std::to_string(i) + R"(","color":")" + colors[i - 1] + "\"}",
           players[i]);
      post(http, path + "/ready", "", players[i]);
    }
    post(http, path + "/start", "", players[0]);
    EXPECT_TRUE(waitUntil([&] { return !ownerOf(id).empty(); }, milliseconds(10'000)));
    return id;
  }

  // Every acknowledged command is in the log exactly once, under its seq, and no key twice.
  void expectExactlyOnce(int64_t campaign, const Player& host,
                         const std::map<std::string, int64_t>& acked) {
    HttpClient http(nginx_->port());
    std::map<int64_t, int> seqs;
    std::map<std::string, int> keys;
    int64_t after = 0;
    for (int page = 0; page < 1000; ++page) {
      auto r = http.get("/api/campaigns/" + std::to_string(campaign) +
                            "/commands?limit=500&after=" + std::to_string(after),
                        host.token);
      ASSERT_EQ(r.status, 200) << r.body;
      const auto body = r.json();
      const auto& list = body.at("commands").as_array();
      if (list.empty()) break;
      for (const auto& c : list) {
        seqs[c.at("seq").as_int64()]++;
        if (c.as_object().contains("client_id")) keys[std::string(c.at("client_id").as_string())]++;
      }
      after = list.back().at("seq").as_int64();
    }
    for (const auto& [key, seq] : acked) {
      EXPECT_EQ(seqs[seq], 1) << "acknowledged command " << key << " (seq " << seq << ")";
      EXPECT_EQ(keys[key], 1) << "client id " << key << " is in the log " << keys[key] << " times";
    }
    for (const auto& [key, n] : keys) EXPECT_EQ(n, 1) << "client id " << key << " applied twice";
  }

  // Stops every node (SIGTERM: final snapshots), then rebuilds the campaign from its log alone
  // and compares with the final snapshot (`startales replay`: exit 0 when the hashes match).
  void expectLogReplaysToTheState(int64_t campaign) {
    for (auto& [name, n] : nodes_) {
      if (n && n->running()) {
        n->signal(SIGTERM);
        EXPECT_EQ(n->waitExit(), 0) << name;
      }
    }
    auto replay = runBinary("replay --db " + stack_->postgres().url() + " --campaign " +
                            std::to_string(campaign));
    EXPECT_EQ(replay.code, 0) << replay.output;
  }

  std::unique_ptr<ClusterStack> stack_;
  std::map<std::string, std::unique_ptr<ServerProcess>> nodes_;
  std::unique_ptr<NginxServer> nginx_;
};

TEST_F(ClusterTest, PlayersSpreadOverThreeNodesPlayOneCampaignThroughNginx) {
  HttpClient http(nginx_->port());
  std::vector<Player> players;
  for (const char* name : {"ada", "bob", "cyd"}) players.push_back(signUp(http, name));
  const int64_t id = startCampaign(players);
  // Three sockets at once through nginx's least-connections upstream: one per node.
  std::vector<std::unique_ptr<Gamer>> gamers;
  for (const auto& p : players) gamers.push_back(std::make_unique<Gamer>(nginx_->port(), p));
  for (auto& g : gamers) ASSERT_EQ(g->join(id).at("type").as_string(), "joined");
  ASSERT_TRUE(waitUntil(
      [&] {
        int serving = 0;
        for (auto& [name, n] : nodes_) {
          HttpClient direct(n->port());
          auto r = direct.get("/api/cluster", ClusterStack::operatorToken());
          if (r.status != 200) return false;
          const json::value view = json::parse(r.body);
          for (const auto& v : view.at("nodes").as_array()) {
            if (v.at("name").as_string() == name && v.at("players").as_int64() > 0) serving++;
          }
        }
        return serving == 3;
      },
      milliseconds(5'000)))
      << "the players did not spread over the three nodes";
  for (auto& g : gamers) EXPECT_FALSE(g->waitFor("delta").empty());
  // Each one's command is acknowledged, whichever node it reached; each one's chat line
  // reaches the two others.
  for (size_t i = 0; i < gamers.size(); ++i) {
    auto ack = gamers[i]->command({{"type", "set_policy"}, {"tax_rate", 20 + int(i)}});
    EXPECT_EQ(ack.at("type").as_string(), "ack") << json::serialize(ack);
    gamers[i]->send({{"type", "chat"}, {"text", "hello from " + players[i].name}});
  }
  for (auto& g : gamers) {
    // Lines read while waiting for the acks are in seen() already.
    auto chatLines = [&] {
      std::set<std::string> lines;
      for (const auto& m : g->seen()) {
        if (m.at("type").as_string() == "chat") lines.insert(std::string(m.at("text").as_string()));
      }
      return lines;
    };
    for (int i = 0; i < 10 && chatLines().size() < 3; ++i) {
      if (g->waitFor("chat", -1, milliseconds(3000)).empty()) break;
    }
    EXPECT_EQ(chatLines().size(), 3u);
  }
}

TEST_F(ClusterTest, KillOfTheOwnerUnderLoadLosesNoAcknowledgedCommand) {
  HttpClient http(nginx_->port());
  const Player host = signUp(http, "host");
  const int64_t id = startCampaign({host});
  const std::string owner = ownerOf(id);
  ASSERT_FALSE(owner.empty());
  // Commands through both other nodes while the owner dies.
  ClientIdLoad writers(portsExcept(owner), id, host.token, 60);
  std::this_thread::sleep_for(milliseconds(800));
  const auto killed_at = steady_clock::now();
  node(owner).signal(SIGKILL);
  node(owner).waitExit();
  writers.join();
  EXPECT_TRUE(writers.failures().empty()) << writers.failures().front();
  EXPECT_GT(writers.retried(), 0) << "the kill went unnoticed: no command had to be retried";
  // The first acknowledgement of a command sent after the kill (docs/benchmarks.md measures
  // it over many trials: bench/cluster_bench).
  std::optional<steady_clock::time_point> first_after;
  for (const auto& a : writers.ackTimes()) {
    if (a.sent > killed_at && (!first_after || a.acked < *first_after)) first_after = a.acked;
  }
  ASSERT_TRUE(first_after.has_value());
  std::cerr << "kill -9 to the first new acknowledgement: "
            << std::chrono::duration_cast<milliseconds>(*first_after - killed_at).count()
            << " ms (lease TTL " << kLeaseTtlMs << " ms)\n";
  expectExactlyOnce(id, host, writers.acked());
  expectLogReplaysToTheState(id);
}

TEST_F(ClusterTest, SigtermDrainHandsOffWithoutAFailedCommand) {
  HttpClient http(nginx_->port());
  const Player host = signUp(http, "host");
  const int64_t id = startCampaign({host});
  const std::string owner = ownerOf(id);
  ASSERT_FALSE(owner.empty());
  // A player on the draining node itself: closed with 1001, it rejoins elsewhere.
  Gamer on_owner(node(owner).port(), host);
  ASSERT_EQ(on_owner.join(id).at("type").as_string(), "joined");
  auto delta = on_owner.waitFor("delta");
  ASSERT_FALSE(delta.empty());
  // A browser reads all the time: so does this player, until the node closes it.
  std::atomic<bool> closed{false};
  std::thread reader([&] { closed = on_owner.raw().waitClose(std::chrono::seconds(30)); });
  ClientIdLoad writers(portsExcept(owner), id, host.token, 40);
  std::this_thread::sleep_for(milliseconds(600));
  node(owner).signal(SIGTERM);
  EXPECT_EQ(node(owner).waitExit(), 0);
  writers.join();
  reader.join();
  EXPECT_TRUE(writers.failures().empty()) << writers.failures().front();
  EXPECT_TRUE(closed.load());
  EXPECT_EQ(on_owner.raw().closeCode(), 1001) << on_owner.raw().closeReason();
  int64_t last_tick = 0;
  for (const auto& m : on_owner.seen()) {
    if (m.contains("tick") && m.at("tick").is_int64()) last_tick = std::max(last_tick, m.at("tick").as_int64());
  }
  Gamer again(portsExcept(owner).front(), host);
  ASSERT_EQ(again.join(id, last_tick).at("type").as_string(), "joined");
  EXPECT_FALSE(again.waitFor("delta").empty());
  expectExactlyOnce(id, host, writers.acked());
  expectLogReplaysToTheState(id);
}

TEST_F(ClusterTest, NatsAndRedisRestartsAreSurvived) {
  HttpClient http(nginx_->port());
  const Player host = signUp(http, "host");
  const int64_t id = startCampaign({host});
  const std::string owner = ownerOf(id);
  const uint16_t other = portsExcept(owner).front();
  HttpClient via_other(other);
  const std::string path = "/api/campaigns/" + std::to_string(id) + "/commands";
  // The owner holds the lease before it has loaded the campaign: until then 503 (retry).
  ASSERT_TRUE(waitUntil(
      [&] {
        return via_other.postJson(path, R"({"type":"set_policy","tax_rate":20})", host.token)
                   .status == 202;
      },
      milliseconds(10'000)));
  // NATS down: a forwarded command gets a retriable answer, never an acknowledgement.
  stack_->nats().halt(true);
  auto during = via_other.postJson(path, R"({"type":"set_policy","tax_rate":21})", host.token);
  EXPECT_EQ(during.status, 503) << during.body;
  EXPECT_FALSE(during.header("retry-after").empty());
  ASSERT_TRUE(stack_->nats().restart().ok());
  EXPECT_TRUE(waitUntil(
      [&] {
        return via_other.postJson(path, R"({"type":"set_policy","tax_rate":22})", host.token)
                   .status == 202;
      },
      milliseconds(15'000)))
      << "forwarded commands did not recover after the NATS restart";
  // Redis down: sign-in answers 503 (never access without a session); back up, the session
  // survived (AOF).
  stack_->redis().kill();
  auto me = via_other.get("/api/me", host.token);
  EXPECT_EQ(me.status, 503) << me.body;
  ASSERT_TRUE(stack_->redis().restart().ok());
  EXPECT_TRUE(waitUntil([&] { return via_other.get("/api/me", host.token).status == 200; },
                        milliseconds(15'000)))
      << "the session did not survive the Redis restart";
}

}  // namespace
}  // namespace startales::testing
