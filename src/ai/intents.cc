// Understanding a question: the names it mentions, matched against the game's live
// vocabulary as the player's view holds it (own and known planets, explored systems, met
// civilizations, techs, buildings, ship classes, own fleets, resources), what it is about
// (topic keywords, ties to the character's own field) and what the player wants (intent).
// A capitalised word, or one after "called"/"named"/"war on", that names nothing known is
// kept as `unknown`, so the answer can say "I know no planet called ...".

#include <algorithm>
#include <array>
#include <cctype>

#include "ai/engine_parts.h"
#include "game/rules.h"

namespace startales::ai {
namespace {

struct Token {
  std::string word;  // lower case
  bool capital = false;
  bool sentence_start = false;
};

std::vector<Token> tokens(std::string_view text) {
  std::vector<Token> out;
  std::string cur;
  bool cap = false, start = true, next_start = true;
  auto flush = [&] {
    if (!cur.empty()) out.push_back({cur, cap, start});
    cur.clear();
  };
  for (char ch : text) {
    const auto u = static_cast<unsigned char>(ch);
    if (std::isalnum(u) || ch == '\'') {
      if (cur.empty()) {
        cap = std::isupper(u) != 0;
        start = next_start;
        next_start = false;
      }
      if (ch != '\'') cur += static_cast<char>(std::tolower(u));
    } else {
      flush();
      if (ch == '.' || ch == '?' || ch == '!' || ch == ':' || ch == ';') next_start = true;
    }
  }
  flush();
  return out;
}

std::vector<std::string> lowerWords(std::string_view name) {
  std::vector<std::string> out;
  for (auto& t : tokens(name)) out.push_back(t.word);
  return out;
}

bool starts(const std::string& w, std::string_view stem) { return w.compare(0, stem.size(), stem) == 0; }

bool has(const std::vector<Token>& t, std::initializer_list<std::string_view> stems) {
  for (const auto& tok : t) {
    for (auto s : stems) {
      if (starts(tok.word, s)) return true;
    }
  }
  return false;
}

bool hasWord(const std::vector<Token>& t, std::initializer_list<std::string_view> words) {
  for (const auto& tok : t) {
    for (auto w : words) {
      if (tok.word == w) return true;
    }
  }
  return false;
}

// "should we", "how are you": consecutive words.
bool phrase(const std::vector<Token>& t, std::initializer_list<std::string_view> words) {
  const size_t n = words.size();
  for (size_t i = 0; i + n <= t.size(); ++i) {
    size_t k = 0;
    for (auto w : words) {
      if (t[i + k].word != w) break;
      ++k;
    }
    if (k == n) return true;
  }
  return false;
}

struct Keywords {
  Topic topic;
  std::array<std::string_view, 18> stems;  // a word matches when it starts with a stem
};

constexpr std::array<Keywords, 7> kTopics = {{
    {Topic::kOverview, {"status", "overview", "report", "situation", "doing", "summar", "empire's", "overall", "galaxy"}},
    {Topic::kFinances, {"financ", "money", "credit", "treasur", "tax", "income", "budget", "econom",
                        "market", "trade", "price", "debt", "afford", "spend", "upkeep", "cost", "earn", "revenue"}},
    {Topic::kMilitary, {"fleet", "ship", "war", "attack", "defen", "army", "navy", "battle", "threat",
                        "invad", "military", "corvette", "pirat", "warship", "force", "cruiser", "crush"}},
    {Topic::kResearch, {"research", "tech", "science", "discover", "lab", "invent", "unlock", "scien"}},
    {Topic::kDiplomacy, {"diploma", "relation", "treaty", "peace", "alliance", "ally", "pact",
                         "proposal", "neighbo", "friend", "enem", "envoy", "contact", "know"}},
    {Topic::kPopulation, {"people", "population", "citizen", "food", "starv", "unrest", "happy",
                          "hous", "riot", "revolt", "world", "queue", "construct", "colon", "farm", "planet"}},
    {Topic::kIntelligence, {"spy", "intel", "rival", "strong", "secret", "watch", "sensor",
                            "likely", "intend", "foreign", "nearby", "score", "winning"}},
}};

// Capitalised words that are not names.
constexpr std::array<std::string_view, 16> kNotNames = {
    "i", "minister", "sir", "madam", "ruler", "master", "game", "director", "excellency",
    "ok", "okay", "please", "lord", "lady", "majesty", "god"};

constexpr std::array<std::string_view, 44> kStop = {
    "the", "a", "an", "of", "on", "at", "in", "to", "is", "are", "we", "our", "us", "you", "your",
    "what", "how", "why", "should", "do", "does", "and", "or", "about", "with", "for", "tell", "me",
    "it", "this", "that", "there", "be", "any", "can", "will", "would", "could", "now", "next",
    "them", "they", "their", "not"};

bool stopword(const std::string& w) {
  return std::find(kStop.begin(), kStop.end(), w) != kStop.end();
}

struct Candidate {
  std::vector<std::string> words;
  Named named;
  bool needs_capital;  // a one-word name of a place or power: only when said as a name
};

std::vector<Candidate> vocabulary(const game::View& v) {
  std::vector<Candidate> out;
  auto add = [&](std::string_view name, Named::Kind kind, int32_t id, bool place) {
    auto w = lowerWords(name);
    if (w.empty()) return;
    out.push_back({w, {kind, id, std::string(name)}, place && w.size() == 1});
  };
  for (const auto& p : v.planets) add(p.name, Named::Kind::kPlanet, p.id, true);
  for (const auto& p : v.foreign_planets) add(p.name, Named::Kind::kForeignPlanet, p.id, true);
  for (const auto& s : v.systems) add(s.name, Named::Kind::kSystem, s.id, true);
  for (const auto& f : v.fleets) add(f.name, Named::Kind::kFleet, f.id, true);
  for (const auto& c : v.civs) {
    if (c.id == v.self.id) continue;
    add(c.name, Named::Kind::kCiv, c.id, true);
    out.push_back({lowerWords(c.adjective), {Named::Kind::kCiv, c.id, c.name}, true});
  }
  for (int t = 0; t < game::kTechCount; ++t) add(game::techRule(t).name, Named::Kind::kTech, t, false);
  for (int b = 0; b < game::kBuildingCount; ++b) {
    const std::string_view name = game::buildingRule(static_cast<game::Building>(b)).name;
    add(name, Named::Kind::kBuilding, b, false);
    std::string plural(name);
    plural = plural.ends_with("y") ? plural.substr(0, plural.size() - 1) + "ies" : plural + "s";
    out.push_back({lowerWords(plural), {Named::Kind::kBuilding, b, std::string(name)}, false});
  }
  for (int c = 0; c < game::kShipClassCount; ++c) {
    const std::string_view name = game::shipRule(static_cast<game::ShipClass>(c)).name;
    add(name, Named::Kind::kShip, c, false);
    out.push_back({lowerWords(std::string(name) + "s"), {Named::Kind::kShip, c, std::string(name)}, false});
  }
  std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return a.words.size() > b.words.size();
  });
  return out;
}

std::string kindBefore(const std::vector<Token>& t, size_t i) {
  // A kind noun right before the name wins; then the context of war and treaties; then "on".
  for (size_t k = i; k-- > 0 && k + 4 > i;) {
    const std::string& w = t[k].word;
    if (starts(w, "planet") || starts(w, "world") || starts(w, "colon")) return "planet";
    if (starts(w, "system") || starts(w, "star")) return "system";
    if (starts(w, "fleet")) return "fleet";
    if (starts(w, "tech")) return "technology";
    if (starts(w, "empire") || starts(w, "civili") || starts(w, "nation") || starts(w, "faction")) return "empire";
  }
  for (size_t k = i; k-- > 0 && k + 6 > i;) {
    const std::string& w = t[k].word;
    if (starts(w, "war") || starts(w, "peace") || starts(w, "pact") || starts(w, "allian") || w == "with" ||
        starts(w, "treaty") || starts(w, "spy")) {
      return "empire";
    }
  }
  for (size_t i2 = i + 1; i2 < t.size(); ++i2) {
    if (starts(t[i2].word, "empire")) return "empire";
  }
  if (i > 0 && (t[i - 1].word == "on" || (i > 1 && t[i - 2].word == "on"))) return "planet";
  return "";
}

Act actOf(const std::vector<Token>& t) {
  if (phrase(t, {"declare", "war"}) || phrase(t, {"war", "on"}) || phrase(t, {"go", "to", "war"})) return Act::kWar;
  if (has(t, {"invad", "attack", "strike", "conquer", "crush", "destroy"})) return Act::kAttack;
  if (has(t, {"peace", "ceasefire", "truce"})) return Act::kPeace;
  if (has(t, {"allian", "ally", "allies"})) return Act::kAlliance;
  if (phrase(t, {"trade", "pact"}) || has(t, {"pact"}) || phrase(t, {"trade", "agreement"})) return Act::kTradePact;
  if (has(t, {"tax"})) {
    if (has(t, {"raise", "increas", "higher", "up"})) return Act::kRaiseTax;
    if (has(t, {"lower", "cut", "reduc", "decreas"})) return Act::kLowerTax;
  }
  if (hasWord(t, {"build", "construct"})) return Act::kBuild;
  if (hasWord(t, {"research", "study"})) return Act::kResearch;
  return Act::kNone;
}

}  // namespace

Question understand(std::string_view text, Role role, const game::View& view) {
  Question q;
  const auto t = tokens(text);
  const bool any_capital = std::any_of(t.begin(), t.end(), [](const Token& k) { return k.capital; });

  // Names, longest first; each word belongs to one name.
  std::vector<bool> used(t.size(), false);
  std::vector<std::pair<size_t, Named>> found;
  for (const auto& c : vocabulary(view)) {
    const size_t n = c.words.size();
    for (size_t i = 0; i + n <= t.size(); ++i) {
      bool match = true;
      for (size_t k = 0; k < n && match; ++k) match = !used[i + k] && t[i + k].word == c.words[k];
      if (!match || (c.needs_capital && any_capital && !t[i].capital)) continue;
      for (size_t k = 0; k < n; ++k) used[i + k] = true;
      found.emplace_back(i, c.named);
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [i, n] : found) q.names.push_back(std::move(n));
  // A name nobody knows.
  for (size_t i = 0; i < t.size() && q.unknown.empty(); ++i) {
    if (used[i] || stopword(t[i].word)) continue;
    const bool after_call = i > 0 && (t[i - 1].word == "called" || t[i - 1].word == "named");
    const bool after_war = i > 1 && ((t[i - 1].word == "on" && t[i - 2].word == "war") ||
                                     (t[i - 1].word == "the" && i > 2 && t[i - 2].word == "on" &&
                                      t[i - 3].word == "war"));
    const bool capital_name = t[i].capital && !t[i].sentence_start &&
                              std::find(kNotNames.begin(), kNotNames.end(), t[i].word) == kNotNames.end();
    if (!(after_call || after_war || capital_name)) continue;
    // The whole capitalised run: "New Zorblax".
    std::string name;
    size_t k = i;
    for (; k < t.size() && !used[k] && (k == i || t[k].capital); ++k) {
      name += (name.empty() ? "" : " ") + capitalised(t[k].word);
    }
    q.unknown = name;
    q.unknown_kind = kindBefore(t, i);
  }

  // What it is about.
  std::array<int, 7> score{};
  for (const auto& tok : t) {
    for (const auto& k : kTopics) {
      for (auto stem : k.stems) {
        if (!stem.empty() && starts(tok.word, stem)) {
          score[static_cast<int>(k.topic)] += 2;
          break;
        }
      }
    }
  }
  for (const auto& n : q.names) {
    switch (n.kind) {
      case Named::Kind::kCiv: score[static_cast<int>(role == Role::kIntelligence ? Topic::kIntelligence : Topic::kDiplomacy)] += 2; break;
      case Named::Kind::kTech: score[static_cast<int>(Topic::kResearch)] += 2; break;
      case Named::Kind::kFleet:
      case Named::Kind::kShip: score[static_cast<int>(Topic::kMilitary)] += 2; break;
      default: break;
    }
  }
  for (auto [stem, r] : std::initializer_list<std::pair<std::string_view, game::Resource>>{
           {"credit", game::Resource::kCredits}, {"money", game::Resource::kCredits},
           {"income", game::Resource::kCredits}, {"treasur", game::Resource::kCredits},
           {"mineral", game::Resource::kMinerals}, {"energy", game::Resource::kEnergy},
           {"power", game::Resource::kEnergy}, {"food", game::Resource::kFood},
           {"exotic", game::Resource::kExotics}}) {
    if (!q.resource && has(t, {stem}) && !(stem == "power" && q.first(Named::Kind::kBuilding))) q.resource = r;
  }
  const Topic own = roleTopic(role);
  score[static_cast<int>(own)] += 1;  // ties go to the character's field
  int best = static_cast<int>(own);
  for (int i = 0; i < 7; ++i) {
    if (score[i] > score[best]) best = i;
  }
  q.topic = static_cast<Topic>(best);
  const bool domain = score[best] > 1 || !q.names.empty();

  q.about_queue = has(t, {"wait", "queue", "stuck", "block", "construct"});
  q.about_unrest = has(t, {"unrest", "riot", "revolt", "happy", "unhapp", "angry", "discontent", "calm"});

  // What the player wants.
  q.act = actOf(t);
  // An act is something to weigh only with what it acts on.
  const bool actionable =
      q.act == Act::kRaiseTax || q.act == Act::kLowerTax ||
      ((q.act == Act::kWar || q.act == Act::kAttack || q.act == Act::kPeace || q.act == Act::kTradePact ||
        q.act == Act::kAlliance) && q.first(Named::Kind::kCiv) != nullptr) ||
      (q.act == Act::kResearch && q.first(Named::Kind::kTech) != nullptr) ||
      (q.act == Act::kBuild && q.first(Named::Kind::kBuilding) != nullptr);
  const bool asks_should = phrase(t, {"should", "we"}) || phrase(t, {"shall", "we"}) ||
                           phrase(t, {"can", "we"}) || phrase(t, {"could", "we"}) ||
                           phrase(t, {"is", "it", "wise"}) || phrase(t, {"what", "if", "we"}) ||
                           phrase(t, {"would", "it", "be"}) || phrase(t, {"ought", "we"}) ||
                           phrase(t, {"do", "we", "dare"});
  const bool asks_advice =
      has(t, {"recommend", "suggest", "advi", "priorit", "idea"}) ||
      phrase(t, {"what", "should"}) || phrase(t, {"what", "now"}) || phrase(t, {"what", "next"}) ||
      phrase(t, {"next", "step"}) || phrase(t, {"next", "move"}) || phrase(t, {"best", "move"}) ||
      phrase(t, {"what", "would", "you", "do"}) || phrase(t, {"should", "we", "do"}) ||
      phrase(t, {"where", "should"}) || phrase(t, {"how", "can", "we"}) || phrase(t, {"how", "do", "we"}) ||
      hasWord(t, {"plan", "help", "improve", "fix"});
  const bool asks_why =
      hasWord(t, {"why", "explain", "breakdown", "cause", "causes", "causing", "unlock", "unlocks",
                  "waiting", "stuck", "blocked", "likely", "intend", "intentions", "plotting"}) ||
      phrase(t, {"how", "come"}) || phrase(t, {"where", "does"}) || phrase(t, {"what", "is", "eating"}) ||
      phrase(t, {"going", "to", "do"}) || phrase(t, {"what", "do", "they"}) ||
      phrase(t, {"up", "to"}) || (hasWord(t, {"will"}) && hasWord(t, {"do"}));
  const bool asks_compare = hasWord(t, {"compare", "compared", "versus", "vs", "than", "rank", "ranking"}) ||
                            phrase(t, {"stack", "up"}) || phrase(t, {"measure", "up"});
  const bool greets = has(t, {"hello", "greet", "hey"}) || hasWord(t, {"hi", "morning", "evening", "afternoon"}) ||
                      phrase(t, {"good", "day"});
  const bool small_talk = has(t, {"joke", "funny", "laugh", "thank", "favourite", "favorite", "hobby",
                                  "bored", "sing", "song", "poem", "feel"}) ||
                          phrase(t, {"how", "are", "you"}) || phrase(t, {"who", "are", "you"}) ||
                          phrase(t, {"your", "name"}) || phrase(t, {"about", "yourself"});
  const bool foreign_topic =
      has(t, {"recipe", "cook", "pizza", "football", "soccer", "movie", "film", "bitcoin", "france",
              "paris", "homework", "math", "president", "weather", "translat", "email", "python",
              "javascript", "earth", "lottery", "celebrit", "horoscope", "restaurant", "capital of"}) ||
      phrase(t, {"capital", "of"});

  if (foreign_topic && (!domain || phrase(t, {"capital", "of"}))) {
    q.intent = Intent::kOutOfDomain;
  } else if (!q.unknown.empty() && (q.names.empty() || q.unknown_kind == "empire")) {
    q.intent = Intent::kUnknownName;
  } else if (asks_should && actionable && !phrase(t, {"should", "we", "do"})) {
    q.intent = Intent::kProposal;
  } else if (asks_why) {
    q.intent = Intent::kExplain;
  } else if (asks_compare && (q.first(Named::Kind::kCiv) || has(t, {"rival", "other", "empire", "neighbo"}))) {
    q.intent = Intent::kCompare;
  } else if (asks_advice || asks_should) {
    q.intent = Intent::kAdvice;
  } else if (small_talk && !domain) {
    q.intent = Intent::kSmallTalk;
  } else if (greets && !domain) {
    q.intent = Intent::kGreeting;
  } else if (!q.names.empty()) {
    q.intent = Intent::kEntity;
  } else if (!domain && small_talk) {
    q.intent = Intent::kSmallTalk;
  } else {
    q.intent = Intent::kStatus;
  }
  return q;
}

}  // namespace startales::ai
