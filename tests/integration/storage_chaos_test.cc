// Storage failures under load on the real binary: a SQLite database on a small file system
// that fills up, and a PostgreSQL server stopped and restarted. While the store fails,
// commands are answered 503 with Retry-After and a sentence saying why; afterwards every
// acknowledged command is in the log (kill -9 and restart included) and the log alone
// rebuilds the state.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <thread>

#include "support/command_load.h"
#include "support/game_client.h"
#include "support/http_client.h"
#include "support/postgres_server.h"
#include "support/run_binary.h"
#include "support/server_process.h"
#include "support/wait.h"

namespace startales::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

int64_t startCampaign(HttpClient& http, const Player& host) {
  auto c = post(http, "/api/campaigns",
                R"({"name":"Chaos","systems":40,"ai_empires":1,"max_players":1,"tick_ms":100})",
                host, 201);
  const int64_t id = c.at("id").as_int64();
  post(http, "/api/campaigns/" + std::to_string(id) + "/start", "", host);
  return id;
}

// The first 503 a load saw: the store's code, a sentence, and Retry-After.
void expectUnavailableAnswer(const CommandLoad& load, const std::string& code,
                             const std::string& words) {
  auto answer = load.firstWith(503);
  ASSERT_TRUE(answer.has_value()) << "no command was refused with 503";
  auto body = json::parse(answer->body);
  EXPECT_EQ(body.at("error").at("code").as_string(), code) << answer->body;
  EXPECT_NE(std::string(body.at("error").at("message").as_string()).find(words), std::string::npos)
      << answer->body;
  EXPECT_FALSE(answer->retry_after.empty());
}

void expectAllLogged(HttpClient& http, int64_t id, const std::string& token,
                     const std::set<int64_t>& acked) {
  const auto logged = loggedSeqs(http, id, token);
  for (int64_t seq : acked) {
    auto it = logged.find(seq);
    EXPECT_TRUE(it != logged.end() && it->second == 1) << "acknowledged command " << seq;
  }
}

void expectReplayMatches(const std::string& args, int64_t id, const std::string& hash) {
  auto replay = runBinary("replay --campaign " + std::to_string(id) + " " + args);
  EXPECT_EQ(replay.code, 0) << replay.output;
  const auto brace = replay.output.rfind('{');
  ASSERT_NE(brace, std::string::npos) << replay.output;
  EXPECT_EQ(json::parse(replay.output.substr(brace)).at("replayed_hash").as_string(), hash)
      << replay.output;
}

void dumpOnFailure(const ServerProcess& server) {
  if (!::testing::Test::HasFailure()) return;
  auto lines = server.lines();
  const size_t from = lines.size() > 40 ? lines.size() - 40 : 0;
  for (size_t i = from; i < lines.size(); ++i) std::cerr << "server: " << lines[i] << "\n";
}

// After the outage and a kill -9: a restarted server has every acknowledged command logged
// once; paused and stopped, the log alone (`startales replay replay_args`) rebuilds its state.
void restartAndCheck(const std::vector<std::string>& args, int64_t id, const Player& host,
                     const std::set<int64_t>& acked, const std::string& replay_args) {
  ServerProcess again(args, kFastAuth);
  ASSERT_TRUE(again.waitReady()) << again.log();
  HttpClient http(again.port());
  expectAllLogged(http, id, host.token, acked);
  auto paused = post(http, "/api/campaigns/" + std::to_string(id) + "/pause", "", host);
  again.signal(SIGTERM);
  EXPECT_EQ(again.waitExit(), 0);
  dumpOnFailure(again);
  expectReplayMatches(replay_args, id, std::string(paused.at("state_hash").as_string()));
}

// A tmpfs of its own, mounted for the test and always unmounted.
class SmallFileSystem {
 public:
  explicit SmallFileSystem(const std::string& size) : dir_(makeTempDir("startales-small")) {
    mounted_ =
        std::system(("mount -t tmpfs -o size=" + size + ",mode=0755 tmpfs " + dir_).c_str()) == 0;
  }
  ~SmallFileSystem() {
    if (mounted_) (void)std::system(("umount -l " + dir_).c_str());
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  bool mounted() const { return mounted_; }
  const std::string& dir() const { return dir_; }

  // Writes a file until the file system has no room left; returns its size in bytes.
  size_t fill(const std::string& name) {
    std::FILE* f = std::fopen((dir_ + "/" + name).c_str(), "wb");
    if (f == nullptr) return 0;
    std::setvbuf(f, nullptr, _IONBF, 0);
    const std::string chunk(4096, 'x');
    size_t written = 0;
    for (int i = 0; i < 1'000'000; ++i) {  // bounded: 4 GB
      const size_t n = std::fwrite(chunk.data(), 1, chunk.size(), f);
      written += n;
      if (n < chunk.size()) break;
    }
    std::fclose(f);
    return written;
  }

 private:
  std::string dir_;
  bool mounted_ = false;
};

TEST(StorageChaosTest, SqliteOnAFullDiskAnswers503AndLosesNoAcknowledgedCommand) {
  if (geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs for the full disk needs root";
  SmallFileSystem disk("24m");
  ASSERT_TRUE(disk.mounted()) << "mount -t tmpfs failed in " << disk.dir();
  const std::string data_dir = disk.dir() + "/data";
  const std::vector<std::string> args = {"--data-dir", data_dir, "--snapshot-every", "2"};
  std::set<int64_t> acked;
  int64_t id = 0;
  Player alice;
  {
    ServerProcess server(args, kFastAuth);
    ASSERT_TRUE(server.waitReady()) << server.log();
    HttpClient http(server.port());
    alice = signUp(http, "alice");
    id = startCampaign(http, alice);
    CommandLoad load(server.port(), id, alice.token, 2, 50'000);
    ASSERT_TRUE(waitUntil([&] { return load.acked().size() >= 20; }, milliseconds(10000)));
    const size_t filler = disk.fill("filler");
    EXPECT_GT(filler, 0u);
    EXPECT_TRUE(waitUntil([&] { return load.statuses()[503] > 0; }, milliseconds(30000)))
        << "no command failed on a full disk";
    expectUnavailableAnswer(load, "db_full", "storage is full");
    EXPECT_TRUE(server.waitForLine("command log writes failing", milliseconds(5000)));
    // Room again: commands are acknowledged again, without a restart.
    fs::remove(disk.dir() + "/filler");
    const size_t before = load.acked().size();
    EXPECT_TRUE(waitUntil([&] { return load.acked().size() > before + 20; }, milliseconds(20000)))
        << "commands did not recover once the disk had room";
    EXPECT_TRUE(server.waitForLine("command log writes recovered", milliseconds(5000)));
    server.signal(SIGKILL);
    load.stop();
    server.waitExit();
    acked = load.acked();
    dumpOnFailure(server);
  }
  restartAndCheck(args, id, alice, acked, "--data-dir " + data_dir);
}

TEST(StorageChaosTest, PostgresStoppedAndRestartedUnderLoadAnswers503AndLosesNothing) {
  auto pg = PostgresServer::start();
  ASSERT_TRUE(pg.ok()) << pg.error().message;
  const std::string dir = makeTempDir("startales-pgchaos");
  const std::vector<std::string> args = {"--data-dir",       dir, "--db", (*pg)->url(),
                                         "--snapshot-every", "2"};
  std::set<int64_t> acked;
  int64_t id = 0;
  Player alice;
  {
    ServerProcess server(args, kFastAuth);
    ASSERT_TRUE(server.waitReady()) << server.log();
    HttpClient http(server.port());
    alice = signUp(http, "alice");
    id = startCampaign(http, alice);
    CommandLoad load(server.port(), id, alice.token, 2, 50'000);
    ASSERT_TRUE(waitUntil([&] { return load.acked().size() >= 20; }, milliseconds(10000)));
    ASSERT_TRUE((*pg)->halt().ok());
    EXPECT_TRUE(waitUntil([&] { return load.statuses()[503] > 0; }, milliseconds(30000)))
        << "no command failed with PostgreSQL down";
    // Most requests now fail at authentication (the session lookup), before the log.
    expectUnavailableAnswer(load, "db_unavailable", "database cannot be reached");
    auto restarted = (*pg)->restart();
    ASSERT_TRUE(restarted.ok()) << restarted.error().message;
    const size_t before = load.acked().size();
    EXPECT_TRUE(waitUntil([&] { return load.acked().size() > before + 20; }, milliseconds(30000)))
        << "commands did not recover once PostgreSQL was back";
    server.signal(SIGKILL);
    load.stop();
    server.waitExit();
    acked = load.acked();
    dumpOnFailure(server);
  }
  restartAndCheck(args, id, alice, acked, "--db " + (*pg)->url() + " --data-dir " + dir);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace startales::testing
