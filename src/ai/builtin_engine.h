#pragma once

// The built-in character engine (STARTALES_LLM=builtin, the default): no model. It works out
// what the player asks (intents.cc), answers from the live state in the character's voice
// (phrasing.cc), recommends what the game's own planner would do for the player's
// civilization, filtered by the advisor's portfolio (counsel.cc), explains the numbers
// (explain.cc), and speaks for rival leaders and the game master (voices.cc). Every number
// in a reply comes from the civilization's Situation (fog of war applied), never invented.
//
// Pure and deterministic: the same character, situation, text and context give the same
// reply. The context's seed varies the wording, not the facts.

#include <string>
#include <string_view>
#include <vector>

#include "ai/character.h"
#include "game/advice.h"
#include "game/command.h"
#include "game/view.h"

namespace startales::ai {

// What the player wants.
enum class Intent : uint8_t {
  kGreeting,     // "hello"
  kSmallTalk,    // "tell me a joke", "how are you?"
  kStatus,       // "how are our finances?"
  kAdvice,       // "what should we do next?"
  kExplain,      // "why is food falling?", "what does Fusion Power unlock?"
  kCompare,      // "how do we compare with the Vell?"
  kEntity,       // "tell me about Opal" (a planet, system, fleet, tech, civilization...)
  kProposal,     // "should we declare war on the Vell?"
  kOutOfDomain,  // "what is the capital of France?"
  kUnknownName,  // a name the player's view does not hold: "I know no planet called ..."
};
std::string_view intentName(Intent intent);

// What it is about.
enum class Topic : uint8_t {
  kOverview,
  kFinances,      // credits, taxes, income, market
  kMilitary,      // fleets, threats, battles
  kResearch,      // techs
  kDiplomacy,     // relations, treaties, proposals
  kPopulation,    // people, food, unrest, housing, construction
  kIntelligence,  // rivals
};
std::string_view topicName(Topic topic);
Topic roleTopic(Role role);

// Everything a character may know when answering for civilization `civ`: its fog-of-war
// view, and what the planner and the economy say about it (all from that view's knowledge).
struct Situation {
  game::View view;
  std::vector<game::Advice> plan;                 // advise(): best first
  game::Ledger ledger{};                          // ledgerFor()
  std::vector<game::UnrestReport> unrest;         // unrestFor() per own planet, view order
};
// `civ` kNone: the public view (observers, the game master), no plan.
Situation situationFor(const game::GameState& s, game::CivId civ);
Situation situationOf(game::View view);  // a view alone: no plan, no breakdowns

struct Proposal {
  game::Action action;
  std::string reason;  // one sentence: why the advisor proposes it
};

struct Reply {
  Intent intent = Intent::kStatus;
  Topic topic = Topic::kOverview;
  std::string text;
  std::vector<Proposal> proposals;
  // The facts the reply rests on, as plain sentences without flourishes: what a model is
  // handed as tool results (prompt.cc) and what its numbers are checked against.
  std::vector<std::string> facts;
};

// What varies the wording: a seed from the campaign, the character and the message, and the
// character's previous reply to this player (never repeated word for word).
struct ReplyContext {
  uint64_t seed = 0;
  std::string_view previous;
};

Reply builtinReply(const Character& character, const Situation& situation, std::string_view text,
                   const ReplyContext& context = {});

// What an advisor says unprompted about a notice (deficit, attack, revolt, discovery...),
// or "" when it is not this role's business.
std::string builtinRemark(const Character& character, const game::View& view,
                          std::string_view notice_kind, std::string_view notice_text);

// The game master's narration of a public notice: the factual sentence, framed in the
// narrator's voice. Never changes the facts.
std::string builtinNarration(const Character& game_master, std::string_view notice_kind,
                             std::string_view notice_text);

// What a returning player missed, told as a story: `events` (texts the game master
// recorded, each with its day) in day order, with what they led to. `since`, `now`: ticks.
struct RecapItem {
  int32_t tick = 0;
  std::string text;
};
std::string builtinRecap(const Character& game_master, std::vector<RecapItem> events,
                         int32_t since, int32_t now);

}  // namespace startales::ai
