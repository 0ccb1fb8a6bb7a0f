#pragma once

// GET /api/health (liveness), GET /api/ready (readiness: the database answers; the remote
// LLM's circuit state is reported alongside), and GET /metrics (Prometheus text format),
// which is registered separately: on its own listener (--metrics-listen) and, only with a
// bearer token (--metrics-token), on the main port.

#include <functional>
#include <string>
#include <vector>

#include "common/worker_pool.h"
#include "llm/llm.h"
#include "metrics/metrics.h"
#include "net/router.h"
#include "store/database.h"

namespace startales::api {

// A remote engine /api/ready requires (Redis...): `probe` answers a short description for
// the checks ("redis"), or an error that makes the server not ready.
struct ReadinessCheck {
  std::string name;     // the checks' key ("kv")
  std::string subject;  // named to the client when it fails ("Redis")
  std::function<boost::asio::awaitable<Result<std::string>>()> probe;
};

struct HealthDeps {
  store::Database* db;  // null for services without a database (stt, tts)
  WorkerPool& workers;
  std::string version;
  // The remote dialogue engine, or null (built-in). Reported by /api/ready, never failing it:
  // characters fall back to the built-in engine, so the server stays useful without it.
  const llm::LlmBackend* llm = nullptr;
  std::string prefix = "/api";  // {prefix}/health and {prefix}/ready ("" for stt and tts)
  std::string service = "startales";  // named in /health
  std::vector<ReadinessCheck> checks;  // after the database's, each must pass
};

// {prefix}/health and {prefix}/ready. A failing readiness check answers a generic reason
// ("The database is unreachable.") and logs the detailed error.
void addHealthRoutes(net::Router& router, const HealthDeps& deps);

// GET /metrics. With a non-empty `token` it answers only to "Authorization: Bearer <token>"
// (401 otherwise); with an empty one to anybody (for a listener on a private address).
// `metrics` outlives the router.
void addMetricsRoute(net::Router& router, metrics::Metrics& metrics, const std::string& token);

}  // namespace startales::api
