// Random events: each gives its civilization a choice of two options, and applies the
// default one if nobody chooses in time. Every event has a factual summary sentence that
// a game master can narrate.

#include <algorithm>
#include <cmath>

#include "game/sim.h"

namespace startales::game {
namespace {

PlanetId randomPlanet(GameState& s, CivId civ) {
  const auto& planets = s.civ_planets[civ];
  if (planets.empty()) return kNone;
  return planets[s.rng.below(static_cast<uint32_t>(planets.size()))];
}

std::string summary(const GameState& s, const PendingEvent& e) {
  const std::string where = e.planet >= 0 ? s.planets[e.planet].name : "the empire";
  switch (e.kind) {
    case EventKind::kSolarFlare:
      return "A solar flare threatens the power grid of " + where + ". Shielding it costs " +
             std::to_string(e.magnitude) + " credits; otherwise 40% of stored energy is lost.";
    case EventKind::kPlague:
      return "A plague broke out on " + where + ". A quarantine costs " +
             std::to_string(e.magnitude) + " credits and 5% of the people; doing nothing costs 20%.";
    case EventKind::kDiscovery:
      return "Surveyors on " + where + " found ancient ruins, worth " +
             std::to_string(e.magnitude) + " research points or the same in credits.";
    case EventKind::kPirateRaid:
      return "Pirates demand " + std::to_string(e.magnitude) + " credits from " + where +
             ", or they will attack with " +
             std::to_string(
                 std::max(kPirateMinCorvettes, e.magnitude / kPirateCreditsPerCorvette)) +
             " corvettes.";
    case EventKind::kMarketCrash:
      return "The " + std::string(resourceName(kGoods[e.magnitude])) +
             " market crashed; prices fell by 40%.";
    case EventKind::kRefugees:
      return "A refugee fleet of " + std::to_string(e.magnitude) +
             " thousand people asks to settle on " + where + ".";
  }
  return "";
}

}  // namespace

void runEvents(GameState& s, Notices& out) {
  // Choices not made in time take their default.
  std::vector<PendingEvent> expired;
  for (const auto& e : s.events) {
    if (e.expires <= s.tick) expired.push_back(e);
  }
  std::erase_if(s.events, [&](const PendingEvent& e) { return e.expires <= s.tick; });
  for (const auto& e : expired) resolveEvent(s, e, eventRule(e.kind).default_option, out);

  if (s.tick < kEventGraceTicks) return;
  for (const auto& civ : s.civs) {
    if (!civ.alive) continue;
    const bool busy = std::any_of(s.events.begin(), s.events.end(),
                                  [&](const PendingEvent& e) { return e.civ == civ.id; });
    if (!s.rng.chance(kEventChancePerTick) || busy) continue;
    PendingEvent e;
    e.id = s.next_event++;
    e.civ = civ.id;
    e.kind = static_cast<EventKind>(s.rng.below(kEventKindCount));
    e.planet = randomPlanet(s, civ.id);
    e.expires = s.tick + kEventTimeoutTicks;
    const int scale = 1 + s.tick / kEventScaleTicks;  // stakes grow as the campaign goes on
    switch (e.kind) {
      case EventKind::kSolarFlare: e.magnitude = kFlareShieldCost * scale; break;
      case EventKind::kPlague: e.magnitude = kPlagueQuarantineCost * scale; break;
      case EventKind::kDiscovery:
        e.magnitude = s.rng.between(kDiscoveryMin, kDiscoveryMax) * scale;
        break;
      case EventKind::kPirateRaid: e.magnitude = kPirateTribute * scale; break;
      case EventKind::kMarketCrash: {
        e.magnitude = static_cast<int32_t>(s.rng.below(kGoodsCount));
        const auto& rule = marketRule(kGoods[e.magnitude]);
        double& price = s.market.price[e.magnitude];
        price = std::max(rule.floor, price * (1 - kCrashDrop));
        break;
      }
      case EventKind::kRefugees: e.magnitude = s.rng.between(kRefugeesMin, kRefugeesMax); break;
    }
    s.events.push_back(e);
    s.counters.events++;
    const auto& rule = eventRule(e.kind);
    auto& n = notifyRef(s, out, civ.id, "event",
                        summary(s, e) + " Options: " + std::string(rule.options[0]) + ", or " +
                            std::string(rule.options[1]) + ".");
    n.planet = e.planet;
    n.system = e.planet >= 0 ? s.planets[e.planet].system : kNone;
    n.ref = e.id;
  }
}

void resolveEvent(GameState& s, const PendingEvent& e, int option, Notices& out) {
  Civ& civ = s.civs[e.civ];
  if (!civ.alive) return;
  double& credits = at(civ.stock, Resource::kCredits);
  // The planet may have changed hands since; then the event fizzles for it.
  Planet* planet = e.planet >= 0 && s.planets[e.planet].owner == e.civ ? &s.planets[e.planet] : nullptr;
  std::string outcome;
  switch (e.kind) {
    case EventKind::kSolarFlare:
      if (option == 0 && credits >= e.magnitude) {
        credits -= e.magnitude;
        outcome = "The grid was shielded.";
      } else {
        at(civ.stock, Resource::kEnergy) *= kFlareEnergyKept;
        outcome = "The flare burned out 40% of stored energy.";
      }
      break;
    case EventKind::kPlague:
      if (option == 0 && credits >= e.magnitude) {
        credits -= e.magnitude;
        if (planet) {
          planet->population *= kQuarantineSurvivors;
          planet->unrest = std::min(100.0, planet->unrest + kQuarantineUnrest);
        }
        outcome = "The quarantine contained the plague.";
      } else {
        if (planet) {
          planet->population = std::max(kMinPopulation, planet->population * kPlagueSurvivors);
          planet->unrest = std::min(100.0, planet->unrest + kPlagueUnrest);
        }
        outcome = "The plague ran its course; a fifth of the people died.";
      }
      break;
    case EventKind::kDiscovery:
      if (option == 0 && civ.researching != kNone) {
        civ.research_progress += e.magnitude;
        outcome = "The ruins advanced research by " + std::to_string(e.magnitude) + " points.";
      } else {
        credits += e.magnitude;
        outcome = "The find sold for " + std::to_string(e.magnitude) + " credits.";
      }
      break;
    case EventKind::kPirateRaid:
      if (option == 0 && credits >= e.magnitude) {
        credits -= e.magnitude;
        outcome = "The pirates took their tribute and left.";
      } else if (planet) {
        Fleet& f = addFleet(s, kPirates, planet->system, "Pirate Raiders");
        f.ships[static_cast<int>(ShipClass::kCorvette)] =
            std::max(kPirateMinCorvettes, e.magnitude / kPirateCreditsPerCorvette);
        f.expires = s.tick + kPirateStay;
        outcome = "Pirate raiders attacked " + planet->name + ".";
      } else {
        outcome = "The pirates found nothing worth raiding.";
      }
      break;
    case EventKind::kMarketCrash:
      if (option == 0) {
        double bought = executeTrade(s, e.civ, kGoods[e.magnitude], kCrashPurchase, out);
        outcome = "Bought " + formatAmount(bought) + " " +
                  std::string(resourceName(kGoods[e.magnitude])) + " cheaply.";
      } else {
        outcome = "Stayed out of the market.";
      }
      break;
    case EventKind::kRefugees:
      if (option == 0 && planet) {
        planet->population += e.magnitude;
        planet->unrest = std::min(100.0, planet->unrest + kRefugeeUnrest);
        civ.influence += kRefugeeInfluence;
        outcome = "The refugees settled on " + planet->name + ".";
      } else {
        outcome = "The refugees were turned away.";
      }
      break;
  }
  civ.events_resolved++;
  auto& n = notifyRef(s, out, e.civ, "event_resolved",
                      std::string(eventRule(e.kind).options[option]) + ": " + outcome);
  n.ref = e.id;
  n.planet = planet ? planet->id : kNone;
}

}  // namespace startales::game
