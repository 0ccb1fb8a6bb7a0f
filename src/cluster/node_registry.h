#pragma once

// The cluster's nodes (table cluster_nodes): each node's heartbeat and load, on the database's
// clock, and the running campaigns no live lease covers. Placement reads it; GET /api/cluster
// shows it.
//
// Blocking: every call is a database round trip; call from a worker pool. Thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace startales::store {
class Database;
}

namespace startales::cluster {

struct NodeInfo {
  std::string name;
  std::string address;  // host:port, informational
  int64_t started_at_ms = 0;
  int64_t heartbeat_at_ms = 0;  // database clock
  int campaigns = 0;
  int players = 0;
  bool draining = false;
  bool live = false;  // heartbeat within the liveness window
};

class NodeRegistry {
 public:
  // `incarnation`: random per process, so a second live process with the same name is refused.
  NodeRegistry(store::Database& db, std::string name, std::string incarnation,
               std::string address);

  const std::string& name() const { return name_; }

  // Registers this node. "node_name_in_use" when a node of this name with another incarnation
  // sent a heartbeat within `live_window_ms` (two processes must not share a name: their
  // leases would be one holder's).
  Result<void> join(int64_t live_window_ms);
  // Refreshes this node's heartbeat and load. "node_name_in_use" when another incarnation
  // has taken the name over (this node was presumed dead).
  Result<void> heartbeat(int campaigns, int players, bool draining);
  // Every registered node, `live` when its heartbeat is younger than `live_window_ms`;
  // nodes silent for longer than 10 windows are deleted first.
  Result<std::vector<NodeInfo>> nodes(int64_t live_window_ms);
  // Running campaigns with no lease, or an expired or released one, oldest first (at most
  // `limit`).
  Result<std::vector<int64_t>> orphanCampaigns(int limit);
  // Removes this node (on a clean exit).
  Result<void> leave();

 private:
  store::Database& db_;
  const std::string name_, incarnation_, address_;
  const std::string now_;  // SQL for the database's clock, ms
};

}  // namespace startales::cluster
