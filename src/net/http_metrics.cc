#include "net/http_metrics.h"

#include <prometheus/registry.h>

#include "net/ws_metrics.h"

namespace startales::net {

HttpMetrics::HttpMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("http_requests_total")
                    .Help("HTTP requests by route pattern, method and status.")
                    .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("http_request_duration_seconds")
                    .Help("HTTP request latency from complete headers to response written.")
                    .Register(registry)),
      rejected_(prometheus::BuildCounter()
                    .Name("http_rejected_total")
                    .Help("Connections or requests refused or cut off, by reason.")
                    .Register(registry)),
      connections_open_(&prometheus::BuildGauge()
                             .Name("http_connections_open")
                             .Help("Open HTTP connections.")
                             .Register(registry)
                             .Add({})),
      ws_(std::make_unique<WsMetrics>(registry)) {}

HttpMetrics::~HttpMetrics() = default;

void HttpMetrics::observe(std::string_view route, std::string_view method, unsigned status,
                          double seconds) {
  std::string key;
  key.reserve(route.size() + method.size() + 8);
  key.append(route).push_back(' ');
  key.append(method).push_back(' ');
  key.append(std::to_string(status));
  Series series{};
  {
    std::lock_guard lock(mu_);
    auto it = series_.find(key);
    if (it == series_.end()) {
      std::string status_text = std::to_string(status);
      static const prometheus::Histogram::BucketBoundaries kBuckets{
          0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
      Series created{
          &requests_.Add({{"route", std::string(route)},
                          {"method", std::string(method)},
                          {"status", status_text}}),
          &duration_.Add({{"route", std::string(route)}, {"status", status_text}}, kBuckets)};
      it = series_.emplace(std::move(key), created).first;
    }
    series = it->second;
  }
  series.requests->Increment();
  series.duration->Observe(seconds);
}

void HttpMetrics::reject(std::string_view reason) {
  prometheus::Counter* counter = nullptr;
  {
    std::lock_guard lock(mu_);
    auto it = rejects_.find(std::string(reason));
    if (it == rejects_.end()) {
      it = rejects_.emplace(std::string(reason), &rejected_.Add({{"reason", std::string(reason)}}))
               .first;
    }
    counter = it->second;
  }
  counter->Increment();
}

}  // namespace startales::net
