// SQLite backend (sqlite3 C API). Every pooled connection opens the same file in WAL mode, so
// readers never block the single writer; writers queue on busy_timeout.

#include <sqlite3.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <list>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>

#include "common/thread_name.h"
#include "store/backends.h"
#include "store/pooled_database.h"

namespace startales::store {
namespace {

constexpr size_t kStatementCacheSize = 64;

Error sqliteError(sqlite3* db, int rc) {
  const int primary = rc & 0xff;
  std::string code = "db_error";
  if (primary == SQLITE_CONSTRAINT) code = "db_constraint";
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) code = "db_busy";
  if (primary == SQLITE_FULL) code = "db_full";
  if (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN) code = "db_unavailable";
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  // The fencing triggers of migration 0007 abort with this message.
  if (primary == SQLITE_CONSTRAINT && std::string_view(detail).find("stale lease epoch") !=
                                          std::string_view::npos) {
    code = "db_fenced";
  }
  return makeInternalError(std::move(code), std::string("SQLite: ") + detail);
}

// A prepared statement and its placeholders, read once when it is prepared (SQLite looks a
// placeholder's name up linearly, so asking at every bind cost O(n²) for the command log's
// 144-placeholder INSERT).
struct Prepared {
  sqlite3_stmt* stmt = nullptr;
  std::vector<size_t> numbers;  // numbers[i]: placeholder i + 1 is $numbers[i]
  std::vector<bool> used;       // used[n - 1]: $n appears; size = the highest n
};

// Prepared statements keyed by SQL text, least recently used evicted first. Owns (finalizes)
// the statements it holds.
class StatementCache {
 public:
  StatementCache() = default;
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  ~StatementCache() {
    for (auto& entry : lru_) sqlite3_finalize(entry.second.stmt);
  }

  const Prepared* find(std::string_view sql) {
    auto it = index_.find(sql);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return &it->second->second;
  }

  const Prepared* insert(std::string_view sql, Prepared prepared) {
    if (lru_.size() >= kStatementCacheSize) {
      index_.erase(lru_.back().first);
      sqlite3_finalize(lru_.back().second.stmt);
      lru_.pop_back();
    }
    lru_.emplace_front(std::string(sql), std::move(prepared));
    index_.emplace(lru_.front().first, lru_.begin());  // key views the string in the node
    return &lru_.front().second;
  }

 private:
  using Entry = std::pair<std::string, Prepared>;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
};

// Resets a cached statement when a query is done with it, whatever the outcome.
class StatementUse {
 public:
  explicit StatementUse(sqlite3_stmt* stmt) : stmt_(stmt) {}
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  ~StatementUse() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_;
};

class SqliteConnection final : public PooledConnection {
 public:
  // `path` empty opens a private in-memory database.
  static Result<std::unique_ptr<PooledConnection>> open(const std::string& path,
                                                        int busy_timeout_ms, bool sync_full) {
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.empty() ? ":memory:" : path.c_str(), &db, flags, nullptr);
    auto connection = std::unique_ptr<SqliteConnection>(new SqliteConnection(db));
    const std::string where = path.empty() ? "in memory" : "at " + path;
    if (rc != SQLITE_OK) {
      return makeInternalError("db_unavailable", "Cannot open the SQLite database " + where + ": " +
                                             (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, busy_timeout_ms);
    // cache_size: 8 MiB of pages per connection (default 2), so the command log's hot index
    // pages stay in memory instead of being read back from the OS on every commit.
    // wal_autocheckpoint: 8,192 pages (32 MiB; default 1,000): a page written many times
    // between checkpoints (the tail of a busy campaign's log) is copied to the database once.
    Result<void> setup = connection->executeScript(
        std::string("PRAGMA journal_mode = WAL; PRAGMA synchronous = ") +
        (sync_full ? "FULL" : "NORMAL") +
        "; PRAGMA foreign_keys = ON; PRAGMA cache_size = -8192; PRAGMA wal_autocheckpoint = 8192;");
    if (!setup) {
      return makeInternalError("db_unavailable",
                       "Cannot use the SQLite database " + where + ": " + setup.error().message);
    }
    return std::unique_ptr<PooledConnection>(std::move(connection));
  }

  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection() override {
    statements_.reset();  // statements must be finalized before the connection closes
    sqlite3_close_v2(db_);
  }

  Result<Rows> query(std::string_view sql, const Params& params) override {
    Result<const Prepared*> prepared = prepare(sql);
    if (!prepared) return prepared.error();
    sqlite3_stmt* stmt = (*prepared)->stmt;
    StatementUse use(stmt);
    if (Result<void> bound = bind(**prepared, params); !bound) return bound.error();

    Rows result;
    const int columns = sqlite3_column_count(stmt);
    for (int c = 0; c < columns; ++c) result.columns.emplace_back(sqlite3_column_name(stmt, c));
    const sqlite3_int64 changes_before = sqlite3_total_changes64(db_);
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return sqliteError(db_, rc);
      std::vector<Value> values;
      values.reserve(columns);
      for (int c = 0; c < columns; ++c) values.push_back(columnValue(stmt, c));
      result.rows.emplace_back(std::move(values));
    }
    // Only a completed INSERT/UPDATE/DELETE moves the total; sqlite3_changes64 alone would
    // report a stale count after DDL or SELECT.
    if (sqlite3_total_changes64(db_) != changes_before) result.affected = sqlite3_changes64(db_);
    return result;
  }

  Result<void> executeScript(std::string_view sql) override {
    const std::string script(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &message);
    sqlite3_free(message);  // sqlite3_errmsg still holds the same text
    if (rc != SQLITE_OK) return sqliteError(db_, rc);
    return {};
  }

  [[nodiscard]] bool broken() const override { return false; }
  [[nodiscard]] bool inTransaction() const override { return sqlite3_get_autocommit(db_) == 0; }
  // A failed statement never dooms an SQLite transaction; the errors that end one (IOERR,
  // FULL, ...) leave autocommit on, and the COMMIT then fails.
  [[nodiscard]] bool aborted() const override { return false; }

 private:
  explicit SqliteConnection(sqlite3* db)
      : db_(db), statements_(std::make_unique<StatementCache>()) {}

  Result<const Prepared*> prepare(std::string_view sql) {
    if (const Prepared* cached = statements_->find(sql)) return cached;
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) return sqliteError(db_, rc);
    if (stmt == nullptr) return makeError("db_error", "The SQL text contains no statement.");
    // Anything after the first statement must be whitespace or comments.
    sqlite3_stmt* next = nullptr;
    const auto rest = static_cast<int>(sql.data() + sql.size() - tail);
    rc = sqlite3_prepare_v2(db_, tail, rest, &next, nullptr);
    sqlite3_finalize(next);
    if (rc != SQLITE_OK || next != nullptr) {
      sqlite3_finalize(stmt);
      return makeError("db_error",
                       "query() runs exactly one statement; use executeScript() for several.");
    }
    Prepared p{stmt, {}, {}};
    if (Result<void> read = readPlaceholders(p); !read) {
      sqlite3_finalize(stmt);
      return read.error();
    }
    return statements_->insert(sql, std::move(p));
  }

  // Only $1, $2, ...: like PostgreSQL's, so SQL that runs here also runs there.
  static Result<void> readPlaceholders(Prepared& p) {
    const int count = sqlite3_bind_parameter_count(p.stmt);
    for (int index = 1; index <= count; ++index) {
      const char* name = sqlite3_bind_parameter_name(p.stmt, index);
      const std::string_view shown = name != nullptr ? name : "?";
      size_t n = 0;
      const bool numbered = shown.size() > 1 && shown[0] == '$' &&
                            std::from_chars(shown.data() + 1, shown.data() + shown.size(), n).ptr ==
                                shown.data() + shown.size();
      // "$70000" is a valid SQLite name, not a number SQLite bounds: cap it like PostgreSQL.
      if (!numbered || n < 1 || n > 65535) {
        return makeError("db_error", "Placeholder " + std::string(shown) +
                                         " is not supported; write $1, $2, ... instead.");
      }
      p.numbers.push_back(n);
      if (n > p.used.size()) p.used.resize(n, false);
      p.used[n - 1] = true;
    }
    return {};
  }

  // Binds $n to params[n-1]. Like PostgreSQL, every placeholder needs a value and every value
  // must be used.
  static Result<void> bind(const Prepared& p, const Params& params) {
    if (p.used.size() > params.size()) {
      return makeError("db_error", "The statement uses $" + std::to_string(p.used.size()) +
                                       " but " + std::to_string(params.size()) +
                                       " parameter(s) were given.");
    }
    for (size_t n = 0; n < params.size(); ++n) {
      if (n >= p.used.size() || !p.used[n]) {
        return makeError("db_error", "Parameter $" + std::to_string(n + 1) +
                                         " was given but the statement does not use it.");
      }
    }
    for (size_t i = 0; i < p.numbers.size(); ++i) {
      const int rc = bindValue(p.stmt, static_cast<int>(i + 1), params[p.numbers[i] - 1]);
      if (rc != SQLITE_OK) return sqliteError(sqlite3_db_handle(p.stmt), rc);
    }
    return {};
  }

  // SQLITE_STATIC: `value` outlives the statement's use (bindings are cleared after it).
  static int bindValue(sqlite3_stmt* stmt, int index, const Value& value) {
    if (const auto* n = std::get_if<int64_t>(&value)) return sqlite3_bind_int64(stmt, index, *n);
    if (const auto* d = std::get_if<double>(&value)) return sqlite3_bind_double(stmt, index, *d);
    if (const auto* s = std::get_if<std::string>(&value)) {
      return sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    }
    return sqlite3_bind_null(stmt, index);
  }

  static Value columnValue(sqlite3_stmt* stmt, int c) {
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_INTEGER:
        return static_cast<int64_t>(sqlite3_column_int64(stmt, c));
      case SQLITE_FLOAT:
        return sqlite3_column_double(stmt, c);
      case SQLITE_TEXT: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c)));
      }
      case SQLITE_BLOB: {
        const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt, c));
        const auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, c));
        return blob != nullptr ? std::string(blob, size) : std::string();
      }
      default:
        return std::monostate{};
    }
  }

  sqlite3* const db_;  // owned
  std::unique_ptr<StatementCache> statements_;
};

class SqliteDatabase final : public PooledDatabase {
 public:
  // An in-memory database lives in its connection, so it gets exactly one.
  SqliteDatabase(const DatabaseConfig& config, std::string path)
      : PooledDatabase(path.empty() ? 1 : config.pool_size, config.acquire_timeout_ms),
        path_(std::move(path)),
        busy_timeout_ms_(config.busy_timeout_ms),
        sync_full_(config.sync_every_commit) {}

  ~SqliteDatabase() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_one();
    if (checkpointer_.joinable()) checkpointer_.join();
  }

  [[nodiscard]] std::string_view backend() const override { return "sqlite"; }

  Result<void> start() {
    if (Result<void> warm = warmUp(); !warm) return warm;
    if (path_.empty()) return {};
    auto connection = SqliteConnection::open(path_, busy_timeout_ms_, sync_full_);
    if (!connection) return connection.error();
    checkpointer_ =
        std::thread([this, c = std::shared_ptr<PooledConnection>(std::move(*connection))] {
          setThreadName("sqlite-ckpt");
          checkpoint(*c);
        });
    return {};
  }

 protected:
  Result<std::unique_ptr<PooledConnection>> openConnection() override {
    return SqliteConnection::open(path_, busy_timeout_ms_, sync_full_);
  }
  // IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout instead of
  // deadlocking when both try to upgrade a read lock.
  [[nodiscard]] std::string_view beginStatement() const override { return "BEGIN IMMEDIATE"; }

 private:
  // Every kCheckpointEvery, a PASSIVE checkpoint on a connection of its own: the WAL is
  // copied back into the database (and synced) here, off the commit path, instead of by
  // whichever commit crosses wal_autocheckpoint (which then stalls every writer behind it).
  // PASSIVE never waits for readers or writers; the automatic checkpoint stays as a backstop.
  void checkpoint(PooledConnection& connection) {
    std::unique_lock lock(mu_);
    while (!wake_.wait_for(lock, kCheckpointEvery, [&] { return stopping_; })) {
      lock.unlock();
      // Busy or failing: the next round (or the automatic checkpoint) catches up.
      (void)connection.executeScript("PRAGMA wal_checkpoint(PASSIVE);");
      lock.lock();
    }
  }

  static constexpr std::chrono::milliseconds kCheckpointEvery{250};

  // const after construction
  const std::string path_;
  const int busy_timeout_ms_;
  const bool sync_full_;  // synchronous=FULL instead of NORMAL (DatabaseConfig::sync_every_commit)

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;     // guarded by mu_
  std::thread checkpointer_;  // file databases only; joined by the destructor
};

}  // namespace

Result<std::unique_ptr<Database>> openSqlite(const DatabaseConfig& config, std::string path) {
  if (!path.empty()) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      return makeError("db_unavailable", "Cannot create the directory " + parent.string() +
                                             " for the SQLite database: " + ec.message() + ".");
    }
  }
  auto db = std::make_unique<SqliteDatabase>(config, std::move(path));
  if (Result<void> started = db->start(); !started) return started.error();
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace startales::store
