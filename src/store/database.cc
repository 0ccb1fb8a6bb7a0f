#include "store/database.h"

#include <charconv>
#include <cstdlib>
#include <string>
#include <utility>

#include "store/backends.h"

namespace startales::store {
namespace {

constexpr std::string_view kAcceptedForms =
    "use sqlite:///absolute/path.db, sqlite://relative/path.db, sqlite::memory: or "
    "postgres://user:password@host:port/database (postgresql:// also works)";

std::string formatDouble(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc()) return std::to_string(value);
  return {buffer, end};
}

Result<void> validate(const DatabaseConfig& config) {
  std::string problems;
  if (config.pool_size < 1) problems += " pool_size must be at least 1.";
  if (config.acquire_timeout_ms < 0) problems += " acquire_timeout_ms must not be negative.";
  if (config.busy_timeout_ms < 0) problems += " busy_timeout_ms must not be negative.";
  if (config.connect_timeout_s < 0) problems += " connect_timeout_s must not be negative.";
  if (problems.empty()) return {};
  return makeError("db_config", "Invalid database settings:" + problems);
}

}  // namespace

int64_t Row::getInt(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* n = std::get_if<int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), n);
    if (ec == std::errc()) return n;
    return static_cast<int64_t>(std::strtod(s->c_str(), nullptr));
  }
  return 0;
}

double Row::getDouble(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
  return 0.0;
}

std::string Row::getText(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) return formatDouble(*d);
  return "";
}

namespace {

// Where the password of scheme://user:password@host sits in `url`: [begin, end), or npos.
std::pair<size_t, size_t> passwordSpan(std::string_view url) {
  constexpr auto kNone = std::pair{std::string_view::npos, std::string_view::npos};
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return kNone;
  const size_t authority = scheme_end + 3;
  // A password may itself contain '@' or '/', so the user-info ends at the last '@' before
  // the query.
  const size_t query = url.find_first_of("?#", authority);
  const size_t at = url.substr(0, query).rfind('@');
  if (at == std::string_view::npos || at < authority) return kNone;
  const size_t colon = url.find(':', authority);
  if (colon == std::string_view::npos || colon > at) return kNone;
  return {colon + 1, at};
}

}  // namespace

std::string redactUrl(std::string_view url) {
  const auto [begin, end] = passwordSpan(url);
  if (begin == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, begin)) + "***" + std::string(url.substr(end));
}

std::string urlPassword(std::string_view url) {
  const auto [begin, end] = passwordSpan(url);
  if (begin == std::string_view::npos) return "";
  return std::string(url.substr(begin, end - begin));
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseConfig& config) {
  if (Result<void> valid = validate(config); !valid) return valid.error();
  const std::string_view url = config.url;

  if (url == "sqlite::memory:") return openSqlite(config, "");
  if (url.starts_with("sqlite://")) {
    std::string_view path = url.substr(std::string_view("sqlite://").size());
    if (path.empty() || path == "/") {
      return makeError("db_config", "The SQLite URL \"" + std::string(url) + "\" names no file; " +
                                        std::string(kAcceptedForms) + ".");
    }
    return openSqlite(config, std::string(path));
  }
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    return openPostgres(config);
  }
  const std::string shown = url.empty() ? "(empty)" : "\"" + redactUrl(url) + "\"";
  return makeError("db_config",
                   "Unsupported database URL " + shown + ": " + std::string(kAcceptedForms) + ".");
}

}  // namespace startales::store
