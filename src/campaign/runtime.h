#pragma once

// One running campaign: its GameState, ticking at the campaign's rate, applying players'
// commands after they are durably logged, and sending each subscriber its own view: a
// snapshot, then a delta per tick, plus notices and chat.
//
// Threading: everything that touches the state runs on the campaign's strand, on the
// simulation io_context (not the network threads). Public coroutines hop onto the strand
// and resume the caller on its own executor. Database work goes to the WorkerPool.
//
// Durability: commands are validated, gathered (flush_delay_ms, or while a flush is in
// flight), handed to the
// server's shared CommandLogWriter (which commits every campaign's pending batches in one
// transaction), and only then queued in the game and acknowledged with
// the tick that applies them. Ticks wait for a flush in flight, so a command always applies
// at the tick it was acknowledged with. Snapshots are written every snapshot_every ticks;
// restore() rebuilds the state from the latest snapshot plus the log after it.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "campaign/campaign_store.h"
#include "campaign/command_log.h"
#include "campaign/commentator.h"
#include "campaign/live_campaign.h"
#include "campaign/view_digest.h"
#include "common/clock.h"
#include "common/result.h"
#include "common/worker_pool.h"
#include "game/game.h"
#include "game/view.h"

namespace startales::campaign {

struct RuntimeConfig {
  int snapshot_every = 60;             // ticks between snapshots
  int flush_delay_ms = 0;              // gathers a campaign's commands before handing them to the
                                       // shared CommandLogWriter, milliseconds. 0: as soon as the
                                       // strand is free (the writer already batches across
                                       // campaigns, and commands arriving while a flush is in
                                       // flight go together in the next)
  size_t max_queued_commands = 512;    // per campaign, waiting for a flush; beyond: "overloaded"
  int delta_history = 64;              // ticks of deltas kept per civilization for resume
  size_t delta_history_bytes = 16384;  // and at most this many bytes of them
  int resume_window_ms = 3000;         // and only the ticks of the last this many milliseconds
                                       // (at least one): a reconnect within it (a dropped
                                       // socket, a page reload) resumes with the missed deltas,
                                       // later ones get a snapshot. Every player's feed holds
                                       // this much: at 1 tick/s and 100 systems ~3 deltas of
                                       // ~1.5 KB, where a snapshot is ~3.5 KB
  int feed_linger_ticks = 120;         // keep computing a civ's deltas this long after its last
                                       // subscriber left, so a quick reconnect resumes cheaply
  size_t client_ids_kept = 256;        // recent client command ids remembered per campaign, so a
                                       // retry returns the first outcome (at 5 commands/s: ~50 s;
                                       // restored from the log after a restart or a takeover)
};

// What restore() rebuilt.
struct Restored {
  game::GameState state;
  // Why each stored snapshot newer than the one used was passed over (unreadable, or not
  // matching its hash), newest first. As many as the store keeps: the state was then
  // replayed from the campaign's start.
  std::vector<std::string> skipped;
  // The newest logged commands that carry a client command id (at most
  // RuntimeConfig::client_ids_kept), newest first: their retries answer the logged outcome.
  std::vector<LoggedCommand> recent_client_commands;
};

// How far a replay goes: up to `tick`, and when next_seq >= 0 exactly the logged commands with
// seq < next_seq (a snapshot's own bound: the commands it has seen, queued ones included).
// -1: no bound (the whole log).
struct ReplayBound {
  int32_t tick = -1;
  int64_t next_seq = -1;
  int32_t at_least = 0;  // with no tick bound: step at least this far (the latest snapshot's
                         // tick, when an older one was restored)
};

class CampaignRuntime final : public LiveCampaign,
                              public std::enable_shared_from_this<CampaignRuntime> {
 public:
  // Builds the starting state of a campaign from its settings and players (in civ order).
  static game::GameConfig gameConfig(const CampaignRecord& record,
                                     const std::vector<Member>& players);

  // Rebuilds a campaign's state from its latest readable snapshot and the command log after
  // it; a snapshot that cannot be read or does not match its hash is passed over for the one
  // before it, and with none left (or none written yet) the log is replayed from the
  // settings. Records refusals the replay met that the log lacks. Blocking: run on a worker.
  static Result<Restored> restore(CampaignStore& store, const CampaignRecord& record,
                                  const std::vector<Member>& players,
                                  size_t client_ids_kept = RuntimeConfig{}.client_ids_kept);

  // Rebuilds the campaign from its settings and its whole command log alone (no snapshot)
  // up to `until`: the audit that a snapshot and the log agree. Blocking.
  static Result<game::GameState> replayFromStart(CampaignStore& store, const CampaignRecord& record,
                                                 const std::vector<Member>& players,
                                                 ReplayBound until);

  // `epoch`: the lease epoch this node holds on the campaign (cluster mode), carried by every
  // log and snapshot write so the database refuses them once another node took over; 0 when
  // unfenced (`serve`).
  static std::shared_ptr<CampaignRuntime> create(boost::asio::io_context& sim_io,
                                                 const CampaignRecord& record,
                                                 game::GameState state, CampaignStore& store,
                                                 WorkerPool& workers, CommandLogWriter& log,
                                                 const Clock& clock, const RuntimeConfig& config,
                                                 int64_t epoch = 0);

  int64_t id() const override { return id_; }
  int64_t epoch() const { return epoch_; }

  // Before start() only: the restored commands with client ids (Restored), so their retries
  // answer what the log holds.
  void rememberClientCommands(const std::vector<LoggedCommand>& newest_first);
  // Before start() only. Called once, on the strand, when this node stops owning the
  // campaign: a write was fenced (another node took it over) or abandon() was called.
  void setOnLost(std::function<void()> on_lost) { on_lost_ = std::move(on_lost); }

  // Before start() only. Shared: one commentator serves every campaign.
  void setCommentator(std::shared_ptr<Commentator> commentator) {
    commentator_ = std::move(commentator);
  }

  // Starts the tick loop (paused campaigns wait for resume()).
  void start(bool paused);
  // Finishes pending commands, writes a snapshot and stops ticking.
  boost::asio::awaitable<Result<void>> stop();
  boost::asio::awaitable<void> setPaused(bool paused);

  // Stops ticking and writing at once, without a snapshot: this node lost (or is about to
  // lose) the campaign's lease. Waiting and later commands answer "campaign_moved".
  boost::asio::awaitable<void> abandon();

  // LiveCampaign. command(): validates, logs durably, queues. `client_id` (may be empty): the
  // client's id for this command; a command from the same user with an id seen recently
  // answers the first one's outcome (waiting for it if it is still being written) instead of
  // applying again. A first attempt whose write failed is forgotten, so its retry applies.
  boost::asio::awaitable<Result<CommandAck>> command(int64_t user, game::CivId civ,
                                                     game::Action action,
                                                     std::string client_id = {}) override;
  boost::asio::awaitable<Result<std::string>> view(game::CivId civ) override;
  boost::asio::awaitable<Result<RuntimeStatus>> status() override;
  boost::asio::awaitable<Result<void>> read(
      std::function<void(const game::GameState&)> read) override;
  boost::asio::awaitable<Result<void>> subscribe(Seat seat, std::weak_ptr<Subscriber> subscriber,
                                                 std::optional<int32_t> last_tick) override;
  boost::asio::awaitable<void> unsubscribe(const Subscriber* subscriber) override;
  boost::asio::awaitable<Result<void>> chat(int64_t user, std::string username,
                                            std::string text) override;
  boost::asio::awaitable<Result<void>> pause(bool paused) override;

  // The same, without a Result (a local campaign cannot fail to answer them).
  boost::asio::awaitable<std::string> viewJson(game::CivId civ);
  boost::asio::awaitable<RuntimeStatus> localStatus();
  // The state serialized (game::serialize), for a remote read().
  boost::asio::awaitable<std::string> stateBytes();

 private:
  struct Waiting;                             // a command waiting for its batch to commit
  static constexpr int kWriteRetryMs = 1000;  // after a failed log write, milliseconds
  struct Feed;  // per civ: view digest, recent deltas, subscribers

  CampaignRuntime(boost::asio::io_context& sim_io, const CampaignRecord& record,
                  game::GameState state, CampaignStore& store, WorkerPool& workers,
                  CommandLogWriter& log, const Clock& clock, const RuntimeConfig& config,
                  int64_t epoch);

  // Applies `commands` (in seq order) to `state` as the live campaign did; the refusals of
  // logged commands at their tick go to `refusals` when not null.
  static Result<void> replayLog(game::GameState& state, const std::vector<LoggedCommand>& commands,
                                int64_t campaign, ReplayBound until,
                                std::vector<Refusal>* refusals);
  // The "command_failed" notices among `notices` for the logged seqs in `queued`.
  static void collectRefusals(const std::vector<game::Notice>& notices,
                              const std::vector<int64_t>& queued, std::vector<Refusal>& out);
  // Whether a write of the log is owed even with no command waiting: refusals to record, or
  // a failed write's seqs to discard.
  bool logWorkOwed() const { return !refusals_.empty() || discard_from_ < discard_to_; }
  // Retries the owed log work after a failed write, once per kWriteRetryMs.
  void scheduleRetry();
  boost::asio::awaitable<Result<void>> stopOnStrand();
  boost::asio::awaitable<Result<CommandAck>> commandOnStrand(int64_t user, game::CivId civ,
                                                             game::Action action,
                                                             std::string client_id);
  // The campaign is no longer this node's: stop, fail what waits, tell on_lost_ (strand).
  void lose(const char* why);
  // Forgets the client ids of commands whose write failed, so their retries apply.
  void forgetFailed(const std::vector<std::shared_ptr<Waiting>>& items);
  // Remembers `waiting`'s client id (bounded by client_ids_kept, oldest forgotten first).
  void rememberClientId(const std::string& key, std::shared_ptr<Waiting> waiting);
  void subscribeOnStrand(Seat seat, std::weak_ptr<Subscriber> subscriber,
                         std::optional<int32_t> last_tick);
  boost::asio::awaitable<void> tickLoop();
  boost::asio::awaitable<void> flush();
  void scheduleFlush();
  void publish(const std::vector<game::Notice>& notices);
  void snapshotAsync();
  Feed& feedFor(game::CivId civ);
  std::string publicViewJson() const;
  // To the subscribers of `civ` (kNone: everyone).
  void deliverTo(game::CivId civ, const std::shared_ptr<const std::string>& message);

  // const after construction
  const int64_t id_;
  const int64_t epoch_;
  const int32_t tick_ms_;
  const RuntimeConfig config_;
  CampaignStore& store_;
  WorkerPool& workers_;
  CommandLogWriter& log_;
  const Clock& clock_;
  std::shared_ptr<Commentator> commentator_;  // nullable; set before start()
  std::function<void()> on_lost_;             // nullable; set before start()
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;

  // Everything below: only on strand_.
  game::GameState state_;
  boost::asio::steady_timer tick_timer_;
  bool running_ = false, paused_ = false, stopping_ = false;
  bool lost_ = false;  // another node owns the campaign now (see lose())
  // Recent client command ids, "user:client_id" → the command (pending or answered), and
  // their order for forgetting the oldest.
  std::map<std::string, std::shared_ptr<Waiting>> client_ids_;
  // Oldest first: each key with the entry it was remembered with (compared, never dereferenced).
  std::deque<std::pair<std::string, const Waiting*>> client_id_order_;
  std::vector<std::shared_ptr<Waiting>> batch_;  // validated, not yet flushing
  bool flush_scheduled_ = false, flushing_ = false;
  std::shared_ptr<boost::asio::steady_timer> flush_done_;  // fires when a flush completes
  std::map<game::CivId, Feed> feeds_;                      // kNone: observers
  std::string scratch_;  // publish() writes each delta here (advanceFeed)
  SystemHashes system_hashes_;  // the feeds' (advanceFeed)
  bool snapshot_in_flight_ = false;
  std::shared_ptr<boost::asio::steady_timer> snapshot_done_;  // fires when that write returns
  std::vector<int64_t> queued_logged_;  // seqs of logged commands queued for the next step
  std::vector<Refusal> refusals_;       // refused at their tick, not yet recorded in the log
  // Seqs [discard_from_, discard_to_) of a write whose COMMIT failed: it may or may not be in
  // the log, and the live state did not apply it. The campaign's next write deletes them in
  // its own transaction; until then no snapshot is written (a restore from it could replay
  // them). next_seq was not advanced, so the next batch may reuse the numbers.
  int64_t discard_from_ = 0, discard_to_ = 0;
  bool retry_scheduled_ = false;
};

}  // namespace startales::campaign
