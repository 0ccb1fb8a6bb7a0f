#include "campaign/service.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <cctype>

#include "account/crypto.h"
#include "campaign/command_codec.h"
#include "campaign/lobby_codec.h"
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

using lobby::campaignJson;
using lobby::choiceField;
using lobby::intField;
using lobby::invalid;
using lobby::kPalette;
using lobby::lower;
using lobby::memberJson;
using lobby::textField;
using lobby::validColor;

CampaignService::CampaignService(CampaignStore& store, WorkerPool& workers,
                                 asio::io_context& sim_io, const Clock& clock,
                                 RuntimeConfig runtime, CampaignLimits limits,
                                 const account::RateLimiterFactory& limiters)
    : store_(store),
      workers_(workers),
      sim_io_(sim_io),
      clock_(clock),
      runtime_config_(runtime),
      limits_(limits),
      created_per_account_(account::makeRateLimiter(
          limiters, "campaign_create",
          {static_cast<double>(limits.created_per_hour), limits.created_per_hour / 60.0}, clock)),
      invites_per_account_(
          account::makeRateLimiter(limiters, "campaign_invite", limits.invite_attempts, clock)),
      lobby_(asio::make_strand(sim_io)),
      log_writer_(std::make_unique<CommandLogWriter>(store)) {}

void CampaignService::registerMetrics(prometheus::Registry& registry) {
  if (log_metrics_) return;
  log_metrics_ = std::make_unique<CommandLogMetrics>(registry);
  log_writer_->setMetrics(log_metrics_.get());
}

template <typename F>
asio::awaitable<Result<CampaignService::Json>> CampaignService::serialized(F body) {
  // See runtime.cc on GCC 12 and temporaries in co_await: the operation is named first.
  auto wrapped = [body =
                      std::move(body)]() mutable -> asio::awaitable<std::optional<Result<Json>>> {
    co_return co_await body();
  };
  auto op = asio::co_spawn(lobby_, std::move(wrapped), asio::use_awaitable);
  std::optional<Result<Json>> out = co_await std::move(op);
  co_return std::move(*out);
}

asio::awaitable<Result<CampaignRecord>> CampaignService::fetchVisible(
    int64_t id, int64_t viewer, std::vector<Member>* members) {
  auto fetch = [this, id, viewer, members]() { return findVisible(id, viewer, members); };
  auto op = workers_.run(fetch);
  co_return co_await std::move(op);
}

Result<CampaignRecord> CampaignService::findVisible(int64_t id, int64_t viewer,
                                                    std::vector<Member>* members) {
  auto record = store_.find(id);
  if (!record) return record.error();
  if (!*record) return notFound(id);
  auto list = store_.members(id);
  if (!list) return list.error();
  if ((*record)->settings.visibility == "private" && !findMember(*list, viewer)) {
    return notFound(id);  // private campaigns do not exist for strangers
  }
  if (members) *members = std::move(*list);
  return **record;
}

asio::awaitable<Result<CampaignService::Json>> CampaignService::describe(int64_t id,
                                                                         int64_t viewer) {
  std::vector<Member> members;
  auto op = fetchVisible(id, viewer, &members);
  auto record = co_await std::move(op);
  if (!record) co_return record.error();
  json::object out = campaignJson(*record, &members, viewer);
  if (auto entry = live(id)) {
    auto status_op = entry->runtime->localStatus();
    const RuntimeStatus status = co_await std::move(status_op);
    out["tick"] = status.tick;
    out["state_hash"] = status.state_hash;
    out["connected"] = status.subscribers;
    out["suspended"] = false;
  } else if (placement_ != nullptr && (record->status == CampaignStatus::kRunning || record->status == CampaignStatus::kPaused)) {
    // Cluster: its owner knows (nothing is added when no node owns it at the moment).
    if (auto handle = placement_->remote(id)) {
      auto status_op = handle->status();
      if (auto status = co_await std::move(status_op); status) {
        out["tick"] = status->tick;
        out["state_hash"] = status->state_hash;
        out["suspended"] = false;
      }
    }
  } else if (record->status == CampaignStatus::kPaused) {  // stored: the snapshot is the state
    auto info_fn = [&]() { return store_.latestSnapshotInfo(id); };
    auto info_op = workers_.run(info_fn);
    auto info = co_await std::move(info_op);
    if (info && *info) {
      out["tick"] = (*info)->tick;
      out["state_hash"] = (*info)->state_hash;
    }
    out["suspended"] = true;
  }
  co_return out;
}

asio::awaitable<Result<CampaignService::Json>> CampaignService::create(const User& user,
                                                                       const Json& body) {
  CampaignSettings s;
  auto name = textField(body, "name", 60, "");
  if (!name) co_return name.error();
  if (name->empty()) co_return invalid("A campaign needs a \"name\".");
  s.name = *name;
  auto mode = choiceField(body, "mode", {"coop", "conquest"});
  if (!mode) co_return mode.error();
  s.mode = *mode;
  auto visibility = choiceField(body, "visibility", {"public", "private"});
  if (!visibility) co_return visibility.error();
  s.visibility = *visibility;
  auto systems = intField(body, "systems", limits_.min_systems, limits_.max_systems, 100);
  if (!systems) co_return systems.error();
  auto players = intField(body, "max_players", 1, limits_.max_players, 4);
  if (!players) co_return players.error();
  auto ai = intField(body, "ai_empires", 0, 31, 3);
  if (!ai) co_return ai.error();
  auto tick_ms = intField(body, "tick_ms", limits_.min_tick_ms, limits_.max_tick_ms, 1000);
  if (!tick_ms) co_return tick_ms.error();
  auto seed = intField(body, "seed", 0, INT64_MAX, -1);
  if (!seed) co_return seed.error();
  s.systems = static_cast<int32_t>(*systems);
  s.max_players = static_cast<int32_t>(*players);
  s.ai_empires = static_cast<int32_t>(*ai);
  s.tick_ms = static_cast<int32_t>(*tick_ms);
  s.seed = *seed >= 0 ? *seed : clock_.nowMs() ^ (user.id << 20);
  const int civs = s.max_players + s.ai_empires;
  if (civs > 32 || civs * 5 > s.systems) {
    co_return invalid("Too many civilizations for the galaxy: " + std::to_string(civs) +
                      " need at least " + std::to_string(civs * 5) +
                      " systems and at most 32 civilizations.");
  }
  Member host;
  host.user_id = user.id;
  host.username = user.username;
  auto civ_name = textField(body, "civ_name", 40, user.username);
  if (!civ_name) co_return civ_name.error();
  host.civ_name = *civ_name;
  auto color = textField(body, "color", 7, kPalette[0]);
  if (!color) co_return color.error();
  if (!validColor(*color)) co_return invalid("\"color\" must look like #rrggbb.");
  host.color = *color;
  const std::string code = s.visibility == "private" ? account::newCode(8) : "";
  const int64_t now = clock_.nowMs();
  auto count = [&]() -> Result<void> {
    auto hosted = store_.countHosted(user.id);
    if (!hosted) return hosted.error();
    if (*hosted < limits_.max_hosted) return {};
    return makeError("too_many_campaigns",
                     "You host " + std::to_string(*hosted) + " campaigns, the limit per account (" +
                         std::to_string(limits_.max_hosted) +
                         ", --max-live-campaigns); delete one to create another.");
  };
  auto count_op = workers_.run(count);
  if (auto below = co_await std::move(count_op); !below) co_return below.error();
  // Only a creation the hosting limit allows takes a token.
  auto wait_op = created_per_account_->take("user:" + std::to_string(user.id));
  if (auto no = account::refusal(co_await std::move(wait_op),
                        "You created " + std::to_string(limits_.created_per_hour) +
                            " campaigns within the hour, the limit per account "
                            "(--campaigns-per-hour); ")) {
    co_return *no;
  }
  auto op = workers_.run([&] { return store_.create(s, user.id, code, host, now); });
  auto record = co_await std::move(op);
  if (!record) co_return record.error();
  logging::info("campaign created", {{"campaign", record->id}, {"user", user.id}});
  auto out = describe(record->id, user.id);
  co_return co_await std::move(out);
}

asio::awaitable<Result<json::array>> CampaignService::list(const User& user,
                                                           std::optional<CampaignStatus> status,
                                                           bool mine) {
  CampaignFilter f;
  f.status = status;
  f.viewer = user.id;
  if (mine) f.member = user.id;
  auto fetch = [&]() { return store_.list(f); };
  auto op = workers_.run(fetch);
  auto records = co_await std::move(op);
  if (!records) co_return records.error();
  json::array out;
  for (const auto& r : *records) out.push_back(campaignJson(r, nullptr, user.id));
  co_return out;
}

asio::awaitable<Result<CampaignService::Json>> CampaignService::get(const User& user, int64_t id) {
  auto op = describe(id, user.id);
  co_return co_await std::move(op);
}

asio::awaitable<Result<CampaignService::Json>> CampaignService::join(const User& user, int64_t id,
                                                                     const Json& body) {
  auto role_name = choiceField(body, "role", {"player", "observer"});
  if (!role_name) co_return role_name.error();
  const MemberRole role = *parseMemberRole(*role_name);  // one of the choices
  auto civ_name = textField(body, "civ_name", 40, user.username);
  if (!civ_name) co_return civ_name.error();
  auto color = textField(body, "color", 7, "");
  if (!color) co_return color.error();
  if (!color->empty() && !validColor(*color))
    co_return invalid("\"color\" must look like #rrggbb.");
  std::string invite;  // "" and absent both mean none
  if (const json::value* v = body.if_contains("invite_code"); v && !v->is_null()) {
    if (!v->is_string() || v->as_string().size() > 40) {
      co_return invalid("\"invite_code\" must be the campaign's invite code, a short string.");
    }
    invite = std::string(v->as_string());
  }
  auto code = Result<std::string>(invite);
  // Guessing invite codes is throttled per account: every attempt with a code counts, and a
  // throttled attempt is refused before any comparison.
  if (!invite.empty()) {
    auto wait_op = invites_per_account_->take("user:" + std::to_string(user.id));
    if (auto no = account::refusal(co_await std::move(wait_op),
                          "Too many invite-code attempts from this account (--invite-rate-burst, "
                          "--invite-rate-per-min); ")) {
      co_return *no;
    }
  }

  auto body_fn = [this, user, id, role, civ_name = *civ_name, color = *color,
                  code = *code]() -> asio::awaitable<Result<Json>> {
    auto fetch = [&]() -> Result<std::pair<CampaignRecord, std::vector<Member>>> {
      auto record = store_.find(id);
      if (!record) return record.error();
      if (!*record) return notFound(id);
      auto members = store_.members(id);
      if (!members) return members.error();
      return std::pair{**record, std::move(*members)};
    };
    auto fetch_op = workers_.run(fetch);
    auto found = co_await std::move(fetch_op);
    if (!found) co_return found.error();
    auto& [record, members] = *found;
    if (findMember(members, user.id)) {
      co_return makeError("already_joined", "You have already joined this campaign.");
    }
    // Without its invite code a private campaign does not exist: the answer for a missing or
    // wrong code is the one for a campaign id nobody created (compared in constant time).
    if (record.settings.visibility == "private" &&
        (code.empty() || !account::constantTimeEquals(code, record.invite_code))) {
      co_return notFound(id);
    }
    Member m;
    m.user_id = user.id;
    m.username = user.username;
    m.role = role;
    m.civ_name = civ_name;
    m.joined_at_ms = clock_.nowMs();
    if (role == MemberRole::kPlayer) {
      if (record.status != CampaignStatus::kLobby) {
        co_return wrongState("The campaign has already started; you can join as an observer.");
      }
      auto players = playersOf(members);
      if (static_cast<int>(players.size()) >= record.settings.max_players) {
        co_return makeError("campaign_full", "The campaign already has " +
                                                 std::to_string(players.size()) + " players.");
      }
      std::vector<std::string> taken;
      for (const auto& p : players) {
        if (lower(p.civ_name) == lower(civ_name)) {
          co_return makeError("civ_name_taken",
                              "Another player already leads \"" + civ_name + "\".");
        }
        taken.push_back(p.color);
      }
      m.color = color;
      if (m.color.empty()) {  // the first palette colour nobody has
        for (const char* c : kPalette) {
          if (std::find(taken.begin(), taken.end(), c) == taken.end()) {
            m.color = c;
            break;
          }
        }
      }
    } else {
      m.color = color.empty() ? "#888888" : color;
    }
    auto add = [&]() { return store_.addMember(id, m); };
    auto add_op = workers_.run(add);
    auto added = co_await std::move(add_op);
    if (!added) co_return added.error();
    if (auto entry = live(id)) {
      std::lock_guard lock(mu_);
      entry->members.push_back(m);
    }
    auto out = describe(id, user.id);
    co_return co_await std::move(out);
  };
  auto op = serialized(std::move(body_fn));
  co_return co_await std::move(op);
}

asio::awaitable<Result<CampaignService::Json>> CampaignService::leave(const User& user,
                                                                      int64_t id) {
  auto body_fn = [this, user, id]() -> asio::awaitable<Result<Json>> {
    std::vector<Member> members;
    auto fetch_op = fetchVisible(id, user.id, &members);
    auto record = co_await std::move(fetch_op);
    if (!record) co_return record.error();
    const Member* me = findMember(members, user.id);
    if (!me) co_return forbidden("You have not joined this campaign.");
    if (record->host_user_id == user.id) {
      co_return wrongState("The host cannot leave; delete the campaign instead.");
    }
    if (me->role == MemberRole::kPlayer && record->status != CampaignStatus::kLobby) {
      co_return wrongState(
          "The campaign is under way and your civilization is in it; "
          "you can stay away, but not leave.");
    }
    auto drop = [&]() { return store_.removeMember(id, user.id); };
    auto drop_op = workers_.run(drop);
    auto dropped = co_await std::move(drop_op);
    if (!dropped) co_return dropped.error();
    if (auto entry = live(id)) {
      std::lock_guard lock(mu_);
      std::erase_if(entry->members, [&](const Member& m) { return m.user_id == user.id; });
    }
    co_return Json{{"left", id}};
  };
  auto op = serialized(std::move(body_fn));
  co_return co_await std::move(op);
}

asio::awaitable<Result<CampaignService::Json>> CampaignService::ready(const User& user, int64_t id,
                                                                      bool ready) {
  auto body_fn = [this, user, id, ready]() -> asio::awaitable<Result<Json>> {
    std::vector<Member> members;
    auto fetch_op = fetchVisible(id, user.id, &members);
    auto record = co_await std::move(fetch_op);
    if (!record) co_return record.error();
    const Member* me = findMember(members, user.id);
    if (!me || me->role != MemberRole::kPlayer)
      co_return forbidden("Only players of this campaign can be ready.");
    if (record->status != CampaignStatus::kLobby) co_return wrongState("The campaign has already started.");
    auto set = [&]() { return store_.setReady(id, user.id, ready); };
    auto set_op = workers_.run(set);
    auto done = co_await std::move(set_op);
    if (!done) co_return done.error();
    auto out = describe(id, user.id);
    co_return co_await std::move(out);
  };
  auto op = serialized(std::move(body_fn));
  co_return co_await std::move(op);
}

asio::awaitable<Result<CampaignService::Json>> CampaignService::start(const User& user,
                                                                      int64_t id) {
  auto body_fn = [this, user, id]() -> asio::awaitable<Result<Json>> {
    std::vector<Member> members;
    auto fetch_op = fetchVisible(id, user.id, &members);
    auto record = co_await std::move(fetch_op);
    if (!record) co_return record.error();
    if (record->host_user_id != user.id)
      co_return forbidden("Only the host can start the campaign.");
    if (record->status != CampaignStatus::kLobby) co_return wrongState("The campaign has already started.");
    const auto players = playersOf(members);
    std::string waiting;
    for (const auto& p : players) {
      if (!p.ready && p.user_id != record->host_user_id) {
        waiting += (waiting.empty() ? "" : ", ") + p.username;
      }
    }
    if (!waiting.empty()) co_return wrongState("Not everyone is ready yet: " + waiting + ".");
    const auto config = CampaignRuntime::gameConfig(*record, players);
    if (auto problem = game::validateConfig(config)) co_return invalid(problem->message);

    std::vector<std::pair<int64_t, int32_t>> civs;
    for (size_t i = 0; i < players.size(); ++i)
      civs.emplace_back(players[i].user_id, static_cast<int32_t>(i));
    const int64_t now = clock_.nowMs();
    std::optional<game::GameState> state;
    auto begin = [&]() -> Result<void> {
      state = game::newGame(config);  // up to tens of milliseconds: on the worker
      return store_.start(id, civs, now);
    };
    auto begin_op = workers_.run(begin);
    auto started = co_await std::move(begin_op);
    if (!started) co_return started.error();

    if (placement_ != nullptr) {  // cluster: the least-loaded node adopts it
      placement_->place(id);
      logging::info("campaign started",
                    {{"campaign", id}, {"players", static_cast<int64_t>(players.size())}});
      auto out = describe(id, user.id);
      co_return co_await std::move(out);
    }
    auto entry = std::make_shared<Live>();
    entry->record = *record;
    entry->record.status = CampaignStatus::kRunning;
    entry->record.started_at_ms = now;
    entry->members = members;
    for (auto& m : entry->members) {
      for (const auto& [uid, civ] : civs) {
        if (m.user_id == uid) m.civ = civ;
      }
    }
    entry->runtime = CampaignRuntime::create(sim_io_, entry->record, std::move(*state), store_,
                                             workers_, *log_writer_, clock_, runtime_config_);
    entry->runtime->setCommentator(commentator_);
    entry->runtime->start(false);
    {
      std::lock_guard lock(mu_);
      live_[id] = entry;
    }
    logging::info("campaign started",
                  {{"campaign", id}, {"players", static_cast<int64_t>(players.size())}});
    auto out = describe(id, user.id);
    co_return co_await std::move(out);
  };
  auto op = serialized(std::move(body_fn));
  co_return co_await std::move(op);
}

asio::awaitable<Result<CampaignService::Json>> CampaignService::setPaused(const User& user,
                                                                          int64_t id, bool paused) {
  auto body_fn = [this, user, id, paused]() -> asio::awaitable<Result<Json>> {
    auto entry = live(id);
    if (!entry) {
      auto fetch_op = fetchVisible(id, user.id, nullptr);
      auto record = co_await std::move(fetch_op);
      if (!record) co_return record.error();
      if (placement_ != nullptr) {
        auto here = pauseElsewhere(user, *record, paused);
        co_return co_await std::move(here);
      }
      if (record->status != CampaignStatus::kPaused || paused)
        co_return wrongState("The campaign is not running.");
      if (record->host_user_id != user.id)
        co_return forbidden("Only the host can resume the campaign.");
      // A suspended campaign: load it from storage, still paused; resumed below.
      auto load_op = load(*record, true);
      auto loaded = co_await std::move(load_op);
      if (!loaded) co_return loaded.error();
      entry = *loaded;
      std::lock_guard lock(mu_);
      live_[id] = entry;
    }
    if (entry->record.host_user_id != user.id) {
      bool member = false;
      {
        std::lock_guard lock(mu_);
        member = findMember(entry->members, user.id) != nullptr;
      }
      // As findVisible: a private campaign does not exist for strangers.
      if (!member && entry->record.settings.visibility == "private") co_return notFound(id);
      co_return forbidden(std::string("Only the host can ") + (paused ? "pause" : "resume") +
                          " the campaign.");
    }
    const CampaignStatus status = paused ? CampaignStatus::kPaused : CampaignStatus::kRunning;
    auto set = [&]() { return store_.setStatus(id, status); };
    auto set_op = workers_.run(set);
    auto done = co_await std::move(set_op);
    if (!done) co_return done.error();
    auto pause_op = entry->runtime->setPaused(paused);
    co_await std::move(pause_op);
    {
      std::lock_guard lock(mu_);
      entry->record.status = status;
      entry->paused_at_ms = paused ? clock_.nowMs() : 0;
    }
    auto out = describe(id, user.id);
    co_return co_await std::move(out);
  };
  auto op = serialized(std::move(body_fn));
  co_return co_await std::move(op);
}

asio::awaitable<Result<void>> CampaignService::remove(const User& user, int64_t id) {
  auto body_fn = [this, user, id]() -> asio::awaitable<Result<Json>> {
    auto fetch_op = fetchVisible(id, user.id, nullptr);
    auto record = co_await std::move(fetch_op);
    if (!record) co_return record.error();
    if (record->host_user_id != user.id)
      co_return forbidden("Only the host can delete the campaign.");
    if (auto entry = live(id)) {
      {
        std::lock_guard lock(mu_);
        live_.erase(id);
      }
      auto stop_op = entry->runtime->stop();
      (void)co_await std::move(stop_op);
      if (placement_ != nullptr) placement_->dropped(id, false);
    }
    auto drop = [&]() { return store_.remove(id); };
    auto drop_op = workers_.run(drop);
    auto dropped = co_await std::move(drop_op);
    if (!dropped) co_return dropped.error();
    logging::info("campaign deleted", {{"campaign", id}, {"user", user.id}});
    co_return Json{};
  };
  auto op = serialized(std::move(body_fn));
  auto out = co_await std::move(op);
  if (!out) co_return out.error();
  co_return Result<void>{};
}

}  // namespace startales::campaign
