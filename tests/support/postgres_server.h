#pragma once

// A real PostgreSQL server for tests: initdb into a fresh temporary directory, pg_ctl start on
// 127.0.0.1 and a free port, one database. Run as the `postgres` system user when the test
// runs as root (PostgreSQL refuses to run as root). Always stopped and deleted on destruction.
//
// When STARTALES_TEST_POSTGRES_URL is set, that server is used instead and nothing is started.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace startales::testing {

// Where the server listens. By default on 127.0.0.1; in a network namespace the test created
// (`ip netns add`), it listens on every address of that namespace and the URL names `address`
// (one of them, reachable from the caller's namespace through a veth pair).
struct PostgresPlacement {
  std::string netns;
  std::string address = "127.0.0.1";
};

class PostgresServer {
 public:
  // Fails with code "postgres_unavailable" and one sentence naming the command that failed
  // and its output.
  static Result<std::unique_ptr<PostgresServer>> start(PostgresPlacement placement = {});

  // Stops the server (fast, then immediate shutdown, then SIGKILL) and removes its directory.
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // postgres://startales@127.0.0.1:PORT/startales_test (or STARTALES_TEST_POSTGRES_URL).
  const std::string& url() const { return url_; }
  // The same database reached at another address of the server's namespace.
  std::string urlAt(const std::string& address) const;

  // Stops the server (fast shutdown: sessions are cut) and keeps its data; connections fail
  // until restart(). Not for an external server ("postgres_unavailable").
  Result<void> halt();
  // Starts it again on the same port with the same data.
  Result<void> restart();

 private:
  PostgresServer() = default;
  void stop();

  std::string url_;
  int port_ = 0;
  std::string bin_dir_;   // empty for an external server
  std::string root_dir_;  // temporary directory holding data/ and the socket; empty if external
  std::string run_as_;    // system user running the server processes, or "" for ourselves
  std::vector<std::string> start_command_;  // the pg_ctl start that worked; empty if external
};

// A gtest global environment owning one PostgresServer for the whole test binary:
//   ::testing::AddGlobalTestEnvironment(new startales::testing::PostgresEnvironment);
// Startup failures do not abort the binary; tests asking for url() get the error instead.
class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  // The running server's URL, or why it could not start. Call between SetUp and TearDown.
  static Result<std::string> url();
};

}  // namespace startales::testing
