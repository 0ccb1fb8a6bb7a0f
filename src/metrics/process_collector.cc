#include "metrics/process_collector.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

namespace startales::metrics {

prometheus::MetricFamily singleValueFamily(const std::string& name, const std::string& help,
                                           prometheus::MetricType type, double value) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  prometheus::ClientMetric m;
  if (type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  f.metric.push_back(m);
  return f;
}

namespace {

double countOpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  double n = 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n - 1;  // the descriptor opendir itself holds
}

// Reads "Name:  value kB" style fields from /proc/self/status.
double statusField(const std::string& key, double scale) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      std::istringstream fields(line.substr(key.size() + 1));
      double v = 0;
      fields >> v;
      return v * scale;
    }
  }
  return 0;
}

}  // namespace

ProcessCollector::ProcessCollector() {
  // Approximate the start as "now" at construction: the collector is built during startup.
  start_time_seconds_ =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
               static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  rlimit fds{};
  getrlimit(RLIMIT_NOFILE, &fds);
  return {
      singleValueFamily("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
             MetricType::Counter, cpu),
      singleValueFamily("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge,
             statusField("VmRSS", 1024)),
      singleValueFamily("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge,
             statusField("VmSize", 1024)),
      singleValueFamily("process_threads", "Number of OS threads.", MetricType::Gauge,
             statusField("Threads", 1)),
      singleValueFamily("process_open_fds", "Number of open file descriptors.", MetricType::Gauge,
             countOpenFds()),
      singleValueFamily("process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge,
             static_cast<double>(fds.rlim_cur)),
      singleValueFamily("process_start_time_seconds", "Start time of the process since the Unix epoch.",
             MetricType::Gauge, start_time_seconds_),
  };
}

}  // namespace startales::metrics
