// CampaignRuntime's subscribers: each civilization's feed (the view its subscribers hold, its
// recent deltas for resumes), publishing a tick's deltas and notices, subscribing with a
// snapshot or the missed deltas, chat. The tick loop and commands are in runtime.cc.

#include <algorithm>
#include <boost/json.hpp>

#include "campaign/runtime_internal.h"
#include "campaign/view_codec.h"
#include "common/json_out.h"

namespace startales::campaign {

namespace asio = boost::asio;
namespace json = boost::json;
using runtime_detail::message;
using runtime_detail::onStrand;

CampaignRuntime::Feed& CampaignRuntime::feedFor(game::CivId civ) {
  auto it = feeds_.find(civ);
  if (it != feeds_.end()) return it->second;
  // A new feed's first subscriber gets a snapshot, which sets the feed's digest.
  Feed& feed = feeds_[civ];
  feed.idle_since = state_.tick;
  return feed;
}

std::string CampaignRuntime::publicViewJson() const {
  std::string text;
  JsonOut out(text);
  out.beginObject();
  out.key("tick").value(state_.tick);
  out.key("civs").beginArray();
  for (const auto& c : state_.civs) {
    out.beginObject();
    out.key("id").value(c.id);
    out.key("name").value(c.name);
    out.key("alive").value(c.alive);
    out.key("planets").value(state_.civ_planets[c.id].size());
    out.key("score").value(std::round(c.score.total() * 10) / 10);
    out.end();
  }
  out.end();
  out.key("market");
  writeMarket(out, state_.market);
  out.end();
  return text;
}

void CampaignRuntime::publish(const std::vector<game::Notice>& notices) {
  const int32_t tick = state_.tick;
  // Resume history: the last resume_window_ms of ticks (at least one), within the count and
  // byte bounds.
  const int32_t keep_ticks =
      std::clamp(config_.resume_window_ms / std::max(1, tick_ms_), 1, config_.delta_history);
  const std::string market = marketJson(state_.market);  // the same in every civ's delta
  for (auto it = feeds_.begin(); it != feeds_.end();) {
    auto& [civ, feed] = *it;
    std::erase_if(feed.subscribers, [](const auto& w) { return w.expired(); });
    if (feed.subscribers.empty() && tick - feed.idle_since > config_.feed_linger_ticks) {
      it = feeds_.erase(it);
      continue;
    }
    std::shared_ptr<const std::string> msg;
    if (civ == game::kNone) {
      msg = std::make_shared<const std::string>(
          R"({"type":"delta","campaign":)" + std::to_string(id_) + R"(,"tick":)" +
          std::to_string(tick) + R"(,"public":)" + publicViewJson() + "}");
    } else {
      msg = advanceFeed(feed.held, state_, civ, system_hashes_, id_, market, scratch_);
    }
    feed.recent.emplace_back(tick, msg);
    feed.recent_bytes += msg->size();
    while (!feed.recent.empty() &&
           (feed.recent.size() > static_cast<size_t>(keep_ticks) ||
            feed.recent_bytes > config_.delta_history_bytes)) {
      feed.recent_bytes -= feed.recent.front().second->size();
      feed.recent.pop_front();
    }
    for (const auto& w : feed.subscribers) {
      if (auto s = w.lock()) s->deliver(msg);
    }
    ++it;
  }
  for (const auto& n : notices) {
    deliverTo(
        n.civ,
        message(
            {{"type", "event"}, {"campaign", id_}, {"tick", n.tick}, {"notice", noticeToJson(n)}}));
  }
}

void CampaignRuntime::deliverTo(game::CivId civ, const std::shared_ptr<const std::string>& msg) {
  for (auto& [feed_civ, feed] : feeds_) {
    if (civ != game::kNone && civ != feed_civ) continue;
    for (const auto& w : feed.subscribers) {
      if (auto s = w.lock()) s->deliver(msg);
    }
  }
}

asio::awaitable<Result<void>> CampaignRuntime::subscribe(Seat seat,
                                                         std::weak_ptr<Subscriber> subscriber,
                                                         std::optional<int32_t> last_tick) {
  auto body = [self = shared_from_this(), seat, subscriber = std::move(subscriber),
               last_tick]() mutable -> asio::awaitable<bool> {
    self->subscribeOnStrand(seat, std::move(subscriber), last_tick);
    co_return true;
  };
  auto op = onStrand(strand_, std::move(body));
  co_await std::move(op);
  co_return Result<void>{};
}

void CampaignRuntime::subscribeOnStrand(Seat seat, std::weak_ptr<Subscriber> subscriber,
                                        std::optional<int32_t> last_tick) {
  auto target = subscriber.lock();
  if (!target) return;
  Feed& feed = feedFor(seat.civ);
  const bool can_resume = last_tick && !feed.recent.empty() &&
                          feed.recent.front().first <= *last_tick + 1 && *last_tick <= state_.tick;
  if (can_resume) {
    for (const auto& [tick, msg] : feed.recent) {
      if (tick > *last_tick) target->deliver(msg);
    }
  } else {
    std::string view;
    if (seat.civ == game::kNone) {
      view = publicViewJson();
    } else {
      // The state has not changed since the last publish (commands only queue until the next
      // step), so for a feed with subscribers this is the view its digest already describes.
      game::View now = game::viewFor(state_, seat.civ);
      view = viewText(now);
      feed.held = digestOf(std::move(now));
    }
    target->deliver(std::make_shared<const std::string>(
        R"({"type":"snapshot","campaign":)" + std::to_string(id_) + R"(,"tick":)" +
        std::to_string(state_.tick) + R"(,"civ":)" + std::to_string(seat.civ) + R"(,"view":)" +
        view + "}"));
  }
  feed.subscribers.push_back(std::move(subscriber));
}

asio::awaitable<void> CampaignRuntime::unsubscribe(const Subscriber* subscriber) {
  auto body = [self = shared_from_this(), subscriber]() -> asio::awaitable<bool> {
    for (auto& [civ, feed] : self->feeds_) {
      const size_t before = feed.subscribers.size();
      std::erase_if(feed.subscribers, [&](const auto& w) {
        auto s = w.lock();
        return !s || s.get() == subscriber;
      });
      if (feed.subscribers.empty() && before > 0) feed.idle_since = self->state_.tick;
    }
    co_return true;
  };
  auto op = onStrand(strand_, std::move(body));
  co_await std::move(op);
}

asio::awaitable<Result<void>> CampaignRuntime::chat(int64_t user, std::string username,
                                                    std::string text) {
  auto body = [self = shared_from_this(), user, username = std::move(username),
               text = std::move(text)]() -> asio::awaitable<bool> {
    self->deliverTo(game::kNone, message({{"type", "chat"},
                                          {"campaign", self->id_},
                                          {"tick", self->state_.tick},
                                          {"user", user},
                                          {"username", username},
                                          {"text", text}}));
    co_return true;
  };
  auto op = onStrand(strand_, std::move(body));
  co_await std::move(op);
  co_return Result<void>{};
}

}  // namespace startales::campaign
