#pragma once

// The shared command-log writer's metrics, declared once (aggregate over every campaign: no
// per-campaign series):
//   command_log_commit_records            (histogram) records per committed transaction
//   command_log_commit_seconds            (histogram) time to commit one transaction
//   command_log_commit_failures_total     transactions that failed (each batch is retried alone)
//   command_log_rejected_total            batches refused with "overloaded" (writer queue full)
//   campaign_fenced_writes_total          log and snapshot writes the database refused because
//                                         their lease epoch was stale (another node took over)
//   campaign_snapshots_skipped_total      stored snapshots a restore passed over (unreadable
//                                         or not matching their hash)
//   campaign_command_seconds              (histogram) from a command reaching its campaign
//                                         service to its answer: the hop to the campaign's
//                                         strand, validation, the durable write, applying it
//   campaign_tick_seconds                 (histogram) one tick's simulation: the game step,
//                                         its notices and deltas handed to the players
//   campaign_tick_lag_seconds             (histogram) how late a tick started after its
//                                         scheduled time (a busy simulation slips)
// Thread-safe; no lock on any path.

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include <cstddef>

namespace prometheus {
class Registry;
}

namespace startales::campaign {

class CommandLogMetrics {
 public:
  explicit CommandLogMetrics(prometheus::Registry& registry);

  void committed(size_t records, double seconds) {
    records_->Observe(static_cast<double>(records));
    seconds_->Observe(seconds);
  }
  void failed() { failures_->Increment(); }
  void rejected() { rejected_->Increment(); }
  void answered(double seconds) { command_seconds_->Observe(seconds); }
  void snapshotsSkipped(size_t n) { snapshots_skipped_->Increment(static_cast<double>(n)); }
  void fenced() { fenced_->Increment(); }
  void ticked(double seconds, double lag_seconds) {
    tick_seconds_->Observe(seconds);
    tick_lag_seconds_->Observe(lag_seconds);
  }

 private:
  prometheus::Histogram* records_;
  prometheus::Histogram* seconds_;
  prometheus::Counter* failures_;
  prometheus::Counter* rejected_;
  prometheus::Histogram* command_seconds_;
  prometheus::Counter* snapshots_skipped_;
  prometheus::Counter* fenced_;
  prometheus::Histogram* tick_seconds_;
  prometheus::Histogram* tick_lag_seconds_;
};

}  // namespace startales::campaign
