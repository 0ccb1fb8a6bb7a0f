#pragma once

// The storage interface. Two implementations: SQLite (embedded default, WAL) and PostgreSQL
// (libpq, pooled connections). SQL is written once with $1..$N placeholders and runs on both;
// where the dialects differ, callers ask `backend()`.
//
// Threading: every call here blocks on disk or network. Call it from a worker pool
// (common/worker_pool.h), never from a network thread. A Database is thread-safe; a
// Connection is used by one thread at a time (the pool hands it out exclusively).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace startales::store {

// A SQL value. NULL is std::monostate. Text and blobs are std::string.
using Value = std::variant<std::monostate, int64_t, double, std::string>;
using Params = std::vector<Value>;

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  [[nodiscard]] size_t size() const { return values_.size(); }
  [[nodiscard]] bool isNull(size_t i) const {
    return std::holds_alternative<std::monostate>(values_.at(i));
  }
  // Converting accessors: integers stored as text (or doubles) are converted; NULL gives 0/"".
  [[nodiscard]] int64_t getInt(size_t i) const;
  [[nodiscard]] double getDouble(size_t i) const;
  [[nodiscard]] std::string getText(size_t i) const;
  [[nodiscard]] const Value& at(size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
  [[nodiscard]] bool empty() const { return rows.empty(); }
};

// Error codes returned by the store (Error::code):
//   "db_unavailable"   cannot connect / connection lost / pool exhausted within timeout /
//                      I/O error / server shutting down. A COMMIT that fails this way may
//                      or may not have committed (the outcome is unknown).
//   "db_constraint"    a UNIQUE / FOREIGN KEY / CHECK constraint was violated
//   "db_busy"          lock timeout (SQLite busy, PostgreSQL lock/serialization failure)
//   "db_full"          the database's disk is full (SQLite SQLITE_FULL, PostgreSQL 53100)
//   "db_fenced"        a write carried a stale lease epoch (the fencing triggers, migration 0007)
//   "db_error"         anything else (syntax error, type error...); message has the detail
//   "db_config"        bad URL or options

// One backend session. Not thread-safe; owned by the pool and lent out exclusively.
class Connection {
 public:
  virtual ~Connection() = default;
  // Runs one statement with $1..$N parameters and returns its rows.
  virtual Result<Rows> query(std::string_view sql, const Params& params = {}) = 0;
  // Runs several ';'-separated statements without parameters (migrations).
  virtual Result<void> executeScript(std::string_view sql) = 0;
};

struct DatabaseConfig {
  // "sqlite:///abs/path.db", "sqlite://relative/path.db", "sqlite::memory:" or
  // "postgres://user:pass@host:5432/db" (also "postgresql://").
  std::string url;
  // Connections kept open. SQLite: readers+writers sharing the file (WAL); PostgreSQL: sessions.
  int pool_size = 4;
  // How long to wait for a free pooled connection before "db_unavailable", milliseconds.
  int acquire_timeout_ms = 5000;
  // SQLite busy_timeout / PostgreSQL lock_timeout, milliseconds.
  int busy_timeout_ms = 5000;
  // PostgreSQL idle_in_transaction_session_timeout, milliseconds: a client that vanished in the
  // middle of a transaction (cut off by a partition) holds its row locks at most this long (a
  // cluster node's write holds its campaigns' lease rows FOR SHARE; a takeover waits for it).
  // Our own transactions never idle between statements.
  int idle_in_transaction_ms = 10'000;
  // PostgreSQL connect_timeout, seconds.
  int connect_timeout_s = 5;
  // SQLite: sync the WAL at every commit (synchronous=FULL), so an acknowledged write survives
  // a power cut or OS crash too. Off (NORMAL), a commit survives the process being killed but
  // the last commits before a power cut may be lost; the WAL is synced at checkpoints.
  // PostgreSQL syncs every commit by its own settings (synchronous_commit); this is ignored.
  bool sync_every_commit = true;
};

class Database {
 public:
  // Opens the backend the URL names. Fails with "db_config" or "db_unavailable".
  static Result<std::unique_ptr<Database>> open(const DatabaseConfig& config);

  virtual ~Database() = default;

  // "sqlite" or "postgres".
  [[nodiscard]] virtual std::string_view backend() const = 0;

  // Runs one statement on a pooled connection.
  virtual Result<Rows> query(std::string_view sql, const Params& params = {}) = 0;

  // Runs `fn` inside one transaction on one connection: commits when it returns ok, rolls back
  // when it returns an error (which is passed through) or when the commit fails.
  virtual Result<void> transaction(const std::function<Result<void>(Connection&)>& fn) = 0;

  // Cheap round trip for readiness checks.
  virtual Result<void> ping() = 0;
};

// Applies every migration for db.backend() not yet recorded in schema_migrations, each in its
// own transaction, in version order. Safe to run from several processes at once (PostgreSQL
// takes an advisory lock; SQLite serialises writers). Returns how many were applied. Fails
// with "db_schema_too_new" when the database has versions this binary does not know.
Result<int> migrate(Database& db);
// As above, stamping schema_migrations.applied_at (ms since the Unix epoch) from `clock`.
Result<int> migrate(Database& db, const Clock& clock);

// The highest migration version this binary knows for a backend.
int latestSchemaVersion(std::string_view backend);

}  // namespace startales::store
