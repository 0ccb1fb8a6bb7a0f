#pragma once

// GET /api/health (liveness), GET /api/ready (readiness: the object store and the database
// answer; the remote
// LLM's circuit state is reported alongside), and GET /metrics (Prometheus text format),
// which is registered separately: on its own listener (--metrics-listen) and, only with a
// bearer token (--metrics-token), on the main port.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <vector>

#include "common/worker_pool.h"
#include "llm/llm.h"
#include "metrics/metrics.h"
#include "net/router.h"
#include "store/database.h"

namespace startales::api {

// One remote engine /api/ready checks: its answer (a short status) goes under checks.<name>.
struct ReadyCheck {
  std::string name;     // key in "checks" ("kv", "bus", "objects"...)
  std::string subject;  // named in the 503 answer: "<subject> is unreachable." ("Redis")
  // Never blocks the network thread: a blocking engine's probe goes through the workers.
  std::function<boost::asio::awaitable<Result<std::string>>()> probe;
  // false: a failure is reported ({"error": code}) and the server stays ready (a feature that
  // degrades, e.g. memories, must not take every node out of the load balancer).
  bool required = true;
};

// A ReadyCheck whose `check` blocks (an HTTP or database round trip, bounded by its own
// timeout): it runs on `workers`, which must outlive the check.
ReadyCheck blockingCheck(std::string name, std::string subject, WorkerPool& workers,
                         std::function<Result<std::string>()> check, bool required = true);

struct HealthDeps {
  store::Database* db;  // null for services without a database (stt, tts)
  WorkerPool& workers;
  std::string version;
  // The remote dialogue engine, or null (built-in). Reported by /api/ready, never failing it:
  // characters fall back to the built-in engine, so the server stays useful without it.
  const llm::LlmBackend* llm = nullptr;
  std::string prefix = "/api";  // {prefix}/health and {prefix}/ready ("" for stt and tts)
  std::string service = "startales";  // named in /health
  // The remote engines /api/ready checks after the database, in order.
  std::vector<ReadyCheck> checks;
};

// {prefix}/health and {prefix}/ready. A failing readiness check answers a generic reason
// ("The database is unreachable.") and logs the detailed error.
void addHealthRoutes(net::Router& router, const HealthDeps& deps);

// GET /metrics. With a non-empty `token` it answers only to "Authorization: Bearer <token>"
// (401 otherwise); with an empty one to anybody (for a listener on a private address).
// `metrics` outlives the router.
void addMetricsRoute(net::Router& router, metrics::Metrics& metrics, const std::string& token);

}  // namespace startales::api
