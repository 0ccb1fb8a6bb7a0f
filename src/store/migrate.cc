#include <algorithm>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/database.h"
#include "store/migrations.h"

namespace startales::store {
namespace {

// pg_advisory_xact_lock key serialising migrators across processes ("STARTALE" in ASCII).
constexpr int64_t kMigrationLockKey = 0x5354'4152'5441'4C45;

std::vector<Migration> migrationsFor(std::string_view backend) {
  std::vector<Migration> found;
  for (const Migration& m : embeddedMigrations()) {
    if (m.backend == backend) found.push_back(m);
  }
  std::sort(found.begin(), found.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return found;
}

std::string label(const Migration& m) {
  std::string version = std::to_string(m.version);
  if (version.size() < 4) version.insert(0, 4 - version.size(), '0');
  return version + "_" + std::string(m.name);
}

// Inside a transaction on PostgreSQL, waits until no other migrator holds the lock.
Result<void> lockMigrations(Connection& connection, bool postgres) {
  if (!postgres) return {};  // SQLite: BEGIN IMMEDIATE already excludes other writers
  Result<Rows> locked = connection.query("SELECT pg_advisory_xact_lock($1)", {kMigrationLockKey});
  if (!locked) return locked.error();
  return {};
}

}  // namespace

int latestSchemaVersion(std::string_view backend) {
  const std::vector<Migration> migrations = migrationsFor(backend);
  return migrations.empty() ? 0 : migrations.back().version;
}

Result<int> migrate(Database& db) {
  const SystemClock clock;
  return migrate(db, clock);
}

Result<int> migrate(Database& db, const Clock& clock) {
  const bool postgres = db.backend() == "postgres";
  const std::vector<Migration> migrations = migrationsFor(db.backend());
  for (size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version == migrations[i - 1].version) {
      return makeError("db_config",
                       "Two migrations share version " + std::to_string(migrations[i].version) +
                           ": " + label(migrations[i - 1]) + " and " + label(migrations[i]) + ".");
    }
  }
  const int latest = latestSchemaVersion(db.backend());

  Result<void> created = db.transaction([&](Connection& connection) -> Result<void> {
    if (Result<void> locked = lockMigrations(connection, postgres); !locked) return locked;
    Result<Rows> table = connection.query(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    if (!table) return table.error();
    return {};
  });
  if (!created) return created.error();

  Result<Rows> current = db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!current) return current.error();
  const int64_t current_version = current->rows.at(0).getInt(0);
  if (current_version > latest) {
    return makeError("db_schema_too_new",
                     "The database schema is at version " + std::to_string(current_version) +
                         " but this StarTales build only knows versions up to " +
                         std::to_string(latest) + "; run a newer StarTales against this database.");
  }

  int applied = 0;
  for (const Migration& m : migrations) {
    if (m.version <= current_version) continue;
    bool ran_here = false;
    Result<void> done = db.transaction([&](Connection& connection) -> Result<void> {
      if (Result<void> locked = lockMigrations(connection, postgres); !locked) return locked;
      // Another migrator may have applied it while this one waited for the lock.
      Result<Rows> seen = connection.query("SELECT 1 FROM schema_migrations WHERE version = $1",
                                           {int64_t{m.version}});
      if (!seen) return seen.error();
      if (!seen->empty()) return {};
      if (Result<void> ran = connection.executeScript(m.sql); !ran) return ran;
      Result<Rows> recorded = connection.query(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
          {int64_t{m.version}, std::string(m.name), clock.nowMs()});
      if (!recorded) return recorded.error();
      ran_here = true;
      return {};
    });
    if (!done) {
      return makeError(done.error().code,
                       "Migration " + label(m) + " failed: " + done.error().message);
    }
    if (ran_here) ++applied;
  }
  return applied;
}

}  // namespace startales::store
