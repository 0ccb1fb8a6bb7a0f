#pragma once

// WebSocket metrics, declared once:
//   ws_connections_open                  (gauge) connections past the handshake, not yet closed
//   ws_messages_received_total           messages from clients (refused ones included)
//   ws_messages_sent_total               messages written to clients
//   ws_bytes_received_total, ws_bytes_sent_total   message payload bytes
//   ws_rate_limited_total                messages refused by the per-connection rate limit
//   ws_closes_total{reason}              one per closed connection: normal, shutdown,
//                                        slow_consumer, too_big, idle, protocol_error,
//                                        handler_error, network_error
// Thread-safe; no lock on any path (every series is created up front).

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>

#include <array>
#include <cstddef>

#include "net/websocket.h"

namespace prometheus {
class Registry;
}

namespace startales::net {

class WsMetrics {
 public:
  explicit WsMetrics(prometheus::Registry& registry);

  prometheus::Gauge& connectionsOpen() { return *open_; }
  void received(size_t bytes) {
    received_->Increment();
    bytes_received_->Increment(static_cast<double>(bytes));
  }
  void sent(size_t bytes) {
    sent_->Increment();
    bytes_sent_->Increment(static_cast<double>(bytes));
  }
  void rateLimited() { rate_limited_->Increment(); }
  void closed(WsCloseCause cause) { closes_[static_cast<size_t>(cause)]->Increment(); }

 private:
  prometheus::Gauge* open_;
  prometheus::Counter* received_;
  prometheus::Counter* sent_;
  prometheus::Counter* bytes_received_;
  prometheus::Counter* bytes_sent_;
  prometheus::Counter* rate_limited_;
  std::array<prometheus::Counter*, kWsCloseCauseCount> closes_{};
};

}  // namespace startales::net
