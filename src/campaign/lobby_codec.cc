// The lobby's wire codec: reading the fields of campaign requests and writing campaigns and
// members as JSON (see lobby_codec.h).

#include "campaign/lobby_codec.h"

#include <boost/json.hpp>
#include <cctype>

#include "common/time_format.h"

namespace startales::campaign::lobby {

namespace json = boost::json;


Error invalid(std::string message) { return makeError("invalid_argument", std::move(message)); }

// Optional integer field within [lo, hi]; `fallback` when absent.
Result<int64_t> intField(const json::object& body, const char* name, int64_t lo, int64_t hi,
                         int64_t fallback) {
  const json::value* v = body.if_contains(name);
  if (!v || v->is_null()) return fallback;
  if (!v->is_int64() && !v->is_uint64()) {
    return invalid(std::string("\"") + name + "\" must be a whole number.");
  }
  const int64_t n = v->is_int64() ? v->as_int64() : static_cast<int64_t>(v->as_uint64());
  if (n < lo || n > hi) {
    return invalid(std::string("\"") + name + "\" must be between " + std::to_string(lo) + " and " +
                   std::to_string(hi) + ", not " + std::to_string(n) + ".");
  }
  return n;
}

Result<std::string> textField(const json::object& body, const char* name, size_t max_len,
                              std::string fallback) {
  const json::value* v = body.if_contains(name);
  if (!v || v->is_null()) return fallback;
  if (!v->is_string()) return invalid(std::string("\"") + name + "\" must be a string.");
  std::string s(v->as_string());
  if (s.empty() || s.size() > max_len) {
    return invalid(std::string("\"") + name + "\" must be 1 to " + std::to_string(max_len) +
                   " characters.");
  }
  return s;
}

Result<std::string> choiceField(const json::object& body, const char* name,
                                std::initializer_list<const char*> choices) {
  auto text = textField(body, name, 20, *choices.begin());
  if (!text) return text.error();
  for (const char* c : choices) {
    if (*text == c) return *text;
  }
  std::string list;
  for (const char* c : choices) list += (list.empty() ? "" : " or ") + std::string(c);
  return invalid(std::string("\"") + name + "\" must be " + list + ".");
}

bool validColor(const std::string& c) {
  if (c.size() != 7 || c[0] != '#') return false;
  for (size_t i = 1; i < 7; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(c[i]))) return false;
  }
  return true;
}

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

json::object memberJson(const Member& m) {
  json::object o{{"user_id", m.user_id},   {"username", m.username}, {"role", roleName(m.role)},
                 {"civ_name", m.civ_name}, {"color", m.color},       {"ready", m.ready}};
  if (m.civ >= 0) o["civ"] = m.civ;
  return o;
}

json::object campaignJson(const CampaignRecord& c, const std::vector<Member>* members,
                          int64_t viewer) {
  json::object o{{"id", c.id},
                 {"name", c.settings.name},
                 {"mode", c.settings.mode},
                 {"visibility", c.settings.visibility},
                 {"status", statusName(c.status)},
                 {"host_user_id", c.host_user_id},
                 {"systems", c.settings.systems},
                 {"ai_empires", c.settings.ai_empires},
                 {"max_players", c.settings.max_players},
                 {"tick_ms", c.settings.tick_ms},
                 {"seed", c.settings.seed},
                 {"created_at", isoTime(c.created_at_ms)}};
  if (c.started_at_ms > 0) o["started_at"] = isoTime(c.started_at_ms);
  if (members) {
    json::array list;
    int players = 0;
    bool member = false;
    for (const auto& m : *members) {
      list.push_back(memberJson(m));
      players += m.role == MemberRole::kPlayer;
      member |= m.user_id == viewer;
    }
    o["members"] = std::move(list);
    o["players"] = players;
    if (member && !c.invite_code.empty()) o["invite_code"] = c.invite_code;
  }
  return o;
}


}  // namespace startales::campaign::lobby
