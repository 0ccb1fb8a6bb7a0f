#include "ai/prompt.h"

#include <boost/json.hpp>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "ai/builtin_engine.h"
#include "campaign/command_codec.h"

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

std::string stateFacts(Role role, const Situation& situation) {
  Character neutral;  // mid traits: no flourishes, just the numbers
  neutral.role = role == Role::kLeader || role == Role::kGameMaster ? Role::kTreasury : role;
  std::string out = "Day " + std::to_string(situation.view.tick) + ".\n";
  auto add = [&](std::string_view question) {
    for (const auto& f : builtinReply(neutral, situation, question).facts) out += f + "\n";
  };
  add("status report");
  if (neutral.role != Role::kTreasury) {
    neutral.role = Role::kTreasury;
    add("status report");
  }
  return out + handles(situation.view);
}

std::string briefingJson(const Reply& b) {
  json::array facts, recommendations;
  for (const auto& f : b.facts) facts.push_back(json::value(f));
  for (const auto& p : b.proposals) {
    recommendations.push_back(json::object{{"command", campaign::actionToJson(p.action)}, {"reason", p.reason}});
  }
  return json::serialize(json::object{{"intent", intentName(b.intent)},
                                      {"topic", topicName(b.topic)},
                                      {"facts", std::move(facts)},
                                      {"recommendations", std::move(recommendations)}});
}

namespace {

struct Figure {
  size_t pos = 0, len = 0;
  double value = 0;
  std::string text, unit;  // unit: the next word, or "%"
};

std::vector<Figure> figures(std::string_view text) {
  std::vector<Figure> out;
  for (size_t i = 0; i < text.size();) {
    const bool digit = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    if (!digit || (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '.'))) {
      ++i;
      continue;
    }
    size_t j = i;
    auto digitAfter = [&](size_t k) { return k + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[k + 1])); };
    while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) ||
                               ((text[j] == ',' || text[j] == '.') && digitAfter(j)))) {
      ++j;
    }
    Figure f;
    f.pos = i;
    f.len = j - i;
    f.text = std::string(text.substr(i, j - i));
    std::string plain;
    for (char c : f.text) {
      if (c != ',') plain += c;
    }
    f.value = std::strtod(plain.c_str(), nullptr);
    size_t k = j;
    if (k < text.size() && text[k] == '%') {
      f.unit = "%";
    } else {
      while (k < text.size() && text[k] == ' ') ++k;
      size_t e = k;
      while (e < text.size() && std::isalpha(static_cast<unsigned char>(text[e]))) ++e;
      f.unit = std::string(text.substr(k, e - k));
      for (auto& c : f.unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (f.unit.empty()) {  // "Credits: 470"
      size_t b = i;
      while (b > 0 && text[b - 1] == ' ') --b;
      if (b > 0 && text[b - 1] == ':') {
        size_t e = b - 1, a = e;
        while (a > 0 && std::isalpha(static_cast<unsigned char>(text[a - 1]))) --a;
        f.unit = std::string(text.substr(a, e - a));
        for (auto& c : f.unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    out.push_back(std::move(f));
    i = j;
  }
  return out;
}

bool same(double a, double b) { return std::abs(a - b) <= std::max(0.051, std::abs(b) * 0.005); }

}  // namespace

NumberCheck checkNumbers(std::string& text, std::string_view facts) {
  NumberCheck out;
  const auto known = figures(facts);
  auto found = figures(text);
  // Right to left, so earlier positions stay valid while corrections change lengths.
  for (auto it = found.rbegin(); it != found.rend(); ++it) {
    const Figure& f = *it;
    if (std::any_of(known.begin(), known.end(), [&](const Figure& k) { return same(f.value, k.value); })) continue;
    if (f.value <= 10 && f.value == std::floor(f.value) && f.unit != "%") continue;  // small counts
    if (f.unit == "day" || f.unit == "days") continue;
    std::vector<const Figure*> candidates;
    if (!f.unit.empty()) {
      for (const auto& k : known) {
        if (k.unit == f.unit) candidates.push_back(&k);
      }
    }
    // One value for that unit in the facts (perhaps quoted more than once): correct to it.
    bool one = !candidates.empty();
    for (const auto* c : candidates) one &= same(c->value, candidates.front()->value);
    if (one) {
      const std::string fixed = candidates.front()->text;
      out.corrected.insert(out.corrected.begin(), f.text + " " + f.unit + " -> " + fixed + " " + f.unit);
      text.replace(f.pos, f.len, fixed);
    } else {
      out.unchecked.insert(out.unchecked.begin(), f.text);
    }
  }
  return out;
}

std::string NumberCheck::notice() const {
  std::string out;
  auto join = [](const std::vector<std::string>& items) {
    std::string s;
    for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
    return s;
  };
  if (!corrected.empty()) out = "Corrected from the game state: " + join(corrected) + ".";
  if (!unchecked.empty()) {
    out += std::string(out.empty() ? "" : " ") + "Not in the game state, unchecked: " + join(unchecked) + ".";
  }
  return out;
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
      "that appear in the facts below or in the game_briefing result; never invent numbers. "
      "When the briefing recommends an action, say so and why.";
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
  if (in.briefing != nullptr) {
    llm::ToolCall call{"briefing_0", "game_briefing", json::object{{"question", std::string(in.text)}}};
    llm::ChatMessage asked{llm::ChatMessage::Role::kAssistant, ""};
    asked.tool_calls.push_back(std::move(call));
    req.messages.push_back(std::move(asked));
    llm::ChatMessage result{llm::ChatMessage::Role::kTool, briefingJson(*in.briefing)};
    result.tool_call_id = "briefing_0";
    result.tool_name = "game_briefing";
    req.messages.push_back(std::move(result));
  }
  if (in.tools) req.tools.push_back(proposeCommandTool());
  return req;
}

}  // namespace startales::ai
