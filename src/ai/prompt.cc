#include "ai/prompt.h"

#include <boost/json.hpp>

#include "ai/builtin_engine.h"

namespace startales::ai {

namespace json = boost::json;

namespace {

// The handles a command needs (ids), capped so a large empire does not flood the prompt.
std::string handles(const game::View& v) {
  constexpr size_t kMax = 20;
  std::string out;
  auto list = [&](std::string_view title, const auto& items, auto line) {
    if (items.empty()) return;
    out += std::string(title) + ":";
    size_t n = 0;
    for (const auto& item : items) {
      if (n++ == kMax) {
        out += " ... (" + std::to_string(items.size() - kMax) + " more)";
        break;
      }
      out += " " + line(item) + ";";
    }
    out += "\n";
  };
  list("Our planets (id name)", v.planets,
       [](const game::Planet& p) { return std::to_string(p.id) + " " + p.name; });
  list("Our fleets (id name, at system id)", v.fleets, [](const game::Fleet& f) {
    return std::to_string(f.id) + " " + f.name + ", at " + std::to_string(f.at);
  });
  list("Known empires (id name)", v.civs, [&](const game::CivView& c) {
    return std::to_string(c.id) + " " + c.name + (c.id == v.self.id ? " (us)" : "");
  });
  list("Events awaiting our choice (id)", v.events,
       [](const game::PendingEvent& e) { return std::to_string(e.id); });
  list("Treaty proposals (id)", v.proposals,
       [](const game::Proposal& p) { return std::to_string(p.id); });
  return out;
}

}  // namespace

std::string stateFacts(Role role, const game::View& view) {
  Character neutral;  // mid traits: no flourishes, just the numbers
  neutral.role = role == Role::kLeader || role == Role::kGameMaster ? Role::kTreasury : role;
  std::string out = "Day " + std::to_string(view.tick) + ". " +
                    builtinReply(neutral, view, "").text + "\n";
  if (role != Role::kTreasury) {
    neutral.role = Role::kTreasury;
    out += builtinReply(neutral, view, "").text + "\n";
  }
  return out + handles(view);
}

llm::ToolSpec proposeCommandTool() {
  llm::ToolSpec tool;
  tool.name = "propose_command";
  tool.description =
      "Propose one game command to the player, who approves or rejects it. The command is a "
      "JSON object with a \"type\" and its fields: build {planet, building}, build_ship {planet, "
      "ship, count}, set_policy {tax_rate?, tariff?, budget?}, research {tech}, move_fleet "
      "{fleet, to}, colonize {fleet, planet}, invade {fleet, planet}, trade {resource, amount "
      "(negative sells)}, propose_treaty {to, treaty}, respond_treaty {proposal, accept}, "
      "declare_war {target}, choose_event_option {event, option}. Use only ids from the facts.";
  tool.parameters = json::object{
      {"type", "object"},
      {"properties",
       {{"command", {{"type", "object"}, {"description", "the game command"}}},
        {"reason", {{"type", "string"}, {"description", "one sentence: why"}}}}},
      {"required", json::array{"command", "reason"}}};
  return tool;
}

llm::ChatRequest buildChatRequest(const PromptInput& in) {
  const Character& c = in.character;
  std::string system = "You are " + c.name + ", " + std::string(roleTitle(c.role));
  if (!in.civ_name.empty()) system += " of the " + in.civ_name;
  system += ", in the galactic strategy game StarTales. Personality: " + c.personality +
            ". Speaking style: " + c.speaking_style + ".";
  if (!c.goals.empty()) {
    system += " Your goals:";
    for (const auto& g : c.goals) system += " " + g + ";";
  }
  system +=
      "\nAnswer the player in character, briefly (at most four sentences). Quote only numbers "
      "that appear in the facts below; never invent numbers.";
  if (in.tools) system += " When an action would help, call propose_command; the player decides.";
  system += "\n\nFacts of the current state:\n" + in.facts;
  if (!in.memories.empty()) {
    system += "\nWhat you remember (most relevant first):\n";
    for (const auto& m : in.memories) {
      system += "- day " + std::to_string(m.memory.tick) + ": " + m.memory.text + "\n";
    }
  }
  llm::ChatRequest req;
  req.messages.push_back({llm::ChatMessage::Role::kSystem, std::move(system)});
  for (const auto& m : in.history) {
    req.messages.push_back({m.speaker == "player" ? llm::ChatMessage::Role::kUser
                                                  : llm::ChatMessage::Role::kAssistant,
                            m.text});
  }
  req.messages.push_back({llm::ChatMessage::Role::kUser, std::string(in.text)});
  if (in.tools) req.tools.push_back(proposeCommandTool());
  return req;
}

}  // namespace startales::ai
