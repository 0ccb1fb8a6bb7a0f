#include <map>
#include <mutex>

#include "cluster/lease.h"

namespace startales::cluster {
namespace {

// The same rules as DbLease, in a map guarded by a mutex.
class MemoryLease final : public Lease {
 public:
  explicit MemoryLease(const Clock& clock) : clock_(clock) {}

  Result<std::optional<LeaseGrant>> acquire(int64_t campaign, const std::string& holder,
                                            std::chrono::milliseconds ttl) override {
    std::lock_guard lock(mu_);
    const int64_t now = clock_.nowMs();
    auto [it, fresh] = leases_.try_emplace(campaign, LeaseGrant{campaign, holder, 0, 0});
    LeaseGrant& lease = it->second;
    if (!fresh && lease.expires_at_ms > now) {
      return std::optional<LeaseGrant>();
    }
    lease.holder = holder;
    lease.epoch += 1;
    lease.expires_at_ms = now + ttl.count();
    return std::optional<LeaseGrant>(lease);
  }

  Result<std::vector<LeaseGrant>> renew(const std::vector<LeaseGrant>& grants,
                                        std::chrono::milliseconds ttl) override {
    std::lock_guard lock(mu_);
    std::vector<LeaseGrant> renewed;
    for (const auto& g : grants) {
      auto it = leases_.find(g.campaign);
      if (it == leases_.end() || it->second.holder != g.holder || it->second.epoch != g.epoch) {
        continue;
      }
      it->second.expires_at_ms = clock_.nowMs() + ttl.count();
      renewed.push_back(it->second);
    }
    return renewed;
  }

  Result<void> release(const LeaseGrant& grant) override {
    std::lock_guard lock(mu_);
    auto it = leases_.find(grant.campaign);
    if (it != leases_.end() && it->second.holder == grant.holder &&
        it->second.epoch == grant.epoch) {
      it->second.expires_at_ms = 0;
    }
    return {};
  }

  Result<std::vector<LeaseGrant>> all() override {
    std::lock_guard lock(mu_);
    std::vector<LeaseGrant> out;
    for (const auto& [id, lease] : leases_) out.push_back(lease);
    return out;
  }

  Result<int64_t> now() override { return clock_.nowMs(); }

 private:
  const Clock& clock_;
  std::mutex mu_;
  std::map<int64_t, LeaseGrant> leases_;  // guarded by mu_
};

}  // namespace

std::unique_ptr<Lease> makeMemoryLease(const Clock& clock) {
  return std::make_unique<MemoryLease>(clock);
}

}  // namespace startales::cluster
