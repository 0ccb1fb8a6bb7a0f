#pragma once

// A bounded pool of backend connections shared by the SQLite and PostgreSQL databases.
//
// Threading: acquire() and the Lease destructor may be called from any thread. A leased
// connection belongs to the holder of the Lease until the Lease is destroyed.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/database.h"

namespace startales::store {

// A Connection the pool can lend out and judge on its return.
class PooledConnection : public Connection {
 public:
  // True when the link to the server is gone; the pool closes it instead of reusing it.
  [[nodiscard]] virtual bool broken() const = 0;
  // True while a transaction is open (BEGIN without COMMIT/ROLLBACK).
  [[nodiscard]] virtual bool inTransaction() const = 0;
  // True when the open transaction can only roll back: a statement in it failed and the
  // backend (PostgreSQL) now ignores everything until ROLLBACK, turning COMMIT into one.
  [[nodiscard]] virtual bool aborted() const = 0;
};

class ConnectionPool {
 public:
  using Opener = std::function<Result<std::unique_ptr<PooledConnection>>()>;

  // Opens connections lazily with `opener`, at most `max_size` at a time.
  ConnectionPool(Opener opener, int max_size, std::chrono::milliseconds acquire_timeout);
  // Precondition: no Lease is outstanding.
  ~ConnectionPool();

  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Exclusive use of one connection. On destruction an open transaction is rolled back, then
  // the connection goes back to the pool, or is closed when it is broken or was discarded.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    PooledConnection& operator*() const { return *connection_; }
    PooledConnection* operator->() const { return connection_.get(); }
    // Closes the connection instead of returning it (its state is unknown).
    void discard() { discard_ = true; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<PooledConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}

    ConnectionPool* pool_;
    std::unique_ptr<PooledConnection> connection_;
    bool discard_ = false;
  };

  // Hands out an idle connection, opens a new one while under max_size, or waits up to the
  // acquire timeout for one to come back ("db_unavailable" then). Errors from `opener` pass
  // through.
  Result<Lease> acquire();

 private:
  void release(std::unique_ptr<PooledConnection> connection, bool discard);

  // const after construction
  const Opener opener_;
  const int max_size_;
  const std::chrono::milliseconds acquire_timeout_;

  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PooledConnection>> idle_;  // guarded by mu_
  int open_ = 0;  // guarded by mu_; idle + leased + being opened
};

}  // namespace startales::store
