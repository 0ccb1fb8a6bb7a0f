// `startales replay --campaign ID`: rebuilds a campaign from its settings and its whole
// command log, without snapshots, and compares the result with the latest snapshot's hash.
// Exit 0 when they agree, 3 when they differ, 1 on errors.

#include <boost/json.hpp>
#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "campaign/campaign_store.h"
#include "campaign/runtime.h"
#include "game/game.h"
#include "game/serialize.h"
#include "store/database.h"

namespace startales::app {

namespace json = boost::json;

int runReplay(const Config& config, const ReplayOptions& options) {
  auto db = store::Database::open(config.database);
  if (!db) {
    std::cerr << "startales replay: " << db.error().message << "\n";
    return 1;
  }
  campaign::CampaignStore store(**db);
  auto record = store.find(options.campaign);
  if (!record || !*record) {
    std::cerr << "startales replay: there is no campaign " << options.campaign << "\n";
    return 1;
  }
  auto members = store.members(options.campaign);
  auto snapshot = store.latestSnapshot(options.campaign);
  if (!members || !snapshot) {
    std::cerr << "startales replay: cannot read campaign " << options.campaign << "\n";
    return 1;
  }
  std::vector<campaign::Member> players;
  for (const auto& m : *members) {
    if (m.role == campaign::MemberRole::kPlayer) players.push_back(m);
  }
  // Up to the latest snapshot by default, and then exactly the commands it has seen (a
  // snapshot taken on pause or stop holds commands queued for its next tick).
  campaign::ReplayBound until{options.tick, -1};
  if (until.tick < 0) {
    until.tick = 0;
    if (*snapshot) {
      game::GameState at_snapshot;
      std::string error;
      if (!game::deserialize((*snapshot)->data, at_snapshot, error)) {
        std::cerr << "startales replay: the latest snapshot cannot be read: " << error << "\n";
        return 1;
      }
      until = {at_snapshot.tick, at_snapshot.next_seq};
    }
  }
  const int32_t tick = until.tick;
  auto state = campaign::CampaignRuntime::replayFromStart(store, **record, players, until);
  if (!state) {
    std::cerr << "startales replay: " << state.error().message << "\n";
    return 1;
  }
  const std::string hash = game::stateHashHex(*state);
  json::object out{{"campaign", options.campaign}, {"tick", state->tick}, {"replayed_hash", hash}};
  bool match = true;
  if (*snapshot && (*snapshot)->tick == tick) {
    out["snapshot_hash"] = (*snapshot)->state_hash;
    match = (*snapshot)->state_hash == hash;
    out["match"] = match;
  }
  std::cout << json::serialize(out) << "\n";
  return match ? 0 : 3;
}

}  // namespace startales::app
