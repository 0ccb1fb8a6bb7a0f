#pragma once

// The command-log writer every campaign of a server shares: campaigns hand it their validated
// batch of commands, one thread commits all the batches queued at that moment in ONE
// transaction, then completes each batch's waiter on that waiter's own executor (the
// campaign's strand). This is the group commit across campaigns: one transaction per commit
// round instead of one per campaign flush, and one writer instead of several pool connections
// queueing on the database's write lock.
//
// Durability: append() completes only after the transaction holding its records committed
// (or failed: then none of its records are in the log).
//
// Failures: a failed transaction completes every batch in it with the store's error; the
// campaign decides what it means (see CampaignRuntime::flush: a failed COMMIT's records may or
// may not be in the log, so the campaign's next write discards them). Logged once when they
// start, then at most every 30 s while they last, and once when writes recover.
//
// Failure isolation: when a multi-batch transaction fails for anything but an unreachable
// database, each batch is retried in a transaction of its own, so one campaign's bad batch
// (a constraint, or a stale lease epoch: "db_fenced") fails only that campaign's commands.
//
// Bounded: at most `max_pending_batches` batches wait (a campaign has at most one batch in
// flight, see CampaignRuntime::flush); beyond that append() answers "overloaded" at once.
//
// Threading: append() and stats() are thread-safe. The writer thread runs blocking store
// calls; nothing else runs on it.

#include <atomic>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "campaign/campaign_store.h"
#include "campaign/command_log_metrics.h"
#include "common/result.h"

namespace startales::campaign {

struct CommandLogConfig {
  size_t max_pending_batches = 8192;     // batches waiting for the writer; beyond: "overloaded"
  size_t max_records_per_commit = 8192;  // records in one transaction (more wait for the next)
  // Shortest time from one commit's start to the next one's, microseconds: batches arriving
  // meanwhile wait and go together. Every transaction rewrites the same few index and table
  // pages (in SQLite's WAL), so fewer, larger commits cost far less than many small ones;
  // an idle writer commits a lone batch at once. 8 ms (was 3): at 10,000 players the server's
  // CPU fell 8 % (one synced commit per 8 ms instead of ~330 a second) for +4 ms at the
  // median ack (docs/benchmarks.md, issue 18).
  int commit_interval_us = 8000;
};

// One campaign's share of a commit, written in one transaction with the others'.
struct CampaignWrite {
  std::vector<LoggedCommand> records;  // in seq order
  std::vector<Refusal> refusals;       // recorded on already logged commands
  int64_t discard_from = 0, discard_to = 0;  // see CampaignStore::CommandBatch
  int64_t epoch = 0;                         // the writer's lease epoch (0: unfenced)
};

// Counters of the writer since it started (for tests and logs; CommandLogMetrics has the
// histograms).
struct CommandLogStats {
  uint64_t commits = 0;          // transactions committed (retries of one batch included)
  uint64_t failed_commits = 0;   // transactions that failed
  uint64_t records = 0;          // records committed
  uint64_t rejected = 0;         // batches refused with "overloaded"
  uint64_t retried_alone = 0;    // batches retried in a transaction of their own
  uint64_t fenced = 0;           // batches refused for a stale lease epoch ("db_fenced")
};

class CommandLogWriter {
 public:
  // Starts the writer thread. `store` must outlive the writer.
  explicit CommandLogWriter(CampaignStore& store, CommandLogConfig config = {});
  // stop().
  ~CommandLogWriter();
  CommandLogWriter(const CommandLogWriter&) = delete;
  CommandLogWriter& operator=(const CommandLogWriter&) = delete;

  // Commits `write` (one campaign's) with whatever else is queued; completes with the
  // outcome on the token's associated executor (a coroutine: its own executor).
  // "overloaded" at once when the queue is full, "stopped" after stop().
  template <typename Token>
  auto append(int64_t campaign, CampaignWrite write, Token&& token) {
    return boost::asio::async_initiate<Token, void(Result<void>)>(
        [this](auto handler, int64_t campaign, CampaignWrite write) {
          using Handler = decltype(handler);
          auto done = std::make_unique<Completion<Handler>>(std::move(handler));
          submit(Job{campaign, std::move(write), std::move(done)});
        },
        token, campaign, std::move(write));
  }
  // As above, records only.
  template <typename Token>
  auto append(int64_t campaign, std::vector<LoggedCommand> records, Token&& token) {
    return append(campaign, CampaignWrite{std::move(records), {}, 0, 0, 0},
                  std::forward<Token>(token));
  }

  // Reports to `metrics` from now on (nullptr: stop). `metrics` must outlive the writer or
  // the next setMetrics().
  void setMetrics(CommandLogMetrics* metrics) { metrics_.store(metrics); }
  // The metrics reported to, or nullptr (the campaigns' tick loops report there too).
  [[nodiscard]] CommandLogMetrics* metrics() const { return metrics_.load(); }

  // Commits what is queued, then ends the thread; later appends answer "stopped".
  // Idempotent; blocks.
  void stop();

  [[nodiscard]] CommandLogStats stats() const;

 private:
  // Type-erased, move-only completion of one append(): posts the handler with the result to
  // its associated executor.
  struct CompletionBase {
    virtual ~CompletionBase() = default;
    virtual void complete(Result<void> result) = 0;
  };
  template <typename Handler>
  struct Completion final : CompletionBase {
    explicit Completion(Handler h)
        : handler(std::move(h)),
          work(boost::asio::make_work_guard(boost::asio::get_associated_executor(handler))) {}
    void complete(Result<void> result) override {
      auto ex = work.get_executor();
      boost::asio::post(ex, [h = std::move(handler), r = std::move(result)]() mutable {
        std::move(h)(std::move(r));
      });
      work.reset();
    }
    Handler handler;
    boost::asio::executor_work_guard<boost::asio::associated_executor_t<Handler>> work;
  };
  struct Job {
    int64_t campaign = 0;
    CampaignWrite write;
    std::unique_ptr<CompletionBase> done;
    std::chrono::steady_clock::time_point queued{};
  };
  // Failures are logged when they start, at most once per kFailureLogPeriod while they go
  // on, and when writes recover: a database that is down does not flood the log (writer
  // thread only).
  struct FailureLog {
    bool failing = false;
    uint64_t failed_since = 0;  // failed transactions since the last line
    std::chrono::steady_clock::time_point last_line{};
  };
  static constexpr std::chrono::seconds kFailureLogPeriod{30};
  void noteOutcome(const Result<void>& result, size_t batches);

  // What the writer thread saw since its last debug line (writer thread only).
  struct Window {
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    uint64_t rounds = 0, batches = 0, records = 0;
    double busy_s = 0, max_commit_s = 0, max_wait_s = 0;
  };

  void submit(Job job);
  void run();  // the writer thread
  // One transaction for `jobs`; on failure (unless the database is unreachable) each job
  // alone. Completes every job.
  void commit(std::vector<Job>& jobs);
  Result<void> timedAppend(const std::vector<const Job*>& jobs);
  // Counts and logs a batch refused for a stale lease epoch, and completes it with `fenced`.
  void completeFenced(Job& job, Result<void> fenced);

  // const after construction
  CampaignStore& store_;
  const CommandLogConfig config_;
  std::atomic<CommandLogMetrics*> metrics_{nullptr};

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> queue_;       // guarded by mu_
  // guarded by mu_: the writer sleeps until a batch arrives. Only then does submit() wake it:
  // while it gathers (commit_interval_us) or commits, it takes what is queued when it looks,
  // and a wake-up per batch would cost a futex call and a thread switch each.
  bool idle_ = false;
  bool stopping_ = false;       // guarded by mu_
  CommandLogStats stats_;       // guarded by mu_
  Window window_;               // writer thread only
  FailureLog failure_log_;      // writer thread only
  std::chrono::steady_clock::time_point last_commit_{};  // writer thread only
  std::thread thread_;          // joined by stop()
  std::once_flag stopped_;
};

}  // namespace startales::campaign
