#include "campaign/command_log.h"

#include <chrono>

#include "common/log.h"

namespace startales::campaign {

CommandLogWriter::CommandLogWriter(CampaignStore& store, CommandLogConfig config)
    : store_(store), config_(config) {
  thread_ = std::thread([this] { run(); });
}

CommandLogWriter::~CommandLogWriter() { stop(); }

void CommandLogWriter::stop() {
  std::call_once(stopped_, [this] {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  });
}

CommandLogStats CommandLogWriter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void CommandLogWriter::submit(Job job) {
  {
    std::unique_lock lock(mu_);
    if (stopping_) {
      lock.unlock();
      job.done->complete(makeError("stopped", "The server is shutting down; try again."));
      return;
    }
    if (queue_.size() >= config_.max_pending_batches) {
      ++stats_.rejected;
      if (auto* m = metrics_.load()) m->rejected();
      lock.unlock();
      job.done->complete(makeError("overloaded", "The command log is behind; try again in a moment."));
      return;
    }
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void CommandLogWriter::run() {
  std::vector<Job> jobs;
  for (;;) {
    jobs.clear();
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, and everything queued is committed
      // Everything queued right now, up to the per-commit bound (at least one batch).
      size_t records = 0;
      while (!queue_.empty() &&
             (jobs.empty() ||
              records + queue_.front().records.size() <= config_.max_records_per_commit)) {
        records += queue_.front().records.size();
        jobs.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commit(jobs);
  }
}

Result<void> CommandLogWriter::timedAppend(const std::vector<const Job*>& jobs) {
  std::vector<CampaignStore::CommandBatch> batches;
  batches.reserve(jobs.size());
  size_t records = 0;
  for (const Job* j : jobs) {
    batches.push_back({j->campaign, &j->records});
    records += j->records.size();
  }
  const auto started = std::chrono::steady_clock::now();
  Result<void> result = store_.appendBatches(batches);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (auto* m = metrics_.load()) {
    if (result) {
      m->committed(records, seconds);
    } else {
      m->failed();
    }
  }
  std::lock_guard lock(mu_);
  if (result) {
    ++stats_.commits;
    stats_.records += records;
  } else {
    ++stats_.failed_commits;
  }
  return result;
}

void CommandLogWriter::commit(std::vector<Job>& jobs) {
  std::vector<const Job*> all;
  all.reserve(jobs.size());
  for (const auto& j : jobs) all.push_back(&j);
  Result<void> together = timedAppend(all);
  if (together || jobs.size() == 1 || together.error().code == "db_unavailable") {
    if (!together) {
      logging::error("command log write failed", {{"batches", static_cast<int64_t>(jobs.size())},
                                                  {"error", together.error().message}});
    }
    for (auto& j : jobs) j.done->complete(together);
    return;
  }
  // One batch may be at fault (a constraint): find it by committing each alone.
  for (auto& j : jobs) {
    Result<void> alone = timedAppend({&j});
    {
      std::lock_guard lock(mu_);
      ++stats_.retried_alone;
    }
    if (!alone) {
      logging::error("command log write failed",
                     {{"campaign", j.campaign}, {"error", alone.error().message}});
    }
    j.done->complete(std::move(alone));
  }
}

}  // namespace startales::campaign
