// The storage suite: every case runs against SQLite (a temporary file) and a real PostgreSQL
// server (support/postgres_server.h).

#include "store/database.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <limits>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "support/test_database.h"

namespace startales::store {
namespace {

std::string describe(const Error& error) { return error.code + ": " + error.message; }

class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<TestDatabase>> target = TestDatabase::create(GetParam());
    ASSERT_TRUE(target) << describe(target.error());
    target_ = std::move(target).value();
    Result<std::unique_ptr<Database>> db = Database::open(target_->config());
    ASSERT_TRUE(db) << describe(db.error());
    db_ = std::move(db).value();
  }

  void TearDown() override {
    db_.reset();
    target_.reset();
  }

  // Runs a statement that must succeed.
  Rows run(std::string_view sql, const Params& params = {}) {
    Result<Rows> rows = db_->query(sql, params);
    EXPECT_TRUE(rows) << sql << " -> " << (rows ? "" : describe(rows.error()));
    return rows ? std::move(rows).value() : Rows{};
  }

  int64_t count(std::string_view table) {
    Rows rows = run("SELECT COUNT(*) FROM " + std::string(table));
    return rows.empty() ? -1 : rows.rows[0].getInt(0);
  }

  void createValues() {
    run("CREATE TABLE vals (k TEXT PRIMARY KEY, i BIGINT, d DOUBLE PRECISION, t TEXT)");
  }

  Result<std::unique_ptr<Database>> openWith(int pool_size, int acquire_timeout_ms) {
    DatabaseConfig config = target_->config();
    config.pool_size = pool_size;
    config.acquire_timeout_ms = acquire_timeout_ms;
    return Database::open(config);
  }

  std::unique_ptr<TestDatabase> target_;
  std::unique_ptr<Database> db_;  // destroyed before target_
};

TEST_P(DatabaseTest, ReportsItsBackend) { EXPECT_EQ(db_->backend(), GetParam()); }

TEST_P(DatabaseTest, PingWorks) {
  Result<void> pong = db_->ping();
  EXPECT_TRUE(pong) << describe(pong.error());
}

TEST_P(DatabaseTest, MigrationsApplyOnceAndAreRecorded) {
  const ManualClock clock(1'700'000'123'456);
  Result<int> first = migrate(*db_, clock);
  ASSERT_TRUE(first) << describe(first.error());
  EXPECT_GE(latestSchemaVersion(GetParam()), 1);
  EXPECT_EQ(*first, latestSchemaVersion(GetParam()));

  Result<int> second = migrate(*db_, clock);
  ASSERT_TRUE(second) << describe(second.error());
  EXPECT_EQ(*second, 0);

  Rows recorded = run("SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
  ASSERT_EQ(recorded.rows.size(), static_cast<size_t>(*first));
  EXPECT_EQ(recorded.rows[0].at(0), Value(int64_t{1}));
  EXPECT_EQ(recorded.rows[0].at(1), Value(std::string("accounts")));
  EXPECT_EQ(recorded.rows[0].at(2), Value(int64_t{1'700'000'123'456}));
}

TEST_P(DatabaseTest, AccountsSchemaCascadesAndKeysUsernamesCaseInsensitively) {
  ASSERT_TRUE(migrate(*db_));
  Rows user =
      run("INSERT INTO users (username, username_key, password_hash, created_at) "
          "VALUES ($1, $2, $3, $4) RETURNING id",
          {std::string("Vega"), std::string("vega"), std::string("hash"), int64_t{1}});
  ASSERT_EQ(user.rows.size(), 1u);
  const int64_t id = user.rows[0].getInt(0);
  run("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, 1, 2)",
      {std::string("token"), id});

  Result<Rows> duplicate = db_->query(
      "INSERT INTO users (username, username_key, password_hash, created_at) "
      "VALUES ('VEGA', 'vega', 'h', 2)");
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, "db_constraint");

  Result<Rows> orphan = db_->query(
      "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('x', $1, 1, 2)",
      {id + 1000});
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, "db_constraint") << orphan.error().message;

  EXPECT_EQ(run("DELETE FROM users WHERE id = $1", {id}).affected, 1);
  EXPECT_EQ(count("sessions"), 0);  // ON DELETE CASCADE (SQLite needs foreign_keys=ON)
}

TEST_P(DatabaseTest, ConcurrentMigratorsApplyEachMigrationOnce) {
  Result<std::unique_ptr<Database>> other = Database::open(target_->config());
  ASSERT_TRUE(other) << describe(other.error());
  auto racer = std::async(std::launch::async, [&] { return migrate(**other); });
  Result<int> mine = migrate(*db_);
  Result<int> theirs = racer.get();
  ASSERT_TRUE(mine) << describe(mine.error());
  ASSERT_TRUE(theirs) << describe(theirs.error());
  EXPECT_EQ(*mine + *theirs, latestSchemaVersion(GetParam()));
  EXPECT_EQ(count("schema_migrations"), latestSchemaVersion(GetParam()));
}

TEST_P(DatabaseTest, SchemaTooNewIsRefused) {
  ASSERT_TRUE(migrate(*db_));
  const int64_t future = latestSchemaVersion(GetParam()) + 1;
  run("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future', 0)",
      {future});
  Result<int> refused = migrate(*db_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "db_schema_too_new");
  EXPECT_NE(refused.error().message.find(std::to_string(future)), std::string::npos)
      << refused.error().message;
}

TEST_P(DatabaseTest, EveryValueTypeRoundTrips) {
  createValues();
  const std::vector<Params> rows = {
      {std::string("max"), std::numeric_limits<int64_t>::max(), 1e300, std::string("")},
      {std::string("min"), std::numeric_limits<int64_t>::min(), -0.1, std::string("plain")},
      {std::string("neg"), int64_t{-42}, 3.141592653589793, std::string("Ünïcødé ☄ 星の物語 🚀")},
      {std::string("quotes"), int64_t{0}, 2.5e-300,
       std::string(R"(it's "quoted"; \ back\slash -- DROP TABLE vals;)")},
      {std::string("bytes"), int64_t{7}, 0.0, std::string("\x01\x02\x7f\t\r\n\x1b[0m~")},
      {std::string("null"), std::monostate{}, std::monostate{}, std::monostate{}},
  };
  for (const Params& row : rows) {
    EXPECT_EQ(run("INSERT INTO vals (k, i, d, t) VALUES ($1, $2, $3, $4)", row).affected, 1);
  }
  for (const Params& row : rows) {
    Rows got = run("SELECT k, i, d, t FROM vals WHERE k = $1", {row[0]});
    ASSERT_EQ(got.rows.size(), 1u) << std::get<std::string>(row[0]);
    EXPECT_EQ(got.columns, (std::vector<std::string>{"k", "i", "d", "t"}));
    for (size_t c = 0; c < row.size(); ++c) {
      EXPECT_EQ(got.rows[0].at(c), row[c]) << std::get<std::string>(row[0]) << " column " << c;
    }
  }
  Rows null = run("SELECT i, d, t FROM vals WHERE k = 'null'");
  ASSERT_EQ(null.rows.size(), 1u);
  EXPECT_TRUE(null.rows[0].isNull(0));
  EXPECT_EQ(null.rows[0].getInt(0), 0);
  EXPECT_EQ(null.rows[0].getText(2), "");
}

TEST_P(DatabaseTest, ParametersMayAppearInAnyOrderAndRepeat) {
  createValues();
  run("INSERT INTO vals (t, k, i) VALUES ($3, $2, $1)",
      {int64_t{5}, std::string("a"), std::string("five")});
  Rows got = run("SELECT k, i, t FROM vals WHERE t = $2 AND i = $1 AND (i = $1 OR t = $2)",
                 {int64_t{5}, std::string("five")});
  ASSERT_EQ(got.rows.size(), 1u);
  EXPECT_EQ(got.rows[0].getText(0), "a");
  EXPECT_EQ(got.rows[0].getInt(1), 5);
}

TEST_P(DatabaseTest, MissingOrUnusedParametersAreErrors) {
  Result<Rows> missing = db_->query("SELECT $1, $2", {int64_t{1}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "db_error") << missing.error().message;
  Result<Rows> unused = db_->query("SELECT $1", {std::string("a"), std::string("b")});
  ASSERT_FALSE(unused);
  EXPECT_EQ(unused.error().code, "db_error") << unused.error().message;
  Result<Rows> several = db_->query("SELECT 1; SELECT 2");
  ASSERT_FALSE(several);
  EXPECT_EQ(several.error().code, "db_error");
}

TEST_P(DatabaseTest, InsertReturningGivesIncreasingIds) {
  ASSERT_TRUE(migrate(*db_));
  const std::string insert =
      "INSERT INTO users (username, username_key, password_hash, created_at) "
      "VALUES ($1, $2, 'h', 0) RETURNING id";
  Rows first = run(insert, {std::string("a"), std::string("a")});
  Rows second = run(insert, {std::string("b"), std::string("b")});
  ASSERT_EQ(first.rows.size(), 1u);
  ASSERT_EQ(second.rows.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<int64_t>(first.rows[0].at(0)));
  EXPECT_GT(second.rows[0].getInt(0), first.rows[0].getInt(0));
  EXPECT_EQ(first.affected, 1);
}

TEST_P(DatabaseTest, AffectedCountsOnlyChangedRows) {
  createValues();
  run("INSERT INTO vals (k, i) VALUES ('a', 1), ('b', 1), ('c', 2)");
  EXPECT_EQ(run("UPDATE vals SET t = 'x' WHERE i = $1", {int64_t{1}}).affected, 2);
  EXPECT_EQ(run("UPDATE vals SET t = 'x' WHERE i = $1", {int64_t{9}}).affected, 0);
  EXPECT_EQ(run("SELECT * FROM vals").affected, 0);
  EXPECT_EQ(run("CREATE TABLE other (x BIGINT)").affected, 0);
}

TEST_P(DatabaseTest, ConstraintViolationsAreDbConstraint) {
  run("CREATE TABLE uniq (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
  run("INSERT INTO uniq (k, v) VALUES ('a', 'x')");
  Result<Rows> duplicate = db_->query("INSERT INTO uniq (k, v) VALUES ('a', 'y')");
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, "db_constraint");
  Result<Rows> null = db_->query("INSERT INTO uniq (k, v) VALUES ('b', $1)", {std::monostate{}});
  ASSERT_FALSE(null);
  EXPECT_EQ(null.error().code, "db_constraint");
}

TEST_P(DatabaseTest, SyntaxErrorsAreDbErrorWithTheReason) {
  Result<Rows> bad = db_->query("SELEC 1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "db_error");
  EXPECT_NE(bad.error().message.find("syntax error"), std::string::npos) << bad.error().message;
  Result<Rows> missing = db_->query("SELECT * FROM no_such_table");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "db_error");
  EXPECT_NE(missing.error().message.find("no_such_table"), std::string::npos)
      << missing.error().message;
}

TEST_P(DatabaseTest, TransactionCommits) {
  createValues();
  Result<void> done = db_->transaction([](Connection& c) -> Result<void> {
    for (int64_t i = 0; i < 3; ++i) {
      Result<Rows> r =
          c.query("INSERT INTO vals (k, i) VALUES ($1, $2)", {"k" + std::to_string(i), i});
      if (!r) return r.error();
    }
    return {};
  });
  ASSERT_TRUE(done) << describe(done.error());
  EXPECT_EQ(count("vals"), 3);
}

TEST_P(DatabaseTest, TransactionRollsBackWhenFnFails) {
  createValues();
  Result<void> failed = db_->transaction([](Connection& c) -> Result<void> {
    if (Result<Rows> r = c.query("INSERT INTO vals (k) VALUES ('a')"); !r) return r.error();
    if (Result<Rows> r = c.query("INSERT INTO vals (k) VALUES ('b')"); !r) return r.error();
    return makeError("out_of_credits", "The treasury is empty.");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "out_of_credits");  // passed through untouched
  EXPECT_EQ(count("vals"), 0);

  Result<void> violated = db_->transaction([](Connection& c) -> Result<void> {
    if (Result<Rows> r = c.query("INSERT INTO vals (k) VALUES ('c')"); !r) return r.error();
    if (Result<Rows> r = c.query("INSERT INTO vals (k) VALUES ('c')"); !r) return r.error();
    return {};
  });
  ASSERT_FALSE(violated);
  EXPECT_EQ(violated.error().code, "db_constraint");
  EXPECT_EQ(count("vals"), 0);
}

TEST_P(DatabaseTest, ConcurrentWritersAllLand) {
  createValues();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::future<std::vector<std::string>>> writers;
  writers.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    writers.push_back(std::async(std::launch::async, [this, t] {
      std::vector<std::string> errors;
      for (int i = 0; i < kPerThread; ++i) {
        Result<void> done = db_->transaction([&](Connection& c) -> Result<void> {
          Result<Rows> r = c.query("INSERT INTO vals (k, i) VALUES ($1, $2)",
                                   {std::to_string(t) + "-" + std::to_string(i), int64_t{t}});
          if (!r) return r.error();
          return {};
        });
        if (!done) errors.push_back(describe(done.error()));
      }
      return errors;
    }));
  }
  for (auto& writer : writers) EXPECT_EQ(writer.get(), std::vector<std::string>{});
  EXPECT_EQ(count("vals"), kThreads * kPerThread);
}

TEST_P(DatabaseTest, ExhaustedPoolIsUnavailableAfterTheAcquireTimeout) {
  constexpr int kAcquireTimeoutMs = 200;
  Result<std::unique_ptr<Database>> small = openWith(1, kAcquireTimeoutMs);
  ASSERT_TRUE(small) << describe(small.error());
  Database& db = **small;

  HeldTransaction holder(db);
  const auto started = std::chrono::steady_clock::now();
  Result<Rows> starved = db.query("SELECT 1");
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(holder.finish());

  ASSERT_FALSE(starved);
  EXPECT_EQ(starved.error().code, "db_unavailable");
  EXPECT_GE(waited, std::chrono::milliseconds(kAcquireTimeoutMs));
  Result<Rows> later = db.query("SELECT 1");
  EXPECT_TRUE(later) << describe(later.error());
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST(DatabaseOpen, UnknownSchemeIsAConfigErrorNamingTheAcceptedForms) {
  DatabaseConfig config;
  config.url = "mysql://root:hunter2@localhost/game";
  Result<std::unique_ptr<Database>> db = Database::open(config);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, "db_config");
  EXPECT_NE(db.error().message.find("sqlite://"), std::string::npos) << db.error().message;
  EXPECT_NE(db.error().message.find("postgres://"), std::string::npos) << db.error().message;
  EXPECT_EQ(db.error().message.find("hunter2"), std::string::npos) << db.error().message;
}

TEST(DatabaseOpen, InvalidSettingsAreConfigErrors) {
  DatabaseConfig config;
  config.url = "sqlite::memory:";
  config.pool_size = 0;
  Result<std::unique_ptr<Database>> db = Database::open(config);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, "db_config");
}

}  // namespace
}  // namespace startales::store
