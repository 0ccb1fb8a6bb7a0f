#include "vectors/vectors_metrics.h"

#include <prometheus/registry.h>

#include <string>

namespace startales::vectors {

VectorsMetrics::VectorsMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("vectors_requests_total")
                    .Help("Calls to the vector store (Qdrant) by operation and outcome.")
                    .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("vectors_request_seconds")
                   .Help("Vector store call latency, retries included, by operation.")
                   .Register(registry)),
      requeued_(prometheus::BuildCounter()
                    .Name("vectors_requeued_total")
                    .Help("Memories whose indexing failed, queued to be indexed again.")
                    .Register(registry)
                    .Add({})),
      requeue_dropped_(prometheus::BuildCounter()
                           .Name("vectors_requeue_dropped_total")
                           .Help("Queued memories dropped because the retry queue was full; "
                                 "indexed again when their character's stream next opens.")
                           .Register(registry)
                           .Add({})) {}

void VectorsMetrics::request(std::string_view op, std::string_view outcome, double seconds) {
  static const prometheus::Histogram::BucketBoundaries kBuckets{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  prometheus::Counter* c = nullptr;
  prometheus::Histogram* h = nullptr;
  {
    std::lock_guard lock(mu_);
    c = &requests_.Add({{"op", std::string(op)}, {"outcome", std::string(outcome)}});
    h = &latency_.Add({{"op", std::string(op)}}, kBuckets);
  }
  c->Increment();
  h->Observe(seconds);
}

void VectorsMetrics::requeued(size_t memories) {
  requeued_.Increment(static_cast<double>(memories));
}

void VectorsMetrics::requeueDropped(size_t memories) {
  requeue_dropped_.Increment(static_cast<double>(memories));
}

}  // namespace startales::vectors
