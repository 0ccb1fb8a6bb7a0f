#pragma once

// Campaigns as players see them: the lobby (create, list, join, ready, start...), and the
// live campaigns this server simulates. Holds no HTTP: api/campaign_routes.cc adapts it.
//
// Threading: public coroutines may be called from any network thread. Lobby changes that
// must not race (joins against max_players, start) run one at a time on lobby_; the live
// registry is guarded by mu_. Database work goes to the WorkerPool; simulation runs on the
// sim io_context, one strand per campaign (see runtime.h).

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "account/user_store.h"
#include "campaign/campaign_access.h"
#include "campaign/campaign_store.h"
#include "account/rate_limiter.h"
#include "campaign/command_log.h"
#include "campaign/placement.h"
#include "campaign/runtime.h"
#include "common/clock.h"
#include "common/worker_pool.h"

namespace prometheus {
class Registry;
}

namespace startales::campaign {

struct CampaignLimits {
  int min_systems = 20, max_systems = 2000;
  int max_tick_ms = 60'000, min_tick_ms = 100;  // real milliseconds per tick
  int max_players = 16;
  // Per account (abuse limits; defaults a real player never meets):
  int max_hosted = 10;                          // campaigns hosted at once → 409 beyond
  int created_per_hour = 20;                    // campaigns created per hour → 429 beyond
  account::BucketConfig invite_attempts{5, 5};  // joins with an invite code (burst, per min)
};

class CampaignService final : public CampaignAccess {
 public:
  // limiters: where the per-account buckets live (empty: in process).
  CampaignService(CampaignStore& store, WorkerPool& workers, boost::asio::io_context& sim_io,
                  const Clock& clock, RuntimeConfig runtime, CampaignLimits limits = {},
                  const account::RateLimiterFactory& limiters = {});

  // Restores and starts every running or paused campaign from the database. Blocking: call
  // once at startup, before serving. Returns how many were resumed.
  Result<int> restoreAll();
  // Flushes, snapshots and stops every live campaign (shutdown).
  boost::asio::awaitable<void> stopAll();
  // Every `period`, campaigns paused for longer than `idle` with nobody connected are
  // written to storage and dropped from memory; resume() loads them again.
  void startSuspender(std::chrono::milliseconds period, std::chrono::milliseconds idle);
  // One pass of the above; returns how many campaigns were suspended.
  boost::asio::awaitable<int> suspendIdle(std::chrono::milliseconds idle);

  using User = account::User;
  using Json = boost::json::object;

  boost::asio::awaitable<Result<Json>> create(const User& user, const Json& body);
  boost::asio::awaitable<Result<boost::json::array>> list(const User& user,
                                                          std::optional<CampaignStatus> status,
                                                          bool mine);
  boost::asio::awaitable<Result<Json>> get(const User& user, int64_t id);
  boost::asio::awaitable<Result<Json>> join(const User& user, int64_t id, const Json& body);
  boost::asio::awaitable<Result<Json>> leave(const User& user, int64_t id);
  boost::asio::awaitable<Result<Json>> ready(const User& user, int64_t id, bool ready);
  boost::asio::awaitable<Result<Json>> start(const User& user, int64_t id);
  boost::asio::awaitable<Result<Json>> setPaused(const User& user, int64_t id, bool paused);
  boost::asio::awaitable<Result<void>> remove(const User& user, int64_t id);

  // The caller's view of a running campaign (fog of war applied), as JSON text.
  boost::asio::awaitable<Result<std::string>> state(const User& user, int64_t id);
  // CampaignAccess (campaign_access.h): command, access, usersAt.
  boost::asio::awaitable<Result<Json>> command(const User& user, int64_t id,
                                               const boost::json::value& command,
                                               std::string client_id = {}) override;
  boost::asio::awaitable<Result<boost::json::array>> commandLog(const User& user, int64_t id,
                                                                int64_t after, int limit);

  boost::asio::awaitable<Result<Access>> access(const User& user, int64_t id) override;

  // Cluster mode (service_cluster.cc). `placement` decides which node simulates a campaign
  // that starts or resumes, and hears when a live one leaves; restoreAll() is then not
  // called (the node's Ownership adopts campaigns). Call before serving; must outlive this.
  void setPlacement(Placement* placement) { placement_ = placement; }
  // Loads campaign `id` (running or paused in the database) and simulates it here, writing
  // with lease `epoch`. "invalid_state" when it is neither; "conflict" when already live here.
  boost::asio::awaitable<Result<void>> adopt(int64_t id, int64_t epoch);
  // Hands campaign `id` off: finishes its pending commands, writes a final snapshot, stops
  // it and forgets it, so another node resumes it exactly. Not live here: ok. On a failed
  // snapshot the campaign is still stopped and dropped (the log holds every acknowledged
  // command; the next owner replays it).
  boost::asio::awaitable<Result<void>> handOff(int64_t id);
  // Stops campaign `id` at once without writing (its lease could not be renewed in time).
  boost::asio::awaitable<void> abandon(int64_t id);
  // The campaigns live on this node, and their lease epochs.
  std::vector<std::pair<int64_t, int64_t>> liveEpochs() const;

  size_t liveCount() const;
  std::vector<int64_t> usersAt(int64_t id, game::CivId civ) const override;

  // Installed on every campaign started or loaded afterwards. Call before restoreAll().
  void setCommentator(std::shared_ptr<Commentator> commentator) {
    commentator_ = std::move(commentator);
  }
  // The shared command-log writer's counters.
  CommandLogStats commandLogStats() const { return log_writer_->stats(); }
  // Declares the command-log metrics (command_log_metrics.h) on `registry` and reports to
  // them. Call once, before serving; `registry` must outlive the service.
  void registerMetrics(prometheus::Registry& registry);

 private:
  struct Live {
    CampaignRecord record;
    std::vector<Member> members;
    std::shared_ptr<CampaignRuntime> runtime;
    int64_t paused_at_ms = 0;  // when it was paused; 0 while running
  };
  // Loads a stored campaign (snapshot + log) and starts it. Blocking parts on the workers.
  boost::asio::awaitable<Result<std::shared_ptr<Live>>> load(const CampaignRecord& record,
                                                             bool paused, int64_t epoch = 0);
  // setPaused() of a campaign not live here, in cluster mode: the owner pauses or resumes it;
  // a stored (suspended) campaign that resumes is placed on the least-loaded node.
  boost::asio::awaitable<Result<Json>> pauseElsewhere(const User& user,
                                                      const CampaignRecord& record, bool paused);
  // access() to a campaign not live here, in cluster mode: a handle that forwards to its owner.
  boost::asio::awaitable<Result<Access>> remoteAccess(const User& user, int64_t id);
  // Removes live campaign `id` (if `entry` is still it) and tells the placement (cluster).
  void drop(int64_t id, const std::shared_ptr<Live>& entry, bool lost);

  std::shared_ptr<Live> live(int64_t id) const;
  // Logs and counts the snapshots a restore passed over. Thread-safe.
  void noteSkippedSnapshots(int64_t campaign, const Restored& restored);
  // Runs a lobby change on lobby_, one at a time.
  template <typename F>
  boost::asio::awaitable<Result<Json>> serialized(F body);
  boost::asio::awaitable<Result<Json>> describe(int64_t id, int64_t viewer);
  // The campaign if `viewer` may see it (a private one only to its members), and its members
  // into `members` when not null; "not_found" otherwise. Blocking: run it on the workers,
  // as fetchVisible does.
  Result<CampaignRecord> findVisible(int64_t id, int64_t viewer, std::vector<Member>* members);
  // findVisible on the workers. `members` must outlive the await.
  boost::asio::awaitable<Result<CampaignRecord>> fetchVisible(int64_t id, int64_t viewer,
                                                              std::vector<Member>* members);

  // const after construction
  CampaignStore& store_;
  WorkerPool& workers_;
  boost::asio::io_context& sim_io_;
  const Clock& clock_;
  const RuntimeConfig runtime_config_;
  const CampaignLimits limits_;
  std::unique_ptr<account::RateLimiter> created_per_account_;  // thread-safe; "user:<id>"
  std::unique_ptr<account::RateLimiter> invites_per_account_;  // thread-safe; "user:<id>"
  std::shared_ptr<Commentator> commentator_;  // nullable; set before campaigns start
  Placement* placement_ = nullptr;            // nullable (serve); set before serving
  boost::asio::strand<boost::asio::io_context::executor_type> lobby_;

  mutable std::mutex mu_;
  std::map<int64_t, std::shared_ptr<Live>> live_;  // guarded by mu_
  std::atomic<bool> stopping_{false};
  // Every live campaign's commands go through it. Last member: destroyed (and its thread
  // joined, after committing what is queued) first.
  std::unique_ptr<CommandLogMetrics> log_metrics_;  // set by registerMetrics()
  std::unique_ptr<CommandLogWriter> log_writer_;
};

}  // namespace startales::campaign
