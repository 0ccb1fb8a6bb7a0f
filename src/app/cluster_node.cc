#include "app/cluster_node.h"

#include <algorithm>
#include <random>

#include "common/log.h"

namespace startales::app {

namespace {

// 64 random bits as hex: tells this process from an earlier one of the same node name.
std::string newIncarnation() {
  std::random_device rd;
  const uint64_t v = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(v));
  return out;
}

}  // namespace

cluster::OwnershipConfig ownershipTiming(int lease_ttl_ms) {
  using std::chrono::milliseconds;
  cluster::OwnershipConfig c;
  c.lease_ttl = milliseconds(lease_ttl_ms);
  c.renew_every = milliseconds(lease_ttl_ms / 6);
  c.local_deadline = milliseconds(lease_ttl_ms * 2 / 3);
  c.scan_every = milliseconds(std::min(1000, lease_ttl_ms / 3));
  return c;
}

Result<std::unique_ptr<ClusterNode>> ClusterNode::join(const Config& config, store::Database& db,
                                                       campaign::CampaignService& campaigns,
                                                       WorkerPool& workers,
                                                       boost::asio::io_context& io,
                                                       metrics::Metrics& metrics, bus::Bus& bus,
                                                       std::function<int()> players) {
  std::unique_ptr<ClusterNode> node(new ClusterNode());
  node->live_window_ms_ = config.lease_ttl_ms;
  node->lease_ = cluster::makeDbLease(db);
  const std::string address = config.server.host + ":" + std::to_string(config.server.port);
  node->registry_ =
      std::make_unique<cluster::NodeRegistry>(db, config.node, newIncarnation(), address);
  node->ownership_ =
      std::make_unique<cluster::Ownership>(ownershipTiming(config.lease_ttl_ms), *node->lease_,
                                           *node->registry_, campaigns, workers, io,
                                           std::move(players));
  node->ownership_->registerMetrics(metrics.registry());
  node->relay_ = std::make_unique<cluster::CampaignRelay>(bus, io);
  node->remotes_ = std::make_unique<cluster::RemoteCampaigns>(bus, config.node, io);
  node->remotes_->registerMetrics(metrics.registry());
  if (auto fed = node->remotes_->start(); !fed) return fed.error();
  node->ownership_->connect(bus, *node->relay_, *node->remotes_);
  if (auto joined = node->ownership_->join(); !joined) return joined.error();
  auto* relay = node->relay_.get();
  auto* remotes = node->remotes_.get();
  metrics.addGaugeCallback("cluster_relayed_sockets",
                           "Other nodes' player sockets fed from campaigns this node owns.",
                           [relay] { return static_cast<double>(relay->relayCount()); });
  metrics.addGaugeCallback("cluster_remote_sockets",
                           "This node's player sockets fed from campaigns other nodes own.",
                           [remotes] { return static_cast<double>(remotes->feedCount()); });
  campaigns.setPlacement(node->ownership_.get());
  logging::info("joined the cluster",
                {{"node", config.node}, {"lease_ttl_ms", config.lease_ttl_ms}});
  return node;
}

}  // namespace startales::app
