#include <algorithm>
#include <string>

#include "cluster/db_clock.h"
#include "cluster/lease.h"
#include "store/database.h"

namespace startales::cluster {
namespace {

class DbLease final : public Lease {
 public:
  explicit DbLease(store::Database& db) : db_(db), now_(dbNowSql(db.backend())) {}

  Result<std::optional<LeaseGrant>> acquire(int64_t campaign, const std::string& holder,
                                            std::chrono::milliseconds ttl) override {
    // One statement: the row is created, or taken over when expired or released.
    auto r = db_.query(
        "INSERT INTO campaign_leases (campaign_id, holder, epoch, expires_at) VALUES ($1, $2, 1, " +
            now_ + " + $3) ON CONFLICT (campaign_id) DO UPDATE SET holder = excluded.holder, "
                   "epoch = campaign_leases.epoch + 1, expires_at = excluded.expires_at "
                   "WHERE campaign_leases.expires_at <= " +
            now_ + " RETURNING epoch, expires_at",
        {campaign, holder, static_cast<int64_t>(ttl.count())});
    if (!r) {
      // The campaign was deleted meanwhile (foreign key): nothing to hold.
      if (r.error().code == "db_constraint") return std::optional<LeaseGrant>();
      return r.error();
    }
    if (r->empty()) return std::optional<LeaseGrant>();
    const auto& row = r->rows.front();
    return std::optional<LeaseGrant>(LeaseGrant{campaign, holder, row.getInt(0), row.getInt(1)});
  }

  Result<std::vector<LeaseGrant>> renew(const std::vector<LeaseGrant>& grants,
                                        std::chrono::milliseconds ttl) override {
    std::vector<LeaseGrant> renewed;
    renewed.reserve(grants.size());
    // A few hundred per statement: few round trips, statements of bounded size.
    constexpr size_t kPerStatement = 200;
    for (size_t from = 0; from < grants.size(); from += kPerStatement) {
      const size_t to = std::min(grants.size(), from + kPerStatement);
      // (campaign_id = $3 AND epoch = $4) OR ...: only the exact grants, so a lease taken
      // over (new epoch) is never extended by its former holder.
      std::string sql =
          "UPDATE campaign_leases SET expires_at = " + now_ + " + $1 WHERE holder = $2 AND (";
      store::Params params{static_cast<int64_t>(ttl.count()), grants[from].holder};
      for (size_t i = from; i < to; ++i) {
        if (i > from) sql += " OR ";
        sql += "(campaign_id = $" + std::to_string(params.size() + 1) + " AND epoch = $" +
               std::to_string(params.size() + 2) + ")";
        params.emplace_back(grants[i].campaign);
        params.emplace_back(grants[i].epoch);
      }
      sql += ") RETURNING campaign_id, epoch, expires_at";
      auto r = db_.query(sql, params);
      if (!r) return r.error();
      for (const auto& row : r->rows) {
        renewed.push_back(
            LeaseGrant{row.getInt(0), grants[from].holder, row.getInt(1), row.getInt(2)});
      }
    }
    return renewed;
  }

  Result<void> release(const LeaseGrant& grant) override {
    auto r = db_.query(
        "UPDATE campaign_leases SET expires_at = 0 WHERE campaign_id = $1 AND holder = $2 AND "
        "epoch = $3",
        {grant.campaign, grant.holder, grant.epoch});
    if (!r) return r.error();
    return {};
  }

  Result<std::vector<LeaseGrant>> all() override {
    auto r = db_.query(
        "SELECT campaign_id, holder, epoch, expires_at FROM campaign_leases ORDER BY campaign_id");
    if (!r) return r.error();
    std::vector<LeaseGrant> out;
    out.reserve(r->rows.size());
    for (const auto& row : r->rows) {
      out.push_back(LeaseGrant{row.getInt(0), row.getText(1), row.getInt(2), row.getInt(3)});
    }
    return out;
  }

  Result<int64_t> now() override {
    auto r = db_.query("SELECT " + now_);
    if (!r) return r.error();
    return r->rows.front().getInt(0);
  }

 private:
  store::Database& db_;
  const std::string now_;  // SQL for the database's clock, ms
};

}  // namespace

std::unique_ptr<Lease> makeDbLease(store::Database& db) { return std::make_unique<DbLease>(db); }

}  // namespace startales::cluster
