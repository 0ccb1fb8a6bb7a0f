// A network partition between a campaign's owner and PostgreSQL, in network namespaces the
// test creates: PostgreSQL runs in its own namespace, reached by the owner through one veth
// pair and by the other node through another. The owner's link goes down while one of its
// writes is on its way; the other node takes the lease over; the link comes back and the old
// owner's late write reaches the database — which refuses its stale epoch (counted in the old
// owner's campaign_fenced_writes_total). The command is never acknowledged nor written; the
// new owner goes on.

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <thread>

#include "support/cluster_stack.h"
#include "support/game_client.h"
#include "support/http_client.h"
#include "support/run_binary.h"
#include "support/server_process.h"
#include "support/wait.h"

namespace startales::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr int kLeaseTtlMs = 2000;

bool sh(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

// A namespace "stp<pid>" with PostgreSQL's two addresses: 10.N.1.2 (reached through veth A,
// the owner's route) and 10.N.2.2 (veth B, the other node's). Deleted on destruction (which
// removes both veth pairs).
class Namespace {
 public:
  Namespace() : id_(std::to_string(getpid() % 100000)), net_(std::to_string(200 + getpid() % 50)) {
    name_ = "stp" + id_;
    ok_ = sh("ip netns add " + name_) && sh("ip netns exec " + name_ + " ip link set lo up");
    for (const char* side : {"a", "b"}) {
      const std::string root = "stp" + std::string(side) + id_;
      const std::string inner = "stq" + std::string(side) + id_;
      const std::string subnet = "10." + net_ + "." + (side[0] == 'a' ? "1" : "2");
      ok_ = ok_ && sh("ip link add " + root + " type veth peer name " + inner) &&
            sh("ip link set " + inner + " netns " + name_) &&
            sh("ip addr add " + subnet + ".1/24 dev " + root) && sh("ip link set " + root + " up") &&
            sh("ip netns exec " + name_ + " ip addr add " + subnet + ".2/24 dev " + inner) &&
            sh("ip netns exec " + name_ + " ip link set " + inner + " up");
    }
  }
  ~Namespace() {
    sh("ip netns del " + name_);
    sh("ip link del stpa" + id_);
    sh("ip link del stpb" + id_);
  }
  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }
  std::string ownerAddress() const { return "10." + net_ + ".1.2"; }
  std::string otherAddress() const { return "10." + net_ + ".2.2"; }
  // The namespace's end of the owner's pair goes down: the owner keeps its route (the link is
  // only without carrier), so its packets vanish without an answer, as in a real partition
  // (taking the route away instead would send them elsewhere and get them refused).
  bool cutOwner() { return sh("ip netns exec " + name_ + " ip link set stqa" + id_ + " down"); }
  bool healOwner() { return sh("ip netns exec " + name_ + " ip link set stqa" + id_ + " up"); }

 private:
  std::string id_, net_, name_;
  bool ok_ = false;
};

double metric(uint16_t port, const std::string& name) {
  HttpClient http(port);
  const std::string text = http.get("/metrics").body;
  size_t at = text.find("\n" + name + " ");
  if (at == std::string::npos) return 0;
  return std::atof(text.c_str() + at + name.size() + 2);
}

TEST(ClusterPartitionTest, AnOwnerCutOffFromPostgresIsTakenOverAndItsLateWriteIsRefused) {
  if (geteuid() != 0) GTEST_SKIP() << "network namespaces need root";
  Namespace ns;
  ASSERT_TRUE(ns.ok()) << "could not create the namespace and veth pairs";
  auto stack = ClusterStack::start(PostgresPlacement{ns.name(), ns.otherAddress()});
  ASSERT_TRUE(stack.ok()) << stack.error().message;
  const std::string owner_db = (*stack)->postgres().urlAt(ns.ownerAddress());

  // alpha alone first, so the campaign is placed on it; beta reaches PostgreSQL another way.
  ServerProcess alpha((*stack)->nodeArgs("alpha", kLeaseTtlMs, owner_db), (*stack)->nodeEnv(),
                      "api");
  ASSERT_TRUE(alpha.waitReady()) << alpha.log();
  HttpClient http_a(alpha.port());
  const Player host = signUp(http_a, "host");
  auto c = post(http_a, "/api/campaigns",
                R"({"name":"Cut","systems":30,"ai_empires":1,"max_players":1,"tick_ms":1000})",
                host, 201);
  const int64_t id = c.at("id").as_int64();
  const std::string path = "/api/campaigns/" + std::to_string(id);
  post(http_a, path + "/start", "", host);
  ASSERT_TRUE(waitUntil([&] { return http_a.get(path + "/state", host.token).status == 200; },
                        milliseconds(10'000)));
  ServerProcess beta((*stack)->nodeArgs("beta", kLeaseTtlMs), (*stack)->nodeEnv(), "api");
  ASSERT_TRUE(beta.waitReady()) << beta.log();
  auto acked = http_a.postJson(path + "/commands", R"({"type":"set_policy","tax_rate":20})",
                               host.token);
  ASSERT_EQ(acked.status, 202) << acked.body;
  std::this_thread::sleep_for(milliseconds(500));  // alpha's writer idle: the cut finds no txn

  // A player on alpha itself; the cut; then the player's command: alpha logs it, and the
  // transaction's first statement vanishes on the way to PostgreSQL.
  Gamer player(alpha.port(), host);
  ASSERT_EQ(player.join(id).at("type").as_string(), "joined");
  ASSERT_TRUE(ns.cutOwner());
  const int64_t late_id = player.nextId();
  player.send({{"type", "command"},
               {"id", late_id},
               {"client_id", "late-1"},
               {"command", {{"type", "set_policy"}, {"tax_rate", 33}}}});
  // beta takes the campaign over once alpha's lease expires.
  HttpClient http_b(beta.port());
  const bool taken = waitUntil(
      [&] { return ownerIn(clusterOwners(beta.port()), id) == "beta"; },
      milliseconds(30'000));
  ASSERT_TRUE(taken) << "beta did not take the campaign over";
  // alpha stopped on its own deadline, before the lease could be taken.
  EXPECT_TRUE(alpha.waitForLine("its lease could not be renewed in time", milliseconds(100)));

  // The link comes back: alpha's late write reaches PostgreSQL and is refused.
  ASSERT_TRUE(ns.healOwner());
  EXPECT_TRUE(waitUntil([&] { return metric(alpha.metricsPort(), "campaign_fenced_writes_total") >= 1; },
                        milliseconds(40'000)))
      << "the late write was not refused by the epoch check";
  auto answer = player.waitFor("ack", late_id, milliseconds(20'000));
  EXPECT_EQ(answer.at("type").as_string(), "error") << json::serialize(answer);
  EXPECT_EQ(answer.at("code").as_string(), "campaign_moved") << json::serialize(answer);
  // Never written; beta acknowledges commands.
  auto log = http_b.get(path + "/commands?limit=500", host.token);
  ASSERT_EQ(log.status, 200) << log.body;
  EXPECT_EQ(log.body.find("late-1"), std::string::npos) << log.body;
  EXPECT_EQ(http_b.postJson(path + "/commands", R"({"type":"set_policy","tax_rate":21})", host.token)
                .status,
            202);
  if (HasFailure()) {
    HttpClient m(alpha.metricsPort());
    const std::string text = m.get("/metrics").body;
    for (size_t at = text.find("cluster_forwarded_requests_total{"); at != std::string::npos;
         at = text.find("cluster_forwarded_requests_total{", at + 1)) {
      std::cerr << "alpha metric: " << text.substr(at, text.find('\n', at) - at) << "\n";
    }
    for (const auto& line : alpha.lines()) std::cerr << "alpha: " << line << "\n";
    for (const auto& line : beta.lines()) std::cerr << "beta: " << line << "\n";
  }
}

}  // namespace
}  // namespace startales::testing
