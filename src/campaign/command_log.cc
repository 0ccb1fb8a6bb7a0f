#include "campaign/command_log.h"

#include <algorithm>
#include <chrono>

#include "common/log.h"
#include "common/thread_name.h"

namespace startales::campaign {

CommandLogWriter::CommandLogWriter(CampaignStore& store, CommandLogConfig config)
    : store_(store), config_(config) {
  thread_ = std::thread([this] {
    setThreadName("command-log");
    run();
  });
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
    job.queued = std::chrono::steady_clock::now();
    queue_.push_back(std::move(job));
    if (!idle_) return;
    idle_ = false;
  }
  wake_.notify_one();
}

void CommandLogWriter::run() {
  std::vector<Job> jobs;
  for (;;) {
    jobs.clear();
    {
      std::unique_lock lock(mu_);
      while (!stopping_ && queue_.empty()) {
        idle_ = true;
        wake_.wait(lock);
      }
      idle_ = false;
      if (queue_.empty()) break;  // stopping, and everything queued is committed
      // Gather: not sooner than commit_interval_us after the previous commit started.
      const auto earliest = last_commit_ + std::chrono::microseconds(config_.commit_interval_us);
      if (!stopping_ && std::chrono::steady_clock::now() < earliest) {
        wake_.wait_until(lock, earliest, [&] { return stopping_; });
      }
      // Everything queued right now, up to the per-commit bound (at least one batch).
      size_t records = 0;
      while (!queue_.empty() &&
             (jobs.empty() ||
              records + queue_.front().write.records.size() <= config_.max_records_per_commit)) {
        records += queue_.front().write.records.size();
        jobs.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    const auto started = std::chrono::steady_clock::now();
    last_commit_ = started;
    for (const auto& j : jobs) {
      window_.max_wait_s = std::max(
          window_.max_wait_s, std::chrono::duration<double>(started - j.queued).count());
      window_.records += j.write.records.size();
    }
    commit(jobs);
    const auto done = std::chrono::steady_clock::now();
    const double took = std::chrono::duration<double>(done - started).count();
    ++window_.rounds;
    window_.batches += jobs.size();
    window_.busy_s += took;
    window_.max_commit_s = std::max(window_.max_commit_s, took);
    if (done - window_.started >= std::chrono::seconds(10)) {
      // One line per 10 s of activity: how busy the writer is and how long batches waited.
      logging::debug("command log writer",
                     {{"rounds", static_cast<int64_t>(window_.rounds)},
                      {"batches", static_cast<int64_t>(window_.batches)},
                      {"records", static_cast<int64_t>(window_.records)},
                      {"busy_percent",
                       100 * window_.busy_s /
                           std::chrono::duration<double>(done - window_.started).count()},
                      {"max_commit_ms", window_.max_commit_s * 1000},
                      {"max_wait_ms", window_.max_wait_s * 1000}});
      window_ = Window{};
    }
  }
}

Result<void> CommandLogWriter::timedAppend(const std::vector<const Job*>& jobs) {
  std::vector<CampaignStore::CommandBatch> batches;
  batches.reserve(jobs.size());
  size_t records = 0;
  for (const Job* j : jobs) {
    batches.push_back({j->campaign, &j->write.records, &j->write.refusals, j->write.discard_from,
                       j->write.discard_to, j->write.epoch});
    records += j->write.records.size();
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
  const std::string code = together ? std::string() : together.error().code;
  if (together || code == "db_unavailable" || code == "db_full" ||
      (jobs.size() == 1 && code != "db_fenced")) {
    noteOutcome(together, jobs.size());
    for (auto& j : jobs) j.done->complete(together);
    return;
  }
  if (jobs.size() == 1) {
    completeFenced(jobs.front(), std::move(together));
    return;
  }
  // One batch may be at fault (a constraint, a stale epoch): find it by committing each alone.
  for (auto& j : jobs) {
    Result<void> alone = timedAppend({&j});
    {
      std::lock_guard lock(mu_);
      ++stats_.retried_alone;
    }
    if (!alone && alone.error().code == "db_fenced") {
      completeFenced(j, std::move(alone));
      continue;
    }
    if (!alone) {
      logging::error("command log write failed",
                     {{"campaign", j.campaign}, {"error", alone.error().message}});
    }
    j.done->complete(std::move(alone));
  }
}

void CommandLogWriter::completeFenced(Job& job, Result<void> fenced) {
  {
    std::lock_guard lock(mu_);
    ++stats_.fenced;
  }
  if (auto* m = metrics_.load()) m->fenced();
  logging::warn("command log write fenced: another node owns the campaign now",
                {{"campaign", job.campaign}, {"epoch", job.write.epoch}});
  job.done->complete(std::move(fenced));
}

void CommandLogWriter::noteOutcome(const Result<void>& result, size_t batches) {
  auto& f = failure_log_;
  const auto now = std::chrono::steady_clock::now();
  if (result) {
    if (f.failing) {
      logging::info("command log writes recovered",
                    {{"failed_commits", static_cast<int64_t>(f.failed_since)}});
    }
    f = FailureLog{};
    return;
  }
  ++f.failed_since;
  if (f.failing && now - f.last_line < kFailureLogPeriod) return;
  logging::error(f.failing ? "command log writes still failing" : "command log writes failing",
                 {{"error", result.error().message},
                  {"code", result.error().code},
                  {"failed_commits", static_cast<int64_t>(f.failed_since)},
                  {"batches", static_cast<int64_t>(batches)}});
  f.failing = true;
  f.failed_since = 0;
  f.last_line = now;
}

}  // namespace startales::campaign
