#pragma once

// The part every server subcommand shares: run the network threads until SIGTERM/SIGINT,
// then drain (stop accepting, let in-flight requests finish within shutdown_timeout_ms), run
// the caller's own shutdown step, and return once the threads have stopped.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>

#include "app/config.h"
#include "common/result.h"
#include "metrics/metrics.h"
#include "net/http_metrics.h"
#include "net/router.h"
#include "net/server.h"

namespace startales::app {

// Blocks. `after_drain` runs on `io` after the drain (e.g. saving campaigns); may be empty.
// `metrics_server` (nullable) is drained after `server`.
void serveUntilSignal(boost::asio::io_context& io, net::Server& server, const Config& config,
                      std::function<boost::asio::awaitable<void>()> after_drain,
                      net::Server* metrics_server = nullptr);

// The router of the --metrics-listen listener: GET /metrics alone, open to whoever reaches
// the address. `metrics` outlives it.
net::Router metricsRouter(metrics::Metrics& metrics);

// The --metrics-listen listener serving `router` (which must outlive it), started on `io` and
// logged as "metrics listening" with its port. Null when --metrics-listen is off. Errors:
// "listen_failed".
Result<std::unique_ptr<net::Server>> startMetricsListener(boost::asio::io_context& io,
                                                          const Config& config,
                                                          const net::Router& router,
                                                          net::HttpMetrics& http_metrics);

}  // namespace startales::app
