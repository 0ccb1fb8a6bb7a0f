#include "store/pooled_database.h"

#include <chrono>

namespace startales::store {

PooledDatabase::PooledDatabase(int pool_size, int acquire_timeout_ms)
    : pool_([this] { return openConnection(); }, pool_size,
            std::chrono::milliseconds(acquire_timeout_ms)) {}

Result<void> PooledDatabase::warmUp() {
  Result<ConnectionPool::Lease> lease = pool_.acquire();
  if (!lease) return lease.error();
  return {};
}

Result<Rows> PooledDatabase::query(std::string_view sql, const Params& params) {
  Result<ConnectionPool::Lease> lease = pool_.acquire();
  if (!lease) return lease.error();
  return (*lease)->query(sql, params);
}

Result<void> PooledDatabase::transaction(const std::function<Result<void>(Connection&)>& fn) {
  Result<ConnectionPool::Lease> lease = pool_.acquire();
  if (!lease) return lease.error();
  PooledConnection& connection = **lease;

  if (Result<Rows> begun = connection.query(beginStatement()); !begun) return begun.error();
  // If fn throws, the Lease destructor rolls the transaction back.
  Result<void> outcome = fn(connection);
  if (outcome && connection.aborted()) {
    outcome = makeError("db_error",
                        "A statement in the transaction failed and its error was ignored, so "
                        "the whole transaction was rolled back.");
  }
  if (outcome) {
    Result<Rows> committed = connection.query("COMMIT");
    if (committed) return {};
    outcome = committed.error();
  }
  if (connection.inTransaction() && !connection.query("ROLLBACK")) {
    lease->discard();  // its transaction state is unknown: never hand it out again
  }
  return outcome;
}

Result<void> PooledDatabase::ping() {
  Result<Rows> rows = query("SELECT 1", {});
  if (!rows) return rows.error();
  return {};
}

}  // namespace startales::store
