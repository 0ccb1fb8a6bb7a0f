#pragma once

// A cluster node's share of the campaigns: it takes the leases of running campaigns nobody
// holds (placed on the least-loaded live node), renews them, gives them up when it drains
// or holds far more than the others, and stops simulating one on its own deadline when it
// cannot renew.
//
// Timing (the rule Patroni uses): renewals every `renew_every`; a campaign's local deadline
// is `local_deadline` after the start of the last renewal that covered it, shorter than the
// TTL, so this node has stopped writing before any other node can take the lease, even if the
// renewal answer never comes. A node is live while its heartbeat is younger than the TTL.
//
// Threading: the loops run on one strand of `io`; database calls go to the WorkerPool.
// place() and dropped() may be called from any thread.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "bus/bus.h"
#include "campaign/placement.h"
#include "cluster/campaign_relay.h"
#include "cluster/remote_campaign.h"
#include "campaign/service.h"
#include "cluster/lease.h"
#include "cluster/node_registry.h"
#include "common/worker_pool.h"

namespace prometheus {
class Registry;
}

namespace startales::cluster {

struct OwnershipConfig {
  std::chrono::milliseconds lease_ttl{6000};
  std::chrono::milliseconds renew_every{1000};
  std::chrono::milliseconds local_deadline{4000};  // < lease_ttl - renew_every
  std::chrono::milliseconds scan_every{1000};      // orphan scan, placement, rebalancing
  int adopt_per_scan = 32;                         // campaigns adopted per scan at most
};

struct OwnershipStats {
  uint64_t acquired = 0;    // leases taken (each a new epoch)
  uint64_t takeovers = 0;   // of those, leases that had a holder before (epoch > 1)
  uint64_t renewals = 0;    // renewal round trips that succeeded
  uint64_t lost = 0;        // campaigns lost: fenced, taken over, or past the local deadline
  uint64_t handed_off = 0;  // campaigns handed off (drain, rebalancing)
};

class Ownership final : public campaign::Placement {
 public:
  // Every reference must outlive this. `players`: how many players this node serves now
  // (reported in its heartbeat); may be empty.
  Ownership(const OwnershipConfig& config, Lease& lease, NodeRegistry& registry,
            campaign::CampaignService& campaigns, WorkerPool& workers,
            boost::asio::io_context& io, std::function<int()> players = {});
  ~Ownership() override;

  // With a bus (cluster mode), before start(): owned campaigns answer other nodes' players
  // through `relay`, campaigns owned elsewhere are reached through `remotes`, and released
  // leases are announced so the next owner adopts them at once. Each must outlive this.
  void connect(bus::Bus& bus, CampaignRelay& relay, RemoteCampaigns& remotes);

  // Registers the node (blocking; at start). "node_name_in_use" when the name is taken.
  Result<void> join();
  // Starts the renewal, deadline and scan loops.
  void start();
  // SIGTERM: marks the node draining, hands every campaign off (final snapshot, lease
  // released), stops the loops and leaves the registry.
  boost::asio::awaitable<void> drain();

  void place(int64_t id) override;
  void adopted(int64_t id, std::shared_ptr<campaign::CampaignRuntime> runtime) override;
  void dropped(int64_t id, bool lost) override;
  std::shared_ptr<campaign::LiveCampaign> remote(int64_t id) override;

  OwnershipStats stats() const;
  size_t owned() const;
  // Declares cluster_* metrics on `registry`; call once before start().
  void registerMetrics(prometheus::Registry& registry);

 private:
  struct Held {
    LeaseGrant grant;
    std::chrono::steady_clock::time_point deadline;  // stop simulating after this
  };
  struct Metrics;

  boost::asio::awaitable<void> renewLoop();
  boost::asio::awaitable<void> deadlineLoop();
  boost::asio::awaitable<void> scanLoop();
  boost::asio::awaitable<void> renewOnce();
  boost::asio::awaitable<void> scanOnce();
  // Whether this node may take `id`'s lease: not held, not being adopted, not live here.
  bool adoptable(int64_t id) const;
  // Takes `id`'s lease and adopts it here; releases the lease if the adoption fails.
  boost::asio::awaitable<void> adoptOne(int64_t id);
  // Which live node should adopt each of `orphans`: the least loaded, in turn.
  std::vector<int64_t> assignedToMe(const std::vector<int64_t>& orphans,
                                    const std::vector<NodeInfo>& nodes) const;
  void releaseAsync(LeaseGrant grant);

  // const after construction
  const OwnershipConfig config_;
  Lease& lease_;
  NodeRegistry& registry_;
  campaign::CampaignService& campaigns_;
  WorkerPool& workers_;
  std::function<int()> players_;
  bus::Bus* bus_ = nullptr;               // set by connect(), before start()
  CampaignRelay* relay_ = nullptr;        // likewise
  RemoteCampaigns* remotes_ = nullptr;    // likewise
  std::unique_ptr<bus::Subscription> released_;  // "a lease was released": scan now
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  std::unique_ptr<Metrics> metrics_;  // set by registerMetrics, before start()

  mutable std::mutex mu_;
  std::map<int64_t, Held> held_;  // guarded by mu_
  OwnershipStats stats_;           // guarded by mu_
  std::vector<NodeInfo> nodes_;    // strand only: the last registry read
  std::set<int64_t> adopting_;     // strand only: leases being taken or campaigns loading
  std::chrono::steady_clock::time_point last_rebalance_{};  // strand only
  std::atomic<bool> draining_{false}, stopped_{false};
  std::atomic<int> releases_in_flight_{0};
};

}  // namespace startales::cluster
