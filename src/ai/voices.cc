// Rival leaders and the game master. A leader speaks for its AI empire: its attitude follows
// the relation score and its temperament, it accepts a treaty in conversation only when its
// empire's planner would accept the proposal (the thresholds of the AI's answer), and it says
// nothing the player's view does not already show. The game master tells the story of what
// the player could know: the standings, the wars, the stakes. Advisors' unprompted remarks
// are here too: the notice word for word, then a comment in the advisor's voice.

#include <algorithm>

#include "ai/engine_parts.h"

namespace startales::ai {
namespace {

std::string attitude(int relation) {
  if (relation >= 50) return "we count you a friend";
  if (relation >= 15) return "we think well of you";
  if (relation > -15) return "we are watching you, neither friend nor foe";
  if (relation > -50) return "we do not trust you";
  return "we have little love for you";
}

}  // namespace

void leaderReply(const Character& leader, const Situation& s, const Question& q, Phrasing& p, Reply& r) {
  const auto& v = s.view;
  const game::CivView* them = civOf(v, leader.civ);
  if (them == nullptr) {
    p.sayOne({"Our peoples have not met; I have nothing to say to a stranger yet",
              "I do not treat with strangers"});
    return;
  }
  const std::string treaty(game::treatyName(them->treaty));
  const bool bold = leader.traits.boldness > 0.5;
  r.facts.push_back(capitalised(theCiv(them->name)) + " and us: " + treaty + ", relation " + std::to_string(them->relation) + ".");
  const bool asks_treaty = q.act == Act::kPeace || q.act == Act::kTradePact || q.act == Act::kAlliance;
  if (asks_treaty) {
    const game::Treaty want = q.act == Act::kPeace ? game::Treaty::kPeace
                              : q.act == Act::kTradePact ? game::Treaty::kTradePact : game::Treaty::kAlliance;
    bool yes = false;
    std::string no_because;
    if (want == game::Treaty::kPeace) {
      yes = them->treaty == game::Treaty::kWar && them->relation > -20;
      no_because = them->treaty != game::Treaty::kWar ? "there is no war between us to end"
                                                      : "too much blood lies between us (relation " + std::to_string(them->relation) + ")";
    } else if (want == game::Treaty::kTradePact) {
      yes = them->treaty == game::Treaty::kPeace && them->relation >= 10;
      no_because = them->treaty == game::Treaty::kPeace ? "our regard for you stands at " + std::to_string(them->relation) + ", too low for trade"
                                                        : "we are at " + treaty + ", not at peace";
    } else {
      yes = them->treaty == game::Treaty::kTradePact && them->relation >= 35;
      no_because = them->treaty == game::Treaty::kTradePact ? "an alliance needs more trust than " + std::to_string(them->relation)
                                                            : "allies first trade in peace; we are at " + treaty;
    }
    if (yes) {
      p.say(p.pick({"Send the proposal and we will sign", "Agreed, in principle. Put it in writing",
                    "We accept. Let your envoys bring the treaty"}));
      r.proposals.push_back({game::ProposeTreaty{leader.civ, want},
                             "Propose " + std::string(game::treatyName(want)) + " to " + theCiv(them->name) +
                                 ": their leader agreed in conversation (relation " + std::to_string(them->relation) + ")."});
    } else {
      p.say(bold ? p.pick({"No", "Never, not on those terms"}) : p.pick({"Not now", "I must decline"}));
      p.say(capitalised(no_because));
    }
    return;
  }
  if (q.act == Act::kWar || q.act == Act::kAttack) {
    p.say(bold ? p.pick({"Then come, and be broken on our guns", "Threats? We welcome the contest"})
               : p.pick({"War would cost us both dearly", "Let us not speak of war lightly"}));
    p.say("Between us: " + treaty + ", and " + attitude(them->relation));
    return;
  }
  if (q.intent == Intent::kGreeting || q.intent == Intent::kSmallTalk) {
    p.say(p.pick({"I am " + leader.name + ", and I speak for " + theCiv(them->name),
                  leader.name + " of " + theCiv(them->name) + " greets you"}));
  } else if (q.topic == Topic::kMilitary || q.topic == Topic::kResearch || q.topic == Topic::kFinances ||
             q.topic == Topic::kIntelligence) {
    // Their fleets, treasury and labs are theirs to know; the player sees what the view shows.
    p.say(p.pick({"Our fleets and coffers are our own business", "You will learn nothing of our strength from me",
                  "Ask your spies, not me"}));
  } else {
    p.say(p.pick({"I speak for " + theCiv(them->name), capitalised(theCiv(them->name)) + " hear you"}));
  }
  p.say("Between us: " + treaty + ", and " + attitude(them->relation));
  if (them->treaty == game::Treaty::kWar) {
    p.say(bold ? "Yield, or be broken" : "Peace has a price; offer it");
  } else if (them->relation >= 25) {
    p.say("We would welcome closer ties");
  } else if (them->relation <= -25) {
    p.say("Tread carefully near our borders");
  }
}

void gameMasterReply(const Character& gm, const Situation& s, const Question& q, Phrasing& p, Reply& r) {
  const auto& v = s.view;
  std::vector<const game::CivView*> standing;
  for (const auto& c : v.civs) {
    if (c.alive) standing.push_back(&c);
  }
  std::stable_sort(standing.begin(), standing.end(), [](const auto* a, const auto* b) { return a->score > b->score; });
  if (q.intent == Intent::kGreeting) p.say("Welcome, traveller. I am " + gm.name + ", keeper of this chronicle");
  p.say(p.pick({"It is day " + std::to_string(v.tick) + " of the chronicle",
                "The chronicle has reached day " + std::to_string(v.tick),
                "Day " + std::to_string(v.tick) + " dawns across the stars"}));
  if (standing.empty()) {
    p.say("No empire has yet made its mark");
    return;
  }
  const auto* lead = standing.front();
  p.say(p.pick({capitalised(theCiv(lead->name)) + " leads with a score of " + num(lead->score),
                "At the head of the galaxy stands " + theCiv(lead->name) + ", with " + num(lead->score),
                "First among the powers: " + theCiv(lead->name) + ", scoring " + num(lead->score)}));
  if (standing.size() > 1) {
    std::vector<std::string> rest;
    for (size_t i = 1; i < standing.size() && i < 4; ++i) {
      rest.push_back(theCiv(standing[i]->name) + " (" + num(standing[i]->score) + ")");
    }
    p.say(p.pick({"Behind them come ", "Then follow ", "After them: "}) + listing(rest));
  }
  std::string facts = "Day " + std::to_string(v.tick) + ". Standings:";
  for (const auto* c : standing) facts += " " + theCiv(c->name) + " " + num(c->score) + ";";
  r.facts.push_back(facts);
  if (v.self.id < 0) return;
  std::vector<std::string> wars, friends;
  for (const auto& c : v.civs) {
    if (c.treaty == game::Treaty::kWar) wars.push_back(theCiv(c.name));
    if (c.treaty == game::Treaty::kAlliance || c.treaty == game::Treaty::kTradePact) friends.push_back(theCiv(c.name));
  }
  if (!wars.empty()) {
    p.say("You, " + theCiv(v.self.name) + ", are at war with " + listing(wars) + ", and every battle now writes the story");
  } else if (!friends.empty()) {
    p.say("You, " + theCiv(v.self.name) + ", trade in peace with " + listing(friends));
  } else {
    p.say("You, " + theCiv(v.self.name) + ", keep your own counsel, at peace for now");
  }
  if (lead->id != v.self.id) {
    p.say("The stakes: " + num(lead->score - v.self.score.total()) + " points separate you from " + theCiv(lead->name));
  } else {
    p.say("The stakes: you lead, and every rival now measures itself against you");
  }
}

std::string builtinRemark(const Character& character, const game::View& view,
                          std::string_view kind, std::string_view notice_text) {
  const Topic own = roleTopic(character.role);
  // The notice word for word, then the advisor's comment in its own voice.
  Phrasing p(character, mix(hashText(notice_text), static_cast<uint64_t>(character.id)));
  const std::string what(notice_text);
  auto said = [&](Phrasing::Stance stance) { std::string rest = p.text(stance);
    return rest.empty() ? what : what + " " + rest;
  };
  if ((kind == "battle" || kind == "battle_won" || kind == "battle_lost" || kind == "blockade" ||
       kind == "defenses_destroyed" || kind == "war_declared" || kind == "planet_invaded") &&
      own == Topic::kMilitary) {
    p.say("Our forces stand at " + count(ourWarships(view), "warship") + " in " + count(view.fleets.size(), "fleet"));
    return said(Phrasing::Stance::kWarning);
  }
  if (kind == "shortage" && own == Topic::kFinances) {
    p.say(p.pick({"We need income: raise taxes or sell goods", "We must earn more or spend less, and soon"}));
    return said(Phrasing::Stance::kWarning);
  }
  if ((kind == "starvation" || kind == "revolt" || kind == "riots") && own == Topic::kPopulation) {
    p.say("Average unrest is " + num(averageUnrest(view)) + "%");
    return said(Phrasing::Stance::kWarning);
  }
  if ((kind == "tech_researched" || kind == "event") && own == Topic::kResearch &&
      notice_text.find("ruins") != std::string_view::npos) {
    p.say("A discovery worth studying");
    return said(Phrasing::Stance::kGood);
  }
  if (kind == "tech_researched" && own == Topic::kResearch) return what;
  if ((kind == "contact" || kind == "proposal") && own == Topic::kDiplomacy) return what;
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

std::string builtinRecap(const Character& gm, std::vector<RecapItem> events, int32_t since, int32_t now) {
  const std::string span = "from day " + std::to_string(since) + " to day " + std::to_string(now);
  if (events.empty()) return "While you were away, " + span + ", the galaxy held its breath: nothing of note happened.";
  std::stable_sort(events.begin(), events.end(), [](const RecapItem& a, const RecapItem& b) { return a.tick < b.tick; });
  Phrasing p(gm, mix(hashText(events.front().text), static_cast<uint64_t>(now)));
  p.say("While you were away, " + span + ", the story moved on");
  bool war = false, peace = false;
  for (size_t i = 0; i < events.size(); ++i) {
    const std::string& text = events[i].text;
    const std::string day = "day " + std::to_string(events[i].tick);
    war |= text.find("war") != std::string::npos || text.find("attack") != std::string::npos ||
           text.find("Battle") != std::string::npos || text.find("battle") != std::string::npos;
    peace |= text.find("peace") != std::string::npos || text.find("signed") != std::string::npos;
    std::string body = text;
    while (!body.empty() && (body.back() == '.' || body.back() == ' ')) body.pop_back();
    if (i == 0) {
      p.say("It began on " + day + ": " + body);
    } else if (events[i].tick == events[i - 1].tick) {
      p.say(p.pick({"That same day: ", "On the same day: "}) + body);
    } else if (i + 1 == events.size() && events.size() > 2) {
      p.say("At last, on " + day + ": " + body);
    } else {
      p.say(p.pick({"Then, on ", "On ", "Soon after, on "}) + day + ": " + body);
    }
  }
  if (war) {
    p.say(peace ? "War and treaty pulled the galaxy both ways; what holds now is yours to shape"
                : "Blood has been spilled, and what comes next may decide the war");
  } else {
    p.say("No blade was drawn, but every change shifts the balance of power");
  }
  std::string out = p.text(Phrasing::Stance::kNeutral);
  if (gm.traits.warmth > 0.6) out += " Welcome back.";
  return out;
}

}  // namespace startales::ai
