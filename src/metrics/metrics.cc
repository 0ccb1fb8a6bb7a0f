#include "metrics/metrics.h"

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "metrics/process_collector.h"

namespace startales::metrics {

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      process_(std::make_unique<ProcessCollector>()) {}

Metrics::~Metrics() = default;

void Metrics::addCounterCallback(std::string name, std::string help,
                                 std::function<double()> read) {
  std::lock_guard lock(mu_);
  callbacks_.push_back({std::move(name), std::move(help), true, std::move(read)});
}

void Metrics::addGaugeCallback(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  callbacks_.push_back({std::move(name), std::move(help), false, std::move(read)});
}

std::string Metrics::render() const {
  auto families = registry_->Collect();
  auto process = process_->Collect();
  families.insert(families.end(), process.begin(), process.end());
  std::lock_guard lock(mu_);
  for (const auto& c : callbacks_) {
    families.push_back(singleValueFamily(
        c.name, c.help, c.counter ? prometheus::MetricType::Counter : prometheus::MetricType::Gauge,
        c.read()));
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace startales::metrics
