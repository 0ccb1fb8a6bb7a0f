#pragma once

// Internal: the simulation phases step() runs, one file each. Not part of the public API.

#include <string>
#include <vector>

#include "game/game.h"

namespace startales::game {

using Notices = std::vector<Notice>;

// ---- helpers shared by the phases (sim_util.cc) ----
double modifier(const GameState& s, CivId civ, Modifier m);  // summed tech amounts
void refreshModifiers(GameState& s, CivId civ);  // after civ.techs changes
bool hasTech(const Civ& civ, int tech);
bool atWar(const GameState& s, CivId a, CivId b);  // pirates are at war with everyone
bool hostile(const GameState& s, CivId a, CivId b);
double fleetStrength(const GameState& s, const Fleet& f);  // attack x hull, modifiers applied
bool armed(const Fleet& f);
int32_t slotsUsed(const Planet& p);  // buildings + queued buildings
int32_t slotCount(const Planet& p);
double fleetSpeed(const GameState& s, const Fleet& f);
std::string formatAmount(double v);  // "120" or "12.5"
void notify(GameState& s, Notices& out, CivId civ, std::string kind, std::string text);
Notice& notifyRef(GameState& s, Notices& out, CivId civ, std::string kind, std::string text);
void setTreaty(GameState& s, CivId a, CivId b, Treaty t);
void addRelation(GameState& s, CivId a, CivId b, int32_t delta);
void explore(GameState& s, CivId civ, SystemId system, Notices& out);  // marks + contacts
void changeOwner(GameState& s, PlanetId planet, CivId owner, Notices& out);
Fleet& addFleet(GameState& s, CivId owner, SystemId at, std::string name);
void removeDeadFleets(GameState& s);  // fleets with no ships
std::string fleetName(const GameState& s, CivId owner);

double colonyCostFactor(const GameState& s, CivId civ);  // construction.cc
Stock itemCost(const GameState& s, CivId civ, const QueueItem& item);  // construction.cc
// Adds hull damage to a fleet, losing ships front to back (civilian first); returns losses.
int damageFleet(GameState& s, Fleet& f, double damage);  // combat.cc
double invasionStrength(const GameState& s, const Fleet& f);   // combat.cc: attack
double invasionStrengthNeeded(const Planet& p);                // combat.cc: garrison
void startLane(GameState& s, Fleet& f);  // fleets.cc: begin the next lane of f.route
void signTreaty(GameState& s, CivId a, CivId b, Treaty t, Notices& out);  // diplomacy.cc
void declareWar(GameState& s, CivId by, CivId target, Notices& out);      // diplomacy.cc

double budgetMultiplier(const Civ& civ, BudgetArea area);  // economy.cc: 25% -> 1.0
double unrestPenalty(const Planet& p);                      // economy.cc: output factor
Modifier outputModifier(int resource);                      // economy.cc: a resource's output bonus
double planetEfficiency(const GameState& s, const Planet& p);  // staffing x unrest x ...

double housing(const GameState& s, const Planet& p);  // population.cc: thousand people
// Where unrest on `p` is heading (0..100): population.cc; explained by unrestFor (advice.h).
double unrestTarget(const GameState& s, const Planet& p, double housing_cap);

void exploreAround(GameState& s, CivId civ, SystemId from, int range, Notices& out);
int sensorRange(const GameState& s, CivId civ);  // fleets.cc: lanes seen around colonies

// ---- commands (commands.cc) ----
std::optional<Rejection> check(const GameState& s, const Command& c);
void apply(GameState& s, const QueuedCommand& c, Notices& out);

// ---- phases ----
void runEconomy(GameState& s, Notices& out);      // economy.cc: output, upkeep, taxes
void runConstruction(GameState& s, Notices& out); // construction.cc: queues
void runPopulation(GameState& s, Notices& out);   // population.cc: growth, unrest, revolt
void runResearch(GameState& s, Notices& out);     // research.cc
void updateMarket(GameState& s);                  // market.cc
double executeTrade(GameState& s, CivId civ, Resource r, double amount, Notices& out);
double tradeCapacity(const GameState& s, CivId civ);
void runFleets(GameState& s, Notices& out);       // fleets.cc: movement, exploration
std::vector<SystemId> findRoute(const GameState& s, CivId civ, SystemId from, SystemId to);
void runCombat(GameState& s, Notices& out);       // combat.cc: battles, blockades
void runDiplomacy(GameState& s, Notices& out);    // diplomacy.cc: drift, expiry
void runEvents(GameState& s, Notices& out);       // events.cc: random events
void resolveEvent(GameState& s, const PendingEvent& e, int option, Notices& out);
void updateScores(GameState& s);                  // score.cc
void checkEliminations(GameState& s, Notices& out);
void runAi(GameState& s);                         // ai.cc: AI empires queue commands

}  // namespace startales::game
