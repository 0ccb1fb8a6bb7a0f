#pragma once

// What a character is told before it answers on an LLM: its persona and role, the facts of
// the live state that matter to that role (numbers from the civilization's view, never from
// the model), memories retrieved for the question, the recent conversation, and one tool to
// propose game commands. Pure: no I/O.

#include <string>
#include <string_view>
#include <vector>

#include "ai/builtin_engine.h"
#include "ai/character.h"
#include "ai/character_store.h"
#include "ai/memory_index.h"
#include "game/view.h"
#include "llm/llm.h"

namespace startales::ai {

// The facts of `view` for `role`: its own field first (the same numbers the built-in engine
// quotes), then one line of overview. Plain sentences.
std::string stateFacts(Role role, const Situation& situation);

// The tool characters call to propose a command: propose_command {command, reason}. The
// command is the JSON clients send (campaign/command_codec.h).
llm::ToolSpec proposeCommandTool();

struct PromptInput {
  const Character& character;
  std::string civ_name;  // the civilization the character serves ("" for the game master)
  std::string facts;     // stateFacts(...)
  const std::vector<ScoredMemory>& memories;
  const std::vector<StoredMessage>& history;  // oldest first, without the new text
  std::string_view text;                      // what the player just said
  bool tools = true;                          // offer propose_command
  // What the built-in engine found for this question (its facts, the planner's proposals):
  // handed to the model as the result of a "game_briefing" tool call, so a small model
  // answers from the same numbers and recommendations. Null: no briefing.
  const Reply* briefing = nullptr;
};
llm::ChatRequest buildChatRequest(const PromptInput& input);

// The briefing as the tool result's JSON text: {"intent", "topic", "facts": [...],
// "recommendations": [{"command", "reason"}]}.
std::string briefingJson(const Reply& briefing);

// Checks the numbers of a model's answer against the facts it was given. A number with a
// unit ("120 credits", "35%") that the facts quote for that unit with another value is
// corrected in `text` to the facts' value when there is exactly one; any other number the
// facts do not contain is listed as unchecked. Small counts (0..10) and day numbers pass.
struct NumberCheck {
  std::vector<std::string> corrected;  // "1200 credits -> 120 credits"
  std::vector<std::string> unchecked;  // "4521"
  [[nodiscard]] bool clean() const { return corrected.empty() && unchecked.empty(); }
  std::string notice() const;  // a sentence for the player, "" when clean
};
NumberCheck checkNumbers(std::string& text, std::string_view facts);

}  // namespace startales::ai
