#include "ai/character.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <limits>

#include "game/names.h"
#include "game/rng.h"

namespace startales::ai {

namespace json = boost::json;

namespace {

struct RoleInfo {
  std::string_view name, title, focus;
};

constexpr std::array<RoleInfo, 8> kRoles = {{
    {"treasury", "Minister of the Treasury", "credits, taxes, trade and the market"},
    {"defense", "Minister of Defense", "fleets, battles, defenses and threats"},
    {"science", "Minister of Science", "research, technologies and discoveries"},
    {"foreign_affairs", "Minister of Foreign Affairs", "relations, treaties and proposals"},
    {"interior", "Minister of the Interior", "population, food, unrest and construction"},
    {"intelligence", "Director of Intelligence", "rival empires, their fleets and intentions"},
    {"leader", "Ruler", "the empire's ambitions"},
    {"game_master", "Game Master", "the story of the galaxy"},
}};

constexpr std::array<std::string_view, 16> kTraitWords = {
    "shrewd",   "patient",    "blunt",     "cheerful", "anxious",  "proud",
    "wry",      "meticulous", "bold",      "gentle",   "stubborn", "curious",
    "cautious", "loyal",      "ambitious", "calm"};

constexpr std::array<std::string_view, 6> kStyles = {
    "short sentences, numbers first",
    "formal and measured, never hurried",
    "warm and encouraging, with a little humour",
    "dry and precise, a touch sardonic",
    "urgent and direct, to the point",
    "thoughtful, weighs both sides before advising"};

// One goal per role, with a personal twist by temperament.
std::vector<std::string> goalsFor(Role role, const Traits& t) {
  switch (role) {
    case Role::kTreasury:
      return {"keep the treasury out of debt", t.boldness > 0.6 ? "grow trade aggressively"
                                                                : "build a safe reserve"};
    case Role::kDefense:
      return {"keep every colony safe", t.boldness > 0.6 ? "strike enemies before they strike"
                                                         : "never fight a battle we can lose"};
    case Role::kScience:
      return {"finish the research that matters most", "never let the labs sit idle"};
    case Role::kForeignAffairs:
      return {"keep the empire out of needless wars",
              t.warmth > 0.5 ? "win friends and trade pacts" : "trust no one without a treaty"};
    case Role::kInterior:
      return {"feed and house every citizen", "keep unrest low"};
    case Role::kIntelligence:
      return {"know what the rivals are doing", "warn of attacks early"};
    case Role::kLeader:
      return {"make the empire the greatest in the galaxy",
              t.boldness > 0.6 ? "expand by any means" : "prosper through trade and science"};
    case Role::kGameMaster:
      return {"tell the story of the galaxy fairly", "make every player's choices matter"};
  }
  return {};
}

// espeak-ng parameters from the character: bolder speaks faster and lower, warmer has a
// wider range, formal a narrower one.
Voice voiceFor(game::Rng& rng, const Traits& t) {
  Voice v;
  const bool female = rng.chance(0.5);
  v.variant = (female ? "f" : "m") + std::to_string(1 + rng.below(female ? 5 : 7));
  v.pitch = std::clamp(static_cast<int>(std::lround((female ? 60 : 40) + 20 * (0.5 - t.boldness) +
                                                    rng.between(-8, 8))),
                       5, 95);
  v.range = std::clamp(static_cast<int>(std::lround(30 + 40 * t.warmth - 20 * t.formality)), 5, 95);
  v.rate = std::clamp(static_cast<int>(std::lround(150 + 50 * t.boldness - 20 * t.verbosity)), 110, 230);
  return v;
}

Character make(game::Rng& rng, game::NameGenerator& names, int64_t campaign, game::CivId civ,
               Role role) {
  Character c;
  c.campaign_id = campaign;
  c.civ = civ;
  c.role = role;
  c.name = names.personName(rng);
  c.traits = {rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9),
              rng.uniform(0.1, 0.9)};
  const uint32_t n = kTraitWords.size();
  const uint32_t a = rng.below(n);
  const uint32_t b = (a + 1 + rng.below(n - 1)) % n;  // a different word
  c.personality = std::string(kTraitWords[a]) + ", " + std::string(kTraitWords[b]);
  c.speaking_style = std::string(kStyles[rng.below(kStyles.size())]);
  c.goals = goalsFor(role, c.traits);
  c.voice = voiceFor(rng, c.traits);
  return c;
}

double number(const json::object& o, std::string_view key, double fallback) {
  const json::value* v = o.if_contains(key);
  if (!v) return fallback;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  return fallback;
}

// A whole number from o[key], clamped to lo..hi; `fallback` when absent or not a number. Clamped
// while still a double: converting a double outside the integer's range is undefined behaviour
// (a card saying "pitch": 1e300). lo and hi must be exact as doubles (|x| < 2^53).
int64_t clampedInteger(const json::object& o, std::string_view key, int64_t fallback, int64_t lo,
                       int64_t hi) {
  const double v = number(o, key, static_cast<double>(fallback));
  return static_cast<int64_t>(std::clamp(v, static_cast<double>(lo), static_cast<double>(hi)));
}

}  // namespace

std::string_view roleName(Role role) { return kRoles[static_cast<int>(role)].name; }
std::string_view roleTitle(Role role) { return kRoles[static_cast<int>(role)].title; }

bool parseRole(std::string_view name, Role& out) {
  for (size_t i = 0; i < kRoles.size(); ++i) {
    if (kRoles[i].name == name) {
      out = static_cast<Role>(i);
      return true;
    }
  }
  return false;
}

std::vector<Character> generateCast(const game::GameState& state, int64_t campaign_id) {
  // A stream of its own: the cast never disturbs the game's Rng.
  game::Rng rng(state.config.seed ^ 0x5ca1ab1e0ddba11ULL);
  game::NameGenerator names;
  std::vector<Character> cast;
  for (const auto& civ : state.civs) {
    for (int r = 0; r < kCabinetSize; ++r) {
      cast.push_back(make(rng, names, campaign_id, civ.id, static_cast<Role>(r)));
    }
    if (civ.ai) cast.push_back(make(rng, names, campaign_id, civ.id, Role::kLeader));
  }
  cast.push_back(make(rng, names, campaign_id, game::kNone, Role::kGameMaster));
  return cast;
}

json::object toCardV2(const Character& c) {
  json::array goals;
  for (const auto& g : c.goals) goals.push_back(json::value(g));
  const std::string title(roleTitle(c.role));
  const std::string focus(kRoles[static_cast<int>(c.role)].focus);
  json::object startales{
      {"role", roleName(c.role)},
      {"civ", c.civ},
      {"campaign_id", c.campaign_id},
      {"speaking_style", c.speaking_style},
      {"goals", std::move(goals)},
      {"traits",
       {{"boldness", c.traits.boldness},
        {"warmth", c.traits.warmth},
        {"formality", c.traits.formality},
        {"verbosity", c.traits.verbosity}}},
      {"voice",
       {{"variant", c.voice.variant},
        {"pitch", c.voice.pitch},
        {"range", c.voice.range},
        {"rate", c.voice.rate}}}};
  json::object data{
      {"name", c.name},
      {"description", c.name + ", " + title + ". Responsible for " + focus + "."},
      {"personality", c.personality},
      {"scenario", "A galactic civilization in the StarTales campaign; the player leads it."},
      {"first_mes", "I am " + c.name + ", your " + title + ". What do you need?"},
      {"mes_example", ""},
      {"creator_notes", "Generated by StarTales."},
      {"system_prompt", "You are " + c.name + ", " + title + ". Speak in this style: " +
                            c.speaking_style + ". Use only numbers given in the facts."},
      {"post_history_instructions", ""},
      {"alternate_greetings", json::array{}},
      {"tags", json::array{"startales", json::value(roleName(c.role))}},
      {"creator", "StarTales"},
      {"character_version", "1"},
      {"extensions", {{"startales", std::move(startales)}}}};
  return {{"spec", "chara_card_v2"}, {"spec_version", "2.0"}, {"data", std::move(data)}};
}

namespace {

Error cardTooLarge(std::string_view field, size_t size, size_t limit, std::string_view unit) {
  return makeError("card_too_large", "The card's \"" + std::string(field) + "\" is " +
                                         std::to_string(size) + " " + std::string(unit) +
                                         "; the limit is " + std::to_string(limit) + ".");
}

// An optional string field of at most `limit` bytes; "" when absent.
Result<std::string> cardText(const json::object& o, std::string_view field, size_t limit) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) {
    return makeError("invalid_card", "The card's \"" + std::string(field) + "\" must be text.");
  }
  if (v->as_string().size() > limit) {
    return cardTooLarge(field, v->as_string().size(), limit, "bytes");
  }
  return std::string(v->as_string());
}

// An optional whole number in [min, max]; `fallback` when absent.
Result<int> cardInt(const json::object& o, std::string_view field, int min, int max,
                    int fallback) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) return fallback;
  double d = 0;
  if (v->is_int64()) {
    d = static_cast<double>(v->as_int64());
  } else if (v->is_uint64()) {
    d = static_cast<double>(v->as_uint64());
  } else if (v->is_double()) {
    d = v->as_double();
  } else {
    return makeError("invalid_card", "The card's voice \"" + std::string(field) +
                                         "\" must be a number.");
  }
  if (!(d >= min && d <= max)) {
    return makeError("invalid_card", "The card's voice \"" + std::string(field) +
                                         "\" must be from " + std::to_string(min) + " to " +
                                         std::to_string(max) + ".");
  }
  return static_cast<int>(d);
}

bool knownVariant(std::string_view v) {
  return v.size() == 2 && ((v[0] == 'm' && v[1] >= '1' && v[1] <= '7') ||
                           (v[0] == 'f' && v[1] >= '1' && v[1] <= '5'));
}

}  // namespace

Result<Character> fromCardV2(const json::value& card, const CardLimits& limits) {
  auto bad = [](std::string why) { return makeError("invalid_card", std::move(why)); };
  if (!card.is_object()) return bad("A character card must be a JSON object.");
  const auto& o = card.as_object();
  const json::value* spec = o.if_contains("spec");
  if (!spec || !spec->is_string() || spec->as_string() != "chara_card_v2") {
    return bad("Only Character Card V2 is supported (\"spec\": \"chara_card_v2\").");
  }
  const json::value* data = o.if_contains("data");
  if (!data || !data->is_object()) return bad("The card has no \"data\" object.");
  const auto& d = data->as_object();
  const json::value* name = d.if_contains("name");
  if (!name || !name->is_string() || name->as_string().empty()) {
    return bad("The card needs a \"name\" of 1 to 80 characters.");
  }
  if (name->as_string().size() > 80) return cardTooLarge("name", name->as_string().size(), 80, "bytes");
  Character c;
  c.name = std::string(name->as_string());
  auto personality = cardText(d, "personality", limits.max_text_bytes);
  if (!personality) return personality.error();
  c.personality = std::move(*personality);
  const json::object* ext = nullptr;
  if (const json::value* e = d.if_contains("extensions"); e && e->is_object()) {
    if (const json::value* st = e->as_object().if_contains("startales"); st && st->is_object()) {
      ext = &st->as_object();
    }
  }
  if (!ext) return c;  // a foreign card: a character without StarTales specifics
  if (const json::value* r = ext->if_contains("role"); r && r->is_string()) {
    if (!parseRole(r->as_string(), c.role)) {
      return bad("Unknown role \"" + std::string(r->as_string().subview(0, 40)) + "\".");
    }
  }
  c.civ = static_cast<game::CivId>(
      clampedInteger(*ext, "civ", game::kNone, game::kNone, std::numeric_limits<int32_t>::max()));
  c.campaign_id = clampedInteger(*ext, "campaign_id", 0, 0, int64_t{1} << 52);
  auto style = cardText(*ext, "speaking_style", limits.max_text_bytes);
  if (!style) return style.error();
  c.speaking_style = std::move(*style);
  if (const json::value* g = ext->if_contains("goals"); g && !g->is_null()) {
    if (!g->is_array()) return bad("The card's \"goals\" must be a list of text.");
    if (g->as_array().size() > limits.max_goals) {
      return cardTooLarge("goals", g->as_array().size(), limits.max_goals, "goals");
    }
    for (const auto& goal : g->as_array()) {
      if (!goal.is_string()) return bad("The card's \"goals\" must be a list of text.");
      if (goal.as_string().size() > limits.max_goal_bytes) {
        return cardTooLarge("goals", goal.as_string().size(), limits.max_goal_bytes,
                            "bytes in one goal");
      }
      c.goals.emplace_back(goal.as_string());
    }
  }
  if (const json::value* t = ext->if_contains("traits"); t && t->is_object()) {
    const auto& to = t->as_object();
    c.traits = {std::clamp(number(to, "boldness", 0.5), 0.0, 1.0),
                std::clamp(number(to, "warmth", 0.5), 0.0, 1.0),
                std::clamp(number(to, "formality", 0.5), 0.0, 1.0),
                std::clamp(number(to, "verbosity", 0.5), 0.0, 1.0)};
  }
  if (const json::value* v = ext->if_contains("voice"); v && !v->is_null()) {
    if (!v->is_object()) return bad("The card's \"voice\" must be {variant, pitch, range, rate}.");
    const auto& vo = v->as_object();
    if (const json::value* variant = vo.if_contains("variant"); variant && !variant->is_null()) {
      if (!variant->is_string() || !knownVariant(variant->as_string())) {
        return bad("The card's voice \"variant\" must be one of m1-m7 or f1-f5.");
      }
      c.voice.variant = std::string(variant->as_string());
    }
    auto pitch = cardInt(vo, "pitch", 0, 99, 50);
    if (!pitch) return pitch.error();
    auto range = cardInt(vo, "range", 0, 99, 50);
    if (!range) return range.error();
    auto rate = cardInt(vo, "rate", 80, 260, 170);
    if (!rate) return rate.error();
    c.voice.pitch = *pitch;
    c.voice.range = *range;
    c.voice.rate = *rate;
  }
  return c;
}

}  // namespace startales::ai
