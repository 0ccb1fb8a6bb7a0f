#pragma once

// Campaign leases: which node simulates a running campaign (cluster mode, `startales api`).
//
// A lease is a row (campaign, holder, epoch, expiry). Taking a free, expired or released
// lease increments its epoch; the holder writes the campaign's log and snapshots with that
// epoch, and the database refuses any write whose epoch is not the current one (fencing,
// migration 0007), so a paused or partitioned former holder can never write after a takeover.
// Expiry is measured on the database's clock (DbLease), never a node's.
//
// The holder's own rule (Ownership): it renews well before expiry, and stops simulating on a
// local deadline — measured from before it sent its last successful renewal, shorter than the
// TTL — when it cannot renew. So it has stopped before anyone else can take the lease, even
// if the database's clock runs a little fast.
//
// Threading: implementations are thread-safe. DbLease blocks on the database: call it from a
// worker pool.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace startales::store {
class Database;
}

namespace startales::cluster {

struct LeaseGrant {
  int64_t campaign = 0;
  std::string holder;  // a node name
  int64_t epoch = 0;
  int64_t expires_at_ms = 0;  // on the lease store's clock; 0 once released
};

class Lease {
 public:
  virtual ~Lease() = default;

  // Takes `campaign`'s lease for `holder` for `ttl` when nobody holds it (no lease yet, expired
  // or released): the epoch increments. nullopt while a lease is live, the caller's own
  // included (a restarted node gets its name back only once its old heartbeat, and so its
  // leases, went silent: NodeRegistry::join).
  virtual Result<std::optional<LeaseGrant>> acquire(int64_t campaign, const std::string& holder,
                                                    std::chrono::milliseconds ttl) = 0;
  // Extends every lease of `grants` (all of one holder) to now + ttl, in one round trip.
  // Returns the grants renewed (new expiries); a grant missing from the answer is lost (taken
  // over, or its campaign deleted).
  virtual Result<std::vector<LeaseGrant>> renew(const std::vector<LeaseGrant>& grants,
                                                std::chrono::milliseconds ttl) = 0;
  // Gives the lease up (expiry = 0) so the next acquire takes it at once; the epoch stays.
  // Releasing a lease no longer held is not an error (nothing changes).
  virtual Result<void> release(const LeaseGrant& grant) = 0;
  // Every lease row, live or not (for placement scans and GET /api/cluster).
  virtual Result<std::vector<LeaseGrant>> all() = 0;
  // Milliseconds since the Unix epoch on the lease store's clock (compare with expires_at_ms).
  virtual Result<int64_t> now() = 0;
};

// Leases in PostgreSQL (or SQLite, for tests): the campaign_leases table of migration 0007.
std::unique_ptr<Lease> makeDbLease(store::Database& db);

// Leases in this process's memory, on `clock` (unit tests of what holds leases).
std::unique_ptr<Lease> makeMemoryLease(const Clock& clock);

}  // namespace startales::cluster
