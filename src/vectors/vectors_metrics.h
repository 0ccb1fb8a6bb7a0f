#pragma once

// Vector store metrics, declared once per process:
//   vectors_requests_total{op,outcome}   calls to the remote index by operation (ensure,
//                                        upsert, search, count, ping) and outcome (ok,
//                                        unavailable, timeout, protocol, refused)
//   vectors_request_seconds{op}          histogram: call latency, retries included
//   vectors_requeued_total               memories whose indexing failed, queued for a retry
//   vectors_requeue_dropped_total        queued memories dropped (queue full): indexed again
//                                        when their character's stream next opens
// Thread-safe.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>

#include <mutex>
#include <string_view>

namespace prometheus {
class Registry;
}

namespace startales::vectors {

class VectorsMetrics {
 public:
  explicit VectorsMetrics(prometheus::Registry& registry);

  // outcome: "ok" or the error code without its "vectors_" prefix.
  void request(std::string_view op, std::string_view outcome, double seconds);
  void requeued(size_t memories);
  void requeueDropped(size_t memories);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Counter& requeued_;
  prometheus::Counter& requeue_dropped_;
  std::mutex mu_;  // guards Add() lookups
};

}  // namespace startales::vectors
