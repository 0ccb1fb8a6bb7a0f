#include "ai/builtin_engine.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include "game/rules.h"

namespace startales::ai {

namespace {

using game::Resource;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : lower(text)) {
    if (std::isalnum(static_cast<unsigned char>(ch))) {
      cur += ch;
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

struct Keywords {
  Intent intent;
  std::array<std::string_view, 14> stems;  // a word matches when it starts with a stem
};

constexpr std::array<Keywords, 9> kKeywords = {{
    {Intent::kGreeting, {"hello", "hi", "greet", "hey", "morning", "evening"}},
    {Intent::kOverview, {"status", "overview", "report", "situation", "doing", "state", "summar"}},
    {Intent::kFinances, {"financ", "money", "credit", "treasur", "tax", "income", "budget",
                         "economy", "market", "trade", "price", "debt", "afford"}},
    {Intent::kMilitary, {"fleet", "ship", "war", "attack", "defen", "army", "navy", "battle",
                         "threat", "invad", "military", "corvette", "pirat"}},
    {Intent::kResearch, {"research", "tech", "science", "discover", "lab", "invent"}},
    {Intent::kDiplomacy, {"diploma", "relation", "treaty", "peace", "alliance", "ally", "pact",
                          "proposal", "neighbo", "friend", "enem"}},
    {Intent::kPopulation, {"people", "population", "citizen", "food", "starv", "unrest",
                           "happy", "hous", "riot", "revolt", "grow"}},
    {Intent::kIntelligence, {"spy", "intel", "rival", "empire", "strong", "secret", "watch"}},
    {Intent::kAdvice, {"should", "advise", "advice", "suggest", "recommend", "next", "plan", "help"}},
}};

Intent roleIntent(Role role) {
  switch (role) {
    case Role::kTreasury: return Intent::kFinances;
    case Role::kDefense: return Intent::kMilitary;
    case Role::kScience: return Intent::kResearch;
    case Role::kForeignAffairs: return Intent::kDiplomacy;
    case Role::kInterior: return Intent::kPopulation;
    case Role::kIntelligence: return Intent::kIntelligence;
    default: return Intent::kOverview;
  }
}

std::string num(double v) {
  char buf[32];
  if (std::abs(v) >= 100) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", v);
    std::string s(buf);
    if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.resize(s.size() - 2);
    return s;
  }
  return buf;
}

std::string signedNum(double v) { return (v >= 0 ? "+" : "") + num(v); }

double stock(const game::View& v, Resource r) { return at(v.self.stock, r); }
double income(const game::View& v, Resource r) { return v.self.income[static_cast<int>(r)]; }

double population(const game::View& v) {
  double p = 0;
  for (const auto& planet : v.planets) p += planet.population;
  return p;
}

double averageUnrest(const game::View& v) {
  if (v.planets.empty()) return 0;
  double u = 0;
  for (const auto& p : v.planets) u += p.unrest;
  return u / static_cast<double>(v.planets.size());
}

const game::Planet* capital(const game::View& v) {
  for (const auto& p : v.planets) {
    if (p.id == v.self.capital) return &p;
  }
  return v.planets.empty() ? nullptr : &v.planets.front();
}

const game::Planet* shipyard(const game::View& v) {
  for (const auto& p : v.planets) {
    if (p.buildings[static_cast<int>(game::Building::kShipyard)] > 0) return &p;
  }
  return nullptr;
}

int warships(const std::array<int32_t, game::kShipClassCount>& ships) {
  return ships[static_cast<int>(game::ShipClass::kCorvette)] +
         ships[static_cast<int>(game::ShipClass::kFrigate)] +
         ships[static_cast<int>(game::ShipClass::kCruiser)];
}

std::string civName(const game::View& v, game::CivId id) {
  if (id == game::kPirates) return "pirates";
  for (const auto& c : v.civs) {
    if (c.id == id) return "the " + c.name;
  }
  return "an unknown power";
}

std::string systemName(const game::View& v, game::SystemId id) {
  for (const auto& s : v.systems) {
    if (s.id == id) return s.name;
  }
  return "an uncharted system";
}

// Systems where hostile or foreign warships sit next to our planets.
std::vector<const game::ForeignFleetView*> threats(const game::View& v) {
  std::vector<const game::ForeignFleetView*> out;
  for (const auto& f : v.foreign_fleets) {
    if (warships(f.ships) == 0) continue;
    bool hostile = f.owner == game::kPirates;
    for (const auto& c : v.civs) hostile |= c.id == f.owner && c.treaty == game::Treaty::kWar;
    bool near = false;
    for (const auto& p : v.planets) near |= p.system == f.at || p.system == f.next;
    if (hostile && near) out.push_back(&f);
  }
  return out;
}

// The character's manner: how a sentence starts and ends.
struct Manner {
  const Character& c;
  std::string open(const game::View& v) const {
    if (c.traits.formality > 0.66) return "My ruler, ";
    if (c.traits.warmth > 0.66) return "Good news and bad, friend: ";
    (void)v;
    return "";
  }
  std::string close() const {
    if (c.traits.boldness > 0.66) return " I say we act now.";
    if (c.traits.boldness < 0.33) return " We should move carefully.";
    return "";
  }
  bool detailed() const { return c.traits.verbosity > 0.5; }
};

void financeReply(const game::View& v, const Manner& voice, Reply& r) {
  const double credits = stock(v, Resource::kCredits), net = income(v, Resource::kCredits);
  r.text += "The treasury holds " + num(credits) + " credits, " + signedNum(net) +
            " a day. Taxes are at " + std::to_string(v.self.policies.tax_rate) + "%.";
  if (voice.detailed()) {
    r.text += " Stocks: " + num(stock(v, Resource::kMinerals)) + " minerals, " +
              num(stock(v, Resource::kEnergy)) + " energy, " + num(stock(v, Resource::kFood)) +
              " food. Food sells for " + num(v.market.price[game::goodIndex(Resource::kFood)]) +
              " on the market.";
  }
  if (net < 0 && v.self.policies.tax_rate < 40) {
    game::SetPolicy raise;
    raise.tax_rate = std::min(40, v.self.policies.tax_rate + 5);
    r.proposals.push_back({raise, "We spend more than we earn; a higher tax closes the gap."});
  } else if (net >= 0 && stock(v, Resource::kMinerals) > 1000) {
    r.proposals.push_back({game::Trade{Resource::kMinerals, -200},
                           "Our minerals pile up unused; selling some fills the treasury."});
  }
}

void militaryReply(const game::View& v, const Manner& voice, Reply& r) {
  int ours = 0;
  for (const auto& f : v.fleets) ours += warships(f.ships);
  r.text += "We have " + std::to_string(ours) + " warships in " + std::to_string(v.fleets.size()) +
            " fleets.";
  const auto danger = threats(v);
  int at_war = 0;
  for (const auto& c : v.civs) at_war += c.treaty == game::Treaty::kWar;
  if (!danger.empty()) {
    const auto* f = danger.front();
    r.text += " Warning: " + civName(v, f->owner) + " has " + std::to_string(warships(f->ships)) +
              " warships at " + systemName(v, f->at) + ", where our colonies are.";
  } else if (at_war > 0) {
    r.text += " We are at war with " + std::to_string(at_war) + " empire" + (at_war > 1 ? "s" : "") +
              ", but no enemy warships are near our colonies.";
  } else {
    r.text += " No enemy threatens our colonies right now.";
  }
  for (const auto& p : v.planets) {
    if (p.blockaded) r.text += " " + p.name + " is blockaded.";
  }
  if (const auto* yard = shipyard(v); yard && (!danger.empty() || ours < 2)) {
    r.proposals.push_back({game::BuildShip{yard->id, game::ShipClass::kCorvette, 2},
                           danger.empty() ? "A fleet of two corvettes guards the homeworld."
                                          : "Two corvettes to meet the threat."});
  }
  (void)voice;
}

void researchReply(const game::View& v, const Manner& voice, Reply& r) {
  if (v.self.researching >= 0) {
    const auto& rule = game::techRule(v.self.researching);
    const double left = std::max(0.0, v.self.research_cost - v.self.research_progress);
    const double days = v.self.research_rate > 0 ? left / v.self.research_rate : -1;
    r.text += "Our labs study " + std::string(rule.name) + ": " + num(v.self.research_progress) +
              " of " + num(v.self.research_cost) + " points, " +
              (days >= 0 ? "about " + num(std::ceil(days)) + " days to go" : "but no lab is working") +
              ".";
  } else {
    r.text += "Our labs have no topic; " + num(v.self.research_rate) + " points a day go to waste.";
  }
  r.text += " We know " + std::to_string(v.self.techs.size()) + " of " +
            std::to_string(game::kTechCount) + " technologies.";
  if (v.self.researching < 0) {
    // The cheapest open technology.
    int best = -1;
    for (int t = 0; t < game::kTechCount; ++t) {
      if (std::find(v.self.techs.begin(), v.self.techs.end(), t) != v.self.techs.end()) continue;
      const auto& rule = game::techRule(t);
      bool open = true;
      for (int pre : rule.prerequisites) {
        open &= pre < 0 || std::find(v.self.techs.begin(), v.self.techs.end(), pre) != v.self.techs.end();
      }
      if (open && (best < 0 || rule.cost < game::techRule(best).cost)) best = t;
    }
    if (best >= 0) {
      r.proposals.push_back({game::Research{best}, "Start " + std::string(game::techRule(best).name) +
                                                       ": " + std::string(game::techRule(best).unlocks) + "."});
    }
  }
  (void)voice;
}

void diplomacyReply(const game::View& v, const Manner& voice, Reply& r) {
  int met = 0;
  std::string list;
  for (const auto& c : v.civs) {
    if (c.id == v.self.id) continue;
    met++;
    if (voice.detailed() || met <= 3) {
      list += (list.empty() ? "" : "; ") + c.name + ": " + std::string(game::treatyName(c.treaty)) +
              ", relation " + std::to_string(c.relation);
    }
  }
  if (met == 0) {
    r.text += "We have not met another empire yet.";
    return;
  }
  r.text += "We know " + std::to_string(met) + " empire" + (met > 1 ? "s" : "") + ". " + list + ".";
  for (const auto& p : v.proposals) {
    if (p.to != v.self.id) continue;
    r.text += " " + civName(v, p.from) + " proposes " + std::string(game::treatyName(p.treaty)) +
              " (open until day " + std::to_string(p.expires) + ").";
    r.proposals.push_back({game::RespondTreaty{p.id, true},
                           "Accepting " + std::string(game::treatyName(p.treaty)) + " with " +
                               civName(v, p.from) + "."});
  }
  for (const auto& c : v.civs) {
    if (c.id == v.self.id || c.treaty != game::Treaty::kPeace || c.relation < 15) continue;
    r.proposals.push_back({game::ProposeTreaty{c.id, game::Treaty::kTradePact},
                           "Relations with the " + c.name + " are good enough for a trade pact."});
    break;
  }
}

void populationReply(const game::View& v, const Manner& voice, Reply& r) {
  r.text += "Our " + std::to_string(v.planets.size()) + " worlds hold " + num(population(v)) +
            " thousand people; average unrest is " + num(averageUnrest(v)) + "%. Food: " +
            num(stock(v, Resource::kFood)) + " stored, " + signedNum(income(v, Resource::kFood)) +
            " a day.";
  const auto* home = capital(v);
  if (income(v, Resource::kFood) < 0 && home) {
    r.proposals.push_back({game::Build{home->id, game::Building::kFarm},
                           "We eat more than we grow; a farm on " + home->name + " fixes that."});
  } else if (averageUnrest(v) > 40 && v.self.policies.tax_rate > 10) {
    game::SetPolicy lower;
    lower.tax_rate = v.self.policies.tax_rate - 5;
    r.proposals.push_back({lower, "Unrest is high; lower taxes would calm the streets."});
  }
  (void)voice;
}

void intelligenceReply(const game::View& v, const Manner& voice, Reply& r) {
  int seen = 0;
  std::map<game::CivId, int> ships;
  for (const auto& f : v.foreign_fleets) {
    ships[f.owner] += warships(f.ships);
    seen++;
  }
  r.text += "Our sensors cover " + std::to_string(v.sensors.size()) + " systems and see " +
            std::to_string(seen) + " foreign fleets.";
  for (const auto& [owner, count] : ships) {
    if (count > 0) r.text += " " + civName(v, owner) + ": " + std::to_string(count) + " warships in sight.";
  }
  double best = 0;
  std::string leader;
  for (const auto& c : v.civs) {
    if (c.id != v.self.id && c.score > best) {
      best = c.score;
      leader = c.name;
    }
  }
  if (!leader.empty()) {
    r.text += " The strongest rival we know is the " + leader + " (score " + num(best) +
              ", ours " + num(v.self.score.total()) + ").";
  }
  (void)voice;
}

// An AI empire's ruler speaking to the player: where the two empires stand.
void leaderReply(const Character& leader, const game::View& v, Reply& r) {
  const game::CivView* them = nullptr;
  for (const auto& c : v.civs) {
    if (c.id == leader.civ) them = &c;
  }
  if (them == nullptr) {
    r.text += "Our peoples have not met; I have nothing to say to a stranger yet.";
    return;
  }
  r.text += "I speak for the " + them->name + ". Between us: " +
            std::string(game::treatyName(them->treaty)) + ", and our regard for you stands at " +
            std::to_string(them->relation) + ".";
  if (them->treaty == game::Treaty::kWar) {
    r.text += leader.traits.boldness > 0.5 ? " Yield, or be broken." : " Peace has a price; offer it.";
  } else if (them->relation >= 25) {
    r.text += " We would welcome closer ties.";
  } else if (them->relation <= -25) {
    r.text += " Tread carefully near our borders.";
  }
}

// The narrator: the day and the standings of every empire the listener knows.
void gameMasterReply(const game::View& v, Reply& r) {
  r.text += "Day " + std::to_string(v.tick) + " of the chronicle.";
  std::vector<const game::CivView*> standing;
  for (const auto& c : v.civs) {
    if (c.alive) standing.push_back(&c);
  }
  std::sort(standing.begin(), standing.end(),
            [](const auto* a, const auto* b) { return a->score > b->score; });
  for (size_t i = 0; i < standing.size() && i < 4; ++i) {
    r.text += (i == 0 ? " Leading: the " : i == 1 ? " Then the " : ", the ") + standing[i]->name +
              " (" + num(standing[i]->score) + ")";
  }
  if (!standing.empty()) r.text += ".";
}

}  // namespace

std::string_view intentName(Intent intent) {
  static constexpr std::array<std::string_view, 10> kNames = {
      "greeting", "overview", "finances", "military", "research",
      "diplomacy", "population", "intelligence", "advice", "unknown"};
  return kNames[static_cast<int>(intent)];
}

Intent classify(std::string_view text, Role role) {
  std::array<int, 10> score{};
  for (const auto& w : words(text)) {
    for (const auto& k : kKeywords) {
      for (auto stem : k.stems) {
        if (!stem.empty() && w.compare(0, stem.size(), stem) == 0) {
          score[static_cast<int>(k.intent)] += 2;
          break;
        }
      }
    }
  }
  const Intent own = roleIntent(role);
  score[static_cast<int>(own)] += 1;  // ties go to the character's field
  int best = static_cast<int>(own);
  for (int i = 0; i < 9; ++i) {
    if (score[i] > score[best]) best = i;
  }
  if (score[best] <= 1) {
    return words(text).empty() ? Intent::kUnknown : own;  // unclear: talk about our field
  }
  return static_cast<Intent>(best);
}

Reply builtinReply(const Character& character, const game::View& view, std::string_view text) {
  Reply r;
  r.intent = classify(text, character.role);
  const Manner voice{character};
  r.text = voice.open(view);
  if (character.role == Role::kLeader) {
    leaderReply(character, view, r);
    return r;
  }
  if (character.role == Role::kGameMaster) {
    gameMasterReply(view, r);
    return r;
  }
  switch (r.intent) {
    case Intent::kGreeting:
      r.text += "I am " + character.name + ", your " + std::string(roleTitle(character.role)) +
                ". Ask me about " +
                std::string(intentName(roleIntent(character.role))) + ", or anything else.";
      return r;
    case Intent::kFinances: financeReply(view, voice, r); break;
    case Intent::kMilitary: militaryReply(view, voice, r); break;
    case Intent::kResearch: researchReply(view, voice, r); break;
    case Intent::kDiplomacy: diplomacyReply(view, voice, r); break;
    case Intent::kPopulation: populationReply(view, voice, r); break;
    case Intent::kIntelligence: intelligenceReply(view, voice, r); break;
    case Intent::kOverview:
    case Intent::kAdvice:
    case Intent::kUnknown:
      // Our own field first, then the one number everyone cares about.
      switch (roleIntent(character.role)) {
        case Intent::kFinances: financeReply(view, voice, r); break;
        case Intent::kMilitary: militaryReply(view, voice, r); break;
        case Intent::kResearch: researchReply(view, voice, r); break;
        case Intent::kDiplomacy: diplomacyReply(view, voice, r); break;
        case Intent::kPopulation: populationReply(view, voice, r); break;
        case Intent::kIntelligence: intelligenceReply(view, voice, r); break;
        default:
          r.text += "Day " + std::to_string(view.tick) + ": " + std::to_string(view.planets.size()) +
                    " worlds, " + num(population(view)) + " thousand people, " +
                    num(stock(view, Resource::kCredits)) + " credits, score " +
                    num(view.self.score.total()) + ".";
      }
      break;
  }
  r.text += voice.close();
  return r;
}

std::string builtinRemark(const Character& character, const game::View& view,
                          std::string_view kind, std::string_view notice_text) {
  const Intent own = roleIntent(character.role);
  const std::string what(notice_text);
  auto said = [&](std::string s) { return Manner{character}.open(view) + s; };
  if ((kind == "battle" || kind == "battle_won" || kind == "battle_lost" || kind == "blockade" ||
       kind == "defenses_destroyed" || kind == "war_declared" || kind == "planet_invaded") &&
      own == Intent::kMilitary) {
    return said(what + " Our forces stand at " + std::to_string(view.fleets.size()) + " fleets.");
  }
  if (kind == "shortage" && own == Intent::kFinances) {
    return said(what + " We need income: raise taxes or sell goods.");
  }
  if ((kind == "starvation" || kind == "revolt" || kind == "riots") && own == Intent::kPopulation) {
    return said(what + " Average unrest is " + num(averageUnrest(view)) + "%.");
  }
  if ((kind == "tech_researched" || kind == "event") && own == Intent::kResearch &&
      what.find("ruins") != std::string::npos) {
    return said(what + " A discovery worth studying.");
  }
  if (kind == "tech_researched" && own == Intent::kResearch) return said(what);
  if ((kind == "contact" || kind == "proposal") && own == Intent::kDiplomacy) return said(what);
  return "";
}

std::string builtinNarration(const Character& gm, std::string_view kind, std::string_view text) {
  std::string open;
  if (kind == "war_declared") open = "Drums sound between the stars. ";
  else if (kind == "civ_destroyed") open = "An empire falls silent. ";
  else if (kind == "treaty_signed") open = "Ink dries on a new accord. ";
  else if (kind == "planet_invaded") open = "Banners change over a conquered world. ";
  else if (kind == "event") open = "Strange tidings reach every court. ";
  std::string out = open + std::string(text);
  if (gm.traits.verbosity > 0.6 && !open.empty()) out += " The galaxy will remember this day.";
  return out;
}

std::string builtinRecap(const Character& gm, std::vector<RecapItem> events, int32_t since,
                         int32_t now) {
  std::string out = "While you were away, from day " + std::to_string(since) + " to day " +
                    std::to_string(now) + ":";
  if (events.empty()) return out + " nothing of note happened.";
  std::stable_sort(events.begin(), events.end(),
                   [](const RecapItem& a, const RecapItem& b) { return a.tick < b.tick; });
  for (const auto& e : events) out += " Day " + std::to_string(e.tick) + ": " + e.text;
  if (gm.traits.warmth > 0.6) out += " Welcome back.";
  return out;
}

}  // namespace startales::ai
