#include "cluster/ownership.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.h"

namespace startales::cluster {

namespace asio = boost::asio;
using std::chrono::steady_clock;

struct Ownership::Metrics {
  explicit Metrics(prometheus::Registry& r)
      : acquired(counter(r, "cluster_lease_acquired_total",
                         "Campaign leases this node took (each a new epoch).")),
        takeovers(counter(r, "cluster_lease_takeovers_total",
                          "Leases this node took that had a holder before (epoch > 1: a handoff or a failure).")),
        renewals(counter(r, "cluster_lease_renewals_total",
                         "Lease renewal round trips that succeeded.")),
        renewal_failures(counter(r, "cluster_lease_renewal_failures_total",
                                 "Lease renewal round trips that failed (database unreachable).")),
        lost(counter(r, "cluster_lease_lost_total",
                     "Campaigns this node lost: fenced, taken over, or past its local deadline.")),
        handed_off(counter(r, "cluster_handoffs_total",
                           "Campaigns this node handed off (drain or rebalancing).")),
        owned(&prometheus::BuildGauge()
                   .Name("cluster_campaigns_owned")
                   .Help("Campaigns whose lease this node holds.")
                   .Register(r)
                   .Add({})) {}
  static prometheus::Counter* counter(prometheus::Registry& r, const char* name,
                                      const char* help) {
    return &prometheus::BuildCounter().Name(name).Help(help).Register(r).Add({});
  }
  prometheus::Counter *acquired, *takeovers, *renewals, *renewal_failures, *lost, *handed_off;
  prometheus::Gauge* owned;
};

Ownership::Ownership(const OwnershipConfig& config, Lease& lease, NodeRegistry& registry,
                     campaign::CampaignService& campaigns, WorkerPool& workers,
                     asio::io_context& io, std::function<int()> players)
    : config_(config),
      lease_(lease),
      registry_(registry),
      campaigns_(campaigns),
      workers_(workers),
      players_(std::move(players)),
      strand_(asio::make_strand(io)) {}

Ownership::~Ownership() = default;

void Ownership::registerMetrics(prometheus::Registry& registry) {
  metrics_ = std::make_unique<Metrics>(registry);
}

Result<void> Ownership::join() { return registry_.join(config_.lease_ttl.count()); }

namespace {
constexpr const char* kReleasedSubject = "st.cluster.released";
}  // namespace

void Ownership::connect(bus::Bus& bus, CampaignRelay& relay, RemoteCampaigns& remotes) {
  bus_ = &bus;
  relay_ = &relay;
  remotes_ = &remotes;
  auto sub = bus.subscribe(kReleasedSubject, "", [this](bus::Message) {
    asio::co_spawn(strand_, [this]() { return scanOnce(); }, asio::detached);
  });
  if (sub) {
    released_ = std::move(*sub);
  } else {  // the periodic scan still adopts them, a little later
    logging::warn("cannot hear released leases", {{"error", sub.error().message}});
  }
}

void Ownership::adopted(int64_t id, std::shared_ptr<campaign::CampaignRuntime> runtime) {
  if (relay_ == nullptr) return;
  if (auto served = relay_->serve(id, std::move(runtime)); !served) {
    // Players on this node still play; the others' requests get campaign_moved until the
    // bus is back and the campaign changes hands.
    logging::error("campaign not reachable from other nodes",
                   {{"campaign", id}, {"error", served.error().message}});
  }
}

std::shared_ptr<campaign::LiveCampaign> Ownership::remote(int64_t id) {
  return remotes_ != nullptr ? remotes_->open(id) : nullptr;
}

void Ownership::start() {
  auto self = this;
  asio::co_spawn(strand_, [self]() { return self->renewLoop(); }, asio::detached);
  asio::co_spawn(strand_, [self]() { return self->deadlineLoop(); }, asio::detached);
  asio::co_spawn(strand_, [self]() { return self->scanLoop(); }, asio::detached);
}

namespace {

asio::awaitable<void> sleepFor(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace

asio::awaitable<void> Ownership::renewLoop() {
  while (!stopped_) {
    co_await renewOnce();
    if (relay_ != nullptr) relay_->sweep();
    co_await sleepFor(config_.renew_every);
  }
}

asio::awaitable<void> Ownership::renewOnce() {
  std::vector<LeaseGrant> grants;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, h] : held_) grants.push_back(h.grant);
  }
  const int campaigns = static_cast<int>(grants.size());
  const int players = players_ ? players_() : 0;
  const bool draining = draining_;
  const auto sent = steady_clock::now();
  auto renew = [&]() -> Result<std::vector<LeaseGrant>> {
    // The heartbeat rides along: one worker job, two statements.
    if (auto beat = registry_.heartbeat(campaigns, players, draining); !beat) {
      logging::warn("cluster heartbeat failed", {{"error", beat.error().message}});
    }
    return lease_.renew(grants, config_.lease_ttl);
  };
  auto op = workers_.run(renew);
  auto renewed = co_await std::move(op);
  if (!renewed) {
    if (metrics_) metrics_->renewal_failures->Increment();
    logging::warn("lease renewal failed", {{"error", renewed.error().message},
                                           {"campaigns", static_cast<int64_t>(grants.size())}});
    co_return;  // the deadline loop stops what runs out
  }
  std::vector<int64_t> lost;
  {
    std::lock_guard lock(mu_);
    ++stats_.renewals;
    for (const auto& g : grants) {
      auto it = held_.find(g.campaign);
      if (it == held_.end() || it->second.grant.epoch != g.epoch) continue;  // dropped meanwhile
      const bool kept = std::any_of(renewed->begin(), renewed->end(), [&](const LeaseGrant& r) {
        return r.campaign == g.campaign && r.epoch == g.epoch;
      });
      if (kept) {
        it->second.deadline = sent + config_.local_deadline;
      } else {
        lost.push_back(g.campaign);
      }
    }
  }
  if (metrics_) metrics_->renewals->Increment();
  for (int64_t id : lost) {
    logging::warn("campaign lease lost: another node took it over", {{"campaign", id}});
    auto abandon_op = campaigns_.abandon(id);  // → dropped(id, true)
    co_await std::move(abandon_op);
  }
}

asio::awaitable<void> Ownership::deadlineLoop() {
  const auto period = std::max(std::chrono::milliseconds(50), config_.renew_every / 4);
  while (!stopped_) {
    co_await sleepFor(period);
    std::vector<int64_t> expired;
    const auto now = steady_clock::now();
    {
      std::lock_guard lock(mu_);
      for (const auto& [id, h] : held_) {
        if (h.deadline <= now) expired.push_back(id);
      }
    }
    for (int64_t id : expired) {
      logging::warn("campaign stopped: its lease could not be renewed in time", {{"campaign", id}});
      auto abandon_op = campaigns_.abandon(id);
      co_await std::move(abandon_op);
      // abandon() reports through dropped(); a campaign still loading is not live yet, so
      // forget its grant here too.
      dropped(id, true);
    }
  }
}

asio::awaitable<void> Ownership::scanLoop() {
  while (!stopped_) {
    co_await scanOnce();
    co_await sleepFor(config_.scan_every);
  }
}

asio::awaitable<void> Ownership::scanOnce() {
  if (draining_) co_return;
  const int64_t window = config_.lease_ttl.count();
  std::vector<NodeInfo> nodes;
  std::vector<int64_t> orphans;
  auto read = [&]() -> Result<void> {
    auto n = registry_.nodes(window);
    if (!n) return n.error();
    nodes = std::move(*n);
    auto o = registry_.orphanCampaigns(config_.adopt_per_scan * 8);
    if (!o) return o.error();
    orphans = std::move(*o);
    return {};
  };
  auto op = workers_.run(read);
  auto done = co_await std::move(op);
  if (!done) {
    logging::warn("cluster scan failed", {{"error", done.error().message}});
    co_return;
  }
  nodes_ = nodes;
  std::erase_if(orphans, [&](int64_t id) { return !adoptable(id); });
  auto mine = assignedToMe(orphans, nodes);
  if (mine.size() > static_cast<size_t>(config_.adopt_per_scan)) {
    mine.resize(static_cast<size_t>(config_.adopt_per_scan));
  }
  for (int64_t id : mine) co_await adoptOne(id);

  // Rebalancing: far more campaigns than the least-loaded live node → hand one off per scan.
  const NodeInfo* least = nullptr;
  for (const auto& n : nodes) {
    if (!n.live || n.draining || n.name == registry_.name()) continue;
    if (least == nullptr || n.campaigns < least->campaigns) least = &n;
  }
  // One handoff per TTL at most, so the others' heartbeats show it before the next decision
  // (their counts are a heartbeat old: deciding on stale ones would send campaigns to and fro).
  const auto live = campaigns_.liveEpochs();
  if (least != nullptr && static_cast<int>(live.size()) >= least->campaigns + 2 &&
      steady_clock::now() - last_rebalance_ >= config_.lease_ttl) {
    last_rebalance_ = steady_clock::now();
    const int64_t id = std::max_element(live.begin(), live.end())->first;
    logging::info("campaign handed off to even the load",
                  {{"campaign", id}, {"to", least->name}, {"here", static_cast<int64_t>(live.size())},
                   {"there", int64_t{least->campaigns}}});
    auto hand = campaigns_.handOff(id);
    (void)co_await std::move(hand);
  }
}

std::vector<int64_t> Ownership::assignedToMe(const std::vector<int64_t>& orphans,
                                             const std::vector<NodeInfo>& nodes) const {
  // Every node computes the same assignment from the same registry rows: orphans in id order,
  // each to the live, non-draining node with the fewest campaigns so far (ties by name).
  // This node's own count is its live one (the registry's is a heartbeat old); the others'
  // are as of their last heartbeat.
  std::vector<std::pair<int, std::string>> load;
  const int mine_now = static_cast<int>(owned() + adopting_.size());
  load.emplace_back(mine_now, registry_.name());
  for (const auto& n : nodes) {
    if (n.live && !n.draining && n.name != registry_.name()) load.emplace_back(n.campaigns, n.name);
  }
  std::vector<int64_t> mine;
  if (load.empty()) return mine;
  for (int64_t id : orphans) {
    auto best = std::min_element(load.begin(), load.end());
    if (best->second == registry_.name()) mine.push_back(id);
    best->first += 1;
  }
  return mine;
}

bool Ownership::adoptable(int64_t id) const {
  if (adopting_.count(id) > 0) return false;  // being taken or loaded (strand only)
  {
    std::lock_guard lock(mu_);
    if (held_.count(id) > 0) return false;
  }
  // Still live here although its lease went (lost, and its runtime not yet stopped): never
  // taken again under it, or the new epoch would fence the old runtime and the failed
  // adoption release the lease, over and over.
  for (const auto& [live, epoch] : campaigns_.liveEpochs()) {
    if (live == id) return false;
  }
  return true;
}

asio::awaitable<void> Ownership::adoptOne(int64_t id) {
  // A scan and a place() may both pick it: the second sees it here (strand only).
  if (!adoptable(id) || !adopting_.insert(id).second) co_return;
  struct Done {
    std::set<int64_t>& set;
    int64_t id;
    ~Done() { set.erase(id); }
  } done_adopting{adopting_, id};
  const auto sent = steady_clock::now();
  auto take = [&]() { return lease_.acquire(id, registry_.name(), config_.lease_ttl); };
  auto op = workers_.run(take);
  auto taken = co_await std::move(op);
  if (!taken) {
    logging::warn("lease acquire failed", {{"campaign", id}, {"error", taken.error().message}});
    co_return;
  }
  if (!*taken) co_return;  // another node was quicker
  const LeaseGrant grant = **taken;
  const bool takeover = grant.epoch > 1;  // someone held it before: a handoff or a failure
  {
    std::lock_guard lock(mu_);
    held_[id] = Held{grant, sent + config_.local_deadline};
    ++stats_.acquired;
    if (takeover) ++stats_.takeovers;
  }
  if (metrics_) {
    metrics_->acquired->Increment();
    if (takeover) metrics_->takeovers->Increment();
    metrics_->owned->Set(static_cast<double>(owned()));
  }
  auto adopt_op = campaigns_.adopt(id, grant.epoch);
  auto adopted = co_await std::move(adopt_op);
  if (!adopted) {
    logging::error("campaign adoption failed",
                   {{"campaign", id}, {"epoch", grant.epoch}, {"error", adopted.error().message}});
    dropped(id, false);
    co_return;
  }
  bool still_held = false;
  {
    std::lock_guard lock(mu_);
    auto it = held_.find(id);
    still_held = it != held_.end() && it->second.grant.epoch == grant.epoch;
  }
  if (!still_held) {
    // Its deadline passed (or the lease was lost) while it loaded: it must not run.
    logging::warn("campaign adopted after its lease ran out; stopping it", {{"campaign", id}});
    auto abandon_op = campaigns_.abandon(id);
    co_await std::move(abandon_op);
  }
}

void Ownership::place(int64_t id) {
  asio::co_spawn(
      strand_,
      [this, id]() -> asio::awaitable<void> {
        if (draining_) co_return;
        {
          std::lock_guard lock(mu_);
          if (held_.count(id) > 0) co_return;
        }
        // The cluster as it is now (a node that joined since the last scan counts); when
        // another node should adopt it, that node's next scan does.
        auto read = [&]() { return registry_.nodes(config_.lease_ttl.count()); };
        auto op = workers_.run(read);
        if (auto nodes = co_await std::move(op); nodes) nodes_ = std::move(*nodes);
        if (adoptable(id) && !assignedToMe({id}, nodes_).empty()) co_await adoptOne(id);
      },
      asio::detached);
}

void Ownership::dropped(int64_t id, bool lost) {
  if (relay_ != nullptr) relay_->stop(id);
  std::optional<LeaseGrant> release;
  {
    std::lock_guard lock(mu_);
    auto it = held_.find(id);
    if (it == held_.end()) return;
    if (lost) {
      ++stats_.lost;
    } else {
      ++stats_.handed_off;
      release = it->second.grant;
    }
    held_.erase(it);
  }
  if (metrics_) {
    (lost ? metrics_->lost : metrics_->handed_off)->Increment();
    metrics_->owned->Set(static_cast<double>(owned()));
  }
  if (release) releaseAsync(*release);
}

void Ownership::releaseAsync(LeaseGrant grant) {
  ++releases_in_flight_;
  asio::co_spawn(
      strand_,
      [this, grant]() -> asio::awaitable<void> {
        auto release = [&]() { return lease_.release(grant); };
        auto op = workers_.run(release);
        auto done = co_await std::move(op);
        --releases_in_flight_;
        if (done && bus_ != nullptr) (void)bus_->publish(kReleasedSubject, "{}");
        if (!done) {
          // It expires on its own within the TTL.
          logging::warn("lease release failed",
                        {{"campaign", grant.campaign}, {"error", done.error().message}});
        }
      },
      asio::detached);
}

asio::awaitable<void> Ownership::drain() {
  draining_ = true;
  const auto live = campaigns_.liveEpochs();
  logging::info("draining: handing campaigns off", {{"campaigns", static_cast<int64_t>(live.size())}});
  for (const auto& [id, epoch] : live) {
    auto op = campaigns_.handOff(id);
    (void)co_await std::move(op);
  }
  stopped_ = true;
  // The releases run on the strand: wait for them (bounded), so the next owners take over at
  // once rather than after the TTL.
  for (int i = 0; i < 100 && releases_in_flight_ > 0; ++i) {
    co_await sleepFor(std::chrono::milliseconds(20));
  }
  auto leave = [&]() { return registry_.leave(); };
  auto op = workers_.run(leave);
  if (auto left = co_await std::move(op); !left) {
    logging::warn("leaving the cluster registry failed", {{"error", left.error().message}});
  }
}

OwnershipStats Ownership::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

size_t Ownership::owned() const {
  std::lock_guard lock(mu_);
  return held_.size();
}

}  // namespace startales::cluster
