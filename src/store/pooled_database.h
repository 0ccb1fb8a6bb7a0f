#pragma once

// The part of Database both backends share: a bounded connection pool, and query(),
// transaction() and ping() written once on top of it. A backend supplies how to open a
// connection, how to begin a transaction and its name.

#include <memory>
#include <string_view>

#include "store/connection_pool.h"
#include "store/database.h"

namespace startales::store {

class PooledDatabase : public Database {
 public:
  Result<Rows> query(std::string_view sql, const Params& params) override;
  Result<void> transaction(const std::function<Result<void>(Connection&)>& fn) override;
  Result<void> ping() override;

 protected:
  PooledDatabase(int pool_size, int acquire_timeout_ms);

  // Opens one connection and keeps it in the pool, so a bad URL or an unreachable server
  // fails at open() rather than at the first query. Call once from the backend's factory.
  Result<void> warmUp();

  virtual Result<std::unique_ptr<PooledConnection>> openConnection() = 0;
  // The statement that starts a transaction ("BEGIN IMMEDIATE", "BEGIN").
  [[nodiscard]] virtual std::string_view beginStatement() const = 0;

 private:
  ConnectionPool pool_;
};

}  // namespace startales::store
