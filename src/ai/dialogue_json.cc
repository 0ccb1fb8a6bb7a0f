#include "ai/dialogue_json.h"

#include <boost/json.hpp>

namespace startales::ai {

namespace json = boost::json;

json::object characterJson(const Character& c) {
  json::array goals;
  for (const auto& g : c.goals) goals.push_back(json::value(g));
  return {{"id", c.id},
          {"name", c.name},
          {"role", roleName(c.role)},
          {"title", roleTitle(c.role)},
          {"civ", c.civ},
          {"personality", c.personality},
          {"speaking_style", c.speaking_style},
          {"goals", std::move(goals)},
          {"voice",
           {{"variant", c.voice.variant},
            {"pitch", c.voice.pitch},
            {"range", c.voice.range},
            {"rate", c.voice.rate}}}};
}

json::object messageJson(const StoredMessage& m) {
  json::object out{{"id", m.id},           {"character", m.character_id}, {"speaker", m.speaker},
                   {"text", m.text},       {"tick", m.tick},              {"engine", m.engine},
                   {"created_at", m.created_at_ms}};
  if (!m.notice.empty()) out["notice"] = m.notice;
  return out;
}

json::object proposalJson(const StoredProposal& p) {
  json::value command;
  try {
    command = json::parse(p.command);
  } catch (const std::exception&) {
    command = p.command;  // stored by this server, so never expected; shown as text
  }
  json::object out{{"id", p.id},
                   {"character", p.character_id},
                   {"message", p.message_id},
                   {"command", std::move(command)},
                   {"reason", p.reason},
                   {"status", p.status},
                   {"created_at", p.created_at_ms}};
  if (!p.result.empty()) {
    if (p.status == "approved") {
      try {
        out["result"] = json::parse(p.result);
      } catch (const std::exception&) {
        out["result"] = p.result;
      }
    } else {
      out["result"] = p.result;
    }
  }
  if (p.decided_at_ms > 0) out["decided_at"] = p.decided_at_ms;
  return out;
}

std::string saidPrefix(std::string_view username) { return std::string(username) + " said: "; }

game::View publicView(const game::GameState& s) {
  game::View v;
  v.tick = s.tick;
  for (const auto& c : s.civs) {
    game::CivView cv;
    cv.id = c.id;
    cv.name = c.name;
    cv.adjective = c.adjective;
    cv.color = c.color;
    cv.alive = c.alive;
    cv.score = c.score.total();
    v.civs.push_back(std::move(cv));
  }
  return v;
}

}  // namespace startales::ai
