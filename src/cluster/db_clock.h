#pragma once

// The database's clock as SQL, for lease expiries and heartbeats: every node compares times
// read from one clock, never its own.

#include <string>
#include <string_view>

namespace startales::cluster {

// An SQL expression for "now" in milliseconds since the Unix epoch, for `backend`
// ("postgres" or "sqlite").
inline std::string dbNowSql(std::string_view backend) {
  return backend == "postgres" ? "(CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT))"
                               : "(CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER))";
}

}  // namespace startales::cluster
