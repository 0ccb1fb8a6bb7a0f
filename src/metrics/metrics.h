#pragma once

// The process-wide Prometheus registry. Each module declares its own metric families on it
// once, at construction (name, help, labels); GET /metrics renders everything plus the
// process metrics (CPU, memory, file descriptors, threads, start time).
//
// Thread-safe: prometheus-cpp metrics are atomics; render() may run on any thread.

#include <memory>
#include <string>

namespace prometheus {
class Registry;
}

namespace startales::metrics {

class ProcessCollector;

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  prometheus::Registry& registry() { return *registry_; }

  // Prometheus text exposition format 0.0.4.
  [[nodiscard]] std::string render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<ProcessCollector> process_;
};

}  // namespace startales::metrics
