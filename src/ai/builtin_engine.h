#pragma once

// The built-in character engine (STARTALES_LLM=builtin, the default): no model. It
// recognises what the player asks, answers from the live state in the character's voice,
// and proposes game commands a sensible advisor would. Every number in a reply comes from
// the civilization's view (fog of war applied), never from invention.
//
// Pure and deterministic: the same character, view and text give the same reply.

#include <string>
#include <string_view>
#include <vector>

#include "ai/character.h"
#include "game/command.h"
#include "game/view.h"

namespace startales::ai {

enum class Intent : uint8_t {
  kGreeting,
  kOverview,     // "how are we doing?"
  kFinances,     // credits, taxes, income, market
  kMilitary,     // fleets, threats, battles
  kResearch,     // techs
  kDiplomacy,    // relations, treaties, proposals
  kPopulation,   // people, food, unrest, housing
  kIntelligence, // rivals
  kAdvice,       // "what should we do?"
  kUnknown,
};
std::string_view intentName(Intent intent);

// Keyword scoring over the lower-cased words of `text`; ties go to the character's role.
Intent classify(std::string_view text, Role role);

struct Proposal {
  game::Action action;
  std::string reason;  // one sentence: why the advisor proposes it
};

struct Reply {
  Intent intent = Intent::kUnknown;
  std::string text;
  std::vector<Proposal> proposals;
};

// `view` is the civilization's own view (viewFor(state, character.civ)).
Reply builtinReply(const Character& character, const game::View& view, std::string_view text);

// What an advisor says unprompted about a notice (deficit, attack, revolt, discovery...),
// or "" when it is not this role's business.
std::string builtinRemark(const Character& character, const game::View& view,
                          std::string_view notice_kind, std::string_view notice_text);

// The game master's narration of a public notice: the factual sentence, framed in the
// narrator's voice. Never changes the facts.
std::string builtinNarration(const Character& game_master, std::string_view notice_kind,
                             std::string_view notice_text);

// What a returning player missed: `events` (texts the game master recorded, each with its
// day), told in day order. `since` and `now` are ticks.
struct RecapItem {
  int32_t tick = 0;
  std::string text;
};
std::string builtinRecap(const Character& game_master, std::vector<RecapItem> events,
                         int32_t since, int32_t now);

}  // namespace startales::ai
