#pragma once

// The process-wide Prometheus registry. Each module declares its own metric families on it
// once, at construction (name, help, labels); GET /metrics renders everything plus the
// process metrics (CPU, memory, file descriptors, threads, start time).
//
// Thread-safe: prometheus-cpp metrics are atomics; render() may run on any thread.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

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

  // A value read at scrape time from a module that keeps its own count (a pool's rejections,
  // dropped log lines). `read` must be thread-safe. Registered at start-up.
  void addCounterCallback(std::string name, std::string help, std::function<double()> read);
  void addGaugeCallback(std::string name, std::string help, std::function<double()> read);

  // Prometheus text exposition format 0.0.4.
  [[nodiscard]] std::string render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<ProcessCollector> process_;
  struct Callback {
    std::string name;
    std::string help;
    bool counter;
    std::function<double()> read;
  };
  mutable std::mutex mu_;
  std::vector<Callback> callbacks_;  // guarded by mu_
};

}  // namespace startales::metrics
