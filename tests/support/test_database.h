#pragma once

// One isolated database per test, on either backend: a fresh SQLite file in its own temporary
// directory, or a fresh schema (reached through search_path) on the shared PostgreSQL test
// server. Cleaned up on destruction.

#include <future>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "store/database.h"

namespace startales::store {

class TestDatabase {
 public:
  // backend: "sqlite" or "postgres". Fails when the PostgreSQL test server is missing.
  static Result<std::unique_ptr<TestDatabase>> create(std::string_view backend);

  // Precondition: every Database opened on config() is closed.
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // Settings for this database, with timeouts short enough for tests.
  DatabaseConfig config() const;
  // SQLite: the temporary directory holding the file. PostgreSQL: "".
  const std::string& directory() const { return directory_; }

 private:
  TestDatabase() = default;

  std::string url_;
  std::string directory_;
  std::string schema_;
  std::unique_ptr<Database> admin_;  // PostgreSQL: creates and drops schema_
};

// A user row (password hash "x") for tests that need one to refer to; returns its id.
Result<int64_t> insertTestUser(Database& db, const std::string& name);
// A running campaign row hosted by `host` (no state: for tables that refer to a campaign);
// returns its id.
Result<int64_t> insertTestCampaign(Database& db, int64_t host);

// The shared PostgreSQL test server's URL (see support/postgres_server.h).
Result<std::string> postgresTestUrl();

// `url` with its database name replaced by `database`.
std::string withDatabaseName(const std::string& url, const std::string& database);

// A transaction held open on another thread: it runs `sql` (if any), then waits for
// finish(). The constructor returns once the transaction holds its connection and locks.
class HeldTransaction {
 public:
  HeldTransaction(Database& db, std::string sql = "");
  ~HeldTransaction();
  HeldTransaction(const HeldTransaction&) = delete;
  HeldTransaction& operator=(const HeldTransaction&) = delete;
  // Lets the transaction commit and returns its outcome (the statement's error, if any).
  Result<void> finish();

 private:
  std::promise<void> release_;
  std::future<Result<void>> outcome_;
  bool finished_ = false;
};

// A loopback TCP port nothing listens on.
int unusedPort();

}  // namespace startales::store
