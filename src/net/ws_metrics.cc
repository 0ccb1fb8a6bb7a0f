#include "net/ws_metrics.h"

#include <prometheus/registry.h>

#include <string>

namespace startales::net {

namespace {

prometheus::Counter* counter(prometheus::Registry& registry, const char* name, const char* help) {
  return &prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

WsMetrics::WsMetrics(prometheus::Registry& registry)
    : open_(&prometheus::BuildGauge()
                 .Name("ws_connections_open")
                 .Help("Open WebSocket connections (past the handshake).")
                 .Register(registry)
                 .Add({})),
      received_(counter(registry, "ws_messages_received_total",
                        "WebSocket messages received from clients, refused ones included.")),
      sent_(counter(registry, "ws_messages_sent_total", "WebSocket messages written to clients.")),
      bytes_received_(counter(registry, "ws_bytes_received_total",
                              "WebSocket message payload bytes received.")),
      bytes_sent_(
          counter(registry, "ws_bytes_sent_total", "WebSocket message payload bytes written.")),
      rate_limited_(counter(registry, "ws_rate_limited_total",
                            "WebSocket messages refused by the per-connection rate limit.")) {
  auto& closes = prometheus::BuildCounter()
                     .Name("ws_closes_total")
                     .Help("Closed WebSocket connections by reason.")
                     .Register(registry);
  for (size_t i = 0; i < kWsCloseCauseCount; ++i) {
    closes_[i] = &closes.Add({{"reason", std::string(toString(static_cast<WsCloseCause>(i)))}});
  }
}

}  // namespace startales::net
