#include "cluster/node_registry.h"

#include "cluster/db_clock.h"
#include "store/database.h"

namespace startales::cluster {

NodeRegistry::NodeRegistry(store::Database& db, std::string name, std::string incarnation,
                           std::string address)
    : db_(db),
      name_(std::move(name)),
      incarnation_(std::move(incarnation)),
      address_(std::move(address)),
      now_(dbNowSql(db.backend())) {}

Result<void> NodeRegistry::join(int64_t live_window_ms) {
  // Taken when new, or when its last holder is silent: one statement, so two processes
  // starting with the same name at once cannot both win.
  auto r = db_.query(
      "INSERT INTO cluster_nodes (name, incarnation, address, started_at, heartbeat_at) VALUES "
      "($1, $2, $3, " + now_ + ", " + now_ + ") ON CONFLICT (name) DO UPDATE SET "
      "incarnation = excluded.incarnation, address = excluded.address, started_at = "
      "excluded.started_at, heartbeat_at = excluded.heartbeat_at, campaigns = 0, players = 0, "
      "draining = 0 WHERE cluster_nodes.heartbeat_at <= " + now_ + " - $4 RETURNING name",
      {name_, incarnation_, address_, live_window_ms});
  if (!r) return r.error();
  if (r->empty()) {
    return makeError("node_name_in_use",
                     "Another live node is named \"" + name_ +
                         "\": give each node its own STARTALES_NODE (or --node).");
  }
  return {};
}

Result<void> NodeRegistry::heartbeat(int campaigns, int players, bool draining) {
  auto r = db_.query("UPDATE cluster_nodes SET heartbeat_at = " + now_ +
                         ", campaigns = $3, players = $4, draining = $5 WHERE name = $1 AND "
                         "incarnation = $2",
                     {name_, incarnation_, int64_t{campaigns}, int64_t{players},
                      int64_t{draining ? 1 : 0}});
  if (!r) return r.error();
  if (r->affected == 0) {
    return makeError("node_name_in_use", "Another process took over the node name \"" + name_ +
                                             "\" while this one was silent.");
  }
  return {};
}

Result<std::vector<NodeInfo>> NodeRegistry::nodes(int64_t live_window_ms) {
  auto purge = db_.query("DELETE FROM cluster_nodes WHERE heartbeat_at < " + now_ + " - $1",
                         {live_window_ms * 10});
  if (!purge) return purge.error();
  auto r = db_.query(
      "SELECT name, address, started_at, heartbeat_at, campaigns, players, draining, "
      "CASE WHEN heartbeat_at > " + now_ + " - $1 THEN 1 ELSE 0 END FROM cluster_nodes "
      "ORDER BY name",
      {live_window_ms});
  if (!r) return r.error();
  std::vector<NodeInfo> out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) {
    out.push_back(NodeInfo{row.getText(0), row.getText(1), row.getInt(2), row.getInt(3),
                           static_cast<int>(row.getInt(4)), static_cast<int>(row.getInt(5)),
                           row.getInt(6) != 0, row.getInt(7) != 0});
  }
  return out;
}

Result<std::vector<int64_t>> NodeRegistry::orphanCampaigns(int limit) {
  auto r = db_.query(
      "SELECT c.id FROM campaigns c LEFT JOIN campaign_leases l ON l.campaign_id = c.id "
      "WHERE c.status = 'running' AND (l.campaign_id IS NULL OR l.expires_at <= " + now_ +
          ") ORDER BY c.id LIMIT $1",
      {int64_t{limit}});
  if (!r) return r.error();
  std::vector<int64_t> out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) out.push_back(row.getInt(0));
  return out;
}

Result<void> NodeRegistry::leave() {
  auto r = db_.query("DELETE FROM cluster_nodes WHERE name = $1 AND incarnation = $2",
                     {name_, incarnation_});
  if (!r) return r.error();
  return {};
}

}  // namespace startales::cluster
