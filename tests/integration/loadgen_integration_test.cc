// startales-loadgen against the real server: a small run where every command must be answered,
// sign-ups slowed by the auth rate limit, and the tool's exit codes. Behaviour only: no timing
// thresholds (the numbers belong in docs/benchmarks.md).

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/server_process.h"

namespace startales::testing {
namespace {

namespace json = boost::json;

struct Run {
  int code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the loadgen with `args`, bounded by coreutils' timeout (exit 124 when it fires).
Run runLoadgen(const std::string& args, int timeout_s = 120) {
  const char* loadgen = std::getenv("STARTALES_LOADGEN");
  if (loadgen == nullptr) {
    ADD_FAILURE() << "STARTALES_LOADGEN is not set (ctest sets it)";
    return {};
  }
  const std::string dir = makeTempDir("startales-loadgen-it-");
  const std::string err_path = dir + "/stderr";
  const std::string cmd = "timeout --kill-after=5 " + std::to_string(timeout_s) + " \"" + loadgen +
                          "\" " + args + " 2>\"" + err_path + "\"";
  Run run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), pipe)) run.out.append(buf.data(), n);
  const int status = pclose(pipe);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_path);
  std::stringstream ss;
  ss << in.rdbuf();
  run.err = ss.str();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return run;
}

// Cheap argon2id keeps the setup fast; the defaults are exercised by the account tests.
std::vector<std::string> serverArgs(const std::string& address_burst,
                                    const std::string& address_per_min) {
  return {"--password-mem-kib",
          "1024",
          "--password-ops",
          "1",
          "--access-log",
          "false",
          "--auth-rate-address-burst",
          address_burst,
          "--auth-rate-address-per-min",
          address_per_min};
}

std::string url(const ServerProcess& server) {
  return "http://127.0.0.1:" + std::to_string(server.port());
}

uint64_t count(const json::value& v, const char* key) { return v.at(key).to_number<uint64_t>(); }

TEST(LoadgenTest, EveryCommandIsAnsweredAndDeltasArrive) {
  ServerProcess server(serverArgs("100000", "100000"));
  ASSERT_TRUE(server.waitReady()) << server.log();
  auto run = runLoadgen("--url " + url(server) +
                        " --players 12 --per-campaign 4 --command-interval-ms 200"
                        " --duration-s 5 --tick-ms 200 --json");
  ASSERT_EQ(run.code, 0) << run.err << run.out;
  boost::system::error_code ec;
  const json::value report = json::parse(run.out, ec);
  ASSERT_FALSE(ec) << "stdout is not one JSON object: " << run.out;
  ASSERT_TRUE(report.is_object()) << run.out;

  EXPECT_EQ(count(report, "players"), 12u) << run.out;
  EXPECT_EQ(count(report, "campaigns"), 3u) << run.out;
  EXPECT_EQ(count(report, "connected"), 12u) << run.out;
  EXPECT_EQ(count(report, "joined"), 12u) << run.out;
  const uint64_t sent = count(report, "commands_sent");
  const uint64_t acks = count(report, "acks");
  const uint64_t errors = count(report, "errors");
  EXPECT_GT(sent, 0u) << run.out;
  EXPECT_GT(acks, 0u) << run.out;
  EXPECT_EQ(acks + errors, sent) << "every command gets exactly one answer: " << run.out;
  EXPECT_EQ(count(report, "unanswered"), 0u) << run.out;
  EXPECT_EQ(count(report, "unmatched_answers"), 0u) << run.out;
  uint64_t by_code = 0;
  for (const auto& [code, n] : report.at("errors_by_code").as_object()) {
    by_code += n.to_number<uint64_t>();
  }
  EXPECT_EQ(by_code, errors) << run.out;
  EXPECT_GT(count(report, "deltas_received"), 0u) << run.out;
  EXPECT_GT(report.at("ack_ms").at("p99").to_number<double>(), 0) << run.out;
  EXPECT_GE(report.at("ack_ms").at("max").to_number<double>(),
            report.at("ack_ms").at("p50").to_number<double>())
      << run.out;
  EXPECT_TRUE(report.at("delta_lag_ms").is_object()) << run.out;
  EXPECT_EQ(count(report.at("disconnects"), "total"), 0u) << run.out;
  EXPECT_GT(report.at("setup_s").to_number<double>(), 0) << run.out;
  EXPECT_EQ(report.at("duration_s").to_number<double>(), 5) << run.out;
}

TEST(LoadgenTest, RateLimitedSignUpsWaitForRetryAfter) {
  // 24 sign-up and login requests against a burst of 4 refilled at 10 a second: most of them
  // are answered 429 + Retry-After first, and the setup still completes.
  ServerProcess server(serverArgs("4", "600"));
  ASSERT_TRUE(server.waitReady()) << server.log();
  auto run = runLoadgen("--url " + url(server) +
                        " --players 12 --per-campaign 4 --command-interval-ms 500"
                        " --duration-s 1 --json");
  ASSERT_EQ(run.code, 0) << run.err << run.out;
  const json::value report = json::parse(run.out);
  EXPECT_EQ(count(report, "connected"), 12u) << run.out;
  EXPECT_GT(count(report.at("setup"), "http_rate_limited"), 0u) << run.out;
  EXPECT_NE(run.err.find("--auth-rate-address-burst"), std::string::npos)
      << "the note should say how to raise the limit: " << run.err;
}

TEST(LoadgenTest, InvalidOptionsExitWithTwo) {
  for (const char* args :
       {"--players 4 --per-campaign 2 --command-interval-ms 100 --duration-s 1 --nope",
        "--players 0 --per-campaign 2 --command-interval-ms 100 --duration-s 1",
        "--players 4 --per-campaign 2 --command-interval-ms 100",
        "--players 4 --per-campaign 9 --command-interval-ms 100 --duration-s 1",
        "--players 4 --per-campaign 2 --command-interval-ms 100 --duration-s 1 "
        "--url ftp://example.com"}) {
    auto run = runLoadgen(args);
    EXPECT_EQ(run.code, 2) << args << "\n" << run.err;
    EXPECT_NE(run.err.find("startales-loadgen: "), std::string::npos) << args << "\n" << run.err;
    EXPECT_TRUE(run.out.empty()) << args << "\n" << run.out;
  }
  auto help = runLoadgen("--help");
  EXPECT_EQ(help.code, 0);
  for (const char* text : {"--players", "--per-campaign", "--command-interval-ms", "--duration-s",
                           "--json", "delta_lag_ms", "--auth-rate-address-burst"}) {
    EXPECT_NE(help.out.find(text), std::string::npos) << "missing " << text << "\n" << help.out;
  }
}

TEST(LoadgenTest, UnreachableServerExitsWithOne) {
  // A port nobody listens on: bind one, then close it.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);
  close(fd);

  const std::string target = "http://127.0.0.1:" + std::to_string(port);
  auto run = runLoadgen("--url " + target +
                        " --players 2 --per-campaign 2 --command-interval-ms 100 --duration-s 1");
  EXPECT_EQ(run.code, 1) << run.err;
  EXPECT_NE(run.err.find("cannot reach URL: " + target), std::string::npos) << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
}

}  // namespace
}  // namespace startales::testing
