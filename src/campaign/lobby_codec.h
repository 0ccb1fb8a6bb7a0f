#pragma once

// The lobby's wire codec (CampaignService, service.cc): reading the fields of campaign
// requests, with a sentence naming the field when one is wrong ("invalid_argument"), and
// writing campaigns and members as JSON. Internal to src/campaign.

#include <array>
#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "campaign/campaign_store.h"
#include "common/result.h"

namespace startales::campaign::lobby {

// Civilization colours handed out in join order when a player names none.
inline constexpr std::array<const char*, 16> kPalette = {
    "#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6",
    "#bcf60c", "#fabebe", "#008080", "#e6beff", "#9a6324", "#fffac8", "#800000", "#aaffc3"};

Error invalid(std::string message);
// Optional integer field within [lo, hi]; `fallback` when absent.
Result<int64_t> intField(const boost::json::object& body, const char* name, int64_t lo,
                         int64_t hi, int64_t fallback);
// Optional string field of 1 to max_len characters; `fallback` when absent.
Result<std::string> textField(const boost::json::object& body, const char* name, size_t max_len,
                              std::string fallback);
// Optional field that must be one of `choices`; the first when absent.
Result<std::string> choiceField(const boost::json::object& body, const char* name,
                                std::initializer_list<const char*> choices);
// "#rrggbb".
bool validColor(const std::string& c);
std::string lower(std::string s);
boost::json::object memberJson(const Member& m);
// A campaign as GET /api/campaigns/{id} shows it; its members when given; the invite code
// only when `viewer` is one of them.
boost::json::object campaignJson(const CampaignRecord& c, const std::vector<Member>* members,
                                 int64_t viewer);

}  // namespace startales::campaign::lobby
