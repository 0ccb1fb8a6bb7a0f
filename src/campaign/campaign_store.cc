#include "campaign/campaign_store.h"

#include <algorithm>
#include <array>
#include <map>

#include "common/base64.h"
#include "store/database.h"

namespace startales::campaign {

namespace {

constexpr std::array<std::string_view, 4> kStatusNames = {"lobby", "running", "paused",
                                                          "finished"};
constexpr std::array<std::string_view, 2> kRoleNames = {"player", "observer"};

template <typename Enum, size_t N>
std::optional<Enum> parseName(const std::array<std::string_view, N>& names, std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

store::Value stored(std::string_view name) { return std::string(name); }

Error unknownStored(int64_t campaign, const char* what, const std::string& value) {
  return makeError("campaign_corrupt", "Campaign " + std::to_string(campaign) +
                                           " has an unknown " + what + " \"" + value +
                                           "\" in the database.");
}

constexpr const char* kCampaignColumns =
    "id, name, mode, visibility, invite_code, host_user_id, status, systems, ai_empires, "
    "max_players, tick_ms, seed, tick, created_at, started_at";

Result<CampaignRecord> campaignFrom(const store::Row& r) {
  CampaignRecord c;
  c.id = r.getInt(0);
  auto status = parseStatus(r.getText(6));
  if (!status) return unknownStored(c.id, "status", r.getText(6));
  c.status = *status;
  c.settings.name = r.getText(1);
  c.settings.mode = r.getText(2);
  c.settings.visibility = r.getText(3);
  c.invite_code = r.getText(4);
  c.host_user_id = r.getInt(5);
  c.settings.systems = static_cast<int32_t>(r.getInt(7));
  c.settings.ai_empires = static_cast<int32_t>(r.getInt(8));
  c.settings.max_players = static_cast<int32_t>(r.getInt(9));
  c.settings.tick_ms = static_cast<int32_t>(r.getInt(10));
  c.settings.seed = r.getInt(11);
  c.tick = static_cast<int32_t>(r.getInt(12));
  c.created_at_ms = r.getInt(13);
  c.started_at_ms = r.getInt(14);
  return c;
}

// Every row decoded, or the first one that does not decode.
Result<std::vector<CampaignRecord>> campaignsFrom(const std::vector<store::Row>& rows) {
  std::vector<CampaignRecord> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    auto c = campaignFrom(row);
    if (!c) return c.error();
    out.push_back(std::move(*c));
  }
  return out;
}

constexpr const char* kCommandColumns =
    "seq, tick, user_id, civ, command, created_at, refusal, client_id";

LoggedCommand commandFrom(const store::Row& r) {
  return LoggedCommand{r.getInt(0),  static_cast<int32_t>(r.getInt(1)),
                       r.getInt(2),  static_cast<int32_t>(r.getInt(3)),
                       r.getText(4), r.getInt(5),
                       r.getText(6), r.getText(7)};
}

store::Value nullableText(const std::string& s) {
  return s.empty() ? store::Value{} : store::Value{s};
}

}  // namespace

std::string_view statusName(CampaignStatus status) {
  return kStatusNames.at(static_cast<size_t>(status));
}
std::optional<CampaignStatus> parseStatus(std::string_view name) {
  return parseName<CampaignStatus>(kStatusNames, name);
}
std::string_view roleName(MemberRole role) { return kRoleNames.at(static_cast<size_t>(role)); }
std::optional<MemberRole> parseMemberRole(std::string_view name) {
  return parseName<MemberRole>(kRoleNames, name);
}

Result<CampaignRecord> CampaignStore::create(const CampaignSettings& s, int64_t host,
                                             const std::string& invite_code,
                                             const Member& host_member, int64_t now_ms) {
  CampaignRecord record;
  auto done = db_.transaction([&](store::Connection& c) -> Result<void> {
    auto r = c.query(
        "INSERT INTO campaigns (name, mode, visibility, invite_code, host_user_id, status, "
        "systems, ai_empires, max_players, tick_ms, seed, tick, created_at) "
        "VALUES ($1, $2, $3, $4, $5, 'lobby', $6, $7, $8, $9, $10, 0, $11) RETURNING id",
        {s.name, s.mode, s.visibility, nullableText(invite_code), host, int64_t{s.systems},
         int64_t{s.ai_empires}, int64_t{s.max_players}, int64_t{s.tick_ms}, s.seed, now_ms});
    if (!r) return r.error();
    record.id = r->rows.front().getInt(0);
    auto m = c.query(
        "INSERT INTO campaign_members (campaign_id, user_id, role, civ_name, color, ready, "
        "joined_at) VALUES ($1, $2, $3, $4, $5, 0, $6)",
        {record.id, host, stored(roleName(host_member.role)), host_member.civ_name, host_member.color, now_ms});
    if (!m) return m.error();
    return {};
  });
  if (!done) return done.error();
  record.settings = s;
  record.invite_code = invite_code;
  record.host_user_id = host;
  record.created_at_ms = now_ms;
  return record;
}

Result<std::optional<CampaignRecord>> CampaignStore::find(int64_t id) {
  auto r = db_.query(std::string("SELECT ") + kCampaignColumns + " FROM campaigns WHERE id = $1",
                     {id});
  if (!r) return r.error();
  if (r->empty()) return std::optional<CampaignRecord>();
  auto record = campaignFrom(r->rows.front());
  if (!record) return record.error();
  return std::optional<CampaignRecord>(std::move(*record));
}

Result<int64_t> CampaignStore::countHosted(int64_t host) {
  auto r = db_.query("SELECT COUNT(*) FROM campaigns WHERE host_user_id = $1 AND status <> 'finished'",
                     {host});
  if (!r) return r.error();
  return r->empty() ? int64_t{0} : r->rows.front().getInt(0);
}

Result<std::vector<CampaignRecord>> CampaignStore::list(const CampaignFilter& f) {
  std::string sql = std::string("SELECT ") + kCampaignColumns + " FROM campaigns c WHERE " +
                    "(c.visibility = 'public' OR EXISTS (SELECT 1 FROM campaign_members m "
                    "WHERE m.campaign_id = c.id AND m.user_id = $1))";
  store::Params params{f.viewer};
  if (f.status) {
    params.emplace_back(stored(statusName(*f.status)));
    sql += " AND c.status = $" + std::to_string(params.size());
  }
  if (f.member) {
    params.emplace_back(*f.member);
    sql += " AND EXISTS (SELECT 1 FROM campaign_members m WHERE m.campaign_id = c.id AND "
           "m.user_id = $" + std::to_string(params.size()) + ")";
  }
  params.emplace_back(int64_t{f.limit});
  sql += " ORDER BY c.id DESC LIMIT $" + std::to_string(params.size());
  auto r = db_.query(sql, params);
  if (!r) return r.error();
  return campaignsFrom(r->rows);
}

Result<std::vector<CampaignRecord>> CampaignStore::active(bool include_paused) {
  auto r = db_.query(std::string("SELECT ") + kCampaignColumns + " FROM campaigns WHERE status " +
                     (include_paused ? "IN ('running', 'paused')" : "= 'running'") + " ORDER BY id");
  if (!r) return r.error();
  return campaignsFrom(r->rows);
}

Result<void> CampaignStore::remove(int64_t id) {
  auto r = db_.query("DELETE FROM campaigns WHERE id = $1", {id});
  if (!r) return r.error();
  return {};
}

Result<std::vector<Member>> CampaignStore::members(int64_t campaign) {
  auto r = db_.query(
      "SELECT m.user_id, u.username, m.role, m.civ_name, m.color, m.civ, m.ready, m.joined_at "
      "FROM campaign_members m JOIN users u ON u.id = m.user_id WHERE m.campaign_id = $1 "
      "ORDER BY m.joined_at, m.user_id",
      {campaign});
  if (!r) return r.error();
  std::vector<Member> out;
  for (const auto& row : r->rows) {
    Member m;
    m.user_id = row.getInt(0);
    m.username = row.getText(1);
    auto role = parseMemberRole(row.getText(2));
    if (!role) return unknownStored(campaign, "member role", row.getText(2));
    m.role = *role;
    m.civ_name = row.getText(3);
    m.color = row.getText(4);
    m.civ = row.isNull(5) ? -1 : static_cast<int32_t>(row.getInt(5));
    m.ready = row.getInt(6) != 0;
    m.joined_at_ms = row.getInt(7);
    out.push_back(std::move(m));
  }
  return out;
}

Result<void> CampaignStore::addMember(int64_t campaign, const Member& m) {
  auto r = db_.query(
      "INSERT INTO campaign_members (campaign_id, user_id, role, civ_name, color, ready, "
      "joined_at) VALUES ($1, $2, $3, $4, $5, 0, $6)",
      {campaign, m.user_id, stored(roleName(m.role)), m.civ_name, m.color, m.joined_at_ms});
  if (!r) {
    if (r.error().code == "db_constraint") {
      return makeError("already_joined", "You have already joined this campaign.");
    }
    return r.error();
  }
  return {};
}

Result<void> CampaignStore::removeMember(int64_t campaign, int64_t user) {
  auto r = db_.query("DELETE FROM campaign_members WHERE campaign_id = $1 AND user_id = $2",
                     {campaign, user});
  if (!r) return r.error();
  return {};
}

Result<void> CampaignStore::setReady(int64_t campaign, int64_t user, bool ready) {
  auto r = db_.query(
      "UPDATE campaign_members SET ready = $3 WHERE campaign_id = $1 AND user_id = $2",
      {campaign, user, int64_t{ready ? 1 : 0}});
  if (!r) return r.error();
  return {};
}

Result<void> CampaignStore::setStatus(int64_t campaign, CampaignStatus status) {
  auto r = db_.query("UPDATE campaigns SET status = $2 WHERE id = $1",
                     {campaign, stored(statusName(status))});
  if (!r) return r.error();
  return {};
}

Result<void> CampaignStore::start(int64_t campaign,
                                  const std::vector<std::pair<int64_t, int32_t>>& civs,
                                  int64_t now_ms) {
  return db_.transaction([&](store::Connection& c) -> Result<void> {
    auto r = c.query(
        "UPDATE campaigns SET status = 'running', started_at = $2 WHERE id = $1 AND "
        "status = 'lobby'",
        {campaign, now_ms});
    if (!r) return r.error();
    if (r->affected != 1) {
      return makeError("invalid_state", "The campaign has already started.");
    }
    for (const auto& [user, civ] : civs) {
      auto m = c.query(
          "UPDATE campaign_members SET civ = $3 WHERE campaign_id = $1 AND user_id = $2",
          {campaign, user, int64_t{civ}});
      if (!m) return m.error();
    }
    return {};
  });
}

Result<void> CampaignStore::appendCommands(int64_t campaign,
                                           const std::vector<LoggedCommand>& commands) {
  return appendBatches({CommandBatch{campaign, &commands}});
}

namespace {

constexpr size_t kCommandInsertColumns = 9;

// "INSERT ... VALUES ($1..$9), ($10..$18), ..." for `rows` rows.
std::string insertCommandsSql(size_t rows) {
  std::string sql =
      "INSERT INTO campaign_commands (campaign_id, seq, tick, user_id, civ, command, "
      "created_at, epoch, client_id) VALUES ";
  for (size_t r = 0; r < rows; ++r) {
    if (r > 0) sql += ", ";
    sql += '(';
    for (size_t c = 0; c < kCommandInsertColumns; ++c) {
      if (c > 0) sql += ", ";
      sql += '$' + std::to_string(r * kCommandInsertColumns + c + 1);
    }
    sql += ')';
  }
  return sql;
}

// Rows per INSERT statement, largest first: a few fixed sizes, so each connection's statement
// cache holds three statements, not one per batch size. 16 rows are 144 parameters, well under
// SQLite's (999 before 3.32) and PostgreSQL's (65535) limits; SQLite looks placeholder names up
// linearly, so much longer statements cost more to bind than they save.
constexpr std::array<size_t, 3> kInsertRows{16, 4, 1};

const std::string& insertCommandsSqlFor(size_t index) {
  static const std::array<std::string, kInsertRows.size()> sql{
      insertCommandsSql(kInsertRows[0]), insertCommandsSql(kInsertRows[1]),
      insertCommandsSql(kInsertRows[2])};
  return sql[index];
}

Result<void> updateRefusals(store::Connection& c, int64_t campaign,
                           const std::vector<Refusal>& refusals) {
  for (const auto& r : refusals) {
    auto u = c.query("UPDATE campaign_commands SET refusal = $3 WHERE campaign_id = $1 AND seq = $2",
                     {campaign, r.seq, r.reason});
    if (!u) return u.error();
  }
  return {};
}

// Fails with "db_fenced" unless each (campaign, epoch) is its campaign's current lease epoch
// (0: no lease row), and on PostgreSQL keeps the lease rows locked FOR SHARE until the
// transaction ends, so no takeover commits before this transaction's writes do.
Result<void> checkEpochs(store::Connection& c, bool postgres,
                         const std::vector<std::pair<int64_t, int64_t>>& epochs) {
  std::string sql = "SELECT campaign_id, epoch FROM campaign_leases WHERE campaign_id IN (";
  store::Params params;
  for (size_t i = 0; i < epochs.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += '$' + std::to_string(i + 1);
    params.emplace_back(epochs[i].first);
  }
  sql += postgres ? ") FOR SHARE" : ")";
  auto r = c.query(sql, params);
  if (!r) return r.error();
  std::map<int64_t, int64_t> current;
  for (const auto& row : r->rows) current[row.getInt(0)] = row.getInt(1);
  for (const auto& [campaign, epoch] : epochs) {
    const auto it = current.find(campaign);
    const int64_t now = it == current.end() ? 0 : it->second;
    if (now != epoch) {
      return makeError("db_fenced", "Campaign " + std::to_string(campaign) + ": lease epoch " +
                                        std::to_string(epoch) + " is stale (current epoch " +
                                        std::to_string(now) + ").");
    }
  }
  return {};
}

}  // namespace

Result<void> CampaignStore::appendBatches(const std::vector<CommandBatch>& batches) {
  struct RowRef {
    int64_t campaign;
    int64_t epoch;
    const LoggedCommand* command;
  };
  std::vector<RowRef> rows;
  bool fenced = false;
  for (const auto& b : batches) {
    for (const auto& c : *b.commands) rows.push_back({b.campaign, b.epoch, &c});
    fenced = fenced || b.epoch > 0;
  }
  const bool other_work = std::any_of(batches.begin(), batches.end(), [](const CommandBatch& b) {
    return b.discard_from < b.discard_to || (b.refusals != nullptr && !b.refusals->empty());
  });
  if (rows.empty() && !other_work) return {};
  return db_.transaction([&](store::Connection& c) -> Result<void> {
    if (fenced) {
      std::vector<std::pair<int64_t, int64_t>> epochs;
      for (const auto& b : batches) epochs.emplace_back(b.campaign, b.epoch);
      if (auto ok = checkEpochs(c, db_.backend() == "postgres", epochs); !ok) return ok;
    }
    for (const auto& b : batches) {
      if (b.discard_from >= b.discard_to) continue;
      auto d = c.query(
          "DELETE FROM campaign_commands WHERE campaign_id = $1 AND seq >= $2 AND seq < $3",
          {b.campaign, b.discard_from, b.discard_to});
      if (!d) return d.error();
    }
    store::Params params;
    size_t next = 0;
    for (size_t size_index = 0; size_index < kInsertRows.size(); ++size_index) {
      const size_t chunk = kInsertRows[size_index];
      while (rows.size() - next >= chunk) {
        params.clear();
        params.reserve(chunk * kCommandInsertColumns);
        for (size_t i = next; i < next + chunk; ++i) {
          const auto& cmd = *rows[i].command;
          params.emplace_back(rows[i].campaign);
          params.emplace_back(cmd.seq);
          params.emplace_back(int64_t{cmd.tick});
          params.emplace_back(cmd.user_id);
          params.emplace_back(int64_t{cmd.civ});
          params.emplace_back(cmd.command);
          params.emplace_back(cmd.created_at_ms);
          params.emplace_back(rows[i].epoch);
          if (cmd.client_id.empty()) {
            params.emplace_back(std::monostate{});
          } else {
            params.emplace_back(cmd.client_id);
          }
        }
        auto r = c.query(insertCommandsSqlFor(size_index), params);
        if (!r) return r.error();
        next += chunk;
      }
    }
    for (const auto& b : batches) {
      if (b.refusals == nullptr) continue;
      if (auto r = updateRefusals(c, b.campaign, *b.refusals); !r) return r;
    }
    return {};
  });
}

Result<void> CampaignStore::recordRefusals(int64_t campaign, const std::vector<Refusal>& refusals) {
  if (refusals.empty()) return {};
  return db_.transaction(
      [&](store::Connection& c) { return updateRefusals(c, campaign, refusals); });
}

Result<std::vector<LoggedCommand>> CampaignStore::recentClientCommands(int64_t campaign,
                                                                       int32_t limit) {
  // Walks the primary key (campaign_id, seq) backwards; stops after `limit` matches.
  auto r = db_.query(std::string("SELECT ") + kCommandColumns +
                         " FROM campaign_commands WHERE campaign_id = $1 AND client_id IS NOT "
                         "NULL ORDER BY seq DESC LIMIT $2",
                     {campaign, int64_t{limit}});
  if (!r) return r.error();
  std::vector<LoggedCommand> out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) out.push_back(commandFrom(row));
  return out;
}

Result<std::vector<LoggedCommand>> CampaignStore::commandsAfter(int64_t campaign, int64_t after,
                                                                std::optional<int64_t> user,
                                                                int32_t limit) {
  std::string sql = std::string("SELECT ") + kCommandColumns +
                    " FROM campaign_commands WHERE campaign_id = $1 AND seq > $2";
  store::Params params{campaign, after};
  if (user) {
    params.emplace_back(*user);
    sql += " AND user_id = $3";
  }
  params.emplace_back(int64_t{limit});
  sql += " ORDER BY seq LIMIT $" + std::to_string(params.size());
  auto r = db_.query(sql, params);
  if (!r) return r.error();
  std::vector<LoggedCommand> out;
  for (const auto& row : r->rows) out.push_back(commandFrom(row));
  return out;
}

Result<std::vector<LoggedCommand>> CampaignStore::commandsSinceTick(int64_t campaign,
                                                                    int32_t tick) {
  auto r = db_.query(std::string("SELECT ") + kCommandColumns +
                         " FROM campaign_commands WHERE campaign_id = $1 AND tick > $2 ORDER BY seq",
                     {campaign, int64_t{tick}});
  if (!r) return r.error();
  std::vector<LoggedCommand> out;
  for (const auto& row : r->rows) out.push_back(commandFrom(row));
  return out;
}

Result<void> CampaignStore::saveSnapshot(int64_t campaign, const Snapshot& s, int64_t now_ms,
                                         int keep) {
  return db_.transaction([&](store::Connection& c) -> Result<void> {
    if (s.epoch > 0) {
      if (auto ok = checkEpochs(c, db_.backend() == "postgres", {{campaign, s.epoch}}); !ok) {
        return ok;
      }
    }
    auto r = c.query(
        "INSERT INTO campaign_snapshots (campaign_id, tick, state_hash, data, created_at, epoch) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (campaign_id, tick) DO UPDATE SET "
        "state_hash = excluded.state_hash, data = excluded.data, created_at = excluded.created_at, "
        "epoch = excluded.epoch",
        {campaign, int64_t{s.tick}, s.state_hash, base64Encode(s.data), now_ms, s.epoch});
    if (!r) return r.error();
    auto t = c.query("UPDATE campaigns SET tick = $2 WHERE id = $1", {campaign, int64_t{s.tick}});
    if (!t) return t.error();
    auto d = c.query(
        "DELETE FROM campaign_snapshots WHERE campaign_id = $1 AND tick < (SELECT MIN(tick) FROM "
        "(SELECT tick FROM campaign_snapshots WHERE campaign_id = $1 ORDER BY tick DESC "
        "LIMIT $2) AS newest)",
        {campaign, int64_t{keep}});
    if (!d) return d.error();
    return {};
  });
}

Result<std::optional<Snapshot>> CampaignStore::latestSnapshotInfo(int64_t campaign) {
  auto r = db_.query(
      "SELECT tick, state_hash FROM campaign_snapshots WHERE campaign_id = $1 "
      "ORDER BY tick DESC LIMIT 1",
      {campaign});
  if (!r) return r.error();
  if (r->empty()) return std::optional<Snapshot>();
  const auto& row = r->rows.front();
  return std::optional<Snapshot>(Snapshot{static_cast<int32_t>(row.getInt(0)), row.getText(1), ""});
}

Result<std::optional<Snapshot>> CampaignStore::latestSnapshot(int64_t campaign) {
  auto r = db_.query(
      "SELECT tick, state_hash, data FROM campaign_snapshots WHERE campaign_id = $1 "
      "ORDER BY tick DESC LIMIT 1",
      {campaign});
  if (!r) return r.error();
  if (r->empty()) return std::optional<Snapshot>();
  const auto& row = r->rows.front();
  auto data = base64Decode(row.getText(2));
  if (!data) {
    return makeError("snapshot_corrupt", "The snapshot of campaign " + std::to_string(campaign) +
                                             " at tick " + row.getText(0) +
                                             " is not valid base64.");
  }
  return std::optional<Snapshot>(
      Snapshot{static_cast<int32_t>(row.getInt(0)), row.getText(1), std::move(*data)});
}

}  // namespace startales::campaign

namespace startales::campaign {

Result<std::vector<Snapshot>> CampaignStore::snapshots(int64_t campaign) {
  auto r = db_.query(
      "SELECT tick, state_hash, data FROM campaign_snapshots WHERE campaign_id = $1 "
      "ORDER BY tick DESC",
      {campaign});
  if (!r) return r.error();
  std::vector<Snapshot> out;
  for (const auto& row : r->rows) {
    auto data = base64Decode(row.getText(2));
    out.push_back(Snapshot{static_cast<int32_t>(row.getInt(0)), row.getText(1),
                           data ? std::move(*data) : std::string()});
  }
  return out;
}

}  // namespace startales::campaign
