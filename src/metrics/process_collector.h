#pragma once

// Standard process_* metrics read from /proc and getrusage at scrape time.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>

#include <string>
#include <vector>

namespace startales::metrics {

// One family holding a single unlabelled counter or gauge.
prometheus::MetricFamily singleValueFamily(const std::string& name, const std::string& help,
                                           prometheus::MetricType type, double value);

class ProcessCollector final : public prometheus::Collectable {
 public:
  ProcessCollector();
  [[nodiscard]] std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  double start_time_seconds_;  // const after construction: Unix time the process started
};

}  // namespace startales::metrics
