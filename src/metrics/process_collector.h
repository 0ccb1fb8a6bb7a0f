#pragma once

// Standard process_* metrics read from /proc and getrusage at scrape time.

#include <prometheus/collectable.h>

#include <vector>

namespace startales::metrics {

class ProcessCollector final : public prometheus::Collectable {
 public:
  ProcessCollector();
  [[nodiscard]] std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  double start_time_seconds_;  // const after construction: Unix time the process started
};

}  // namespace startales::metrics
