#pragma once

// Campaigns in the database: lobby records, members, the durable command log and snapshots.
// Blocking: call from a worker pool, never from a network thread or a campaign strand.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace startales::store {
class Database;
}

namespace startales::campaign {

struct CampaignSettings {
  std::string name;
  std::string mode = "coop";         // coop | conquest
  std::string visibility = "public";  // public | private
  int32_t systems = 100;
  int32_t ai_empires = 3;
  int32_t max_players = 4;  // 1..16
  int32_t tick_ms = 1000;   // real milliseconds per game tick
  int64_t seed = 0;
};

// Where a campaign is in its life. Stored and sent on the wire by statusName().
enum class CampaignStatus { kLobby, kRunning, kPaused, kFinished };
std::string_view statusName(CampaignStatus status);  // "lobby" | "running" | "paused" | "finished"
std::optional<CampaignStatus> parseStatus(std::string_view name);

// A member plays a civilization or watches. Stored and sent by roleName().
enum class MemberRole { kPlayer, kObserver };
std::string_view roleName(MemberRole role);  // "player" | "observer"
std::optional<MemberRole> parseMemberRole(std::string_view name);

struct CampaignRecord {
  int64_t id = 0;
  CampaignSettings settings;
  std::string invite_code;  // empty for public campaigns
  int64_t host_user_id = 0;
  CampaignStatus status = CampaignStatus::kLobby;
  int32_t tick = 0;  // tick of the latest snapshot
  int64_t created_at_ms = 0;
  int64_t started_at_ms = 0;  // 0 until started
};

struct Member {
  int64_t user_id = 0;
  std::string username;
  MemberRole role = MemberRole::kPlayer;
  std::string civ_name;
  std::string color;  // "#rrggbb"
  int32_t civ = -1;   // civilization id once started; -1 before or for observers
  bool ready = false;
  int64_t joined_at_ms = 0;
};

struct LoggedCommand {
  int64_t seq = 0;
  int32_t tick = 0;  // the tick that applies it
  int64_t user_id = 0;
  int32_t civ = 0;
  std::string command;  // JSON
  int64_t created_at_ms = 0;
  std::string refusal;  // the game's sentence when it was refused at its tick; empty otherwise
  std::string client_id;  // the client's id for the command (retries dedupe on it); may be empty
};

// A logged command the game refused at the tick that applied it.
struct Refusal {
  int64_t seq = 0;
  std::string reason;
};

struct Snapshot {
  int32_t tick = 0;
  std::string state_hash;  // 16 hex digits
  std::string data;        // the game's binary snapshot
  int64_t epoch = 0;       // the writer's lease epoch (0: unfenced, `serve`); see saveSnapshot
};

struct CampaignFilter {
  std::optional<CampaignStatus> status;
  std::optional<int64_t> member;  // only campaigns this user belongs to
  int64_t viewer = 0;  // private campaigns are listed only to their members
  int32_t limit = 100;
};

class CampaignStore {
 public:
  explicit CampaignStore(store::Database& db) : db_(db) {}

  // Creates the campaign with the host as its first member (a player).
  Result<CampaignRecord> create(const CampaignSettings& settings, int64_t host,
                                const std::string& invite_code, const Member& host_member,
                                int64_t now_ms);
  Result<std::optional<CampaignRecord>> find(int64_t id);
  // Campaigns `host` hosts now (lobby, running or paused; deleted ones are gone).
  Result<int64_t> countHosted(int64_t host);
  Result<std::vector<CampaignRecord>> list(const CampaignFilter& filter);
  // Campaigns a server should be simulating: running ones, and paused ones too when
  // `include_paused` (paused campaigns otherwise stay suspended in storage).
  Result<std::vector<CampaignRecord>> active(bool include_paused = false);
  Result<void> remove(int64_t id);

  Result<std::vector<Member>> members(int64_t campaign);
  // Error "already_joined" when the user is a member.
  Result<void> addMember(int64_t campaign, const Member& member);
  Result<void> removeMember(int64_t campaign, int64_t user);
  Result<void> setReady(int64_t campaign, int64_t user, bool ready);
  Result<void> setStatus(int64_t campaign, CampaignStatus status);
  // Marks the campaign running and records each player's civilization, atomically.
  Result<void> start(int64_t campaign, const std::vector<std::pair<int64_t, int32_t>>& civs,
                     int64_t now_ms);

  // Appends commands in one transaction (group commit).
  Result<void> appendCommands(int64_t campaign, const std::vector<LoggedCommand>& commands);
  // Appends several campaigns' commands in one transaction (the group commit across
  // campaigns, see command_log.h): all or none. Per batch, in this order: deletes the records
  // with seq in [discard_from, discard_to) (an earlier write of the campaign whose COMMIT
  // failed, so it may or may not be in the log), inserts `commands`, records `refusals`.
  //
  // Fencing: each batch carries its writer's lease epoch. When any batch has one (> 0, a
  // cluster node), the transaction first locks the campaigns' lease rows and fails with
  // "db_fenced" unless every batch's epoch is its campaign's current one; the database's
  // trigger (migration 0007) refuses a stale insert in any case. Epoch 0 (`serve`, no lease
  // rows) is checked by the trigger only.
  struct CommandBatch {
    int64_t campaign = 0;
    const std::vector<LoggedCommand>* commands = nullptr;  // not null
    const std::vector<Refusal>* refusals = nullptr;        // nullable
    int64_t discard_from = 0, discard_to = 0;              // empty range: nothing to discard
    int64_t epoch = 0;                                     // the writer's lease epoch
  };
  Result<void> appendBatches(const std::vector<CommandBatch>& batches);
  // Commands with seq > after, oldest first; only `user`'s when given.
  Result<std::vector<LoggedCommand>> commandsAfter(int64_t campaign, int64_t after,
                                                   std::optional<int64_t> user, int32_t limit);
  // The newest `limit` commands that carry a client command id, newest first.
  Result<std::vector<LoggedCommand>> recentClientCommands(int64_t campaign, int32_t limit);
  // Commands applied after `tick` (for replay from a snapshot), in seq order.
  Result<std::vector<LoggedCommand>> commandsSinceTick(int64_t campaign, int32_t tick);

  // Saves a snapshot, keeps only the newest `keep`, and records its tick on the campaign.
  // Fenced like appendBatches by snapshot.epoch ("db_fenced" when stale).
  Result<void> saveSnapshot(int64_t campaign, const Snapshot& snapshot, int64_t now_ms,
                            int keep = 2);
  Result<std::optional<Snapshot>> latestSnapshot(int64_t campaign);
  // Every kept snapshot, newest first. One whose data is not valid base64 comes with its data
  // empty (it cannot be deserialized: the caller moves on to the next).
  Result<std::vector<Snapshot>> snapshots(int64_t campaign);
  // Records refusals of logged commands (idempotent).
  Result<void> recordRefusals(int64_t campaign, const std::vector<Refusal>& refusals);
  // The latest snapshot's tick and hash, without its data (data left empty).
  Result<std::optional<Snapshot>> latestSnapshotInfo(int64_t campaign);

 private:
  store::Database& db_;
};

}  // namespace startales::campaign
