#pragma once

// The cast of a campaign: a cabinet of six advisors for every civilization, a leader for
// every AI empire, and one game master. Characters are generated from the campaign's state
// and its own seed, so the same campaign always gets the same cast; each has a speakable
// name (the game's name vocabulary), a personality, a speaking style, goals and a voice
// (espeak-ng parameters derived from the character).
//
// Export/import follows Character Card V2 (`spec: "chara_card_v2"`); our own fields live
// under data.extensions.startales.

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "game/state.h"

namespace startales::ai {

enum class Role : uint8_t {
  kTreasury,
  kDefense,
  kScience,
  kForeignAffairs,
  kInterior,
  kIntelligence,
  kLeader,      // an AI empire's ruler, who speaks for it in diplomacy
  kGameMaster,  // the campaign's narrator
};
inline constexpr int kCabinetSize = 6;  // the first six roles
std::string_view roleName(Role role);   // "treasury", "foreign_affairs", "game_master"...
std::string_view roleTitle(Role role);  // "Minister of the Treasury", "Game Master"...
bool parseRole(std::string_view name, Role& out);

// espeak-ng voice parameters (see espeak-ng(1)).
struct Voice {
  std::string variant = "m3";  // espeak-ng variant: m1..m7, f1..f5
  int pitch = 50;              // 0..99
  int range = 50;              // 0..99, pitch variation
  int rate = 170;              // words per minute, 80..260
  bool operator==(const Voice&) const = default;
};

// Temperament, 0..1 each; drives templates in the built-in engine and the voice.
struct Traits {
  double boldness = 0.5;   // cautious .. daring
  double warmth = 0.5;     // cold .. warm
  double formality = 0.5;  // casual .. formal
  double verbosity = 0.5;  // terse .. talkative
  bool operator==(const Traits&) const = default;
};

struct Character {
  int64_t id = 0;           // database id; 0 until stored
  int64_t campaign_id = 0;
  game::CivId civ = game::kNone;  // kNone for the game master
  Role role = Role::kTreasury;
  std::string name;          // "Nova Sterling"
  std::string personality;   // "shrewd, patient, dry-humoured"
  std::string speaking_style;  // "short sentences, numbers first"
  std::vector<std::string> goals;
  Traits traits;
  Voice voice;
  bool operator==(const Character&) const = default;
};

// The whole cast for a campaign state (campaign_id is copied into each). Deterministic in
// (state.config.seed, civ names).
std::vector<Character> generateCast(const game::GameState& state, int64_t campaign_id);

// Character Card V2.
boost::json::object toCardV2(const Character& c);
// What an imported card may carry: its persona goes into every prompt of that character.
struct CardLimits {
  size_t max_text_bytes = 2000;  // personality, speaking_style (default 2000)
  size_t max_goals = 10;         // goals (default 10)
  size_t max_goal_bytes = 300;   // one goal (default 300)
};
// Errors: "invalid_card" (400: not a V2 card, a missing name, a field of the wrong type, a
// voice out of range — the message names the field), "card_too_large" (413: a field over
// its limit, named).
Result<Character> fromCardV2(const boost::json::value& card, const CardLimits& limits = {});

}  // namespace startales::ai
