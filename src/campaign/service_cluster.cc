// CampaignService in cluster mode: adopting a campaign this node took the lease of, handing
// one off, abandoning one whose lease ran out. The node's cluster::Ownership decides when.

#include <boost/asio/use_awaitable.hpp>

#include "campaign/service.h"
#include "campaign/service_helpers.h"
#include "common/log.h"

namespace startales::campaign {

namespace asio = boost::asio;

using detail::findMember;
using detail::forbidden;
using detail::notFound;
using detail::wrongState;

asio::awaitable<Result<void>> CampaignService::adopt(int64_t id, int64_t epoch) {
  if (live(id)) co_return wrongState("Campaign " + std::to_string(id) + " is already live here.");
  auto find = [&]() { return store_.find(id); };
  auto find_op = workers_.run(find);
  auto record = co_await std::move(find_op);
  if (!record) co_return record.error();
  if (!*record || ((*record)->status != CampaignStatus::kRunning && (*record)->status != CampaignStatus::kPaused)) {
    co_return wrongState("Campaign " + std::to_string(id) + " is not running.");
  }
  const bool paused = (*record)->status == CampaignStatus::kPaused;
  auto load_op = load(**record, paused, epoch);
  auto loaded = co_await std::move(load_op);
  if (!loaded) co_return loaded.error();
  {
    std::lock_guard lock(mu_);
    if (live_.count(id) > 0) {
      // Adopted twice at once: keep the first; this runtime never ticked a write.
      co_return wrongState("Campaign " + std::to_string(id) + " is already live here.");
    }
    live_[id] = *loaded;
  }
  if (placement_ != nullptr) placement_->adopted(id, (*loaded)->runtime);
  logging::info("campaign adopted", {{"campaign", id}, {"epoch", epoch}, {"paused", paused}});
  co_return Result<void>{};
}

asio::awaitable<Result<void>> CampaignService::handOff(int64_t id) {
  auto entry = live(id);
  if (!entry) co_return Result<void>{};
  {
    std::lock_guard lock(mu_);
    live_.erase(id);  // new requests now look for its next owner
  }
  auto stop_op = entry->runtime->stop();
  auto stopped = co_await std::move(stop_op);
  if (!stopped) {
    logging::warn("campaign handed off without a final snapshot",
                  {{"campaign", id}, {"error", stopped.error().message}});
  } else {
    logging::info("campaign handed off", {{"campaign", id}, {"epoch", entry->runtime->epoch()}});
  }
  // Lost during the stop (fenced): no lease of ours to release.
  if (placement_ != nullptr) {
    placement_->dropped(id, !stopped && stopped.error().code == "campaign_moved");
  }
  co_return stopped;
}

asio::awaitable<void> CampaignService::abandon(int64_t id) {
  auto entry = live(id);
  if (!entry) co_return;
  auto op = entry->runtime->abandon();  // calls drop() through its on-lost hook
  co_await std::move(op);
}

asio::awaitable<Result<CampaignService::Access>> CampaignService::remoteAccess(const User& user,
                                                                               int64_t id) {
  // The members come from the database (they change in the lobby only, and an observer's
  // join is written there first): any node checks the seat as the owner would.
  std::vector<Member> members;
  auto fetch_op = fetchVisible(id, user.id, &members);
  auto record = co_await std::move(fetch_op);
  if (!record) co_return record.error();
  if (record->status == CampaignStatus::kLobby) co_return wrongState("The campaign has not started yet.");
  if (record->status == CampaignStatus::kFinished) co_return wrongState("The campaign has finished.");
  const Member* me = findMember(members, user.id);
  if (!me) {
    if (record->settings.visibility == "private") co_return notFound(id);
    co_return forbidden("You have not joined this campaign.");
  }
  auto handle = placement_->remote(id);
  if (!handle) {
    co_return wrongState("Campaign " + std::to_string(id) + " is not running on this server.");
  }
  Access a;
  a.runtime = std::move(handle);
  a.observer = me->role != MemberRole::kPlayer;
  a.seat = Seat{user.id, a.observer ? game::kNone : me->civ};
  co_return a;
}

asio::awaitable<Result<CampaignService::Json>> CampaignService::pauseElsewhere(
    const User& user, const CampaignRecord& record, bool paused) {
  const int64_t id = record.id;
  if (record.status != CampaignStatus::kRunning && record.status != CampaignStatus::kPaused) {
    co_return wrongState("The campaign is not running.");
  }
  if (record.host_user_id != user.id) {
    co_return forbidden(std::string("Only the host can ") + (paused ? "pause" : "resume") +
                        " the campaign.");
  }
  const CampaignStatus status = paused ? CampaignStatus::kPaused : CampaignStatus::kRunning;
  auto set = [&]() { return store_.setStatus(id, status); };
  auto set_op = workers_.run(set);
  if (auto done = co_await std::move(set_op); !done) co_return done.error();
  auto handle = placement_->remote(id);
  Result<void> told = makeError("campaign_moved", "No node simulates this campaign now.");
  if (handle) {
    auto op = handle->pause(paused);
    told = co_await std::move(op);
  }
  if (!told && told.error().code == "campaign_moved") {
    // Nobody owns it (stored, or between owners): running now, the next owner adopts it; a
    // paused one stays stored until resumed.
    if (!paused) placement_->place(id);
  } else if (!told) {
    co_return told.error();  // the owner may not have heard: the client retries
  }
  auto out = describe(id, user.id);
  co_return co_await std::move(out);
}

void CampaignService::drop(int64_t id, const std::shared_ptr<Live>& entry, bool lost) {
  bool removed = false;
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(id);
    if (it != live_.end() && it->second == entry) {
      live_.erase(it);
      removed = true;
    }
  }
  if (removed && placement_ != nullptr) placement_->dropped(id, lost);
}

std::vector<std::pair<int64_t, int64_t>> CampaignService::liveEpochs() const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<int64_t, int64_t>> out;
  out.reserve(live_.size());
  for (const auto& [id, entry] : live_) out.emplace_back(id, entry->runtime->epoch());
  return out;
}

}  // namespace startales::campaign
