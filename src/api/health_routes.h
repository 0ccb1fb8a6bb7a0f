#pragma once

// GET /api/health (liveness), GET /api/ready (readiness: the database answers),
// GET /metrics (Prometheus text format).

#include <string>

#include "common/worker_pool.h"
#include "metrics/metrics.h"
#include "net/router.h"
#include "store/database.h"

namespace startales::api {

struct HealthDeps {
  store::Database& db;
  WorkerPool& workers;
  metrics::Metrics& metrics;
  std::string version;
};

void addHealthRoutes(net::Router& router, const HealthDeps& deps);

}  // namespace startales::api
