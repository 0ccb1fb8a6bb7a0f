#pragma once

// What a character is told before it answers on an LLM: its persona and role, the facts of
// the live state that matter to that role (numbers from the civilization's view, never from
// the model), memories retrieved for the question, the recent conversation, and one tool to
// propose game commands. Pure: no I/O.

#include <string>
#include <string_view>
#include <vector>

#include "ai/character.h"
#include "ai/character_store.h"
#include "ai/memory_index.h"
#include "game/view.h"
#include "llm/llm.h"

namespace startales::ai {

// The facts of `view` for `role`: its own field first (the same numbers the built-in engine
// quotes), then one line of overview. Plain sentences.
std::string stateFacts(Role role, const game::View& view);

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
};
llm::ChatRequest buildChatRequest(const PromptInput& input);

}  // namespace startales::ai
