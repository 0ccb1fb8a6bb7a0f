// Explanations, from the state and never invented: where the money (or food, energy...)
// comes from and goes (game::ledgerFor), why a queue item waits (game::blockedText), why
// unrest moves (game::unrestFor), what a tech unlocks (the rules), and what a rival is likely
// to do (what the view shows of it: treaty, relation, warships in sight).

#include <algorithm>
#include <cmath>

#include "ai/engine_parts.h"
#include "game/game.h"

namespace startales::ai {
namespace {

using game::Resource;

void ledgerReply(const Situation& s, Resource res, Phrasing& p, Reply& r) {
  const auto& lines = s.ledger[static_cast<int>(res)];
  const std::string name(game::resourceName(res));
  double total = 0;
  for (const auto& l : lines) total += l.amount;
  if (lines.empty()) {
    p.say("Nothing makes or uses " + name + " in our empire right now");
    return;
  }
  p.say(p.pick({capitalised(name) + " run " + signedNum(total) + " a day at today's rates",
                "At today's rates we are " + signedNum(total) + " " + name + " a day"}));
  std::vector<std::string> parts;
  std::string facts;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string part = lines[i].item + " " + signedNum(lines[i].amount);
    if (i < 4) parts.push_back(part);
    facts += (facts.empty() ? "" : ", ") + part;
  }
  p.say("Line by line: " + listing(parts));
  const auto drain = std::find_if(lines.begin(), lines.end(), [](const auto& l) { return l.amount < 0; });
  if (drain != lines.end() && total < 0) p.say("The biggest drain is " + drain->item);
  r.facts.push_back(capitalised(name) + " per day at today's rates: " + facts + "; total " + signedNum(total) + ".");
}

void queueReply(const Situation& s, Phrasing& p, Reply& r) {
  int waiting = 0, working = 0;
  for (const auto& planet : s.view.planets) {
    for (const auto& q : planet.queue) {
      const std::string why = game::blockedText(q);
      if (why.empty()) {
        ++working;
        continue;
      }
      const std::string what = q.is_ship ? std::string(game::shipRule(static_cast<game::ShipClass>(q.type)).name)
                                         : std::string(game::buildingRule(static_cast<game::Building>(q.type)).name);
      if (++waiting <= 3) {
        const std::string line = "The " + what + " on " + planet.name + " waits: " + why;
        p.say(line);
        r.facts.push_back(line + ".");
      }
    }
  }
  if (waiting == 0) {
    p.say("Nothing in our queues is waiting");
    p.say(working == 0 ? "The queues are empty" : count(working, "item") + " " + (working == 1 ? "is" : "are") + " being built");
    r.facts.push_back("No queue item waits; " + std::to_string(working) + " under way.");
  }
}

void unrestReply(const Situation& s, Phrasing& p, Reply& r) {
  const game::UnrestReport* worst = nullptr;
  for (const auto& u : s.unrest) {
    if (!worst || u.unrest > worst->unrest) worst = &u;
  }
  if (!worst) {
    p.say("We have no people to be unhappy");
    return;
  }
  const std::string where = planetName(s.view, worst->planet);
  const std::string trend = worst->target > worst->unrest + 0.5   ? "rising toward "
                            : worst->target < worst->unrest - 0.5 ? "falling toward "
                                                                  : "holding near ";
  p.say("Unrest on " + where + " is " + num(worst->unrest) + "%, " + trend + num(worst->target) + "%");
  std::vector<std::string> parts;
  for (const auto& c : worst->causes) {
    if (parts.size() == 4) break;
    parts.push_back(c.cause + " " + signedNum(c.points));
  }
  if (!parts.empty()) p.say("The causes: " + listing(parts));
  r.facts.push_back("Unrest on " + where + ": " + num(worst->unrest) + "% heading to " + num(worst->target) + "%; " +
                    listing(parts) + ".");
}

void researchWhy(const Situation& s, Phrasing& p, Reply& r) {
  const auto& v = s.view;
  int labs = 0;
  for (const auto& planet : v.planets) labs += planet.buildings[static_cast<int>(game::Building::kResearchLab)];
  const std::string line = "We make " + num(v.self.research_rate) + " research points a day from " +
                           count(labs, "research lab") + " and the capital, with " +
                           std::to_string(v.self.policies.budget[1]) + "% of the budget on research";
  p.say("We make " + num(v.self.research_rate) + " research points a day");
  p.say("They come from " + count(labs, "research lab") + " and the capital, with " +
        std::to_string(v.self.policies.budget[1]) + "% of the budget on research");
  r.facts.push_back(line + ".");
  if (v.self.researching >= 0) p.say(techSummary(v.self.researching, v));
}

}  // namespace

std::string techSummary(int tech, const game::View& v) {
  const auto& rule = game::techRule(tech);
  const std::string name(rule.name);
  const bool known = std::find(v.self.techs.begin(), v.self.techs.end(), tech) != v.self.techs.end();
  const double cost = rule.cost * (1 + game::kTechCostGrowth * static_cast<double>(v.self.techs.size()));
  std::string out = name + " unlocks " + std::string(rule.unlocks) + ". It is " +
                    article(std::string(game::techFieldName(rule.field))) + " technology";
  if (known) return out + ", and we know it already.";
  out += " and costs us " + num(std::round(cost)) + " points";
  std::vector<std::string> missing;
  for (int pre : rule.prerequisites) {
    if (pre >= 0 && std::find(v.self.techs.begin(), v.self.techs.end(), pre) == v.self.techs.end()) {
      missing.push_back(std::string(game::techRule(pre).name));
    }
  }
  if (!missing.empty()) out += " and needs " + listing(missing) + " first";
  return out + ".";
}

std::string rivalOutlook(const game::View& v, const game::CivView& c) {
  const int theirs = visibleWarships(v, c.id), ours = ourWarships(v);
  const std::string rel = "relation " + std::to_string(c.relation);
  const std::string ships = "we see " + count(theirs, "warship") + " of theirs against our " + std::to_string(ours);
  switch (c.treaty) {
    case game::Treaty::kWar:
      return theirs > ours ? "They are likely to press the war: " + ships
                           : "They may keep to their borders for now: " + ships;
    case game::Treaty::kPeace:
      if (c.relation <= -30) return "They dislike us (" + rel + ") and could declare war once they feel strong enough; " + ships;
      if (c.relation > 15) return "They are likely to offer a trade pact (" + rel + ")";
      return "They are likely to keep the peace (" + rel + ")";
    case game::Treaty::kTradePact:
      return c.relation > 50 ? "An alliance may follow our trade pact (" + rel + ")"
                             : "They are likely to keep trading with us (" + rel + ")";
    case game::Treaty::kAlliance: return "They stand with us as allies (" + rel + ")";
    default: return "We know too little of them to say";
  }
}

void explainReply(const Character& c, const Situation& s, const Question& q, Phrasing& p, Reply& r) {
  if (const auto* tech = q.first(Named::Kind::kTech)) {
    const std::string line = techSummary(tech->id, s.view);
    p.say(line);
    r.facts.push_back(line);
    return;
  }
  const auto* civ = q.first(Named::Kind::kCiv);
  if (civ || q.topic == Topic::kIntelligence || q.topic == Topic::kDiplomacy) {
    const game::CivView* them = civ ? civOf(s.view, civ->id) : nullptr;
    for (const auto& known : s.view.civs) {
      if (!them && known.id != s.view.self.id) them = &known;
    }
    if (!them) {
      p.say("We have met no rival yet, so there is nothing to read");
      return;
    }
    const std::string line = rivalOutlook(s.view, *them);
    p.say(capitalised(theCiv(them->name)) + ": " + std::string(game::treatyName(them->treaty)) + ", relation " + std::to_string(them->relation));
    p.say(line);
    r.facts.push_back(capitalised(theCiv(them->name)) + ": " + line + ".");
    return;
  }
  if (q.about_queue) {
    queueReply(s, p, r);
    return;
  }
  if (q.about_unrest || (q.topic == Topic::kPopulation && !q.resource)) {
    unrestReply(s, p, r);
    return;
  }
  if (q.topic == Topic::kResearch) {
    researchWhy(s, p, r);
    return;
  }
  if (q.topic == Topic::kMilitary) {
    status(Topic::kMilitary, s, p, r);
    return;
  }
  if (q.resource) {
    ledgerReply(s, *q.resource, p, r);
    return;
  }
  switch (c.role) {
    case Role::kInterior: unrestReply(s, p, r); break;
    case Role::kScience: researchWhy(s, p, r); break;
    case Role::kDefense: status(Topic::kMilitary, s, p, r); break;
    default: ledgerReply(s, Resource::kCredits, p, r); break;
  }
}

}  // namespace startales::ai
