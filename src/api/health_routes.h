#pragma once

// GET /api/health (liveness), GET /api/ready (readiness: the database answers; the remote
// LLM's circuit state is reported alongside),
// GET /metrics (Prometheus text format).

#include <string>

#include "common/worker_pool.h"
#include "llm/llm.h"
#include "metrics/metrics.h"
#include "net/router.h"
#include "store/database.h"

namespace startales::api {

struct HealthDeps {
  store::Database* db;  // null for services without a database (stt, tts)
  WorkerPool& workers;
  metrics::Metrics& metrics;
  std::string version;
  // The remote dialogue engine, or null (built-in). Reported by /api/ready, never failing it:
  // characters fall back to the built-in engine, so the server stays useful without it.
  const llm::LlmBackend* llm = nullptr;
  std::string prefix = "/api";  // {prefix}/health and {prefix}/ready ("" for stt and tts)
  std::string service = "startales";  // named in /health
};

void addHealthRoutes(net::Router& router, const HealthDeps& deps);

}  // namespace startales::api
