// PostgreSQL backend (libpq). Parameters travel as text; int64 and double carry their type
// (int8, float8) so "SELECT $1" answers the same type SQLite would.

#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "store/backends.h"
#include "store/pooled_database.h"

namespace startales::store {
namespace {

// Type OIDs from pg_type.h (stable across PostgreSQL versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '.')) {
    text.pop_back();
  }
  for (size_t newline; (newline = text.find('\n')) != std::string::npos;) text[newline] = ' ';
  return text;
}

// Replaces every occurrence of each (non-empty) secret in `text` with "***".
std::string scrubbed(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t at = 0; (at = text.find(secret, at)) != std::string::npos; at += 3) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

std::string renderDouble(double value) {
  if (std::isnan(value)) return "NaN";
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

Value convert(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column)) return std::monostate{};
  const char* text = PQgetvalue(result, row, column);
  const auto length = static_cast<size_t>(PQgetlength(result, row, column));
  switch (PQftype(result, column)) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid: {
      int64_t n = 0;
      std::from_chars(text, text + length, n);
      return n;
    }
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid:
      return std::strtod(text, nullptr);
    case kBoolOid:
      return int64_t{text[0] == 't' ? 1 : 0};
    default:
      return std::string(text, length);
  }
}

// Everything needed to open one more session; const after construction.
struct Target {
  std::string url;
  std::vector<std::string> secrets;  // scrubbed from every message
  int connect_timeout_s;
  int busy_timeout_ms;
  int idle_in_transaction_ms;
};

class PostgresConnection final : public PooledConnection {
 public:
  static Result<std::unique_ptr<PooledConnection>> open(const Target& target) {
    const std::string timeout = std::to_string(target.connect_timeout_s);
    // Later keywords override what the expanded URL (dbname) sets.
    const char* const keywords[] = {"dbname", "fallback_application_name", "connect_timeout",
                                    nullptr};
    const char* const values[] = {target.url.c_str(), "startales", timeout.c_str(), nullptr};
    auto connection = std::unique_ptr<PostgresConnection>(
        new PostgresConnection(PQconnectdbParams(keywords, values, 1), target.secrets));
    PGconn* conn = connection->conn_;
    if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
      const std::string why = conn ? trimmed(PQerrorMessage(conn)) : "out of memory";
      return makeInternalError("db_unavailable", "Cannot connect to PostgreSQL at " +
                                             redactUrl(target.url) + ": " +
                                             scrubbed(why, target.secrets) + ".");
    }
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);  // NOTICEs are not errors
    // Lock waits fail as "db_busy" after busy_timeout_ms; an abandoned transaction's locks are
    // released after idle_in_transaction_ms (DatabaseConfig).
    Result<void> set = connection->executeScript(
        "SET lock_timeout = " + std::to_string(target.busy_timeout_ms) +
        "; SET idle_in_transaction_session_timeout = " +
        std::to_string(target.idle_in_transaction_ms));
    if (!set) return set.error();
    return std::unique_ptr<PooledConnection>(std::move(connection));
  }

  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;
  ~PostgresConnection() override { PQfinish(conn_); }

  Result<Rows> query(std::string_view sql, const Params& params) override {
    const std::string text(sql);
    const auto count = static_cast<int>(params.size());
    std::vector<std::string> rendered(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<Oid> types(params.size(), 0);  // 0: let the server infer from context
    for (size_t i = 0; i < params.size(); ++i) {
      if (const auto* n = std::get_if<int64_t>(&params[i])) {
        rendered[i] = std::to_string(*n);
        types[i] = kInt8Oid;
      } else if (const auto* d = std::get_if<double>(&params[i])) {
        rendered[i] = renderDouble(*d);
        types[i] = kFloat8Oid;
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        rendered[i] = *s;
      } else {
        continue;  // NULL
      }
      values[i] = rendered[i].c_str();
    }
    PgResult result(
        PQexecParams(conn_, text.c_str(), count, types.data(), values.data(), nullptr, nullptr, 0));
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return errorFrom(result.get());

    Rows rows;
    const int columns = PQnfields(result.get());
    for (int c = 0; c < columns; ++c) rows.columns.emplace_back(PQfname(result.get(), c));
    const int tuples = PQntuples(result.get());
    rows.rows.reserve(static_cast<size_t>(tuples));
    for (int r = 0; r < tuples; ++r) {
      std::vector<Value> row;
      row.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) row.push_back(convert(result.get(), r, c));
      rows.rows.emplace_back(std::move(row));
    }
    // PQcmdTuples also counts SELECTed rows; `affected` is about changes only.
    const std::string_view command = PQcmdStatus(result.get());
    if (command.starts_with("INSERT") || command.starts_with("UPDATE") ||
        command.starts_with("DELETE") || command.starts_with("MERGE")) {
      rows.affected = std::atoll(PQcmdTuples(result.get()));
    }
    return rows;
  }

  Result<void> executeScript(std::string_view sql) override {
    const std::string text(sql);
    PgResult result(PQexec(conn_, text.c_str()));
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && status != PGRES_EMPTY_QUERY) {
      return errorFrom(result.get());
    }
    return {};
  }

  [[nodiscard]] bool broken() const override { return PQstatus(conn_) != CONNECTION_OK; }
  [[nodiscard]] bool inTransaction() const override {
    const PGTransactionStatusType status = PQtransactionStatus(conn_);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
  }
  [[nodiscard]] bool aborted() const override {
    return PQtransactionStatus(conn_) == PQTRANS_INERROR;
  }

 private:
  PostgresConnection(PGconn* conn, std::vector<std::string> secrets)
      : conn_(conn), secrets_(std::move(secrets)) {}

  Error errorFrom(const PGresult* result) const {
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = state ? state : "";
    const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const std::string detail =
        scrubbed(trimmed(primary ? primary : PQerrorMessage(conn_)), secrets_);
    // Class 08 is connection trouble, except 08P01 (protocol violation) which the server
    // reports for a caller's mistake such as a wrong parameter count, connection intact.
    if (broken() || (sqlstate.starts_with("08") && sqlstate != "08P01")) {
      return makeInternalError("db_unavailable", "The connection to PostgreSQL failed: " + detail + ".");
    }
    std::string code = "db_error";
    if (sqlstate.starts_with("23")) code = "db_constraint";
    if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") code = "db_busy";
    if (sqlstate == "53100") code = "db_full";  // disk_full
    if (sqlstate == "SF001") code = "db_fenced";  // the fencing trigger of migration 0007
    // admin_shutdown, crash_shutdown, cannot_connect_now: the server is going away or starting
    if (sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") code = "db_unavailable";
    return makeInternalError(std::move(code), "PostgreSQL: " + detail);
  }

  PGconn* const conn_;  // owned
  const std::vector<std::string> secrets_;
};

class PostgresDatabase final : public PooledDatabase {
 public:
  PostgresDatabase(const DatabaseConfig& config, Target target)
      : PooledDatabase(config.pool_size, config.acquire_timeout_ms), target_(std::move(target)) {}

  [[nodiscard]] std::string_view backend() const override { return "postgres"; }

  Result<void> start() { return warmUp(); }

 protected:
  Result<std::unique_ptr<PooledConnection>> openConnection() override {
    return PostgresConnection::open(target_);
  }
  [[nodiscard]] std::string_view beginStatement() const override { return "BEGIN"; }

 private:
  const Target target_;
};

}  // namespace

Result<std::unique_ptr<Database>> openPostgres(const DatabaseConfig& config) {
  // The password as written in the URL (maybe percent-encoded) and as libpq decodes it.
  std::vector<std::string> secrets;
  if (std::string raw = urlPassword(config.url); !raw.empty()) secrets.push_back(std::move(raw));

  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(config.url.c_str(), &parse_error);
  if (options == nullptr) {
    const std::string why = parse_error ? trimmed(parse_error) : "out of memory";
    PQfreemem(parse_error);
    return makeError("db_config", "The PostgreSQL URL " + redactUrl(config.url) +
                                      " is not valid: " + scrubbed(why, secrets) + ".");
  }
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (std::string_view(option->keyword) == "password" && option->val != nullptr &&
        *option->val != '\0') {
      secrets.emplace_back(option->val);
    }
  }
  PQconninfoFree(options);

  auto db = std::make_unique<PostgresDatabase>(
      config,
      Target{config.url, std::move(secrets), config.connect_timeout_s, config.busy_timeout_ms,
             config.idle_in_transaction_ms});
  if (Result<void> started = db->start(); !started) return started.error();
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace startales::store
