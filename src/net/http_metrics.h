#pragma once

// HTTP metrics, declared once:
//   http_requests_total{route,method,status}
//   http_request_duration_seconds{route,status}   (histogram)
//   http_connections_open                          (gauge)
//   http_rejected_total{reason}                    (degraded paths: header_timeout, idle_timeout,
//                                                   body_too_large, header_too_large,
//                                                   bad_request, too_many_connections,
//                                                   ws_handshake_failed)
// plus the WebSocket metrics of ws_metrics.h (ws()). Thread-safe.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace prometheus {
class Registry;
}

namespace startales::net {

class WsMetrics;

class HttpMetrics {
 public:
  explicit HttpMetrics(prometheus::Registry& registry);
  ~HttpMetrics();

  void observe(std::string_view route, std::string_view method, unsigned status, double seconds);
  void reject(std::string_view reason);
  prometheus::Gauge& connectionsOpen() { return *connections_open_; }
  WsMetrics& ws() { return *ws_; }

 private:
  struct Series {
    prometheus::Counter* requests;
    prometheus::Histogram* duration;
  };

  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Gauge* connections_open_;
  std::unique_ptr<WsMetrics> ws_;

  std::mutex mu_;
  std::unordered_map<std::string, Series> series_;       // guarded by mu_
  std::unordered_map<std::string, prometheus::Counter*> rejects_;  // guarded by mu_
};

}  // namespace startales::net
