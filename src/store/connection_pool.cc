#include "store/connection_pool.h"

#include <utility>

namespace startales::store {

ConnectionPool::ConnectionPool(Opener opener, int max_size,
                               std::chrono::milliseconds acquire_timeout)
    : opener_(std::move(opener)), max_size_(max_size), acquire_timeout_(acquire_timeout) {}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      connection_(std::move(other.connection_)),
      discard_(other.discard_) {}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr && connection_ != nullptr) {
    pool_->release(std::move(connection_), discard_);
  }
}

Result<ConnectionPool::Lease> ConnectionPool::acquire() {
  std::unique_lock lock(mu_);
  const bool ready = returned_.wait_for(lock, acquire_timeout_,
                                        [this] { return !idle_.empty() || open_ < max_size_; });
  if (!ready) {
    return makeInternalError("db_unavailable", "No database connection became free within " +
                                           std::to_string(acquire_timeout_.count()) + " ms (all " +
                                           std::to_string(max_size_) +
                                           " pooled connections are busy).");
  }
  if (!idle_.empty()) {
    std::unique_ptr<PooledConnection> connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(connection));
  }
  ++open_;
  lock.unlock();  // opening may take a network round trip

  Result<std::unique_ptr<PooledConnection>> opened = opener_();
  if (!opened) {
    lock.lock();
    --open_;
    lock.unlock();
    returned_.notify_one();
    return opened.error();
  }
  return Lease(this, std::move(opened).value());
}

void ConnectionPool::release(std::unique_ptr<PooledConnection> connection, bool discard) {
  if (!discard && !connection->broken() && connection->inTransaction()) {
    // Abandoned mid-transaction (the holder returned early or threw): undo it.
    (void)connection->query("ROLLBACK");
  }
  if (discard || connection->broken() || connection->inTransaction()) {
    connection.reset();  // closed outside the lock: it may talk to the server
    {
      std::lock_guard lock(mu_);
      --open_;
    }
  } else {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(connection));
  }
  returned_.notify_one();
}

}  // namespace startales::store
