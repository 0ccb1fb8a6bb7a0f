// The built-in engine's dispatch (builtin_engine.h): understand the question, then answer it
// with the piece of the engine that knows about it. Status, names, comparisons and the
// conversational intents are answered here; advice in counsel.cc, explanations in
// explain.cc, leaders and the game master in voices.cc.

#include "ai/builtin_engine.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "ai/engine_parts.h"
#include "game/game.h"

namespace startales::ai {

using game::Resource;

// ---- facts of the view --------------------------------------------------------------------

double stockOf(const game::View& v, Resource r) { return at(v.self.stock, r); }
double incomeOf(const game::View& v, Resource r) { return v.self.income[static_cast<int>(r)]; }

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

int warships(const std::array<int32_t, game::kShipClassCount>& ships) {
  return ships[static_cast<int>(game::ShipClass::kCorvette)] +
         ships[static_cast<int>(game::ShipClass::kFrigate)] +
         ships[static_cast<int>(game::ShipClass::kCruiser)];
}

int ourWarships(const game::View& v) {
  int n = 0;
  for (const auto& f : v.fleets) n += warships(f.ships);
  return n;
}

const game::CivView* civOf(const game::View& v, game::CivId id) {
  for (const auto& c : v.civs) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::string civName(const game::View& v, game::CivId id) {
  if (id == game::kPirates) return "pirates";
  const auto* c = civOf(v, id);
  return c ? theCiv(c->name) : "an unknown power";
}

std::string systemName(const game::View& v, game::SystemId id) {
  for (const auto& s : v.systems) {
    if (s.id == id) return s.name;
  }
  return "an uncharted system";
}

std::string planetName(const game::View& v, game::PlanetId id) {
  for (const auto& p : v.planets) {
    if (p.id == id) return p.name;
  }
  for (const auto& p : v.foreign_planets) {
    if (p.id == id) return p.name;
  }
  return "a distant world";
}

std::string fleetName(const game::View& v, game::FleetId id) {
  for (const auto& f : v.fleets) {
    if (f.id == id) return "the " + f.name;
  }
  return "a fleet";
}

int visibleWarships(const game::View& v, game::CivId owner) {
  int n = 0;
  for (const auto& f : v.foreign_fleets) n += f.owner == owner ? warships(f.ships) : 0;
  return n;
}

// Foreign warships, hostile to us, at or heading to a system with one of our planets.
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

std::string_view intentName(Intent intent) {
  static constexpr std::array<std::string_view, 10> kNames = {
      "greeting", "small_talk", "status", "advice", "explain",
      "compare", "entity", "proposal", "out_of_domain", "unknown_name"};
  return kNames[static_cast<int>(intent)];
}

std::string_view topicName(Topic topic) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "overview", "finances", "military", "research", "diplomacy", "population", "intelligence"};
  return kNames[static_cast<int>(topic)];
}

Topic roleTopic(Role role) {
  switch (role) {
    case Role::kTreasury: return Topic::kFinances;
    case Role::kDefense: return Topic::kMilitary;
    case Role::kScience: return Topic::kResearch;
    case Role::kForeignAffairs: return Topic::kDiplomacy;
    case Role::kInterior: return Topic::kPopulation;
    case Role::kIntelligence: return Topic::kIntelligence;
    default: return Topic::kOverview;
  }
}

Situation situationOf(game::View view) {
  Situation s;
  s.view = std::move(view);
  return s;
}

namespace {

// ---- status, by topic ---------------------------------------------------------------------

void financeStatus(const Situation& s, Phrasing& p, Reply& r) {
  const auto& v = s.view;
  const double credits = stockOf(v, Resource::kCredits), net = incomeOf(v, Resource::kCredits);
  const std::string tax = std::to_string(v.self.policies.tax_rate) + "%";
  r.facts.push_back("Credits: " + num(credits) + ", " + signedNum(net) + " a day. Tax rate " + tax + ".");
  const bool cautious = p.character().traits.boldness < 0.45;
  if (net < 0 && cautious) {
    p.sayOne({"We are losing money", "The treasury is shrinking", "We spend more than we earn"});
    p.say("The treasury holds " + num(credits) + " credits and loses " + num(-net) + " a day");
  } else {
    p.say(p.pick({"The treasury holds " + num(credits) + " credits, " + signedNum(net) + " a day",
                  "We have " + num(credits) + " credits in hand, " + signedNum(net) + " a day",
                  num(credits) + " credits in the treasury, " + signedNum(net) + " a day"}));
  }
  p.say(p.pick({"Taxes are at " + tax, "Taxes stand at " + tax, "The tax rate is " + tax}));
  const auto& lines = s.ledger[static_cast<int>(Resource::kCredits)];
  const auto cost = std::find_if(lines.begin(), lines.end(), [](const auto& l) { return l.amount < 0; });
  if (cost != lines.end()) {
    p.say("Our biggest cost is " + cost->item + ", " + num(-cost->amount) + " a day");
    r.facts.push_back("Largest credit cost: " + cost->item + " " + num(cost->amount) + " a day.");
  }
  if (p.character().traits.verbosity > 0.5) {
    p.say("Stocks: " + num(stockOf(v, Resource::kMinerals)) + " minerals, " +
          num(stockOf(v, Resource::kEnergy)) + " energy, " + num(stockOf(v, Resource::kFood)) + " food");
  }
}

void militaryStatus(const Situation& s, Phrasing& p, Reply& r) {
  const auto& v = s.view;
  const int ours = ourWarships(v);
  const std::string force = count(ours, "warship") + " in " + count(v.fleets.size(), "fleet");
  r.facts.push_back("Our forces: " + force + ".");
  p.say(p.pick({"We have " + force, "Our navy: " + force, "We field " + force}));
  const auto danger = threats(v);
  std::vector<std::string> wars;
  for (const auto& c : v.civs) {
    if (c.treaty == game::Treaty::kWar) wars.push_back(theCiv(c.name));
  }
  if (!danger.empty()) {
    const auto* f = danger.front();
    const std::string warn = capitalised(civName(v, f->owner)) + (f->owner == game::kPirates ? " have " : " has ") +
                             count(warships(f->ships), "warship") + " at " + systemName(v, f->at) +
                             ", where our colonies are";
    p.say("Warning: " + warn);
    r.facts.push_back(warn + ".");
  } else if (!wars.empty()) {
    p.say("We are at war with " + listing(wars) + ", but no enemy warships are near our colonies");
    r.facts.push_back("At war with " + listing(wars) + "; no enemy warships near our colonies.");
  } else {
    p.sayOne({"No enemy threatens our colonies right now", "Nothing hostile is near our colonies",
              "Our colonies are not threatened"});
  }
  for (const auto& planet : v.planets) {
    if (planet.blockaded) p.say(planet.name + " is blockaded");
  }
}

void researchStatus(const Situation& s, Phrasing& p, Reply& r) {
  const auto& v = s.view;
  if (v.self.researching >= 0) {
    const auto& rule = game::techRule(v.self.researching);
    const double left = std::max(0.0, v.self.research_cost - v.self.research_progress);
    const std::string name(rule.name);
    const std::string progress = num(v.self.research_progress) + " of " + num(v.self.research_cost) + " points";
    p.say(p.pick({"Our labs study " + name, "We are researching " + name, name + " is on the benches"}));
    if (v.self.research_rate > 0) {
      p.say(capitalised(progress) + ", about " + count(std::ceil(left / v.self.research_rate), "day") + " to go");
    } else {
      p.say(capitalised(progress) + ", but no lab is working");
    }
    r.facts.push_back("Researching " + name + ": " + progress + ", " + num(v.self.research_rate) + " a day.");
  } else {
    p.say(p.pick({"Our labs have no topic", "Nothing is being researched", "The labs sit idle"}));
    p.say(num(v.self.research_rate) + " research points a day go to waste");
    r.facts.push_back("No research topic; " + num(v.self.research_rate) + " points a day unused.");
  }
  p.say("We know " + std::to_string(v.self.techs.size()) + " of " + std::to_string(game::kTechCount) + " technologies");
}

void diplomacyStatus(const Situation& s, Phrasing& p, Reply& r) {
  const auto& v = s.view;
  std::vector<std::string> list;
  int met = 0;
  for (const auto& c : v.civs) {
    if (c.id == v.self.id) continue;
    if (++met <= 3 || p.character().traits.verbosity > 0.6) {
      list.push_back(theCiv(c.name) + ": " + std::string(game::treatyName(c.treaty)) + ", relation " +
                     std::to_string(c.relation));
    }
  }
  if (met == 0) {
    p.sayOne({"We have not met another empire yet", "No other empire has crossed our path yet"});
    r.facts.push_back("No contact with other empires.");
    return;
  }
  p.say(p.pick({"We know " + count(met, "empire"), "We are in contact with " + count(met, "empire")}));
  for (const auto& l : list) {
    p.say(l);
    r.facts.push_back(capitalised(l) + ".");
  }
  for (const auto& prop : v.proposals) {
    if (prop.to != v.self.id) continue;
    p.say(civName(v, prop.from) + " proposes " + std::string(game::treatyName(prop.treaty)) +
          ", open until day " + std::to_string(prop.expires));
  }
}

void populationStatus(const Situation& s, Phrasing& p, Reply& r) {
  const auto& v = s.view;
  const std::string worlds = count(v.planets.size(), "world");
  const std::string people = num(population(v)) + " thousand people";
  p.say(p.pick({"We hold " + worlds + ", home to " + people, capitalised(worlds) + ", " + people,
                "We number " + people + " on " + worlds}));
  p.say("Average unrest is " + num(averageUnrest(v)) + "%");
  p.say("Food: " + num(stockOf(v, Resource::kFood)) + " stored, " + signedNum(incomeOf(v, Resource::kFood)) + " a day");
  r.facts.push_back(capitalised(worlds) + ", " + people + ", average unrest " + num(averageUnrest(v)) +
                    "%, food " + num(stockOf(v, Resource::kFood)) + " (" + signedNum(incomeOf(v, Resource::kFood)) + " a day).");
  int waiting = 0;
  for (const auto& planet : v.planets) {
    for (const auto& q : planet.queue) waiting += q.blocked != game::BlockReason::kNone;
  }
  if (waiting > 0) p.say(count(waiting, "construction") + " in our queues " + (waiting == 1 ? "waits" : "wait"));
}

void intelligenceStatus(const Situation& s, Phrasing& p, Reply& r) {
  const auto& v = s.view;
  const std::string cover = count(v.sensors.size(), "system");
  p.say(p.pick({"Our sensors cover " + cover + " and see " + count(v.foreign_fleets.size(), "foreign fleet"),
                count(v.foreign_fleets.size(), "foreign fleet") + " in sight across the " + cover + " our sensors cover"}));
  std::map<game::CivId, int> ships;
  for (const auto& f : v.foreign_fleets) ships[f.owner] += warships(f.ships);
  for (const auto& [owner, n] : ships) {
    if (n > 0) p.say(civName(v, owner) + ": " + count(n, "warship") + " in sight");
  }
  const game::CivView* best = nullptr;
  for (const auto& c : v.civs) {
    if (c.id != v.self.id && (!best || c.score > best->score)) best = &c;
  }
  if (best) {
    p.say("The strongest rival we know is " + theCiv(best->name) + ", score " + num(best->score) + " against our " +
          num(v.self.score.total()));
    r.facts.push_back("Strongest known rival: " + theCiv(best->name) + ", score " + num(best->score) + "; ours " +
                      num(v.self.score.total()) + ".");
  } else {
    p.say("We have met no rival yet");
  }
}

void overviewStatus(const Situation& s, Phrasing& p, Reply& r) {
  const auto& v = s.view;
  const std::string line = "day " + std::to_string(v.tick) + ": " + count(v.planets.size(), "world") + ", " +
                           num(population(v)) + " thousand people, " + num(stockOf(v, Resource::kCredits)) +
                           " credits, score " + num(v.self.score.total());
  p.say(p.pick({"It is " + line, "Where we stand on " + line}));
  r.facts.push_back(capitalised(line) + ".");
}

}  // namespace

void status(Topic topic, const Situation& s, Phrasing& p, Reply& r) {
  switch (topic) {
    case Topic::kFinances: financeStatus(s, p, r); break;
    case Topic::kMilitary: militaryStatus(s, p, r); break;
    case Topic::kResearch: researchStatus(s, p, r); break;
    case Topic::kDiplomacy: diplomacyStatus(s, p, r); break;
    case Topic::kPopulation: populationStatus(s, p, r); break;
    case Topic::kIntelligence: intelligenceStatus(s, p, r); break;
    case Topic::kOverview: overviewStatus(s, p, r); break;
  }
}

namespace {

// ---- names ----------------------------------------------------------------------------------

std::string buildingsOf(const game::Planet& planet) {
  std::vector<std::string> items;
  for (int b = 0; b < game::kBuildingCount; ++b) {
    const int n = planet.buildings[b];
    if (n > 0) items.push_back(count(n, std::string(game::buildingRule(static_cast<game::Building>(b)).name)));
  }
  return items.empty() ? "no buildings" : listing(items);
}

std::string shipsOf(const std::array<int32_t, game::kShipClassCount>& ships) {
  std::vector<std::string> items;
  for (int c = 0; c < game::kShipClassCount; ++c) {
    if (ships[c] > 0) items.push_back(count(ships[c], std::string(game::shipRule(static_cast<game::ShipClass>(c)).name)));
  }
  return items.empty() ? "no ships" : listing(items);
}

void entityReply(const Situation& s, const Named& n, Phrasing& p, Reply& r) {
  const auto& v = s.view;
  switch (n.kind) {
    case Named::Kind::kPlanet: {
      for (const auto& planet : v.planets) {
        if (planet.id != n.id) continue;
        p.say(p.pick({planet.name + " is ours", planet.name + " flies our flag", planet.name + " is one of our worlds"}));
        const std::string line = num(planet.population) + " thousand people, unrest " + num(planet.unrest) + "%, " +
                                 buildingsOf(planet);
        p.say("It has " + line);
        r.facts.push_back(planet.name + ": " + line + ".");
        for (const auto& q : planet.queue) {
          const std::string what = q.is_ship ? std::string(game::shipRule(static_cast<game::ShipClass>(q.type)).name)
                                             : std::string(game::buildingRule(static_cast<game::Building>(q.type)).name);
          const std::string why = game::blockedText(q);
          p.say(capitalised(article(what)) + " is in its queue" + (why.empty() ? ", under way" : ", waiting: " + why));
        }
        if (planet.blockaded) p.say("It is blockaded");
      }
      break;
    }
    case Named::Kind::kForeignPlanet: {
      for (const auto& planet : v.foreign_planets) {
        if (planet.id != n.id) continue;
        const std::string kind = std::string(game::planetTypeName(planet.type));
        p.say(planet.name + " is " + article(kind) + " world of size " + std::to_string(planet.size) + ", " +
              std::to_string(planet.habitability) + "% habitable");
        if (planet.owner >= 0) {
          p.say("It belongs to " + civName(v, planet.owner) + " and holds " + num(planet.population) + " thousand people");
        } else {
          p.say(planet.habitability >= game::kMinColonyHabitability ? "Nobody holds it; a colony ship could settle it"
                                                                    : "Nobody holds it, and it is too harsh to settle");
        }
        r.facts.push_back(planet.name + ": " + kind + ", size " + std::to_string(planet.size) + ", " +
                          std::to_string(planet.habitability) + "% habitable.");
      }
      break;
    }
    case Named::Kind::kSystem: {
      for (const auto& sys : v.systems) {
        if (sys.id != n.id) continue;
        std::vector<std::string> names;
        for (auto id : sys.planets) names.push_back(planetName(v, id));
        p.say(sys.name + " has " + count(sys.planets.size(), "planet"));
        p.say((sys.planets.size() == 1 ? "It is " : "They are ") + listing(names));
        const bool watched = std::binary_search(v.sensors.begin(), v.sensors.end(), sys.id);
        p.say(watched ? "Our sensors cover it" : "It lies beyond our sensors now");
        r.facts.push_back(sys.name + ": " + count(sys.planets.size(), "planet") + ".");
      }
      break;
    }
    case Named::Kind::kCiv: {
      const auto* c = civOf(v, n.id);
      if (!c) break;
      p.say(capitalised(theCiv(c->name)) + ": " + std::string(game::treatyName(c->treaty)) + ", relation " + std::to_string(c->relation));
      p.say("Their score is " + num(c->score) + " against our " + num(v.self.score.total()));
      p.say(rivalOutlook(v, *c));
      r.facts.push_back(capitalised(theCiv(c->name)) + ": " + std::string(game::treatyName(c->treaty)) + ", relation " +
                        std::to_string(c->relation) + ", score " + num(c->score) + ".");
      break;
    }
    case Named::Kind::kTech: p.say(techSummary(n.id, v)); r.facts.push_back(techSummary(n.id, v)); break;
    case Named::Kind::kBuilding: {
      const auto& rule = game::buildingRule(static_cast<game::Building>(n.id));
      int have = 0;
      for (const auto& planet : v.planets) have += planet.buildings[n.id];
      const std::string cost = capitalised(article(std::string(rule.name))) + " costs " + num(rule.credits) +
                               " credits and " + num(rule.minerals) + " minerals";
      p.say(cost);
      std::vector<std::string> out;
      for (int res = 0; res < game::kResourceCount; ++res) {
        if (rule.output[res] != 0) out.push_back(signedNum(rule.output[res]) + " " + std::string(game::resourceName(static_cast<Resource>(res))));
      }
      if (rule.research > 0) out.push_back(signedNum(rule.research) + " research");
      if (!out.empty()) p.say("It yields " + listing(out) + " a day at full staff");
      p.say("We have " + count(have, std::string(rule.name)));
      r.facts.push_back(cost + "; we have " + std::to_string(have) + ".");
      break;
    }
    case Named::Kind::kShip: {
      const auto& rule = game::shipRule(static_cast<game::ShipClass>(n.id));
      int have = 0;
      for (const auto& f : v.fleets) have += f.ships[n.id];
      const std::string cost = capitalised(article(std::string(rule.name))) + " costs " + num(rule.credits) + " credits";
      const std::string line = cost + ", attacks for " + num(rule.attack) + " with " + num(rule.hull) +
                               " hull, and its upkeep is " + num(rule.upkeep) + " credits a day";
      p.say(cost);
      p.say("It attacks for " + num(rule.attack) + " with " + num(rule.hull) + " hull; upkeep is " +
            num(rule.upkeep) + " credits a day");
      p.say("We have " + count(have, std::string(rule.name)));
      r.facts.push_back(line + "; we have " + std::to_string(have) + ".");
      break;
    }
    case Named::Kind::kFleet: {
      for (const auto& f : v.fleets) {
        if (f.id != n.id) continue;
        p.say("The " + f.name + " is at " + systemName(v, f.at) +
              (f.next != game::kNone ? ", on its way to " + systemName(v, f.next) : ""));
        p.say("It has " + shipsOf(f.ships));
        r.facts.push_back("The " + f.name + ": " + shipsOf(f.ships) + " at " + systemName(v, f.at) + ".");
      }
      break;
    }
    default: break;
  }
  if (p.empty()) p.say("I have nothing on " + n.name);
}

void compareReply(const Situation& s, const Question& q, Phrasing& p, Reply& r) {
  const auto& v = s.view;
  const game::CivView* them = nullptr;
  if (const auto* n = q.first(Named::Kind::kCiv)) them = civOf(v, n->id);
  for (const auto& c : v.civs) {
    if (!them && c.id != v.self.id) them = &c;
    if (!q.first(Named::Kind::kCiv) && them && c.id != v.self.id && c.score > them->score) them = &c;
  }
  if (!them) {
    p.say("We have no rival to measure ourselves against yet");
    return;
  }
  const double ours = v.self.score.total();
  p.say(p.pick({std::string(ours >= them->score ? "We lead" : "We trail") + " " + theCiv(them->name),
                "Against " + theCiv(them->name) + ", we are " + (ours >= them->score ? "ahead" : "behind")}));
  p.say("Their score is " + num(them->score) + ", ours " + num(ours));
  const int seen = visibleWarships(v, them->id);
  p.say("We see " + count(seen, "warship") + " of theirs; we have " + count(ourWarships(v), "warship"));
  p.say("Relations: " + std::string(game::treatyName(them->treaty)) + ", " + std::to_string(them->relation));
  r.facts.push_back(capitalised(theCiv(them->name)) + ": score " + num(them->score) + " (ours " + num(ours) + "), " +
                    std::to_string(seen) + " warships in sight (ours " + std::to_string(ourWarships(v)) + ").");
}

std::string portfolioWords(Role role) {
  switch (role) {
    case Role::kTreasury: return "credits, taxes and trade";
    case Role::kDefense: return "fleets, threats and defenses";
    case Role::kScience: return "research and technologies";
    case Role::kForeignAffairs: return "relations and treaties";
    case Role::kInterior: return "our people, food, unrest and construction";
    case Role::kIntelligence: return "our rivals and what they are doing";
    default: return "the empire";
  }
}

void conversation(const Character& c, const Situation& s, const Question& q, Phrasing& p, Reply& r) {
  const std::string title(roleTitle(c.role));
  switch (q.intent) {
    case Intent::kGreeting:
      p.say(p.pick({"Greetings. I am " + c.name + ", your " + title, "Hello. " + c.name + ", your " + title + ", at your service",
                    "Good to see you. I am " + c.name + ", " + title}));
      p.say(p.pick({"Ask me about " + portfolioWords(c.role), "My field is " + portfolioWords(c.role)}));
      break;
    case Intent::kSmallTalk:
      if (c.traits.warmth > 0.5) {
        p.sayOne({"A joke? The pirates asked for a tribute discount. We charged them for asking",
                  "I am well, thank you. Busy, as ever",
                  "Kind of you to ask. The work keeps me cheerful"});
      } else {
        p.sayOne({"I am here to work, not to entertain", "Humour is not in my portfolio",
                  "I am well enough. Shall we get back to business?"});
      }
      p.say("If you want my counsel, ask about " + portfolioWords(c.role));
      break;
    case Intent::kOutOfDomain:
      p.sayOne({"That is beyond my office", "I would not know; it is outside the game of stars",
                "That is not a matter for this cabinet"});
      p.say("My work is " + portfolioWords(c.role));
      break;
    case Intent::kUnknownName: {
      const std::string kind = q.unknown_kind.empty() ? "planet, system or empire" : q.unknown_kind;
      p.say("I know no " + kind + " called " + q.unknown);
      std::vector<std::string> known;
      if (q.unknown_kind == "empire") {
        for (const auto& civ : s.view.civs) {
          if (civ.id != s.view.self.id) known.push_back(theCiv(civ.name));
        }
        p.say(known.empty() ? "We have met no other empire yet" : "The empires we know are " + listing(known));
      } else {
        for (const auto& planet : s.view.planets) {
          if (known.size() < 4) known.push_back(planet.name);
        }
        if (!known.empty()) p.say("Our worlds include " + listing(known));
      }
      r.facts.push_back("No known " + kind + " is called " + q.unknown + ".");
      break;
    }
    default: break;
  }
}

}  // namespace

Situation situationFor(const game::GameState& s, game::CivId civ) {
  Situation out;
  if (civ < 0 || static_cast<size_t>(civ) >= s.civs.size()) return out;
  out.view = game::viewFor(s, civ);
  out.plan = game::advise(s, civ);
  out.ledger = game::ledgerFor(s, civ);
  for (const auto& p : out.view.planets) out.unrest.push_back(game::unrestFor(s, p.id));
  return out;
}

Reply builtinReply(const Character& character, const Situation& s, std::string_view text,
                   const ReplyContext& context) {
  const Question q = understand(text, character.role, s.view);
  const uint64_t seed = mix(mix(context.seed, hashText(text)), static_cast<uint64_t>(character.id) * 31 +
                                                                 static_cast<uint64_t>(character.role));
  Reply best;
  // The same facts in other words when the previous reply was word for word the same.
  for (uint64_t attempt = 0; attempt < 6; ++attempt) {
    Reply r;
    r.intent = q.intent;
    r.topic = q.topic;
    Phrasing p(character, mix(seed, attempt));
    auto stance = Phrasing::Stance::kNeutral;
    if (character.role == Role::kLeader) {
      leaderReply(character, s, q, p, r);
    } else if (character.role == Role::kGameMaster) {
      gameMasterReply(character, s, q, p, r);
    } else {
      switch (q.intent) {
        case Intent::kGreeting:
        case Intent::kSmallTalk:
        case Intent::kOutOfDomain:
        case Intent::kUnknownName: conversation(character, s, q, p, r); break;
        case Intent::kAdvice: adviceReply(character, s, q, p, r); stance = Phrasing::Stance::kAdvice; break;
        case Intent::kProposal: proposalReply(character, s, q, p, r); stance = Phrasing::Stance::kAdvice; break;
        case Intent::kExplain: explainReply(character, s, q, p, r); break;
        case Intent::kCompare: compareReply(s, q, p, r); break;
        case Intent::kEntity: entityReply(s, q.names.front(), p, r); break;
        case Intent::kStatus:
          status(q.topic, s, p, r);
          if (q.topic == Topic::kMilitary && !threats(s.view).empty()) stance = Phrasing::Stance::kWarning;
          if (q.topic == Topic::kFinances && incomeOf(s.view, Resource::kCredits) < 0) stance = Phrasing::Stance::kWarning;
          break;
      }
    }
    if (r.proposals.empty()) stance = stance == Phrasing::Stance::kAdvice ? Phrasing::Stance::kNeutral : stance;
    r.text = p.text(stance);
    if (r.text == context.previous && attempt == 5) {
      // Nothing in this answer varies: the same facts, introduced differently.
      r.text = p.pick({"As I said: ", "Once more: ", "To repeat: "}) + r.text;
    }
    if (r.text != context.previous || attempt == 5) return r;
    best = std::move(r);
  }
  return best;
}

}  // namespace startales::ai
