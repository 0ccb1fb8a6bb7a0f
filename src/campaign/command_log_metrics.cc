#include "campaign/command_log_metrics.h"

#include <prometheus/registry.h>

namespace startales::campaign {

CommandLogMetrics::CommandLogMetrics(prometheus::Registry& registry)
    : records_(&prometheus::BuildHistogram()
                    .Name("command_log_commit_records")
                    .Help("Command-log records per committed transaction (all campaigns).")
                    .Register(registry)
                    .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 5, 10, 20, 50, 100,
                                                                     200, 500, 1000, 5000})),
      seconds_(&prometheus::BuildHistogram()
                    .Name("command_log_commit_seconds")
                    .Help("Time to commit one command-log transaction.")
                    .Register(registry)
                    .Add({}, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.002, 0.005,
                                                                     0.01, 0.02, 0.05, 0.1, 0.25,
                                                                     1, 5})),
      failures_(&prometheus::BuildCounter()
                     .Name("command_log_commit_failures_total")
                     .Help("Command-log transactions that failed.")
                     .Register(registry)
                     .Add({})),
      rejected_(&prometheus::BuildCounter()
                     .Name("command_log_rejected_total")
                     .Help("Command batches refused because the command-log writer was full.")
                     .Register(registry)
                     .Add({})),
      command_seconds_(&prometheus::BuildHistogram()
                            .Name("campaign_command_seconds")
                            .Help("Time from a command reaching its campaign to its answer "
                                  "(validation, the durable log write, applying it).")
                            .Register(registry)
                            .Add({}, prometheus::Histogram::BucketBoundaries{
                                         0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2,
                                         0.5, 1, 5})),
      snapshots_skipped_(&prometheus::BuildCounter()
                              .Name("campaign_snapshots_skipped_total")
                              .Help("Stored campaign snapshots a restore passed over because they "
                                    "could not be read or did not match their hash.")
                              .Register(registry)
                              .Add({})),
      fenced_(&prometheus::BuildCounter()
                   .Name("campaign_fenced_writes_total")
                   .Help("Command-log and snapshot writes the database refused because their "
                         "lease epoch was stale (another node had taken the campaign over).")
                   .Register(registry)
                   .Add({})),
      tick_seconds_(&prometheus::BuildHistogram()
                         .Name("campaign_tick_seconds")
                         .Help("Time to simulate one campaign tick: the game step, its notices "
                               "and deltas handed to the players (the log write excluded).")
                         .Register(registry)
                         .Add({}, prometheus::Histogram::BucketBoundaries{
                                      0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05,
                                      0.1, 0.25, 1})),
      tick_lag_seconds_(&prometheus::BuildHistogram()
                             .Name("campaign_tick_lag_seconds")
                             .Help("How late a campaign tick started after its scheduled time.")
                             .Register(registry)
                             .Add({}, prometheus::Histogram::BucketBoundaries{
                                          0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                          2.5, 5})) {}

}  // namespace startales::campaign
