#pragma once

// What a run measured. Counters are atomics and latencies go to fixed-size histograms, so any
// thread may record and memory does not grow with the run's length or size.

#include <atomic>
#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "loadgen/histogram.h"
#include "loadgen/options.h"

namespace startales::loadgen {

// Counts per key (an error code, a close code). Thread-safe; at most kMaxKeys distinct keys,
// later ones count under "other" (the server decides the codes, so they are not trusted).
class CountMap {
 public:
  static constexpr size_t kMaxKeys = 64;
  void add(const std::string& key, uint64_t n = 1);
  [[nodiscard]] uint64_t total() const;
  [[nodiscard]] boost::json::object toJson() const;
  // "code n, code n" (largest first), or "" when empty.
  [[nodiscard]] std::string toText() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> counts_;  // guarded by mu_
};

struct Stats {
  // Setup (HTTP).
  std::atomic<uint64_t> http_requests{0};
  std::atomic<uint64_t> http_retries{0};       // 429 / 503 waits and network retries
  std::atomic<uint64_t> http_rate_limited{0};  // 429 answers seen

  // WebSockets.
  std::atomic<uint64_t> connected{0};  // handshakes that succeeded
  std::atomic<uint64_t> joined{0};     // "joined" answers
  CountMap connect_failures;           // reason → count
  CountMap join_errors;                // error code → count

  // The measured window: commands sent in it and their answers (also those arriving during
  // the drain after it).
  std::atomic<uint64_t> commands_sent{0};
  std::atomic<uint64_t> acks{0};
  std::atomic<uint64_t> errors{0};
  CountMap errors_by_code;
  std::atomic<uint64_t> unanswered{0};         // no answer by the end of the drain
  std::atomic<uint64_t> skipped_sends{0};      // not sent: too many answers outstanding
  std::atomic<uint64_t> unmatched_answers{0};  // ack/error whose id we never sent
  Histogram ack_latency;                       // send → ack or error, microseconds

  // Everything received in the window.
  std::atomic<uint64_t> messages_received{0};
  std::atomic<uint64_t> bytes_received{0};
  std::atomic<uint64_t> deltas_received{0};
  std::atomic<uint64_t> events_received{0};
  std::atomic<uint64_t> snapshots_received{0};  // also before the window (one per join)
  Histogram delta_lag;                          // microseconds, see player.h

  // Connections the server (or the network) ended before we closed them.
  std::atomic<uint64_t> disconnects{0};
  CountMap disconnect_codes;  // close code ("4000", "1001"...) or "1006" (dropped) / "timeout"
};

// Facts about the run that are not counters.
struct RunInfo {
  Options options;
  std::string run_id;
  int campaigns = 0;
  double setup_register_s = 0, setup_login_s = 0, setup_campaigns_s = 0, setup_connect_s = 0;
  double setup_s = 0;     // all of the above
  double duration_s = 0;  // the measured window, as it happened
  double drain_s = 0;     // waiting for the last answers and closing
  double cleanup_s = 0;   // deleting the campaigns afterwards
};

boost::json::object toJson(const Stats& stats, const RunInfo& info);
// JSON text with fractions written plainly ("0.054", not Boost.JSON's "5.4E-2").
std::string toJsonText(const boost::json::value& value);
std::string summary(const Stats& stats, const RunInfo& info);

}  // namespace startales::loadgen
