// Advice from the game's own planner (game::advise, run for the player's civilization with
// its fog of war): each advisor hears the orders in its portfolio, best first, and proposes
// the best one; "should we ...?" questions are weighed against the planner and the view.

#include <algorithm>

#include "ai/engine_parts.h"
#include "game/game.h"

namespace startales::ai {
namespace {

using game::Building;
using game::ShipClass;

bool armedFleet(const game::View& v, game::FleetId id, bool& colony) {
  for (const auto& f : v.fleets) {
    if (f.id != id) continue;
    colony = f.ships[static_cast<int>(ShipClass::kColonyShip)] > 0;
    return warships(f.ships) > 0;
  }
  colony = false;
  return false;
}

// Which cabinet roles an order belongs to.
bool belongs(Role role, const game::Action& a, const game::View& v) {
  if (const auto* b = std::get_if<game::Build>(&a)) {
    switch (b->building) {
      case Building::kFarm:
      case Building::kHabitat: return role == Role::kInterior;
      case Building::kPowerPlant: return role == Role::kInterior || role == Role::kTreasury;
      case Building::kResearchLab: return role == Role::kScience;
      case Building::kDefensePlatform:
      case Building::kShipyard: return role == Role::kDefense;
      default: return role == Role::kTreasury;
    }
  }
  if (const auto* s = std::get_if<game::BuildShip>(&a)) {
    switch (s->ship) {
      case ShipClass::kScout: return role == Role::kIntelligence || role == Role::kScience;
      case ShipClass::kColonyShip: return role == Role::kInterior;
      case ShipClass::kFreighter: return role == Role::kTreasury;
      default: return role == Role::kDefense;
    }
  }
  if (const auto* m = std::get_if<game::MoveFleet>(&a)) {
    bool colony = false;
    const bool armed = armedFleet(v, m->fleet, colony);
    if (colony) return role == Role::kInterior;
    return armed ? role == Role::kDefense : role == Role::kIntelligence;
  }
  if (std::holds_alternative<game::SetPolicy>(a)) return role == Role::kTreasury || role == Role::kInterior;
  if (std::holds_alternative<game::Research>(a)) return role == Role::kScience;
  if (std::holds_alternative<game::Trade>(a)) return role == Role::kTreasury;
  if (std::holds_alternative<game::Colonize>(a)) return role == Role::kInterior;
  if (std::holds_alternative<game::Invade>(a) || std::holds_alternative<game::MergeFleets>(a)) {
    return role == Role::kDefense;
  }
  if (std::holds_alternative<game::DeclareWar>(a)) return role == Role::kForeignAffairs || role == Role::kDefense;
  if (std::holds_alternative<game::ProposeTreaty>(a) || std::holds_alternative<game::RespondTreaty>(a)) {
    return role == Role::kForeignAffairs;
  }
  if (std::holds_alternative<game::ChooseEventOption>(a)) return role == Role::kInterior || role == Role::kTreasury;
  return false;
}

Role roleFor(Topic topic, Role fallback) {
  switch (topic) {
    case Topic::kFinances: return Role::kTreasury;
    case Topic::kMilitary: return Role::kDefense;
    case Topic::kResearch: return Role::kScience;
    case Topic::kDiplomacy: return Role::kForeignAffairs;
    case Topic::kPopulation: return Role::kInterior;
    case Topic::kIntelligence: return Role::kIntelligence;
    default: return fallback;
  }
}

std::string buildingName(Building b) { return std::string(game::buildingRule(b).name); }

void propose(Reply& r, const game::Action& a, const game::View& v, const std::string& why) {
  r.proposals.push_back({a, capitalised(describe(a, v)) + ": " + why + "."});
}

}  // namespace

std::vector<const game::Advice*> portfolio(Role role, const Situation& s) {
  std::vector<const game::Advice*> out;
  for (const auto& a : s.plan) {
    if (belongs(role, a.action, s.view)) out.push_back(&a);
  }
  return out;
}

std::string describe(const game::Action& action, const game::View& v) {
  return std::visit(
      [&](const auto& a) -> std::string {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, game::Build>) {
          return "build " + article(buildingName(a.building)) + " on " + planetName(v, a.planet);
        } else if constexpr (std::is_same_v<T, game::BuildShip>) {
          const std::string ship(game::shipRule(a.ship).name);
          return "build " + (a.count == 1 ? article(ship) : count(a.count, ship)) + " at " + planetName(v, a.planet);
        } else if constexpr (std::is_same_v<T, game::SetPolicy>) {
          std::string out;
          const int now = v.self.policies.tax_rate;
          if (a.tax_rate && *a.tax_rate != now) {
            out = std::string(*a.tax_rate > now ? "raise" : "lower") + " taxes to " + std::to_string(*a.tax_rate) + "%";
          }
          if (a.budget) {
            out += (out.empty() ? "" : " and ") + std::string("give welfare ") + std::to_string((*a.budget)[3]) +
                   "% of the budget";
          }
          if (a.tariff) out += (out.empty() ? "" : " and ") + std::string("set the tariff to ") + std::to_string(*a.tariff) + "%";
          return out.empty() ? "keep our policies" : out;
        } else if constexpr (std::is_same_v<T, game::Research>) {
          return "research " + std::string(game::techRule(a.tech).name);
        } else if constexpr (std::is_same_v<T, game::MoveFleet>) {
          return "send " + fleetName(v, a.fleet) + " to " + systemName(v, a.to);
        } else if constexpr (std::is_same_v<T, game::Colonize>) {
          return "settle " + planetName(v, a.planet) + " with " + fleetName(v, a.fleet);
        } else if constexpr (std::is_same_v<T, game::Invade>) {
          return "invade " + planetName(v, a.planet) + " with " + fleetName(v, a.fleet);
        } else if constexpr (std::is_same_v<T, game::MergeFleets>) {
          return "merge " + fleetName(v, a.fleet) + " into " + fleetName(v, a.into);
        } else if constexpr (std::is_same_v<T, game::Trade>) {
          return std::string(a.amount < 0 ? "sell " : "buy ") + std::to_string(std::abs(a.amount)) + " " +
                 std::string(game::resourceName(a.resource));
        } else if constexpr (std::is_same_v<T, game::ProposeTreaty>) {
          return "propose " + (a.treaty == game::Treaty::kPeace ? std::string("peace") : article(std::string(game::treatyName(a.treaty)))) +
                 " to " + civName(v, a.to);
        } else if constexpr (std::is_same_v<T, game::RespondTreaty>) {
          for (const auto& p : v.proposals) {
            if (p.id == a.proposal) {
              return std::string(a.accept ? "accept " : "refuse ") + civName(v, p.from) + "'s offer of " +
                     std::string(game::treatyName(p.treaty));
            }
          }
          return a.accept ? "accept the offer" : "refuse the offer";
        } else if constexpr (std::is_same_v<T, game::DeclareWar>) {
          return "declare war on " + civName(v, a.target);
        } else if constexpr (std::is_same_v<T, game::ChooseEventOption>) {
          for (const auto& e : v.events) {
            if (e.id == a.event) {
              const auto& rule = game::eventRule(e.kind);
              return "answer the " + std::string(rule.name) + " with \"" + std::string(rule.options[a.option]) + "\"";
            }
          }
          return "answer the event";
        } else {
          return std::string(game::actionName(game::Action{a}));
        }
      },
      action);
}

void adviceReply(const Character& c, const Situation& s, const Question& q, Phrasing& p, Reply& r) {
  const auto& v = s.view;
  const Role asked = roleFor(q.topic, c.role);
  auto items = portfolio(asked, s);
  if (items.empty() && asked != c.role) items = portfolio(c.role, s);
  if (items.empty()) {
    p.say(p.pick({"Nothing presses in my field right now", "I see no order we need to give today",
                  "For now, I would change nothing"}));
    status(q.topic == Topic::kOverview ? roleTopic(c.role) : q.topic, s, p, r);
    r.facts.push_back("The planner has no order for " + std::string(roleName(c.role)) + " now.");
    return;
  }
  const game::Advice& best = *items.front();
  const std::string what = describe(best.action, v);
  p.say(p.pick({"I recommend we " + what, "My advice: " + what, "We should " + what, "Let us " + what}));
  p.say(capitalised(best.reason));
  int same = 0;
  if (const auto* b = std::get_if<game::Build>(&best.action)) {
    for (size_t i = 1; i < items.size(); ++i) {
      const auto* other = std::get_if<game::Build>(&items[i]->action);
      same += other && other->building == b->building;
    }
    if (same > 0) p.say("The same holds on " + count(same, "more world"));
  }
  propose(r, best.action, v, best.reason);
  r.facts.push_back("Recommended: " + what + " (" + best.reason + ").");
  int more = 0;
  for (size_t i = 1; i < items.size() && more < 2; ++i) {
    if (items[i]->action.index() == best.action.index() && same > 0) continue;
    const std::string next = describe(items[i]->action, v);
    if (more == 0) p.say(p.pick({"After that, " + next, "Next, " + next, "Then " + next}));
    r.facts.push_back("Also: " + next + " (" + items[i]->reason + ").");
    ++more;
  }
}

void proposalReply(const Character& c, const Situation& s, const Question& q, Phrasing& p, Reply& r) {
  const auto& v = s.view;
  const auto* named = q.first(Named::Kind::kCiv);
  const game::CivView* them = named ? civOf(v, named->id) : nullptr;
  auto planned = [&](auto pred) -> const game::Advice* {
    for (const auto& a : s.plan) {
      if (pred(a.action)) return &a;
    }
    return nullptr;
  };
  const bool bold = c.traits.boldness > 0.6;
  switch (q.act) {
    case Act::kWar:
    case Act::kAttack: {
      if (!them) break;
      const std::string name = theCiv(them->name);
      if (them->treaty == game::Treaty::kWar) {
        p.say("We are already at war with " + name);
        p.say("We see " + count(visibleWarships(v, them->id), "warship") + " of theirs; we have " + count(ourWarships(v), "warship"));
        return;
      }
      const auto* war = planned([&](const game::Action& a) {
        const auto* d = std::get_if<game::DeclareWar>(&a);
        return d && d->target == them->id;
      });
      if (war) {
        p.say(p.pick({"Yes, if you have the stomach for it", "I think we should"}));
        p.say(capitalised(war->reason));
        propose(r, war->action, v, war->reason);
        r.facts.push_back("The planner would declare war on " + name + " (" + war->reason + ").");
        return;
      }
      p.say(p.pick({"No, not now", "I would advise against it", "Not yet"}));
      const std::string why = "Relations with " + name + " stand at " + std::to_string(them->relation) + ", we see " +
                              count(visibleWarships(v, them->id), "warship") + " of theirs and we have " +
                              count(ourWarships(v), "warship");
      p.say(why);
      if (bold) p.say("Build the fleet first, then we strike");
      r.facts.push_back(why + "; the planner does not declare war.");
      return;
    }
    case Act::kPeace:
    case Act::kTradePact:
    case Act::kAlliance: {
      if (!them) break;
      const std::string name = theCiv(them->name);
      const game::Treaty want = q.act == Act::kPeace ? game::Treaty::kPeace
                                : q.act == Act::kTradePact ? game::Treaty::kTradePact : game::Treaty::kAlliance;
      const std::string rel = "relations with " + name + " stand at " + std::to_string(them->relation);
      bool ok = false;
      std::string why;
      if (want == game::Treaty::kPeace) {
        ok = them->treaty == game::Treaty::kWar;
        why = ok ? "we are at war with " + name + " and " + rel : "we are not at war with " + name;
      } else if (want == game::Treaty::kTradePact) {
        ok = them->treaty == game::Treaty::kPeace && them->relation > 15;
        why = them->treaty == game::Treaty::kPeace ? rel + (ok ? ", warm enough" : "; they need to be above 15")
                                                   : "our treaty with " + name + " is " + std::string(game::treatyName(them->treaty));
      } else {
        ok = them->treaty == game::Treaty::kTradePact && them->relation > 50;
        why = them->treaty == game::Treaty::kTradePact ? rel + (ok ? ", warm enough" : "; an alliance needs more than 50")
                                                       : "an alliance follows a trade pact, and ours with " + name + " is " +
                                                             std::string(game::treatyName(them->treaty));
      }
      p.say(ok ? p.pick({"Yes", "I think so", "It is worth trying"}) : p.pick({"Not now", "I doubt it", "No"}));
      p.say(capitalised(why));
      if (ok) propose(r, game::ProposeTreaty{them->id, want}, v, why);
      r.facts.push_back(capitalised(why) + ".");
      return;
    }
    case Act::kRaiseTax:
    case Act::kLowerTax: {
      const int now = v.self.policies.tax_rate;
      const double unrest = averageUnrest(v), net = incomeOf(v, game::Resource::kCredits);
      const bool raise = q.act == Act::kRaiseTax;
      const bool ok = raise ? (net < 0 || unrest < 25) && now < 40 : unrest > 40 && now > 5;
      const std::string why = "taxes are at " + std::to_string(now) + "%, average unrest " + num(unrest) +
                              "% and credits " + signedNum(net) + " a day";
      p.say(ok ? p.pick({"Yes", "I agree"}) : p.pick({"I would not", "No"}));
      p.say(capitalised(why));
      if (ok) {
        game::SetPolicy change;
        change.tax_rate = raise ? std::min(40, now + 5) : std::max(5, now - 5);
        propose(r, change, v, why);
      }
      r.facts.push_back(capitalised(why) + ".");
      return;
    }
    case Act::kResearch: {
      const auto* tech = q.first(Named::Kind::kTech);
      if (!tech) break;
      const bool known = std::find(v.self.techs.begin(), v.self.techs.end(), tech->id) != v.self.techs.end();
      const auto& rule = game::techRule(tech->id);
      bool open = true;
      for (int pre : rule.prerequisites) {
        open &= pre < 0 || std::find(v.self.techs.begin(), v.self.techs.end(), pre) != v.self.techs.end();
      }
      if (known) {
        p.say("We already know " + tech->name);
      } else if (v.self.researching == tech->id) {
        p.say("Our labs are on " + tech->name + " already");
      } else if (!open) {
        p.say("Not yet: " + techSummary(tech->id, v));
      } else {
        p.say(p.pick({"Yes", "A good choice"}));
        p.say(techSummary(tech->id, v));
        propose(r, game::Research{tech->id}, v, "it unlocks " + std::string(rule.unlocks));
      }
      r.facts.push_back(techSummary(tech->id, v));
      return;
    }
    case Act::kBuild: {
      const auto* b = q.first(Named::Kind::kBuilding);
      if (!b) break;
      const auto* want = planned([&](const game::Action& a) {
        const auto* build = std::get_if<game::Build>(&a);
        return build && static_cast<int>(build->building) == b->id;
      });
      if (want) {
        p.say(p.pick({"Yes", "I agree"}) + ": " + describe(want->action, v));
        p.say(capitalised(want->reason));
        propose(r, want->action, v, want->reason);
        r.facts.push_back("The planner would " + describe(want->action, v) + " (" + want->reason + ").");
      } else {
        p.say("The planner sees no need for " + article(b->name) + " right now");
        p.say("Energy is " + signedNum(incomeOf(v, game::Resource::kEnergy)) + " a day and food " +
              signedNum(incomeOf(v, game::Resource::kFood)) + " a day");
        r.facts.push_back("The planner does not build " + article(b->name) + " now.");
      }
      return;
    }
    default: break;
  }
  adviceReply(c, s, q, p, r);
}

}  // namespace startales::ai
