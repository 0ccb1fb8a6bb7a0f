#pragma once

// Key-value engine metrics, declared once per process:
//   kv_requests_total{op,outcome}   calls by operation (get, set, del, exists, take, ping) and
//                                   outcome (ok, error, timeout, unavailable)
//   kv_request_seconds{op}          histogram: call start to its reply (or failure)
//   kv_reconnects_total             connections made again after one was lost or failed
// Thread-safe.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>

#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace prometheus {
class Registry;
}

namespace startales::kv {

class KvMetrics {
 public:
  explicit KvMetrics(prometheus::Registry& registry);

  void request(std::string_view op, std::string_view outcome, double seconds);
  void reconnect();

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Counter& reconnects_;
  std::mutex mu_;  // guards Add() lookups
  std::map<std::pair<std::string, std::string>, prometheus::Counter*> counters_;  // guarded by mu_
  std::map<std::string, prometheus::Histogram*, std::less<>> histograms_;         // guarded by mu_
};

}  // namespace startales::kv
