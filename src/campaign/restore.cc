// CampaignRuntime's restore side: a campaign's state rebuilt from its snapshots and its
// command log, exactly as it lived (blocking; the callers run it on a worker). The live side
// is runtime.cc.

#include <algorithm>
#include <boost/json.hpp>

#include "campaign/command_codec.h"
#include "campaign/runtime.h"
#include "game/serialize.h"

namespace startales::campaign {

namespace json = boost::json;

game::GameConfig CampaignRuntime::gameConfig(const CampaignRecord& record,
                                             const std::vector<Member>& players) {
  game::GameConfig config;
  config.seed = static_cast<uint64_t>(record.settings.seed);
  config.systems = record.settings.systems;
  config.players = static_cast<int>(players.size());
  config.civs = config.players + record.settings.ai_empires;
  for (const auto& p : players) config.player_names.push_back(p.civ_name);
  return config;
}

namespace {

// The state a stored snapshot holds, or why it cannot be used.
Result<game::GameState> readSnapshot(const Snapshot& snapshot, int64_t campaign) {
  const std::string which = "The snapshot of campaign " + std::to_string(campaign) + " at tick " +
                            std::to_string(snapshot.tick);
  game::GameState state;
  std::string error;
  if (!game::deserialize(snapshot.data, state, error)) {
    return makeError("snapshot_corrupt", which + " cannot be read: " + error);
  }
  if (game::stateHashHex(state) != snapshot.state_hash) {
    return makeError("snapshot_corrupt", which + " does not match its recorded hash.");
  }
  return state;
}

}  // namespace

Result<Restored> CampaignRuntime::restore(CampaignStore& store, const CampaignRecord& record,
                                          const std::vector<Member>& players,
                                          size_t client_ids_kept) {
  Restored out;
  auto snapshots = store.snapshots(record.id);
  if (!snapshots) return snapshots.error();
  bool have_state = false;
  for (const auto& snapshot : *snapshots) {  // newest first
    auto state = readSnapshot(snapshot, record.id);
    if (state) {
      out.state = std::move(*state);
      have_state = true;
      break;
    }
    out.skipped.push_back(state.error().message);
  }
  if (!have_state) {
    const auto config = gameConfig(record, players);
    if (auto problem = game::validateConfig(config)) {
      return makeError("invalid_campaign", problem->message);
    }
    out.state = game::newGame(config);
  }
  auto commands = store.commandsSinceTick(record.id, out.state.tick);
  if (!commands) return commands.error();
  std::vector<Refusal> refusals;
  // An older snapshot than the latest (which the record's tick names) is stepped up to the
  // latest's tick: a restart resumes where the campaign was, whichever snapshot it read.
  const ReplayBound until{-1, -1, record.tick};
  if (auto replayed = replayLog(out.state, *commands, record.id, until, &refusals); !replayed) {
    return replayed.error();
  }
  // Refusals the live campaign may not have recorded before it stopped (idempotent).
  std::erase_if(refusals, [&](const Refusal& r) {
    return std::any_of(commands->begin(), commands->end(), [&](const LoggedCommand& c) {
      return c.seq == r.seq && c.refusal == r.reason;
    });
  });
  if (auto recorded = store.recordRefusals(record.id, refusals); !recorded) {
    return recorded.error();
  }
  auto recent = store.recentClientCommands(record.id, static_cast<int32_t>(client_ids_kept));
  if (!recent) return recent.error();
  out.recent_client_commands = std::move(*recent);
  return out;
}

Result<void> CampaignRuntime::replayLog(game::GameState& state,
                                        const std::vector<LoggedCommand>& commands,
                                        int64_t campaign, ReplayBound until,
                                        std::vector<Refusal>* refusals) {
  // Replay exactly as the campaign lived: a command acknowledged for tick T was queued
  // while the state was at T - 1, after the AI's commands from that step, under its logged
  // seq. A command whose seq the state has passed is already in it (applied, or queued in a
  // snapshot taken between its commit and its tick: on pause or stop).
  std::vector<int64_t> queued;  // logged seqs queued for the next step
  auto stepCollecting = [&] {
    const auto notices = game::step(state);
    if (refusals != nullptr) collectRefusals(notices, queued, *refusals);
    queued.clear();
  };
  for (const auto& logged : commands) {
    if (until.next_seq >= 0 ? logged.seq >= until.next_seq
                            : until.tick >= 0 && logged.tick > until.tick) {
      break;
    }
    if (logged.seq < state.next_seq) continue;
    auto action = parseAction(json::parse(logged.command));
    if (!action) {
      return makeError("command_log_corrupt", "Command " + std::to_string(logged.seq) +
                                                  " of campaign " + std::to_string(campaign) +
                                                  " cannot be read: " + action.error().message);
    }
    while (state.tick < logged.tick - 1) stepCollecting();
    game::queueLogged(state, game::Command{logged.civ, *action}, logged.seq);
    queued.push_back(logged.seq);
  }
  // Unbounded, the replay stops where its last command waits for its tick: the earliest
  // state that holds every logged command (the live campaign may have stepped further; those
  // steps follow from this state alone, so resuming here loses nothing).
  const int32_t last = commands.empty() ? state.tick : commands.back().tick - 1;
  const int32_t target =
      until.tick >= 0 ? until.tick : std::max({state.tick, last, until.at_least});
  while (state.tick < target) stepCollecting();
  return {};
}

void CampaignRuntime::collectRefusals(const std::vector<game::Notice>& notices,
                                      const std::vector<int64_t>& queued,
                                      std::vector<Refusal>& out) {
  for (const auto& n : notices) {
    if (n.kind != "command_failed") continue;
    if (std::find(queued.begin(), queued.end(), int64_t{n.ref}) == queued.end()) continue;
    out.push_back(Refusal{n.ref, n.text});
  }
}

Result<game::GameState> CampaignRuntime::replayFromStart(CampaignStore& store,
                                                         const CampaignRecord& record,
                                                         const std::vector<Member>& players,
                                                         ReplayBound until) {
  const auto config = gameConfig(record, players);
  if (auto problem = game::validateConfig(config)) {
    return makeError("invalid_campaign", problem->message);
  }
  game::GameState state = game::newGame(config);
  auto commands = store.commandsSinceTick(record.id, 0);
  if (!commands) return commands.error();
  if (auto replayed = replayLog(state, *commands, record.id, until, nullptr); !replayed) {
    return replayed.error();
  }
  return state;
}

}  // namespace startales::campaign
