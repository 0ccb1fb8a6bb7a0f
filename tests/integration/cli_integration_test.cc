// The binary's command line: help, version, configuration errors, migrate.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "support/run_binary.h"
#include "support/server_process.h"

namespace startales::testing {
namespace {

TEST(CliTest, HelpListsEverySettingWithItsEnvironmentVariable) {
  auto run = runBinary("--help");
  EXPECT_EQ(run.code, 0) << run.output;
  for (const char* text :
       {"serve", "api", "migrate", "routes", "--metrics-listen", "STARTALES_METRICS_LISTEN",
        "127.0.0.1:9464", "--metrics-token", "STARTALES_METRICS_TOKEN", "--port", "STARTALES_PORT", "--host", "STARTALES_HOST",
        "--data-dir", "STARTALES_DATA_DIR", "--db", "STARTALES_DB", "4000", "0.0.0.0"}) {
    EXPECT_NE(run.output.find(text), std::string::npos) << "missing " << text << "\n" << run.output;
  }
}

TEST(CliTest, VersionPrintsTheVersion) {
  auto run = runBinary("--version");
  EXPECT_EQ(run.code, 0);
  EXPECT_NE(run.output.find("startales "), std::string::npos) << run.output;
}

TEST(CliTest, InvalidConfigurationListsEveryProblemAtOnce) {
  auto run = runBinary("serve --port 99999 --log-level loud --db mysql://x --db-sync always",
                       "STARTALES_MAX_BODY_BYTES=lots");
  EXPECT_EQ(run.code, 2) << run.output;
  EXPECT_NE(run.output.find("5 problems"), std::string::npos) << run.output;
  for (const char* text :
       {"--port (STARTALES_PORT)", "--log-level (STARTALES_LOG_LEVEL)", "--db (STARTALES_DB)",
        "--max-body-bytes (STARTALES_MAX_BODY_BYTES)", "--db-sync (STARTALES_DB_SYNC)"}) {
    EXPECT_NE(run.output.find(text), std::string::npos) << "missing " << text << "\n" << run.output;
  }
}

TEST(CliTest, AbuseLimitsAreListedAndValidatedAtStart) {
  auto help = runBinary("--help");
  for (const char* text :
       {"--speech-token", "--speech-workers", "--speech-max-pending", "--tts-max-sentences",
        "--tts-max-text-bytes", "--session-purge-every-s", "--auth-rate-max-keys",
        "--max-connections-per-address", "--max-websockets-per-address",
        "--max-websockets-per-account", "--campaigns-per-hour", "--max-live-campaigns",
        "--invite-rate-burst", "--invite-rate-per-min", "--card-max-text-bytes"}) {
    EXPECT_NE(help.output.find(text), std::string::npos) << "missing " << text;
  }
  auto run = runBinary(
      "serve --max-connections 100 --max-websockets-per-address 500 --tts-max-sentences 0 "
      "--speech-token short",
      "STARTALES_MAX_LIVE_CAMPAIGNS=many");
  EXPECT_EQ(run.code, 2) << run.output;
  EXPECT_NE(run.output.find("4 problems"), std::string::npos) << run.output;
  for (const char* text :
       {"--max-websockets-per-address (STARTALES_MAX_WEBSOCKETS_PER_ADDRESS): \"500\" is above "
        "--max-connections (100)",
        "--tts-max-sentences (STARTALES_TTS_MAX_SENTENCES)",
        "--speech-token (STARTALES_SPEECH_TOKEN)",
        "--max-live-campaigns (STARTALES_MAX_LIVE_CAMPAIGNS)"}) {
    EXPECT_NE(run.output.find(text), std::string::npos) << "missing " << text << "\n" << run.output;
  }
}

TEST(CliTest, EnvironmentVariablesConfigureTheServer) {
  auto run = runBinary("serve --host 127.0.0.1", "STARTALES_PORT=notaport");
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.output.find("\"notaport\""), std::string::npos) << run.output;
}

TEST(CliTest, MigrateCreatesTheDatabaseAndIsIdempotent) {
  std::string dir = makeTempDir("startales-cli-");
  auto first = runBinary("migrate --data-dir " + dir);
  EXPECT_EQ(first.code, 0) << first.output;
  EXPECT_TRUE(std::filesystem::exists(dir + "/startales.db"));
  // Every migration the binary knows is applied on a fresh database (at least accounts and
  // campaigns), none on the second run.
  EXPECT_EQ(first.output.find("\"migrations_applied\":0"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("\"migrations_applied\":"), std::string::npos) << first.output;
  auto second = runBinary("migrate --data-dir " + dir);
  EXPECT_EQ(second.code, 0) << second.output;
  EXPECT_NE(second.output.find("\"migrations_applied\":0"), std::string::npos) << second.output;
  std::filesystem::remove_all(dir);
}

TEST(CliTest, TakenPortFailsWithAClearLine) {
  ServerProcess first;
  ASSERT_TRUE(first.waitReady()) << first.log();
  auto run = runBinary("serve --host 127.0.0.1 --port " + std::to_string(first.port()) +
                       " --data-dir " + first.dataDir() + " --metrics-listen off");
  EXPECT_EQ(run.code, 1) << run.output;
  EXPECT_NE(run.output.find("Cannot listen on 127.0.0.1:"), std::string::npos) << run.output;
  // The metrics listener's port is checked the same way.
  auto metrics = runBinary("serve --host 127.0.0.1 --port 0 --data-dir " + first.dataDir() +
                           " --metrics-listen 127.0.0.1:" + std::to_string(first.metricsPort()));
  EXPECT_EQ(metrics.code, 1) << metrics.output;
  EXPECT_NE(metrics.output.find("Cannot listen on 127.0.0.1:" + std::to_string(first.metricsPort())),
            std::string::npos)
      << metrics.output;
}

TEST(CliTest, MetricsOptionsAreValidatedAtStart) {
  auto run = runBinary("serve --metrics-listen nowhere", "STARTALES_METRICS_TOKEN=short");
  EXPECT_EQ(run.code, 2) << run.output;
  EXPECT_NE(run.output.find("2 problems"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("--metrics-listen (STARTALES_METRICS_LISTEN): \"nowhere\" is not "
                            "HOST:PORT"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("--metrics-token (STARTALES_METRICS_TOKEN): a token needs at least 16"),
            std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace startales::testing
