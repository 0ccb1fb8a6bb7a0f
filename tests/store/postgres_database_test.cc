// PostgreSQL-only behaviour: connecting, losing connections, lock timeouts.

#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "store/database.h"
#include "support/test_database.h"

namespace startales::store {
namespace {

using std::chrono::steady_clock;

class PostgresDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<TestDatabase>> target = TestDatabase::create("postgres");
    ASSERT_TRUE(target) << target.error().message;
    target_ = std::move(target).value();
  }

  std::unique_ptr<TestDatabase> target_;
};

TEST_F(PostgresDatabaseTest, UnreachableServerIsUnavailableWithinTheConnectTimeout) {
  DatabaseConfig config = target_->config();
  config.connect_timeout_s = 2;
  config.url = "postgres://startales:Sup3rS3cret@127.0.0.1:" + std::to_string(unusedPort()) +
               "/startales_test";
  const auto started = steady_clock::now();
  Result<std::unique_ptr<Database>> db = Database::open(config);
  const auto took = steady_clock::now() - started;
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, "db_unavailable");
  EXPECT_EQ(db.error().message.find("Sup3rS3cret"), std::string::npos) << db.error().message;
  EXPECT_NE(db.error().message.find("127.0.0.1"), std::string::npos) << db.error().message;
  EXPECT_LT(took, std::chrono::seconds(config.connect_timeout_s + 1));
}

TEST_F(PostgresDatabaseTest, MissingDatabaseIsUnavailableWithTheServerReason) {
  DatabaseConfig config = target_->config();
  config.url = withDatabaseName(config.url, "no_such_database");
  Result<std::unique_ptr<Database>> db = Database::open(config);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, "db_unavailable");
  EXPECT_NE(db.error().message.find("no_such_database"), std::string::npos) << db.error().message;
}

TEST_F(PostgresDatabaseTest, MalformedUrlIsAConfigErrorWithoutThePassword) {
  DatabaseConfig config = target_->config();
  config.url = "postgres://startales:Sup3rS3cret@[::1/startales_test";
  Result<std::unique_ptr<Database>> db = Database::open(config);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, "db_config");
  EXPECT_EQ(db.error().message.find("Sup3rS3cret"), std::string::npos) << db.error().message;
}

TEST_F(PostgresDatabaseTest, BrokenConnectionIsReplaced) {
  DatabaseConfig config = target_->config();
  config.pool_size = 1;
  Result<std::unique_ptr<Database>> db = Database::open(config);
  ASSERT_TRUE(db) << db.error().message;
  Result<Rows> killed = (*db)->query("SELECT pg_terminate_backend(pg_backend_pid())");
  ASSERT_FALSE(killed);
  EXPECT_EQ(killed.error().code, "db_unavailable") << killed.error().message;
  Result<Rows> after = (*db)->query("SELECT 1");
  EXPECT_TRUE(after) << after.error().message;
}

TEST_F(PostgresDatabaseTest, IgnoredErrorInsideATransactionIsNotReportedAsCommitted) {
  Result<std::unique_ptr<Database>> db = Database::open(target_->config());
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE((*db)->query("CREATE TABLE t (k BIGINT PRIMARY KEY)"));
  Result<void> done = (*db)->transaction([](Connection& c) -> Result<void> {
    (void)c.query("INSERT INTO t (k) VALUES (1)");
    (void)c.query("INSERT INTO t (k) VALUES (1)");  // fails; PostgreSQL dooms the transaction
    return {};
  });
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().code, "db_error");
  Result<Rows> rows = (*db)->query("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(rows->rows.at(0).getInt(0), 0);
}

TEST_F(PostgresDatabaseTest, LockWaitPastBusyTimeoutIsDbBusy) {
  DatabaseConfig config = target_->config();
  config.busy_timeout_ms = 100;
  Result<std::unique_ptr<Database>> db = Database::open(config);
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE((*db)->query("CREATE TABLE t (k BIGINT PRIMARY KEY, v BIGINT)"));
  ASSERT_TRUE((*db)->query("INSERT INTO t (k, v) VALUES (1, 0)"));

  HeldTransaction holder(**db, "UPDATE t SET v = 1 WHERE k = 1");
  Result<Rows> blocked = (*db)->query("UPDATE t SET v = 2 WHERE k = 1");
  EXPECT_TRUE(holder.finish());
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, "db_busy") << blocked.error().message;
}

}  // namespace
}  // namespace startales::store
