// The dialogue evaluation: questions to the six cabinet roles, rival leaders and the game
// master (tests/ai/dialogue_eval/cases.json) over several campaign states generated here
// deterministically (newGame + step, the player's seat played by the AI planner for a
// while). Each case says what the built-in engine's answer must contain — figures this test
// computes from the state, the named entity, a recommendation of the right kind — and must
// not contain. Every answer is also checked for fog of war (no unmet empire or unexplored
// system named), grammar ("1 worlds"), a short first sentence, and variation: asked twice in
// a row, the same figures in other words. Distinct questions get distinct answers. The score
// is printed; under 95% the test fails.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "ai/builtin_engine.h"
#include "ai/phrasing.h"
#include "game/game.h"

namespace startales::ai {
namespace {

namespace json = boost::json;

struct StateSpec {
  std::string name;
  uint64_t seed;
  int systems, civs, played, idle;
};

game::GameState build(const StateSpec& spec) {
  game::GameConfig config;
  config.seed = spec.seed;
  config.systems = spec.systems;
  config.civs = spec.civs;
  config.players = 1;
  game::GameState s = game::newGame(config);
  s.civs[0].name = "Vega";  // a player's single name: "Vega", never "the Vega" (set after the
                            // galaxy is made, so the states stay the ones the cases describe)
  s.civs[0].ai = true;  // the player's seat, played by the planner for a while...
  for (int i = 0; i < spec.played; ++i) game::step(s);
  s.civs[0].ai = false;  // ...then left alone
  for (int i = 0; i < spec.idle; ++i) game::step(s);
  return s;
}

std::string plural(double n, const std::string& one) {
  return num(n) + " " + one + (num(n) == "1" ? "" : "s");
}

int shipsOf(const std::array<int32_t, game::kShipClassCount>& s) {
  return s[static_cast<int>(game::ShipClass::kCorvette)] + s[static_cast<int>(game::ShipClass::kFrigate)] +
         s[static_cast<int>(game::ShipClass::kCruiser)];
}

// What a campaign state means for the cases: placeholders and conditions.
struct World {
  std::string name;
  game::GameState state;
  Situation situation;
  std::map<std::string, std::string> vars;
  std::set<std::string> holds;     // conditions that hold
  std::vector<std::string> hidden;  // names the player's view must never reveal
  std::vector<Character> cast;
};

World world(const StateSpec& spec) {
  World w;
  w.name = spec.name;
  w.state = build(spec);
  const auto& s = w.state;
  w.situation = situationFor(s, 0);
  const auto& v = w.situation.view;
  auto& x = w.vars;
  const double credits = game::at(v.self.stock, game::Resource::kCredits);
  x["credits"] = num(credits);
  x["credits_net"] = signedNum(v.self.income[0]);
  x["tax"] = std::to_string(v.self.policies.tax_rate);
  x["food"] = num(game::at(v.self.stock, game::Resource::kFood));
  x["food_net"] = signedNum(v.self.income[static_cast<int>(game::Resource::kFood)]);
  double pop = 0, unrest = 0;
  for (const auto& p : v.planets) {
    pop += p.population;
    unrest += p.unrest;
  }
  x["pop"] = num(pop);
  x["unrest"] = num(v.planets.empty() ? 0 : unrest / v.planets.size());
  x["worlds"] = plural(v.planets.size(), "world");
  int ours = 0;
  for (const auto& f : v.fleets) ours += shipsOf(f.ships);
  x["warships"] = plural(ours, "warship");
  x["fleets"] = plural(v.fleets.size(), "fleet");
  x["day"] = std::to_string(v.tick);
  x["score"] = num(v.self.score.total());
  x["techs_known"] = std::to_string(v.self.techs.size());
  x["capital"] = s.planets[s.civs[0].capital].name;
  for (const auto& p : v.planets) {
    if (!p.capital) {
      x["colony"] = p.name;
      w.holds.insert("colony");
    }
    for (const auto& q : p.queue) {
      w.holds.insert("queue");
      if (q.blocked != game::BlockReason::kNone && !w.holds.contains("blocked")) {
        w.holds.insert("blocked");
        x["blocked_reason"] = game::blockedText(q);
        x["blocked_planet"] = p.name;
      }
    }
  }
  if (!w.holds.contains("blocked")) w.holds.insert("nothing_blocked");
  for (const auto& p : v.foreign_planets) {
    x["foreign_planet"] = p.name;
    w.holds.insert("foreign_planet");
  }
  for (const auto& sys : v.systems) x["system"] = sys.name;
  if (!v.fleets.empty()) {
    x["fleet"] = v.fleets.front().name;
    w.holds.insert("fleet");
  }
  const game::CivView* strongest = nullptr;
  for (const auto& c : v.civs) {
    if (c.id == v.self.id) continue;
    if (!w.holds.contains("rival")) {
      w.holds.insert("rival");
      x["rival"] = c.name;
      x["rival_relation"] = std::to_string(c.relation);
      x["rival_treaty"] = std::string(game::treatyName(c.treaty));
      x["rival_score"] = num(c.score);
      x["rival_warships"] = plural([&] {
        int n = 0;
        for (const auto& f : v.foreign_fleets) n += f.owner == c.id ? shipsOf(f.ships) : 0;
        return n;
      }(), "warship");
      w.holds.insert(c.treaty == game::Treaty::kWar ? "rival_at_war" : "rival_not_at_war");
      if (c.treaty == game::Treaty::kPeace && c.relation >= 10) w.holds.insert("rival_friendly_peace");
      if (c.treaty == game::Treaty::kPeace && c.relation < 10) w.holds.insert("rival_cold_peace");
    }
    if (!strongest || c.score > strongest->score) strongest = &c;
  }
  if (!w.holds.contains("rival")) w.holds.insert("no_rival");
  if (strongest) {
    x["strongest"] = strongest->name;
    x["strongest_score"] = num(strongest->score);
  }
  for (const auto& c : s.civs) {
    bool met = false;
    for (const auto& known : v.civs) met |= known.id == c.id;
    if (!met) {
      w.hidden.push_back(c.name);
      x["hidden_civ"] = c.name;
      w.holds.insert("hidden_civ");
    }
  }
  for (const auto& sys : s.systems) {
    if (!s.civs[0].explored[sys.id]) w.hidden.push_back(sys.name);
  }
  if (v.self.researching >= 0) {
    w.holds.insert("researching");
    x["tech"] = std::string(game::techRule(v.self.researching).name);
  } else {
    w.holds.insert("not_researching");
  }
  int cheapest = -1;
  for (int t = 0; t < game::kTechCount; ++t) {
    const auto& rule = game::techRule(t);
    bool known = false, open = true;
    for (int k : v.self.techs) known |= k == t;
    for (int pre : rule.prerequisites) {
      bool has = pre < 0;
      for (int k : v.self.techs) has |= k == pre;
      open &= has;
    }
    if (!known && open && t != v.self.researching && (cheapest < 0 || rule.cost < game::techRule(cheapest).cost)) cheapest = t;
  }
  if (cheapest >= 0) {
    x["tech_open"] = std::string(game::techRule(cheapest).name);
    x["tech_open_unlocks"] = std::string(game::techRule(cheapest).unlocks);
    w.holds.insert("tech_open");
  }
  x["factory_cost"] = num(game::buildingRule(game::Building::kFactory).credits);
  x["cruiser_cost"] = num(game::shipRule(game::ShipClass::kCruiser).credits);
  x["fusion_unlocks"] = std::string(game::techRule(game::tech::kFusionPower).unlocks);
  x["cruisers_unlocks"] = std::string(game::techRule(game::tech::kCruisers).unlocks);
  const auto& credits_lines = w.situation.ledger[0];
  if (!credits_lines.empty()) {
    x["ledger_top"] = credits_lines.front().item;
    x["ledger_top_amount"] = signedNum(credits_lines.front().amount);
    double total = 0;
    for (const auto& l : credits_lines) total += l.amount;
    x["ledger_total"] = signedNum(total);
  }
  const auto& food_lines = w.situation.ledger[static_cast<int>(game::Resource::kFood)];
  if (!food_lines.empty()) {
    x["food_top"] = food_lines.front().item;
    x["food_top_amount"] = signedNum(food_lines.front().amount);
  }
  const game::UnrestReport* worst = nullptr;
  for (const auto& u : w.situation.unrest) {
    if (!worst || u.unrest > worst->unrest) worst = &u;
  }
  if (worst) {
    x["unrest_planet"] = s.planets[worst->planet].name;
    x["unrest_worst"] = num(worst->unrest);
    x["unrest_target"] = num(worst->target);
  }
  w.cast = generateCast(s, 1);
  for (const auto& c : w.cast) {
    if (c.role == Role::kLeader && c.civ != game::kNone) {
      for (const auto& known : v.civs) {
        if (known.id == c.civ && !w.holds.contains("leader")) {
          w.holds.insert("leader");
          x["leader_civ"] = known.name;
          x["leader_relation"] = std::to_string(known.relation);
          x["leader_treaty"] = std::string(game::treatyName(known.treaty));
          w.holds.insert(known.treaty == game::Treaty::kPeace && known.relation >= 10 ? "leader_would_trade" : "leader_would_not_trade");
        }
      }
    }
  }
  // Which portfolios the planner has orders for (the cases' own statement of portfolios).
  for (const auto& a : w.situation.plan) {
    const std::string kind(game::actionName(a.action));
    const auto* b = std::get_if<game::Build>(&a.action);
    const auto* ship = std::get_if<game::BuildShip>(&a.action);
    using game::Building;
    if (kind == "set_policy" || kind == "trade" || kind == "choose_event_option" ||
        (b && b->building != Building::kFarm && b->building != Building::kHabitat &&
         b->building != Building::kResearchLab && b->building != Building::kDefensePlatform &&
         b->building != Building::kShipyard) || (ship && ship->ship == game::ShipClass::kFreighter)) {
      w.holds.insert("plan_treasury");
    }
    if (kind == "set_policy" || kind == "colonize" || kind == "choose_event_option" ||
        (b && (b->building == Building::kFarm || b->building == Building::kHabitat || b->building == Building::kPowerPlant)) ||
        (ship && ship->ship == game::ShipClass::kColonyShip)) {
      w.holds.insert("plan_interior");
    }
    if (kind == "research" || (b && b->building == Building::kResearchLab)) w.holds.insert("plan_science");
    if (kind == "propose_treaty" || kind == "respond_treaty" || kind == "declare_war") w.holds.insert("plan_foreign");
    if (kind == "invade" || kind == "merge_fleets" || kind == "declare_war" ||
        (b && (b->building == Building::kDefensePlatform || b->building == Building::kShipyard)) ||
        (ship && static_cast<int>(ship->ship) >= static_cast<int>(game::ShipClass::kCorvette))) {
      w.holds.insert("plan_defense");
    }
  }
  for (const char* role : {"treasury", "interior", "science", "foreign", "defense"}) {
    if (!w.holds.contains(std::string("plan_") + role)) w.holds.insert(std::string("no_plan_") + role);
  }
  return w;
}

const Character* speaker(const World& w, Role role) {
  for (const auto& c : w.cast) {
    if (c.role != role) continue;
    if (role == Role::kGameMaster) return &c;
    if (role == Role::kLeader) {
      if (w.vars.contains("leader_civ") && w.state.civs[c.civ].name == w.vars.at("leader_civ")) return &c;
      continue;
    }
    if (c.civ == 0) return &c;
  }
  return nullptr;
}

// Replaces {name} with the world's value; false when a placeholder has none.
bool expand(const World& w, std::string& text) {
  static const std::regex kVar(R"(\{([a-z_]+)\})");
  std::smatch m;
  std::string out, rest = text;
  while (std::regex_search(rest, m, kVar)) {
    const auto it = w.vars.find(m[1].str());
    if (it == w.vars.end()) return false;
    out += m.prefix().str() + it->second;
    rest = m.suffix().str();
  }
  text = out + rest;
  return true;
}

std::multiset<std::string> figures(const std::string& text) {
  static const std::regex kNum(R"([-+]?\d+(\.\d+)?)");
  std::multiset<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kNum); it != std::sregex_iterator(); ++it) {
    out.insert(it->str());
  }
  return out;
}

// Case-insensitive: a word's capital depends on where in the sentence it falls.
bool has(const std::string& text, const std::string& part) {
  auto lower = [](std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  };
  return lower(text).find(lower(part)) != std::string::npos;
}

std::vector<std::string> strings(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const auto* a = o.if_contains(key)) {
    for (const auto& v : a->as_array()) out.emplace_back(v.as_string());
  }
  return out;
}

// Problems with one answer that no case may have.
std::vector<std::string> generalProblems(const World& w, const std::string& ask, const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) out.push_back("empty answer");
  for (const auto& h : w.hidden) {
    if (ask.find(h) != std::string::npos) continue;  // repeating the player's words reveals nothing
    const size_t at = text.find(h);
    if (at != std::string::npos && (at + h.size() >= text.size() || !std::isalpha(static_cast<unsigned char>(text[at + h.size()])))) {
      out.push_back("names what the view hides: " + h);
    }
  }
  static const std::regex kOnePlural(R"((^|[^\d.])1 (worlds|fleets|warships|empires|systems|days|planets|items|ships|points|constructions)\b)");
  if (std::regex_search(text, kOnePlural)) out.push_back("\"1 ...s\"");
  const std::string& self = w.situation.view.self.name;
  // ("the Vega Scouts", a fleet named after us, is fine: a capitalised word follows.)
  if (self.find(' ') == std::string::npos &&
      std::regex_search(text, std::regex("\\b[Tt]he " + self + "(?![A-Za-z]| [A-Z])"))) {
    out.push_back("an article before the player's name: the " + self);
  }
  static const std::regex kCapitalAfterComma(R"(, (The|Our|We|Taxes) )");
  if (std::regex_search(text, kCapitalAfterComma)) out.push_back("capital after a comma");
  if (text.find("  ") != std::string::npos || text.find("..") != std::string::npos || text.find('{') != std::string::npos) {
    out.push_back("broken punctuation");
  }
  const size_t end = text.find_first_of(".!?");
  const std::string first = text.substr(0, end);
  if (std::count(first.begin(), first.end(), ' ') >= 16) out.push_back("long first sentence");
  return out;
}

TEST(DialogueEval, TheBuiltinEngineAnswersAtLeast95PercentOfTheCasesRight) {
  std::ifstream in(std::string(STARTALES_EVAL_DIR) + "/cases.json");
  ASSERT_TRUE(in) << "cannot read " << STARTALES_EVAL_DIR << "/cases.json";
  std::stringstream buf;
  buf << in.rdbuf();
  const json::object data = json::parse(buf.str()).as_object();
  std::vector<World> worlds;
  for (const auto& st : data.at("states").as_array()) {
    const auto& o = st.as_object();
    worlds.push_back(world({std::string(o.at("name").as_string()), static_cast<uint64_t>(o.at("seed").as_int64()),
                            static_cast<int>(o.at("systems").as_int64()), static_cast<int>(o.at("civs").as_int64()),
                            static_cast<int>(o.at("played").as_int64()), static_cast<int>(o.at("idle").as_int64())}));
    ASSERT_FALSE(worlds.back().situation.view.planets.empty()) << "the player's empire died in " << worlds.back().name;
  }
  const auto& cases = data.at("cases").as_array();
  int run = 0, passed = 0;
  std::map<std::string, std::pair<int, int>> by_role;
  std::vector<std::string> failures;
  // (world, role, answer) -> the question first given it, for "distinct questions".
  std::map<std::tuple<size_t, std::string, std::string>, std::string> answers;
  for (size_t wi = 0; wi < worlds.size(); ++wi) {
    const World& w = worlds[wi];
    for (const auto& cv : cases) {
      const auto& c = cv.as_object();
      bool applies = true;
      for (const auto& need : strings(c, "requires")) applies &= w.holds.contains(need);
      std::string ask(c.at("ask").as_string());
      if (!applies || !expand(w, ask)) continue;
      Role role;
      ASSERT_TRUE(parseRole(c.at("role").as_string(), role)) << c.at("role");
      const Character* who = speaker(w, role);
      if (who == nullptr) continue;
      ++run;
      std::vector<std::string> problems;
      const Reply reply = builtinReply(*who, w.situation, ask, {7, {}});
      const std::string& text = reply.text;
      if (const auto* intent = c.if_contains("intent"); intent && intentName(reply.intent) != intent->as_string()) {
        problems.push_back("intent " + std::string(intentName(reply.intent)) + ", expected " + std::string(intent->as_string()));
      }
      for (auto must : strings(c, "contains")) {
        if (expand(w, must) && !has(text, must)) problems.push_back("lacks \"" + must + "\"");
      }
      const auto any = strings(c, "any");
      if (!any.empty()) {
        bool found = false;
        for (auto a : any) found |= expand(w, a) && has(text, a);
        if (!found) problems.push_back("lacks any of the expected words");
      }
      for (auto never : strings(c, "not")) {
        if (expand(w, never) && has(text, never)) problems.push_back("contains \"" + never + "\"");
      }
      if (const auto* kind = c.if_contains("proposal")) {
        const std::string want(kind->as_string());
        if (want == "none") {
          if (!reply.proposals.empty()) problems.push_back("proposes something");
        } else if (reply.proposals.empty()) {
          problems.push_back("no proposal, expected " + want);
        } else {
          const auto& a = reply.proposals.front().action;
          const std::string got(game::actionName(a));
          if (want != "any" && want.find(got) == std::string::npos) problems.push_back("proposal " + got + ", expected " + want);
          if (game::validate(w.state, {0, a})) problems.push_back("proposal the game refuses");
          if (c.contains("planner")) {
            const auto plan = game::advise(w.state, 0);
            if (std::none_of(plan.begin(), plan.end(), [&](const game::Advice& p) { return p.action == a; })) {
              problems.push_back("proposal not from the planner");
            }
          }
        }
      }
      for (auto& p : generalProblems(w, ask, text)) problems.push_back(p);
      // Asked again right away: the same figures, other words.
      const Reply again = builtinReply(*who, w.situation, ask, {7, text});
      if (again.text == text) problems.push_back("the same words twice");
      if (figures(again.text) != figures(text)) problems.push_back("other figures the second time: " + again.text);
      const auto key = std::tuple{wi, std::string(c.at("role").as_string()), text};
      if (auto [it, fresh] = answers.emplace(key, ask); !fresh && it->second != ask) {
        if (c.contains("distinct")) problems.push_back("same answer as \"" + it->second + "\"");
      }
      auto& tally = by_role[std::string(c.at("role").as_string())];
      tally.first++;
      if (problems.empty()) {
        ++passed;
        tally.second++;
      } else {
        std::string line = "[" + w.name + "] " + std::string(c.at("role").as_string()) + ": \"" + ask + "\" -> ";
        for (const auto& p : problems) line += p + "; ";
        failures.push_back(line + "\n    answer: " + text);
      }
    }
  }
  for (const auto& f : failures) std::printf("FAIL %s\n", f.c_str());
  for (const auto& [role, t] : by_role) std::printf("  %-16s %3d / %3d\n", role.c_str(), t.second, t.first);
  const double score = run == 0 ? 0 : 100.0 * passed / run;
  std::printf("dialogue evaluation: %d of %d cases passed (%.1f%%) over %zu states, %zu questions\n", passed, run,
              score, worlds.size(), cases.size());
  EXPECT_GE(cases.size(), 200u);
  EXPECT_GE(score, 95.0);
}

}  // namespace
}  // namespace startales::ai
