#include "kv/kv_metrics.h"

#include <prometheus/registry.h>

namespace startales::kv {

KvMetrics::KvMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("kv_requests_total")
                    .Help("Key-value engine calls by operation and outcome.")
                    .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("kv_request_seconds")
                   .Help("Key-value engine call latency: start to reply or failure.")
                   .Register(registry)),
      reconnects_(prometheus::BuildCounter()
                      .Name("kv_reconnects_total")
                      .Help("Connections to the key-value engine made again after a loss.")
                      .Register(registry)
                      .Add({})) {}

void KvMetrics::request(std::string_view op, std::string_view outcome, double seconds) {
  static const prometheus::Histogram::BucketBoundaries kBuckets{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1};
  prometheus::Counter* counter = nullptr;
  prometheus::Histogram* histogram = nullptr;
  {
    std::lock_guard lock(mu_);
    auto key = std::make_pair(std::string(op), std::string(outcome));
    auto c = counters_.find(key);
    if (c == counters_.end()) {
      c = counters_.emplace(key, &requests_.Add({{"op", key.first}, {"outcome", key.second}}))
              .first;
    }
    counter = c->second;
    auto h = histograms_.find(op);
    if (h == histograms_.end()) {
      h = histograms_.emplace(std::string(op), &latency_.Add({{"op", std::string(op)}}, kBuckets))
              .first;
    }
    histogram = h->second;
  }
  counter->Increment();
  histogram->Observe(seconds);
}

void KvMetrics::reconnect() { reconnects_.Increment(); }

}  // namespace startales::kv
