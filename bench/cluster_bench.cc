// Three `startales api` nodes on one machine (PostgreSQL, NATS, Redis and s3rver started here,
// as the cluster tests do), measured side by side in one run:
//   1. ack latency of REST commands through the owner vs through another node (alternated,
//      so the machine's drift hits both), and their ratio: the forwarding cost;
//   2. kill -9 of an owner under load: time to the first acknowledgement of a command sent
//      after the kill, over --trials trials (median and max);
//   3. SIGTERM handoff under load: the longest pause between two acknowledgements.
// Prints a summary and one JSON line. Run by bench/run.sh (`make bench`).
//
//   4. with STARTALES_LOADGEN set: --load-players players spread over the nodes by
//      startales-loadgen --urls for 30 s, and what PostgreSQL, NATS and Redis did meanwhile.
//
//   cluster_bench [--trials N] [--lease-ttl-ms MS] [--commands N] [--load-players N]
// STARTALES_BINARY names the server binary, STARTALES_LOADGEN the load generator.

#include <signal.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/client_id_load.h"
#include "support/cluster_stack.h"
#include "support/game_client.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace {

using namespace startales::testing;
namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

double ms(steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

// The sum of every sample of the metric families named in `names` (all label sets), from
// Prometheus text.
std::map<std::string, double> sums(const std::string& text, const std::vector<std::string>& names) {
  std::map<std::string, double> out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t end = std::min(text.find('\n', at), text.size());
    const std::string line = text.substr(at, end - at);
    at = end + 1;
    if (line.empty() || line[0] == '#') continue;
    for (const auto& name : names) {
      if (line.rfind(name, 0) == 0 && (line.size() > name.size()) &&
          (line[name.size()] == ' ' || line[name.size()] == '{')) {
        out[name] += std::atof(line.substr(line.rfind(' ') + 1).c_str());
      }
    }
  }
  return out;
}

const std::vector<std::string> kCounted = {
    "command_log_commit_seconds_count",   // PostgreSQL transactions of the command log
    "command_log_commit_records_sum",     // records in them
    "bus_messages_published_total",       // NATS messages sent (publishes, requests, replies)
    "bus_messages_received_total",
    "kv_requests_total",                  // Redis calls
    "cluster_forwarded_requests_total",   // requests forwarded to an owner
    "cluster_lease_renewals_total"};      // renewal round trips (one statement per node)

class Bench {
 public:
  Bench(ClusterStack& stack, int ttl_ms) : stack_(stack), ttl_ms_(ttl_ms) {}

  ServerProcess* start(const std::string& name) {
    auto env = stack_.nodeEnv();
    // One loopback address carries every simulated player: the per-address caps off.
    env.push_back("STARTALES_MAX_WEBSOCKETS_PER_ADDRESS=20000");
    env.push_back("STARTALES_MAX_CONNECTIONS_PER_ADDRESS=20000");
    auto node = std::make_unique<ServerProcess>(stack_.nodeArgs(name, ttl_ms_), env, "api");
    if (!node->waitReady()) {
      std::cerr << "cluster_bench: node " << name << " did not start:\n" << node->log() << "\n";
      return nullptr;
    }
    auto* raw = node.get();
    nodes_[name] = std::move(node);
    return raw;
  }
  void stop(const std::string& name, int sig) {
    nodes_.at(name)->signal(sig);
    nodes_.at(name)->waitExit();
    nodes_.erase(name);
  }
  ServerProcess& node(const std::string& name) { return *nodes_.at(name); }
  uint16_t anyPort() const { return nodes_.begin()->second->port(); }
  // A node that died on its own is a failed run: its last log lines, on stderr.
  void reportExits() {
    for (auto& [name, n] : nodes_) {
      if (n->running()) continue;
      auto lines = n->lines();
      std::cerr << "cluster_bench: node " << name << " exited during the run (status "
                << n->waitExit(std::chrono::milliseconds(100)) << "):\n";
      for (size_t i = lines.size() > 20 ? lines.size() - 20 : 0; i < lines.size(); ++i) {
        std::cerr << "  " << lines[i] << "\n";
      }
    }
  }

  std::string ownerOf(int64_t campaign) {
    return nodes_.empty() ? "" : ownerIn(clusterOwners(nodes_.begin()->second->port()), campaign);
  }
  std::string waitOwner(int64_t campaign) {
    for (int i = 0; i < 200; ++i) {
      auto owner = ownerOf(campaign);
      if (!owner.empty()) return owner;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return "";
  }
  // kCounted summed over every node's /metrics.
  std::map<std::string, double> counters() {
    std::map<std::string, double> total;
    for (auto& [name, n] : nodes_) {
      HttpClient http(n->metricsPort());
      for (const auto& [k, v] : sums(http.get("/metrics").body, kCounted)) total[k] += v;
    }
    return total;
  }
  std::string urls() const {
    std::string out;
    for (const auto& [name, n] : nodes_) {
      out += (out.empty() ? "" : ",") + std::string("http://127.0.0.1:") + std::to_string(n->port());
    }
    return out;
  }
  std::vector<uint16_t> portsExcept(const std::string& name) {
    std::vector<uint16_t> out;
    for (auto& [n, p] : nodes_) {
      if (n != name) out.push_back(p->port());
    }
    return out;
  }
  int64_t newCampaign(const Player& host) {
    HttpClient http(nodes_.begin()->second->port());
    auto c = post(http, "/api/campaigns",
                  R"({"name":"Bench","systems":30,"ai_empires":1,"max_players":1,"tick_ms":200})",
                  host, 201);
    const int64_t id = c.at("id").as_int64();
    post(http, "/api/campaigns/" + std::to_string(id) + "/start", "", host);
    return id;
  }

 private:
  ClusterStack& stack_;
  const int ttl_ms_;
  std::map<std::string, std::unique_ptr<ServerProcess>> nodes_;
};

int run(int trials, int ttl_ms, int commands, int load_players) {
  auto stack = ClusterStack::start();
  if (!stack) {
    std::cerr << "cluster_bench: " << stack.error().message << "\n";
    return 1;
  }
  Bench bench(**stack, ttl_ms);
  int next_name = 0;
  auto fresh = [&] { return "n" + std::to_string(++next_name); };
  for (int i = 0; i < 3; ++i) {
    if (bench.start(fresh()) == nullptr) return 1;
  }
  HttpClient setup_http(bench.node("n1").port());
  const Player host = signUp(setup_http, "benchhost0");

  // 1. Forwarding cost.
  const int64_t id = bench.newCampaign(host);
  const std::string owner = bench.waitOwner(id);
  const uint16_t other_port = bench.portsExcept(owner).front();
  HttpClient direct(bench.node(owner).port()), forwarded(other_port);
  const std::string path = "/api/campaigns/" + std::to_string(id) + "/commands";
  std::vector<double> via_owner, via_other;
  for (int i = 0; i < commands + 50; ++i) {
    for (HttpClient* http : {&direct, &forwarded}) {
      const auto t0 = steady_clock::now();
      auto r = http->postJson(path, R"({"type":"set_policy","tax_rate":20})", host.token);
      const double took = ms(steady_clock::now() - t0);
      if (r.status != 202) {
        std::cerr << "cluster_bench: a command failed: " << r.status << " " << r.body << "\n";
        return 1;
      }
      if (i >= 50) (http == &direct ? via_owner : via_other).push_back(took);  // after warm-up
    }
  }

  // 2. kill -9 of the owner, `trials` times (the killed node is replaced by a fresh one).
  std::vector<double> failover;
  int hosts = 0;  // a host per trial: the abuse limits cap campaigns per account
  auto newHost = [&] {
    HttpClient http(bench.anyPort());  // the first node may be gone by now
    return signUp(http, "benchhost" + std::to_string(++hosts));
  };
  for (int t = 0; t < trials; ++t) {
    const Player trial_host = newHost();
    const int64_t c = bench.newCampaign(trial_host);
    const std::string victim = bench.waitOwner(c);
    ClientIdLoad load(bench.portsExcept(victim), c, trial_host.token, 120);
    std::this_thread::sleep_for(milliseconds(600));
    const auto killed = steady_clock::now();
    bench.stop(victim, SIGKILL);
    load.join();
    std::optional<steady_clock::time_point> first;
    for (const auto& a : load.ackTimes()) {
      if (a.sent > killed && (!first || a.acked < *first)) first = a.acked;
    }
    if (!first || !load.failures().empty()) {
      std::cerr << "cluster_bench: trial " << t << " failed ("
                << (load.failures().empty() ? "no ack after the kill" : load.failures().front())
                << ")\n";
      return 1;
    }
    failover.push_back(ms(*first - killed));
    if (bench.start(fresh()) == nullptr) return 1;
  }

  // 3. SIGTERM handoff: the longest pause between two acknowledgements of one writer.
  std::vector<double> pauses;
  for (int t = 0; trials > 0 && t < std::max(3, trials / 3); ++t) {
    const Player trial_host = newHost();
    const int64_t c = bench.newCampaign(trial_host);
    const std::string drained = bench.waitOwner(c);
    ClientIdLoad load(bench.portsExcept(drained), c, trial_host.token, 120);
    std::this_thread::sleep_for(milliseconds(600));
    bench.stop(drained, SIGTERM);
    load.join();
    auto acks = load.ackTimes();
    std::sort(acks.begin(), acks.end(),
              [](const auto& a, const auto& b) { return a.acked < b.acked; });
    double longest = 0;
    for (size_t i = 1; i < acks.size(); ++i) longest = std::max(longest, ms(acks[i].acked - acks[i - 1].acked));
    pauses.push_back(longest);
    if (bench.start(fresh()) == nullptr) return 1;
  }

  // 4. Players spread over the three nodes (startales-loadgen --urls): what each engine does
  //    per player per second, from the nodes' own counters.
  json::object per_player;
  if (const char* loadgen = std::getenv("STARTALES_LOADGEN"); loadgen != nullptr && load_players > 0) {
    const auto before = bench.counters();
    const int seconds = 30;
    const std::string command = std::string(loadgen) + " --urls " + bench.urls() +
                                " --players " + std::to_string(load_players) +
                                " --per-campaign 10 --systems 60 --command-interval-ms 2000 --tick-ms 1000"
                                " --duration-s " + std::to_string(seconds) + " --json --quiet";
    std::string report;
    if (FILE* p = popen(command.c_str(), "r")) {
      char buffer[4096];
      while (fgets(buffer, sizeof buffer, p) != nullptr) report += buffer;
      if (pclose(p) != 0) std::cerr << "cluster_bench: the loadgen failed: " << report << "\n";
    }
    const auto after = bench.counters();
    bench.reportExits();
    std::printf("%d players over 3 nodes, one command per 2 s each, for %d s (counted over the "
                "setup too):\n", load_players, seconds);
    for (const auto& name : kCounted) {
      per_player[name] = (after.count(name) ? after.at(name) : 0) - (before.count(name) ? before.at(name) : 0);
      std::printf("  %-36s %12.0f\n", name.c_str(), per_player[name].as_double());
    }
    per_player["loadgen"] = report.empty() ? json::value(nullptr) : json::parse(report);
  }

  const double p50_owner = quantile(via_owner, 0.5), p50_other = quantile(via_other, 0.5);
  const double p99_owner = quantile(via_owner, 0.99), p99_other = quantile(via_other, 0.99);
  std::printf("commands through the owner:    p50 %.2f ms  p99 %.2f ms  (%zu)\n", p50_owner,
              p99_owner, via_owner.size());
  std::printf("commands through another node: p50 %.2f ms  p99 %.2f ms  (%zu)\n", p50_other,
              p99_other, via_other.size());
  std::printf("forwarding cost: p50 x%.2f, p99 x%.2f\n", p50_other / p50_owner,
              p99_other / p99_owner);
  if (!failover.empty()) {
    std::printf("kill -9 -> first new ack (lease TTL %d ms, %d trials): median %.0f ms, max %.0f ms\n",
                ttl_ms, trials, quantile(failover, 0.5),
                *std::max_element(failover.begin(), failover.end()));
    std::printf("SIGTERM handoff, longest pause between acks (%zu trials): median %.0f ms, max %.0f ms\n",
                pauses.size(), quantile(pauses, 0.5), *std::max_element(pauses.begin(), pauses.end()));
  }
  json::object out{{"via_owner_p50_ms", p50_owner},   {"via_owner_p99_ms", p99_owner},
                   {"via_other_p50_ms", p50_other},   {"via_other_p99_ms", p99_other},
                   {"forwarding_p50_ratio", p50_other / p50_owner},
                   {"forwarding_p99_ratio", p99_other / p99_owner},
                   {"lease_ttl_ms", ttl_ms},
                   {"failover_ms", json::value_from(failover)},
                   {"handoff_pause_ms", json::value_from(pauses)},
                   {"load", per_player}};
  std::cout << json::serialize(out) << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int trials = 10, ttl_ms = 2000, commands = 300, load_players = 300;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--trials") trials = value;
    if (flag == "--lease-ttl-ms") ttl_ms = value;
    if (flag == "--commands") commands = value;
    if (flag == "--load-players") load_players = value;
  }
  return run(std::max(0, trials), std::max(600, ttl_ms), std::max(10, commands),
             std::max(0, load_players));
}
