// SQLite-only behaviour: the file, its journal mode and its locking.

#include <gtest/gtest.h>

#include <filesystem>
#include <future>

#include "store/database.h"
#include "support/test_database.h"

namespace startales::store {
namespace {

namespace fs = std::filesystem;

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<TestDatabase>> target = TestDatabase::create("sqlite");
    ASSERT_TRUE(target) << target.error().message;
    target_ = std::move(target).value();
  }

  std::unique_ptr<Database> open(const DatabaseConfig& config) {
    Result<std::unique_ptr<Database>> db = Database::open(config);
    EXPECT_TRUE(db) << (db ? "" : db.error().message);
    return db ? std::move(db).value() : nullptr;
  }

  std::unique_ptr<TestDatabase> target_;
};

TEST_F(SqliteDatabaseTest, UsesWalWithForeignKeysAndFullSync) {
  std::unique_ptr<Database> db = open(target_->config());
  ASSERT_NE(db, nullptr);
  Result<Rows> journal = db->query("PRAGMA journal_mode");
  ASSERT_TRUE(journal);
  EXPECT_EQ(journal->rows.at(0).getText(0), "wal");
  Result<Rows> foreign_keys = db->query("PRAGMA foreign_keys");
  ASSERT_TRUE(foreign_keys);
  EXPECT_EQ(foreign_keys->rows.at(0).getInt(0), 1);
  Result<Rows> synchronous = db->query("PRAGMA synchronous");
  ASSERT_TRUE(synchronous);
  EXPECT_EQ(synchronous->rows.at(0).getInt(0), 2);  // FULL: every commit synced
}

TEST_F(SqliteDatabaseTest, WithoutSyncEveryCommitSyncsAtCheckpointsOnly) {
  DatabaseConfig config = target_->config();
  config.sync_every_commit = false;
  std::unique_ptr<Database> db = open(config);
  ASSERT_NE(db, nullptr);
  Result<Rows> synchronous = db->query("PRAGMA synchronous");
  ASSERT_TRUE(synchronous);
  EXPECT_EQ(synchronous->rows.at(0).getInt(0), 1);  // NORMAL
  // Still a working database.
  ASSERT_TRUE(db->query("CREATE TABLE t (x INTEGER)"));
  ASSERT_TRUE(db->query("INSERT INTO t VALUES (7)"));
  Result<Rows> rows = db->query("SELECT x FROM t");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->rows.at(0).getInt(0), 7);
}

// Placeholders are read once, when a statement is prepared and cached; every later use of the
// cached statement still checks its parameters, and SQLite's own placeholder forms are refused
// (PostgreSQL would not run them).
TEST_F(SqliteDatabaseTest, CachedStatementsStillCheckTheirParameters) {
  std::unique_ptr<Database> db = open(target_->config());
  ASSERT_NE(db, nullptr);
  for (int round = 0; round < 2; ++round) {
    Result<Rows> ok = db->query("SELECT $2, $1", {int64_t{1}, std::string("b")});
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->rows.at(0).getText(0), "b");
    Result<Rows> missing = db->query("SELECT $2, $1", {int64_t{1}});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "The statement uses $2 but 1 parameter(s) were given.");
    Result<Rows> unused = db->query("SELECT $2, $1", {int64_t{1}, int64_t{2}, int64_t{3}});
    ASSERT_FALSE(unused);
    EXPECT_EQ(unused.error().message, "Parameter $3 was given but the statement does not use it.");
    Result<Rows> gap = db->query("SELECT $2", {int64_t{1}, int64_t{2}});
    ASSERT_FALSE(gap);
    EXPECT_EQ(gap.error().message, "Parameter $1 was given but the statement does not use it.");
    for (const char* sql : {"SELECT ?", "SELECT :name", "SELECT @a", "SELECT $0"}) {
      Result<Rows> refused = db->query(sql, {int64_t{1}});
      ASSERT_FALSE(refused) << sql;
      EXPECT_NE(refused.error().message.find("is not supported; write $1, $2, ... instead"),
                std::string::npos)
          << refused.error().message;
    }
  }
}

TEST_F(SqliteDatabaseTest, DataSurvivesClosingAndReopening) {
  {
    std::unique_ptr<Database> db = open(target_->config());
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(migrate(*db));
    ASSERT_TRUE(db->query("CREATE TABLE keep (v TEXT)"));
    ASSERT_TRUE(db->query("INSERT INTO keep (v) VALUES ($1)", {std::string("still here")}));
  }
  std::unique_ptr<Database> reopened = open(target_->config());
  ASSERT_NE(reopened, nullptr);
  Result<Rows> rows = reopened->query("SELECT v FROM keep");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0].getText(0), "still here");
  Result<int> again = migrate(*reopened);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
}

TEST_F(SqliteDatabaseTest, CreatesMissingParentDirectories) {
  DatabaseConfig config = target_->config();
  const fs::path file = fs::path(target_->directory()) / "nested" / "deeper" / "game.db";
  config.url = "sqlite://" + file.string();
  std::unique_ptr<Database> db = open(config);
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(fs::exists(file));
}

TEST_F(SqliteDatabaseTest, RelativeUrlIsRelativeToTheWorkingDirectory) {
  DatabaseConfig config = target_->config();
  const fs::path file = fs::path(target_->directory()) / "relative.db";
  config.url = "sqlite://" + fs::relative(file).string();
  ASSERT_NE(config.url.substr(9, 1), "/");
  std::unique_ptr<Database> db = open(config);
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(fs::exists(file));
}

TEST_F(SqliteDatabaseTest, MemoryDatabaseIsSharedByEveryCall) {
  DatabaseConfig config = target_->config();
  config.url = "sqlite::memory:";
  std::unique_ptr<Database> db = open(config);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(migrate(*db));
  ASSERT_TRUE(db->transaction([](Connection& c) -> Result<void> {
    Result<Rows> r = c.query(
        "INSERT INTO users (username, username_key, password_hash, "
        "created_at) VALUES ('a', 'a', 'h', 0)");
    if (!r) return r.error();
    return {};
  }));
  Result<Rows> users = db->query("SELECT COUNT(*) FROM users");
  ASSERT_TRUE(users);
  EXPECT_EQ(users->rows.at(0).getInt(0), 1);
}

TEST_F(SqliteDatabaseTest, WriterLockedOutPastBusyTimeoutIsDbBusy) {
  DatabaseConfig config = target_->config();
  config.busy_timeout_ms = 100;
  std::unique_ptr<Database> first = open(config);
  std::unique_ptr<Database> second = open(config);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(first->query("CREATE TABLE t (v BIGINT)"));

  HeldTransaction holder(*first, "INSERT INTO t (v) VALUES (1)");
  Result<Rows> blocked = second->query("INSERT INTO t (v) VALUES (2)");
  Result<Rows> reader = second->query("SELECT COUNT(*) FROM t");  // WAL: readers never wait
  EXPECT_TRUE(holder.finish());

  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, "db_busy") << blocked.error().message;
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->rows.at(0).getInt(0), 0);
}

TEST_F(SqliteDatabaseTest, UrlWithoutAPathIsAConfigError) {
  DatabaseConfig config = target_->config();
  config.url = "sqlite://";
  Result<std::unique_ptr<Database>> db = Database::open(config);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, "db_config");
}

}  // namespace
}  // namespace startales::store
