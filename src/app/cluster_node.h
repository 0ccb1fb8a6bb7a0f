#pragma once

// What `startales api` runs beside what `serve` runs: the campaign leases, the node registry
// and this node's Ownership of its share of the campaigns (src/cluster).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>

#include "app/config.h"
#include "campaign/service.h"
#include "bus/bus.h"
#include "cluster/campaign_relay.h"
#include "cluster/lease.h"
#include "cluster/node_registry.h"
#include "cluster/ownership.h"
#include "cluster/remote_campaign.h"
#include "common/worker_pool.h"
#include "metrics/metrics.h"
#include "store/database.h"

namespace startales::app {

class ClusterNode {
 public:
  // Registers the node (blocking: call at start) and installs its placement on `campaigns`.
  // Every reference must outlive the node. `players`: players this node serves now.
  // `bus` carries forwarded requests and relayed feeds between the nodes.
  static Result<std::unique_ptr<ClusterNode>> join(const Config& config, store::Database& db,
                                                   campaign::CampaignService& campaigns,
                                                   WorkerPool& workers,
                                                   boost::asio::io_context& io,
                                                   metrics::Metrics& metrics, bus::Bus& bus,
                                                   std::function<int()> players);
  // Starts renewing, scanning and adopting campaigns.
  void start() { ownership_->start(); }
  // Player sockets this node feeds for campaigns it owns (relays), and from other nodes.
  size_t relayCount() const { return relay_->relayCount(); }
  size_t remoteFeedCount() const { return remotes_->feedCount(); }
  // SIGTERM: hands every campaign off (final snapshot, lease released) and leaves.
  boost::asio::awaitable<void> drain() { return ownership_->drain(); }

  cluster::Lease& lease() { return *lease_; }
  cluster::NodeRegistry& registry() { return *registry_; }
  int64_t liveWindowMs() const { return live_window_ms_; }

 private:
  ClusterNode() = default;
  std::unique_ptr<cluster::Lease> lease_;
  std::unique_ptr<cluster::NodeRegistry> registry_;
  std::unique_ptr<cluster::CampaignRelay> relay_;
  std::unique_ptr<cluster::RemoteCampaigns> remotes_;
  std::unique_ptr<cluster::Ownership> ownership_;  // last: stopped first
  int64_t live_window_ms_ = 0;
};

// The Ownership timing for a lease lifetime: renew every sixth of it, stop on a local
// deadline at two thirds, scan for orphans every third (at most every second).
cluster::OwnershipConfig ownershipTiming(int lease_ttl_ms);

}  // namespace startales::app
