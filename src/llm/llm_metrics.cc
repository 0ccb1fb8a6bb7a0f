#include "llm/llm_metrics.h"

#include <prometheus/registry.h>

namespace startales::llm {

LlmMetrics::LlmMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("llm_requests_total")
                    .Help("LLM backend calls started, by backend and operation.")
                    .Register(registry)),
      errors_(prometheus::BuildCounter()
                  .Name("llm_errors_total")
                  .Help("Failed LLM backend calls by error kind.")
                  .Register(registry)),
      retries_(prometheus::BuildCounter()
                   .Name("llm_retries_total")
                   .Help("Extra attempts after a connection error or HTTP 503.")
                   .Register(registry)),
      first_token_(prometheus::BuildHistogram()
                       .Name("llm_time_to_first_token_seconds")
                       .Help("Chat call start to the first streamed delta or tool call.")
                       .Register(registry)),
      tokens_per_second_(prometheus::BuildHistogram()
                             .Name("llm_tokens_per_second")
                             .Help("Completion tokens per second of streaming, per chat call.")
                             .Register(registry)),
      breaker_(prometheus::BuildGauge()
                   .Name("llm_breaker_state")
                   .Help("Circuit breaker state: 0 closed, 1 open, 2 half-open.")
                   .Register(registry)) {}

prometheus::Counter& LlmMetrics::counter(prometheus::Family<prometheus::Counter>& family,
                                         const std::map<std::string, std::string>& labels) {
  std::lock_guard lock(mu_);
  return family.Add(labels);
}

void LlmMetrics::request(std::string_view backend, std::string_view op) {
  counter(requests_, {{"backend", std::string(backend)}, {"op", std::string(op)}}).Increment();
}

void LlmMetrics::error(std::string_view backend, std::string_view kind) {
  counter(errors_, {{"backend", std::string(backend)}, {"kind", std::string(kind)}}).Increment();
}

void LlmMetrics::retry(std::string_view backend) {
  counter(retries_, {{"backend", std::string(backend)}}).Increment();
}

void LlmMetrics::firstToken(std::string_view backend, double seconds) {
  static const prometheus::Histogram::BucketBoundaries kBuckets{0.05, 0.1, 0.25, 0.5, 1, 2,
                                                                4,    8,   15,   30,  60};
  prometheus::Histogram* h = nullptr;
  {
    std::lock_guard lock(mu_);
    h = &first_token_.Add({{"backend", std::string(backend)}}, kBuckets);
  }
  h->Observe(seconds);
}

void LlmMetrics::tokensPerSecond(std::string_view backend, double rate) {
  static const prometheus::Histogram::BucketBoundaries kBuckets{1,  2.5, 5,   10,  20,
                                                                40, 80,  160, 320, 640};
  prometheus::Histogram* h = nullptr;
  {
    std::lock_guard lock(mu_);
    h = &tokens_per_second_.Add({{"backend", std::string(backend)}}, kBuckets);
  }
  h->Observe(rate);
}

void LlmMetrics::breakerState(std::string_view backend, int state) {
  prometheus::Gauge* g = nullptr;
  {
    std::lock_guard lock(mu_);
    g = &breaker_.Add({{"backend", std::string(backend)}});
  }
  g->Set(state);
}

}  // namespace startales::llm
