#pragma once

// LLM backend metrics, declared once per process (all backends share the families):
//   llm_requests_total{backend,op}                calls started (op: chat | embed)
//   llm_errors_total{backend,kind}                failed calls by Error::code (llm_timeout...)
//   llm_retries_total{backend}                    extra attempts after a connect error / 503
//   llm_time_to_first_token_seconds{backend}      histogram: call start → first delta
//   llm_tokens_per_second{backend}                histogram: completion tokens / streaming time
//   llm_breaker_state{backend}                    gauge: 0 closed, 1 open, 2 half-open
// Thread-safe.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace prometheus {
class Registry;
}

namespace startales::llm {

class LlmMetrics {
 public:
  explicit LlmMetrics(prometheus::Registry& registry);

  void request(std::string_view backend, std::string_view op);
  void error(std::string_view backend, std::string_view kind);
  void retry(std::string_view backend);
  void firstToken(std::string_view backend, double seconds);
  void tokensPerSecond(std::string_view backend, double rate);
  void breakerState(std::string_view backend, int state);

 private:
  prometheus::Counter& counter(prometheus::Family<prometheus::Counter>& family,
                               const std::map<std::string, std::string>& labels);

  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Counter>& retries_;
  prometheus::Family<prometheus::Histogram>& first_token_;
  prometheus::Family<prometheus::Histogram>& tokens_per_second_;
  prometheus::Family<prometheus::Gauge>& breaker_;
  std::mutex mu_;  // guards Add() lookups (prometheus families are thread-safe; this keeps
                   // the bucket vectors built once)
};

}  // namespace startales::llm
