// CampaignService, live campaigns: restoring and suspending them, stopping them all, and
// what players do in a running one (its view, commands, the command log). The lobby is in
// service.cc.

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>

#include "campaign/command_codec.h"
#include "campaign/service.h"
#include "campaign/service_helpers.h"
#include "common/log.h"
#include "common/time_format.h"
#include "game/game.h"

namespace startales::campaign {

namespace asio = boost::asio;
namespace json = boost::json;

using detail::findMember;
using detail::forbidden;
using detail::notFound;
using detail::playersOf;
using detail::wrongState;

void CampaignService::noteSkippedSnapshots(int64_t campaign, const Restored& restored) {
  if (restored.skipped.empty()) return;
  for (const auto& why : restored.skipped) {
    logging::error("campaign snapshot skipped", {{"campaign", campaign}, {"error", why}});
  }
  logging::warn("campaign restored from an older snapshot",
                {{"campaign", campaign},
                 {"skipped", static_cast<int64_t>(restored.skipped.size())},
                 {"tick", restored.state.tick}});
  if (log_metrics_) log_metrics_->snapshotsSkipped(restored.skipped.size());
}

Result<int> CampaignService::restoreAll() {
  auto active = store_.active();
  if (!active) return active.error();
  int resumed = 0;
  for (const auto& record : *active) {
    auto members = store_.members(record.id);
    if (!members) return members.error();
    auto restored = CampaignRuntime::restore(store_, record, playersOf(*members),
                                             runtime_config_.client_ids_kept);
    if (!restored) {
      // One broken campaign must not keep the others down; it stays in the database.
      logging::error("campaign restore failed",
                     {{"campaign", record.id}, {"error", restored.error().message}});
      continue;
    }
    noteSkippedSnapshots(record.id, *restored);
    auto state = std::optional<game::GameState>(std::move(restored->state));
    auto entry = std::make_shared<Live>();
    entry->record = record;
    entry->members = std::move(*members);
    const int32_t tick = state->tick;
    entry->runtime = CampaignRuntime::create(sim_io_, record, std::move(*state), store_, workers_,
                                             *log_writer_, clock_, runtime_config_);
    entry->runtime->rememberClientCommands(restored->recent_client_commands);
    entry->runtime->setCommentator(commentator_);
    entry->runtime->start(record.status == CampaignStatus::kPaused);
    {
      std::lock_guard lock(mu_);
      live_[record.id] = entry;
    }
    logging::info("campaign resumed", {{"campaign", record.id}, {"tick", tick}});
    resumed++;
  }
  return resumed;
}

asio::awaitable<Result<std::shared_ptr<CampaignService::Live>>> CampaignService::load(
    const CampaignRecord& record, bool paused, int64_t epoch) {
  std::vector<Member> members;
  std::optional<game::GameState> state;
  std::vector<LoggedCommand> recent;
  auto restore = [&]() -> Result<void> {
    auto list = store_.members(record.id);
    if (!list) return list.error();
    members = std::move(*list);
    auto restored = CampaignRuntime::restore(store_, record, playersOf(members),
                                             runtime_config_.client_ids_kept);
    if (!restored) return restored.error();
    noteSkippedSnapshots(record.id, *restored);
    state = std::move(restored->state);
    recent = std::move(restored->recent_client_commands);
    return {};
  };
  auto op = workers_.run(restore);
  auto done = co_await std::move(op);
  if (!done) co_return done.error();
  auto entry = std::make_shared<Live>();
  entry->record = record;
  entry->members = std::move(members);
  entry->runtime = CampaignRuntime::create(sim_io_, record, std::move(*state), store_, workers_,
                                           *log_writer_, clock_, runtime_config_, epoch);
  entry->runtime->rememberClientCommands(recent);
  if (placement_ != nullptr) {
    // A takeover fenced its write, or its lease ran out: it is some other node's now.
    std::weak_ptr<Live> weak = entry;
    entry->runtime->setOnLost([this, weak, id = record.id] {
      if (auto e = weak.lock()) drop(id, e, true);
    });
  }
  entry->paused_at_ms = paused ? clock_.nowMs() : 0;
  entry->runtime->setCommentator(commentator_);
  entry->runtime->start(paused);
  co_return entry;
}

void CampaignService::startSuspender(std::chrono::milliseconds period,
                                     std::chrono::milliseconds idle) {
  auto loop = [this, period, idle]() -> asio::awaitable<void> {
    asio::steady_timer timer(lobby_);
    while (!stopping_) {
      timer.expires_after(period);
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (stopping_) break;
      auto op = suspendIdle(idle);
      co_await std::move(op);
    }
  };
  asio::co_spawn(lobby_, std::move(loop), asio::detached);
}

asio::awaitable<int> CampaignService::suspendIdle(std::chrono::milliseconds idle) {
  std::vector<std::shared_ptr<Live>> candidates;
  const int64_t now = clock_.nowMs();
  {
    std::lock_guard lock(mu_);
    for (auto& [id, entry] : live_) {
      if (entry->paused_at_ms > 0 && now - entry->paused_at_ms >= idle.count()) {
        candidates.push_back(entry);
      }
    }
  }
  int suspended = 0;
  for (auto& entry : candidates) {
    auto status_op = entry->runtime->localStatus();
    const auto status = co_await std::move(status_op);
    if (status.subscribers > 0 || !status.paused) continue;
    {
      std::lock_guard lock(mu_);
      live_.erase(entry->record.id);  // new requests now see it as stored
    }
    auto stop_op = entry->runtime->stop();
    auto stopped = co_await std::move(stop_op);
    if (!stopped) {
      logging::error("campaign suspend failed",
                     {{"campaign", entry->record.id}, {"error", stopped.error().message}});
      std::lock_guard lock(mu_);
      live_[entry->record.id] = entry;  // keep it in memory rather than lose state
      continue;
    }
    logging::info("campaign suspended", {{"campaign", entry->record.id}, {"tick", status.tick}});
    if (placement_ != nullptr) placement_->dropped(entry->record.id, false);
    suspended++;
  }
  co_return suspended;
}

asio::awaitable<void> CampaignService::stopAll() {
  stopping_ = true;
  std::vector<std::shared_ptr<Live>> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, entry] : live_) all.push_back(entry);
  }
  for (auto& entry : all) {
    auto op = entry->runtime->stop();
    auto stopped = co_await std::move(op);
    if (!stopped) {
      logging::error("campaign snapshot on shutdown failed",
                     {{"campaign", entry->record.id}, {"error", stopped.error().message}});
    }
  }
}

std::vector<int64_t> CampaignService::usersAt(int64_t id, game::CivId civ) const {
  auto entry = live(id);
  std::vector<int64_t> out;
  if (!entry) return out;
  std::lock_guard lock(mu_);
  for (const auto& m : entry->members) {
    if (m.role == MemberRole::kPlayer && m.civ == civ) out.push_back(m.user_id);
  }
  return out;
}

size_t CampaignService::liveCount() const {
  std::lock_guard lock(mu_);
  return live_.size();
}

std::shared_ptr<CampaignService::Live> CampaignService::live(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = live_.find(id);
  return it == live_.end() ? nullptr : it->second;
}

asio::awaitable<Result<CampaignService::Access>> CampaignService::access(const User& user,
                                                                         int64_t id) {
  if (auto entry = live(id)) {
    auto seat = [&]() -> Result<Access> {
      std::lock_guard lock(mu_);
      const Member* me = findMember(entry->members, user.id);
      if (!me) {
        if (entry->record.settings.visibility == "private") return notFound(id);
        return forbidden("You have not joined this campaign.");
      }
      Access a;
      a.runtime = entry->runtime;
      a.observer = me->role != MemberRole::kPlayer;
      a.seat = Seat{user.id, a.observer ? game::kNone : me->civ};
      return a;
    };
    co_return seat();
  }
  if (placement_ != nullptr) {  // cluster: another node may simulate it
    auto remote_op = remoteAccess(user, id);
    co_return co_await std::move(remote_op);
  }
  // Not live: whether it exists (for this caller) decides between not_found and the state.
  auto fetch_op = fetchVisible(id, user.id, nullptr);
  auto record = co_await std::move(fetch_op);
  if (!record) co_return record.error();
  if (record->status == CampaignStatus::kPaused) {
    co_return wrongState("The campaign is paused and stored; its host can resume it.");
  }
  if (record->status == CampaignStatus::kLobby) co_return wrongState("The campaign has not started yet.");
  co_return wrongState("Campaign " + std::to_string(id) + " is not running on this server.");
}

asio::awaitable<Result<std::string>> CampaignService::state(const User& user, int64_t id) {
  auto access_op = access(user, id);
  auto a = co_await std::move(access_op);
  if (!a) co_return a.error();
  auto op = a->runtime->view(a->seat.civ);
  co_return co_await std::move(op);
}

asio::awaitable<Result<CampaignService::Json>> CampaignService::command(
    const User& user, int64_t id, const json::value& command, std::string client_id) {
  if (auto valid = checkClientId(client_id); !valid) co_return valid.error();
  auto access_op = access(user, id);
  auto a = co_await std::move(access_op);
  if (!a) co_return a.error();
  const auto started = std::chrono::steady_clock::now();
  auto op = commandThrough(*a, command, std::move(client_id));
  auto answer = co_await std::move(op);
  if (log_metrics_ && !a->observer) {
    log_metrics_->answered(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  co_return answer;
}

asio::awaitable<Result<json::array>> CampaignService::commandLog(const User& user, int64_t id,
                                                                 int64_t after, int limit) {
  std::vector<Member> members;
  auto fetch = [&]() -> Result<std::vector<LoggedCommand>> {
    auto record = findVisible(id, user.id, &members);
    if (!record) return record.error();
    if (!findMember(members, user.id)) return forbidden("You have not joined this campaign.");
    return store_.commandsAfter(id, after, user.id, limit);
  };
  auto op = workers_.run(fetch);
  auto commands = co_await std::move(op);
  if (!commands) co_return commands.error();
  json::array out;
  for (const auto& c : *commands) {
    json::object entry{{"seq", c.seq},
                       {"tick", c.tick},
                       {"civ", c.civ},
                       {"command", json::parse(c.command)},
                       {"created_at", isoTime(c.created_at_ms)}};
    if (!c.refusal.empty()) entry["refused"] = c.refusal;
    if (!c.client_id.empty()) entry["client_id"] = c.client_id;
    out.push_back(std::move(entry));
  }
  co_return out;
}

}  // namespace startales::campaign
