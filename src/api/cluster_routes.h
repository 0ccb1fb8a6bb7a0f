#pragma once

// GET /api/cluster (cluster mode, operators only: "Authorization: Bearer <operator token>"):
// every node with its liveness, load and the campaigns whose live lease it holds.

#include <string>

#include "cluster/lease.h"
#include "cluster/node_registry.h"
#include "common/worker_pool.h"
#include "net/router.h"

namespace startales::api {

struct ClusterDeps {
  cluster::NodeRegistry& registry;
  cluster::Lease& lease;
  WorkerPool& workers;
  std::string operator_token;  // empty: the route answers 403 and says how to open it
  int64_t live_window_ms = 6000;
};

// `deps`' references outlive the router.
void addClusterRoutes(net::Router& router, const ClusterDeps& deps);

}  // namespace startales::api
