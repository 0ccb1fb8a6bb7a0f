#include "app/serve_loop.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <thread>
#include <vector>

#include "api/health_routes.h"
#include "common/log.h"
#include "common/thread_name.h"

namespace startales::app {

namespace asio = boost::asio;

void serveUntilSignal(asio::io_context& io, net::Server& server, const Config& config,
                      std::function<asio::awaitable<void>()> after_drain,
                      net::Server* metrics_server) {
  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    logging::info("shutting down", {{"signal", signal}});
    auto shutdown = [&]() -> asio::awaitable<void> {
      auto drain = server.drain(std::chrono::milliseconds(config.shutdown_timeout_ms));
      size_t cut = co_await std::move(drain);
      logging::info("drained", {{"connections_cut", cut}});
      if (metrics_server != nullptr) {
        auto metrics_drain = metrics_server->drain(std::chrono::milliseconds(1000));
        co_await std::move(metrics_drain);
      }
      if (after_drain) {
        auto step = after_drain();
        co_await std::move(step);
      }
      io.stop();
    };
    asio::co_spawn(io, std::move(shutdown), asio::detached);
  });
  std::vector<std::thread> threads;
  for (int i = 1; i < config.threads; ++i) {
    threads.emplace_back([&io, i] {
      setThreadName("net-" + std::to_string(i));
      io.run();
    });
  }
  setThreadName("net-0");
  io.run();
  for (auto& t : threads) t.join();
}

net::Router metricsRouter(metrics::Metrics& metrics) {
  net::Router router;
  api::addMetricsRoute(router, metrics, "");
  return router;
}

Result<std::unique_ptr<net::Server>> startMetricsListener(asio::io_context& io,
                                                          const Config& config,
                                                          const net::Router& router,
                                                          net::HttpMetrics& http_metrics) {
  if (!config.metrics_listen) return std::unique_ptr<net::Server>();
  net::ServerConfig listener = config.server;
  listener.host = config.metrics_host;
  listener.port = config.metrics_port;
  listener.cors_origins.clear();  // nothing in a browser reads it
  auto server = net::Server::create(io, listener, router, http_metrics);
  if (!server) return server.error();
  (*server)->start();
  logging::info("metrics listening", {{"host", config.metrics_host}, {"port", (*server)->port()}});
  return server;
}

}  // namespace startales::app
