#pragma once

// Helpers shared by the two halves of CampaignService (service.cc: the lobby;
// service_live.cc: live campaigns). Internal to src/campaign.

#include <string>
#include <vector>

#include "campaign/campaign_store.h"
#include "common/result.h"

namespace startales::campaign::detail {

inline Error forbidden(std::string message) { return makeError("forbidden", std::move(message)); }
inline Error notFound(int64_t id) {
  return makeError("not_found", "There is no campaign " + std::to_string(id) + ".");
}
inline Error wrongState(std::string message) {
  return makeError("invalid_state", std::move(message));
}

inline const Member* findMember(const std::vector<Member>& members, int64_t user) {
  for (const auto& m : members) {
    if (m.user_id == user) return &m;
  }
  return nullptr;
}

// The members who play a civilization, in join order (civ order).
inline std::vector<Member> playersOf(const std::vector<Member>& members) {
  std::vector<Member> players;
  for (const auto& m : members) {
    if (m.role == MemberRole::kPlayer) players.push_back(m);
  }
  return players;
}

}  // namespace startales::campaign::detail
