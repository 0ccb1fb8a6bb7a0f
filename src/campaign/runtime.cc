#include "campaign/runtime.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>

#include "campaign/command_codec.h"
#include "campaign/command_log_metrics.h"
#include "campaign/runtime_internal.h"
#include "campaign/view_codec.h"
#include "common/log.h"
#include "game/serialize.h"

namespace startales::campaign {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

using runtime_detail::onStrand;
using runtime_detail::phasedTickAfter;

namespace {

// What a player hears when their command's log write failed. The cause is in the server's
// log (the writer logs it once); the player gets the part that tells them what to do.
Error notSaved(const Error& cause) {
  const std::string& code = cause.code;
  std::string why;
  int retry_after_s = 1;
  if (code == "db_full") {
    why = "the server's storage is full";
    retry_after_s = 30;
  } else if (code == "db_unavailable") {
    why = "the database cannot be reached";
    retry_after_s = 5;
  } else if (code == "db_busy") {
    why = "the database is busy";
  } else {
    return cause;  // "overloaded" and "stopped" already say what to do; others are internal
  }
  Error e = makeError(code, "Your command was not saved: " + why + ". Try again in a moment.");
  e.retry_after_s = retry_after_s;
  return e;
}

// The answer to every command of a campaign another node owns now.
Error moved() {
  Error e = makeError("campaign_moved",
                      "This campaign moved to another server; send the command again.");
  e.retry_after_s = 1;
  return e;
}

}  // namespace

struct CampaignRuntime::Waiting {
  explicit Waiting(asio::any_io_executor ex) : timer(ex, steady_clock::time_point::max()) {}
  game::Command command;
  int64_t user = 0;
  std::string client_id;  // may be empty
  std::optional<Result<CommandAck>> result;
  asio::steady_timer timer;  // cancelled when result is set
};

std::shared_ptr<CampaignRuntime> CampaignRuntime::create(asio::io_context& sim_io,
                                                         const CampaignRecord& record,
                                                         game::GameState state,
                                                         CampaignStore& store, WorkerPool& workers,
                                                         CommandLogWriter& log, const Clock& clock,
                                                         const RuntimeConfig& config,
                                                         int64_t epoch) {
  return std::shared_ptr<CampaignRuntime>(new CampaignRuntime(
      sim_io, record, std::move(state), store, workers, log, clock, config, epoch));
}

CampaignRuntime::CampaignRuntime(asio::io_context& sim_io, const CampaignRecord& record,
                                 game::GameState state, CampaignStore& store, WorkerPool& workers,
                                 CommandLogWriter& log, const Clock& clock,
                                 const RuntimeConfig& config, int64_t epoch)
    : id_(record.id),
      epoch_(epoch),
      tick_ms_(record.settings.tick_ms),
      config_(config),
      store_(store),
      workers_(workers),
      log_(log),
      clock_(clock),
      strand_(asio::make_strand(sim_io)),
      state_(std::move(state)),
      tick_timer_(strand_) {}

void CampaignRuntime::start(bool paused) {
  asio::dispatch(strand_, [self = shared_from_this(), paused] {
    if (self->running_) return;
    self->running_ = true;
    self->paused_ = paused;
    // The lambda's capture keeps the runtime alive for as long as the loop runs.
    asio::co_spawn(
        self->strand_, [self]() -> asio::awaitable<void> { co_await self->tickLoop(); },
        asio::detached);
  });
}

asio::awaitable<void> CampaignRuntime::tickLoop() {
  auto next = phasedTickAfter(steady_clock::now(), id_, tick_ms_);
  while (running_) {
    tick_timer_.expires_at(paused_ ? steady_clock::time_point::max() : next);
    boost::system::error_code ec;
    co_await tick_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!running_) break;
    if (paused_ || (ec && steady_clock::now() < next)) {  // woken by pause/resume
      if (!paused_ && ec) continue;
      next = phasedTickAfter(steady_clock::now(), id_, tick_ms_);
      continue;
    }
    const auto late = steady_clock::now() - next;  // `next` was this tick's scheduled time
    co_await flush();  // commands validated during this tick apply at the next one
    if (!running_) break;
    if (paused_) continue;  // paused while the flush was writing: no step
    const auto step_began = steady_clock::now();
    const auto notices = game::step(state_);
    collectRefusals(notices, queued_logged_, refusals_);
    queued_logged_.clear();
    if (!refusals_.empty()) scheduleFlush();
    publish(notices);
    if (commentator_ && !notices.empty()) {
      for (auto& m : commentator_->comment(id_, state_, notices)) {
        deliverTo(m.civ, std::make_shared<const std::string>(std::move(m.json)));
      }
    }
    // Every snapshot_every ticks, at a phase set by the campaign id: campaigns started together
    // (a server restart resumes them all at once) would otherwise all write their snapshot in
    // the same second, and a thousand snapshot transactions queue the command log behind them.
    if ((state_.tick + id_) % config_.snapshot_every == 0) snapshotAsync();
    if (auto* m = log_.metrics()) {
      using Seconds = std::chrono::duration<double>;
      m->ticked(Seconds(steady_clock::now() - step_began).count(),
                std::max(0.0, Seconds(late).count()));
    }
    next += milliseconds(tick_ms_);
    const auto now = steady_clock::now();
    if (next < now - milliseconds(tick_ms_ * 5)) {  // fell far behind: don't sprint
      next = phasedTickAfter(now, id_, tick_ms_);
    }
  }
}

asio::awaitable<void> CampaignRuntime::setPaused(bool paused) {
  auto body = [self = shared_from_this(), paused]() -> asio::awaitable<bool> {
    if (self->paused_ == paused) co_return true;
    self->paused_ = paused;
    self->tick_timer_.cancel();
    if (paused) {
      // No tick runs while paused, so this snapshot is the campaign as it stands: a restart
      // (even after kill -9) resumes with this exact state. A flush in flight settles first:
      // its records are in the snapshot (queued) or discarded, never half of each.
      co_await self->flush();
      if (self->lost_) co_return true;
      if (self->discard_from_ < self->discard_to_) {
        logging::warn("snapshot on pause skipped: the last log write failed",
                      {{"campaign", self->id_}});
        co_return true;
      }
      auto snap = std::make_shared<Snapshot>(Snapshot{self->state_.tick,
                                                      game::stateHashHex(self->state_),
                                                      game::serialize(self->state_), self->epoch_});
      const int64_t now = self->clock_.nowMs();
      auto save = [&]() { return self->store_.saveSnapshot(self->id_, *snap, now); };
      auto save_op = self->workers_.run(save);
      auto saved = co_await std::move(save_op);
      if (!saved && saved.error().code == "db_fenced") {
        self->lose("its snapshot write was fenced");
      } else if (!saved) {
        logging::error("snapshot on pause failed",
                       {{"campaign", self->id_}, {"error", saved.error().message}});
      }
    }
    co_return true;
  };
  auto op = onStrand(strand_, std::move(body));
  co_await std::move(op);
}

asio::awaitable<Result<void>> CampaignRuntime::pause(bool paused) {
  auto op = setPaused(paused);
  co_await std::move(op);
  co_return Result<void>{};
}

asio::awaitable<Result<void>> CampaignRuntime::stop() {
  auto body = [self = shared_from_this()] { return self->stopOnStrand(); };
  auto op = onStrand(strand_, std::move(body));
  co_return co_await std::move(op);
}

asio::awaitable<Result<void>> CampaignRuntime::stopOnStrand() {
  running_ = false;
  stopping_ = true;
  tick_timer_.cancel();
  co_await flush();
  // A periodic snapshot still being written returns first: once stop returns, the campaign
  // may be deleted, and no write of its rows may land after that.
  while (snapshot_in_flight_) {
    auto done = snapshot_done_;
    boost::system::error_code ec;
    co_await done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (lost_) co_return moved();
  if (discard_from_ < discard_to_) {
    co_return makeError("db_unavailable",
                        "The campaign's last commands could not be written to its log, so no "
                        "snapshot was written.");
  }
  Snapshot snap{state_.tick, game::stateHashHex(state_), game::serialize(state_), epoch_};
  const int64_t now = clock_.nowMs();
  auto save = [this, &snap, now]() { return store_.saveSnapshot(id_, snap, now); };
  co_return co_await workers_.run(save);
}

asio::awaitable<Result<CommandAck>> CampaignRuntime::command(int64_t user, game::CivId civ,
                                                             game::Action action,
                                                             std::string client_id) {
  auto body = [self = shared_from_this(), user, civ, action = std::move(action),
               client_id = std::move(client_id)]() mutable {
    return self->commandOnStrand(user, civ, std::move(action), std::move(client_id));
  };
  auto op = onStrand(strand_, std::move(body));
  co_return co_await std::move(op);
}

asio::awaitable<Result<CommandAck>> CampaignRuntime::commandOnStrand(int64_t user, game::CivId civ,
                                                                     game::Action action,
                                                                     std::string client_id) {
  if (lost_) co_return moved();
  if (stopping_) co_return makeError("stopped", "The campaign is shutting down; try again.");
  std::string client_key;
  if (!client_id.empty()) {
    client_key = std::to_string(user) + ':' + client_id;
    if (auto it = client_ids_.find(client_key); it != client_ids_.end()) {
      auto first = it->second;  // a retry: the first attempt's outcome, once it has one
      boost::system::error_code ec;
      while (!first->result) {
        co_await first->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      co_return *first->result;
    }
  }
  if (batch_.size() >= config_.max_queued_commands) {
    co_return makeError("overloaded",
                        "Too many commands are waiting in this campaign; "
                        "try again in a moment.");
  }
  game::Command command{civ, std::move(action)};
  if (auto rejection = game::validate(state_, command)) {
    co_return makeError(rejection->code, rejection->message);
  }
  auto waiting = std::make_shared<Waiting>(strand_);
  waiting->command = std::move(command);
  waiting->user = user;
  waiting->client_id = std::move(client_id);
  if (!client_key.empty()) rememberClientId(client_key, waiting);
  batch_.push_back(waiting);
  scheduleFlush();
  boost::system::error_code ec;
  while (!waiting->result) {
    co_await waiting->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return std::move(*waiting->result);
}

void CampaignRuntime::scheduleFlush() {
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  asio::co_spawn(
      strand_,
      [self = shared_from_this()]() -> asio::awaitable<void> {
        if (self->config_.flush_delay_ms > 0) {
          asio::steady_timer wait(self->strand_, milliseconds(self->config_.flush_delay_ms));
          boost::system::error_code ec;
          co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        self->flush_scheduled_ = false;
        co_await self->flush();
      },
      asio::detached);
}

asio::awaitable<void> CampaignRuntime::flush() {
  // One flush at a time: the next batch's sequence numbers follow this one's.
  while (flushing_) {
    auto done = flush_done_;
    boost::system::error_code ec;
    co_await done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (lost_ || (batch_.empty() && !logWorkOwed())) co_return;
  flushing_ = true;
  flush_done_ = std::make_shared<asio::steady_timer>(strand_, steady_clock::time_point::max());
  auto items = std::move(batch_);
  batch_.clear();

  // No step runs until this flush is done (the tick loop waits for it), so the state's
  // next_seq and tick stay as read here.
  const int32_t apply_tick = state_.tick + 1;
  const int64_t first_seq = state_.next_seq;
  const int64_t end_seq = first_seq + static_cast<int64_t>(items.size());
  CampaignWrite write;
  write.records.reserve(items.size());
  const int64_t now = clock_.nowMs();
  for (size_t i = 0; i < items.size(); ++i) {
    write.records.push_back(LoggedCommand{first_seq + static_cast<int64_t>(i),
                                          apply_tick,
                                          items[i]->user,
                                          items[i]->command.civ,
                                          json::serialize(actionToJson(items[i]->command.action)),
                                          now,
                                          {},
                                          items[i]->client_id});
  }
  write.refusals = refusals_;
  write.discard_from = discard_from_;
  write.discard_to = discard_to_;
  write.epoch = epoch_;
  // Resumes here, on the strand, once the shared writer committed (or failed) the batch.
  auto append_op = log_.append(id_, std::move(write), asio::use_awaitable);
  Result<void> written = co_await std::move(append_op);

  if (written) {
    discard_from_ = discard_to_ = 0;
    refusals_.clear();  // no step ran meanwhile, so none was added
    for (size_t i = 0; i < items.size(); ++i) {
      const int64_t seq = first_seq + static_cast<int64_t>(i);
      // Queued under its logged seq whatever happens at its tick: a refusal there is an
      // event to the player and a note on the log record, never a gap in the sequence.
      game::queueLogged(state_, items[i]->command, seq);
      queued_logged_.push_back(seq);
      items[i]->result = CommandAck{seq, apply_tick};
    }
  } else if (written.error().code == "db_fenced") {
    // Nothing was written (the transaction rolled back): another node owns the campaign and
    // its players' retries reach it there.
    for (auto& w : items) w->result = moved();
    forgetFailed(items);
    lose("its log write was fenced");
  } else {
    // A failed COMMIT may still have committed: these seqs go to the next write's discard
    // range and the state does not advance past them (the writer logged the cause).
    if (!items.empty()) {
      if (discard_from_ >= discard_to_) discard_from_ = first_seq;
      discard_to_ = std::max(discard_to_, end_seq);
    }
    const Error answer = notSaved(written.error());
    for (auto& w : items) w->result = answer;
    forgetFailed(items);
    scheduleRetry();
  }
  for (auto& w : items) w->timer.cancel();
  flushing_ = false;
  flush_done_->cancel();
}

void CampaignRuntime::forgetFailed(const std::vector<std::shared_ptr<Waiting>>& items) {
  for (const auto& w : items) {
    if (w->client_id.empty()) continue;
    const auto it = client_ids_.find(std::to_string(w->user) + ':' + w->client_id);
    if (it != client_ids_.end() && it->second == w) client_ids_.erase(it);  // order: lazily
  }
}

void CampaignRuntime::rememberClientId(const std::string& key, std::shared_ptr<Waiting> waiting) {
  client_id_order_.emplace_back(key, waiting.get());
  client_ids_[key] = std::move(waiting);
  while (client_id_order_.size() > config_.client_ids_kept) {
    const auto& [oldest, entry] = client_id_order_.front();
    // Only if the map still holds that entry: a failed write's key may have been forgotten
    // and remembered again since.
    if (const auto it = client_ids_.find(oldest); it != client_ids_.end() && it->second.get() == entry) {
      client_ids_.erase(it);
    }
    client_id_order_.pop_front();
  }
}

void CampaignRuntime::rememberClientCommands(const std::vector<LoggedCommand>& newest_first) {
  for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) {
    if (it->client_id.empty()) continue;
    auto done = std::make_shared<Waiting>(strand_);
    done->user = it->user_id;
    done->client_id = it->client_id;
    done->result = CommandAck{it->seq, it->tick};
    rememberClientId(std::to_string(it->user_id) + ':' + it->client_id, std::move(done));
  }
}

void CampaignRuntime::lose(const char* why) {
  if (lost_) return;
  lost_ = true;
  running_ = false;
  tick_timer_.cancel();
  auto items = std::move(batch_);
  batch_.clear();
  for (auto& w : items) {
    w->result = moved();
    w->timer.cancel();
  }
  forgetFailed(items);
  logging::warn("campaign lost: another node owns it now",
                {{"campaign", id_}, {"epoch", epoch_}, {"why", why}});
  if (on_lost_) on_lost_();
}

asio::awaitable<void> CampaignRuntime::abandon() {
  auto body = [self = shared_from_this()]() -> asio::awaitable<bool> {
    self->lose("its lease could not be renewed in time");
    co_return true;
  };
  auto op = onStrand(strand_, std::move(body));
  co_await std::move(op);
}

void CampaignRuntime::scheduleRetry() {
  if (retry_scheduled_ || !logWorkOwed()) return;
  retry_scheduled_ = true;
  asio::co_spawn(
      strand_,
      [self = shared_from_this()]() -> asio::awaitable<void> {
        asio::steady_timer wait(self->strand_, milliseconds(kWriteRetryMs));
        boost::system::error_code ec;
        co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        self->retry_scheduled_ = false;
        if (self->stopping_ || self->lost_) co_return;  // stop() flushes itself
        co_await self->flush();
      },
      asio::detached);
}

void CampaignRuntime::snapshotAsync() {
  if (snapshot_in_flight_) return;          // the store is behind; the next period will catch up
  if (discard_from_ < discard_to_) return;  // a failed write is unresolved (see discard_from_)
  snapshot_in_flight_ = true;
  snapshot_done_ = std::make_shared<asio::steady_timer>(strand_, steady_clock::time_point::max());
  auto snap = std::make_shared<Snapshot>(
      Snapshot{state_.tick, game::stateHashHex(state_), game::serialize(state_), epoch_});
  asio::co_spawn(
      strand_,
      [self = shared_from_this(), snap]() -> asio::awaitable<void> {
        const int64_t now = self->clock_.nowMs();
        auto saved = co_await self->workers_.run(
            [&]() { return self->store_.saveSnapshot(self->id_, *snap, now); });
        self->snapshot_in_flight_ = false;
        self->snapshot_done_->cancel();
        if (!saved && saved.error().code == "db_fenced") {
          self->lose("its snapshot write was fenced");
        } else if (!saved) {
          logging::error(
              "snapshot write failed",
              {{"campaign", self->id_}, {"tick", snap->tick}, {"error", saved.error().message}});
        }
      },
      asio::detached);
}

asio::awaitable<std::string> CampaignRuntime::viewJson(game::CivId civ) {
  auto body = [self = shared_from_this(), civ]() -> asio::awaitable<std::string> {
    if (civ == game::kNone) co_return self->publicViewJson();
    co_return viewText(game::viewFor(self->state_, civ));
  };
  auto op = onStrand(strand_, std::move(body));
  co_return co_await std::move(op);
}

asio::awaitable<Result<std::string>> CampaignRuntime::view(game::CivId civ) {
  auto op = viewJson(civ);
  co_return co_await std::move(op);
}

asio::awaitable<Result<void>> CampaignRuntime::read(
    std::function<void(const game::GameState&)> read) {
  auto body = [self = shared_from_this(), read = std::move(read)]() -> asio::awaitable<bool> {
    read(self->state_);
    co_return true;
  };
  auto op = onStrand(strand_, std::move(body));
  co_await std::move(op);
  co_return Result<void>{};
}

asio::awaitable<std::string> CampaignRuntime::stateBytes() {
  auto body = [self = shared_from_this()]() -> asio::awaitable<std::string> {
    co_return game::serialize(self->state_);
  };
  auto op = onStrand(strand_, std::move(body));
  co_return co_await std::move(op);
}

asio::awaitable<Result<RuntimeStatus>> CampaignRuntime::status() {
  auto op = localStatus();
  co_return co_await std::move(op);
}

asio::awaitable<RuntimeStatus> CampaignRuntime::localStatus() {
  auto body = [self = shared_from_this()]() -> asio::awaitable<RuntimeStatus> {
    int subscribers = 0;
    for (auto& [civ, feed] : self->feeds_) {
      for (const auto& w : feed.subscribers) subscribers += !w.expired();
    }
    co_return RuntimeStatus{self->state_.tick, game::stateHashHex(self->state_), self->paused_,
                            subscribers};
  };
  auto op = onStrand(strand_, std::move(body));
  co_return co_await std::move(op);
}

}  // namespace startales::campaign
