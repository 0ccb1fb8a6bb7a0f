// `startales api` nodes on a real PostgreSQL, NATS, Redis and S3 store: the role's
// configuration checks, unique node names, each campaign simulated by exactly one node
// (GET /api/cluster shows which), a SIGTERM handoff, and a kill -9 takeover after the TTL.

#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <set>
#include <thread>

#include "support/game_client.h"
#include "support/http_client.h"
#include "support/cluster_stack.h"
#include "support/run_binary.h"
#include "support/server_process.h"
#include "support/voice_client.h"
#include "support/wait.h"

namespace startales::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

const std::string& kOperatorToken = ClusterStack::operatorToken();
// Long enough that a handoff finishing well inside it shows it did not wait for expiries,
// even on a loaded machine; short enough that a kill -9 test is quick.
constexpr int kLeaseTtlMs = 4000;

class ClusterNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stack = ClusterStack::start();
    ASSERT_TRUE(stack.ok()) << stack.error().message;
    stack_ = std::move(*stack);
  }
  void TearDown() override {
    if (HasFailure()) {
      for (auto& [name, node] : nodes_) {
        if (!node) continue;
        auto lines = node->lines();
        const size_t from = lines.size() > 30 ? lines.size() - 30 : 0;
        for (size_t i = from; i < lines.size(); ++i) std::cerr << name << ": " << lines[i] << "\n";
      }
    }
    nodes_.clear();
    stack_.reset();
  }

  std::vector<std::string> nodeArgs(const std::string& name) const {
    return stack_->nodeArgs(name, kLeaseTtlMs);
  }
  ServerProcess& startNode(const std::string& name) {
    auto& node = nodes_[name];
    node = std::make_unique<ServerProcess>(nodeArgs(name), stack_->nodeEnv(), "api");
    EXPECT_TRUE(node->waitReady()) << node->log();
    return *node;
  }

  Owners owners(ServerProcess& via) { return clusterOwners(via.port()); }
  std::string ownerOf(ServerProcess& via, int64_t campaign) {
    return ownerIn(clusterOwners(via.port()), campaign);
  }

  std::unique_ptr<ClusterStack> stack_;
  std::map<std::string, std::unique_ptr<ServerProcess>> nodes_;
};

int64_t startCampaign(HttpClient& http, const Player& host) {
  auto c = post(http, "/api/campaigns",
                R"({"name":"Cluster","systems":30,"ai_empires":1,"max_players":1,"tick_ms":100})",
                host, 201);
  const int64_t id = c.at("id").as_int64();
  post(http, "/api/campaigns/" + std::to_string(id) + "/start", "", host);
  return id;
}

TEST(ClusterConfigTest, TheApiRoleNamesEveryMissingEngineOnItsOwnLine) {
  auto r = runBinary("api --node n1");
  EXPECT_EQ(r.code, 2) << r.output;
  for (const char* line : {"--db (STARTALES_DB): the api role keeps its campaigns",
                           "--nats (STARTALES_NATS): the api role forwards commands",
                           "--redis (STARTALES_REDIS): the api role keeps sessions",
                           "--objects (STARTALES_OBJECTS): the api role stores voices"}) {
    EXPECT_NE(r.output.find(line), std::string::npos) << line << "\n" << r.output;
  }
}

TEST_F(ClusterNodeTest, TwoLiveNodesCannotShareAName) {
  startNode("alpha");
  ServerProcess twin(nodeArgs("alpha"), stack_->nodeEnv(), "api");
  EXPECT_EQ(twin.waitExit(std::chrono::seconds(60)), 1);
  EXPECT_NE(twin.log().find("node_name_in_use"), std::string::npos) << twin.log();
}

TEST_F(ClusterNodeTest, ClusterViewIsForOperatorsOnly) {
  auto& a = startNode("alpha");
  HttpClient http(a.port());
  EXPECT_EQ(http.get("/api/cluster").status, 401);
  EXPECT_EQ(http.get("/api/cluster", "not-the-operator-token").status, 401);
  auto ok = http.get("/api/cluster", kOperatorToken);
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto nodes = json::parse(ok.body).at("nodes").as_array();
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].at("name").as_string(), "alpha");
  EXPECT_TRUE(nodes[0].at("live").as_bool());
}

TEST_F(ClusterNodeTest, EachCampaignRunsOnOneNodeAndMovesOnSigtermAndOnKill) {
  auto& a = startNode("alpha");
  auto& b = startNode("beta");
  HttpClient http(a.port());
  const Player host = signUp(http, "host");
  std::vector<int64_t> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(startCampaign(http, host));
  // Placed over both nodes, each campaign on exactly one.
  ASSERT_TRUE(waitUntil(
      [&] {
        auto o = owners(a);
        return o["alpha"].size() + o["beta"].size() == ids.size();
      },
      milliseconds(10'000)));
  auto o = owners(b);
  EXPECT_EQ(o["alpha"].size(), 2u);
  EXPECT_EQ(o["beta"].size(), 2u);

  // SIGTERM: alpha hands its campaigns off; beta has them all at once (no TTL to wait).
  const auto handoff_started = steady_clock::now();
  a.signal(SIGTERM);
  EXPECT_EQ(a.waitExit(), 0);
  ASSERT_TRUE(waitUntil([&] { return owners(b)["beta"].size() == ids.size(); },
                        milliseconds(5'000)));
  const auto handoff_ms =
      std::chrono::duration_cast<milliseconds>(steady_clock::now() - handoff_started).count();
  EXPECT_LT(handoff_ms, kLeaseTtlMs) << "the handoff waited for leases to expire";
  EXPECT_TRUE(a.waitForLine("campaign handed off", milliseconds(100)));

  // gamma joins and takes a share without anyone restarting.
  auto& c = startNode("gamma");
  ASSERT_TRUE(waitUntil([&] { return owners(c)["gamma"].size() >= 1; }, milliseconds(10'000)));

  // kill -9 of beta: its leases expire and gamma takes every campaign over.
  b.signal(SIGKILL);
  b.waitExit();
  ASSERT_TRUE(waitUntil([&] { return owners(c)["gamma"].size() == ids.size(); },
                        milliseconds(kLeaseTtlMs * 6)));
  // Commands are acknowledged again by the new owner (503 while it still loads the campaign
  // it holds the lease of: a client retries).
  HttpClient http_c(c.port());
  EXPECT_TRUE(waitUntil(
      [&] {
        return http_c
                   .postJson("/api/campaigns/" + std::to_string(ids[0]) + "/commands",
                             R"({"type":"set_policy","tax_rate":20})", host.token)
                   .status == 202;
      },
      milliseconds(10'000)));
}

TEST_F(ClusterNodeTest, PlayersOnEitherNodePlayOneCampaign) {
  auto& a = startNode("alpha");
  auto& b = startNode("beta");
  HttpClient http_a(a.port());
  HttpClient http_b(b.port());
  const Player host = signUp(http_a, "host");
  const Player guest = signUp(http_b, "guest");
  auto c = post(http_a, "/api/campaigns",
                R"({"name":"Shared","systems":30,"ai_empires":1,"max_players":2,"tick_ms":200})",
                host, 201);
  const int64_t id = c.at("id").as_int64();
  const std::string path = "/api/campaigns/" + std::to_string(id);
  post(http_b, path + "/join", R"({"civ_name":"Lyra","color":"#00ff00"})", guest);
  post(http_b, path + "/ready", "", guest);
  post(http_a, path + "/start", "", host);
  ASSERT_TRUE(waitUntil([&] { return !ownerOf(a, id).empty(); }, milliseconds(10'000)));
  // Each player on the node that does not own the campaign, and the other on the owner.
  const bool alpha_owns = ownerOf(a, id) == "alpha";
  Gamer on_owner(alpha_owns ? a.port() : b.port(), alpha_owns ? host : guest);
  Gamer elsewhere(alpha_owns ? b.port() : a.port(), alpha_owns ? guest : host);
  ASSERT_EQ(on_owner.join(id).at("type").as_string(), "joined");
  ASSERT_EQ(elsewhere.join(id).at("type").as_string(), "joined");
  // Both get a snapshot, then deltas, whichever node they are on.
  EXPECT_FALSE(elsewhere.waitFor("snapshot").empty());
  EXPECT_FALSE(elsewhere.waitFor("delta").empty());
  EXPECT_FALSE(on_owner.waitFor("delta").empty());

  // A command through the other node is acknowledged once it is in the owner's log; its
  // retry with the same client id answers the same seq.
  const int64_t cmd_id = elsewhere.nextId();
  json::object cmd{{"type", "command"}, {"id", cmd_id}, {"client_id", "retry-me"},
                   {"command", {{"type", "set_policy"}, {"tax_rate", 25}}}};
  elsewhere.send(cmd);
  auto ack = elsewhere.waitFor("ack", cmd_id);
  ASSERT_EQ(ack.at("type").as_string(), "ack") << json::serialize(ack);
  cmd["id"] = elsewhere.nextId();
  elsewhere.send(cmd);
  auto again = elsewhere.waitFor("ack", cmd["id"].as_int64());
  ASSERT_EQ(again.at("type").as_string(), "ack") << json::serialize(again);
  EXPECT_EQ(again.at("seq"), ack.at("seq"));
  // REST through the other node, with Idempotency-Key.
  HttpClient& rest_elsewhere = alpha_owns ? http_b : http_a;
  const Player& who = alpha_owns ? guest : host;
  const std::vector<std::pair<std::string, std::string>> headers{
      {"Authorization", "Bearer " + who.token},
      {"Content-Type", "application/json"},
      {"Idempotency-Key", "rest-1"}};
  auto first = rest_elsewhere.request("POST", path + "/commands",
                                      R"({"type":"set_policy","tax_rate":30})", headers);
  ASSERT_EQ(first.status, 202) << first.body;
  auto second = rest_elsewhere.request("POST", path + "/commands",
                                       R"({"type":"set_policy","tax_rate":30})", headers);
  ASSERT_EQ(second.status, 202) << second.body;
  EXPECT_EQ(first.json().at("seq"), second.json().at("seq"));

  // Chat crosses nodes both ways.
  elsewhere.send({{"type", "chat"}, {"id", elsewhere.nextId()}, {"text", "hello from afar"}});
  on_owner.send({{"type", "chat"}, {"id", on_owner.nextId()}, {"text", "hello from home"}});
  // Each sees both lines (its own comes back through the owner too).
  auto heardBoth = [](Gamer& g) {
    std::set<std::string> lines;
    for (int i = 0; i < 4 && lines.size() < 2; ++i) {
      auto m = g.waitFor("chat");
      if (m.empty()) break;
      lines.insert(std::string(m.at("text").as_string()));
    }
    return lines;
  };
  const std::set<std::string> both{"hello from afar", "hello from home"};
  EXPECT_EQ(heardBoth(on_owner), both);
  EXPECT_EQ(heardBoth(elsewhere), both);
  // The view through the other node is the owner's.
  auto view = rest_elsewhere.get(path + "/state", who.token);
  EXPECT_EQ(view.status, 200) << view.body;

  // An advisor answers through the other node: it reads the owner's state.
  auto cast = rest_elsewhere.get(path + "/characters", who.token);
  ASSERT_EQ(cast.status, 200) << cast.body;
  int64_t treasury = 0;
  const json::value characters = cast.json();
  for (const auto& ch : characters.at("characters").as_array()) {
    if (ch.at("role").as_string() == "treasury") treasury = ch.at("id").as_int64();
  }
  ASSERT_NE(treasury, 0) << cast.body;
  auto talk = rest_elsewhere.request(
      "POST", path + "/characters/" + std::to_string(treasury) + "/messages",
      R"({"text":"How are our finances?"})",
      {{"Authorization", "Bearer " + who.token}, {"Content-Type", "application/json"}});
  EXPECT_EQ(talk.status, 200) << talk.body;
  EXPECT_NE(talk.body.find("event: done"), std::string::npos) << talk.body;

  // A spoken command through the other node: recognised with the owner's vocabulary (read
  // over the bus), applied through the owner, confirmed aloud.
  int frames = 0;
  auto spoken = speakCommand(elsewhere, "set taxes to forty percent", 900, frames);
  const auto* applied = findType(spoken, "voice.command");
  ASSERT_NE(applied, nullptr) << (spoken.empty() ? "nothing" : json::serialize(spoken.back()));
  EXPECT_GT(applied->at("tick").as_int64(), 0);
  EXPECT_GE(frames, 1);
  HttpClient& rest_owner = alpha_owns ? http_a : http_b;
  EXPECT_TRUE(waitUntil(
      [&] {
        auto state = rest_owner.get(path + "/state", who.token);
        return state.status == 200 &&
               state.json().at("self").at("policies").at("tax_rate").as_int64() == 40;
      },
      milliseconds(5'000)))
      << "the spoken tax rate did not reach the owner's state";

  // Pause and resume through the other node reach the owner.
  auto paused = post(alpha_owns ? http_b : http_a, path + "/pause", "", host);
  EXPECT_TRUE(paused.contains("state_hash")) << json::serialize(paused);
  auto resumed = post(alpha_owns ? http_b : http_a, path + "/resume", "", host);
  EXPECT_EQ(resumed.at("status").as_string(), "running") << json::serialize(resumed);
}

}  // namespace
}  // namespace startales::testing
