#pragma once

// The game's fixed rule tables: resources, planet types, buildings, ship classes, techs and
// random events, with every number the simulation uses. rulesMarkdown() (rules_doc.h) prints
// them into docs/game-rules.md, and game_rules_doc_test keeps that document in step.
// Units: one tick is one game day; population is in thousands; amounts are resource units.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace startales::game {

// ---- resources -------------------------------------------------------------------------

enum class Resource : uint8_t { kCredits, kMinerals, kEnergy, kFood, kExotics };
inline constexpr int kResourceCount = 5;
// Resources traded on the galactic market (everything but credits, the currency).
inline constexpr int kGoodsCount = 4;
inline constexpr std::array<Resource, kGoodsCount> kGoods = {
    Resource::kMinerals, Resource::kEnergy, Resource::kFood, Resource::kExotics};
inline constexpr int goodIndex(Resource r) { return static_cast<int>(r) - 1; }

using Stock = std::array<double, kResourceCount>;
inline double& at(Stock& s, Resource r) { return s[static_cast<int>(r)]; }
inline double at(const Stock& s, Resource r) { return s[static_cast<int>(r)]; }

std::string_view resourceName(Resource r);
std::optional<Resource> parseResource(std::string_view name);

struct MarketRule {
  double base_price;  // credits per unit
  double floor;       // lowest price, credits
  double ceiling;     // highest price, credits
};
const MarketRule& marketRule(Resource good);
inline constexpr double kMarketMaxChangePerTick = 0.05;  // fraction of the price
inline constexpr double kMarketSensitivity = 0.10;       // price change per unit of imbalance
inline constexpr double kMarketReversion = 0.03;         // pull toward base price per tick
inline constexpr double kMarketSpread = 0.05;            // buy at +5%, sell at -5%
// Liquidity: units of net buying (or selling) in one tick that move a price by
// kMarketSensitivity, i.e. 10%: kLiquidityBase + kLiquidityPerCiv x civilizations.
inline constexpr double kLiquidityBase = 1000;  // units
inline constexpr double kLiquidityPerCiv = 200;  // units per civilization in the game
// Counterparties of a trade: the neutral exchange counts as this many trade hubs.
inline constexpr double kExchangeWeight = 2;  // trade hubs
// Trade capacity: the most units one trade command may move.
inline constexpr double kBaseCapacity = 100;         // units per trade
inline constexpr double kCapacityPerHub = 150;       // units per unblockaded trade hub
inline constexpr double kCapacityPerFreighter = 60;  // units per freighter
// Tariffs sway relations on trades of at least kTradeGoodwillUnits units where the partner
// fills at least kTradeGoodwillShare of the trade: a tariff of at most kLowTariff earns +1
// (while the relation is below kLowTariffGoodwillCap), one of kHighTariff or more costs -1.
inline constexpr double kTradeGoodwillUnits = 50;   // units
inline constexpr double kTradeGoodwillShare = 0.2;  // fraction of the trade
inline constexpr int kLowTariff = 5;                // percent, after treaty reductions
inline constexpr int kLowTariffGoodwillCap = 20;    // relation points
inline constexpr int kHighTariff = 12;  // percent; also makes relations drift down (diplomacy)

// ---- planets ---------------------------------------------------------------------------

enum class PlanetType : uint8_t { kTerran, kOcean, kDesert, kIce, kVolcanic, kBarren, kGasGiant };
inline constexpr int kPlanetTypeCount = 7;
std::string_view planetTypeName(PlanetType t);

struct PlanetTypeRule {
  int habitability_min, habitability_max;  // percent
  // Deposit ranges 0..5 for minerals, energy, food, exotics.
  std::array<int, 4> deposit_min, deposit_max;
  int weight;  // relative frequency in generation
};
const PlanetTypeRule& planetTypeRule(PlanetType t);

inline constexpr int kMinColonyHabitability = 20;  // percent (10 with Terraforming)
inline constexpr int kSlotsPerSize = 3;            // building slots = size x 3 (+1 capital)

// ---- galaxy generation -----------------------------------------------------------------

inline constexpr int kMinSystems = 20, kMaxSystems = 5000;  // star systems per galaxy
inline constexpr int kMaxCivs = 32;                         // civilizations per galaxy
inline constexpr int kSystemsPerCiv = 5;  // a galaxy holds at most one civ per this many systems
inline constexpr int kMaxPlayerNameChars = 40;           // UTF-8 code points
inline constexpr int kMinPlanets = 1, kMaxPlanets = 6;   // planets per system
inline constexpr int kMinSize = 1, kMaxSize = 5;         // planet size
inline constexpr int kMinGasGiantSize = 4;               // gas giants are big
inline constexpr int kMinLanes = 2, kMaxLanes = 5;       // hyperlanes per system, where possible
inline constexpr double kDiscScale = 10;   // disc radius = sqrt(systems) x this, distance units
inline constexpr double kMinSpacing = 8;   // distance units between two systems

// ---- buildings -------------------------------------------------------------------------

enum class Building : uint8_t {
  kFarm,
  kMine,
  kPowerPlant,
  kFactory,
  kResearchLab,
  kHabitat,
  kShipyard,
  kTradeHub,
  kDefensePlatform,
  kFusionReactor,
  kExoticsExtractor,
};
inline constexpr int kBuildingCount = 11;

struct BuildingRule {
  std::string_view name;     // "power plant"
  double credits, minerals;  // cost, paid when work starts
  double work;               // industry points to finish
  Stock output;              // per tick at full staffing, before multipliers (+ or -)
  double research;           // research points per tick
  int workers;               // thousands of people to staff it fully
  int deposit;               // deposit index (0 minerals, 1 energy, 2 food, 3 exotics) or -1
  double housing;            // thousand people housed
  int unlocked_by;           // tech index, or -1 when available from the start
  int max_per_planet;        // 0 = only limited by slots
};
const BuildingRule& buildingRule(Building b);
std::optional<Building> parseBuilding(std::string_view name);

inline constexpr double kDefenseAttack = 12;   // per platform per round, at full hull
inline constexpr double kDefenseHull = 150;    // per platform
inline constexpr double kDefenseArmor = 8;     // defense of each platform, like a ship's
inline constexpr double kDefenseRegen = 0.02;  // fraction of hull repaired per tick

// ---- ships -----------------------------------------------------------------------------

enum class ShipClass : uint8_t { kScout, kColonyShip, kFreighter, kCorvette, kFrigate, kCruiser };
inline constexpr int kShipClassCount = 6;

struct ShipRule {
  std::string_view name;  // "colony ship"
  double credits, minerals, food, exotics;
  double work;      // industry points at a shipyard
  double speed;     // distance units per tick
  double attack;    // damage per combat round
  double defense;   // reduces damage taken
  double hull;      // hit points
  double upkeep;    // credits per tick
  int unlocked_by;  // tech index or -1
};
const ShipRule& shipRule(ShipClass c);
std::optional<ShipClass> parseShipClass(std::string_view name);
inline constexpr double kColonyStartPopulation = 2.0;  // thousands
inline constexpr double kColonyStartUnrest = 5;        // unrest points of a new colony
// Lanes of sight: a colony explores (and sees) systems within kBaseSensorRange lanes, plus
// the Advanced Sensors / Stellar Cartography bonuses; a fleet arriving somewhere explores as far.
inline constexpr int kBaseSensorRange = 1;  // lanes
// Each planet a civ already holds makes its next colony ship 10% dearer (credits, minerals).
inline constexpr double kColonyCostPerPlanet = 0.10;

// ---- combat and invasion ---------------------------------------------------------------

// Damage taken = incoming x kDefenseScale / (kDefenseScale + average defense).
inline constexpr double kDefenseScale = 10;
inline constexpr double kCombatRollMin = 0.8, kCombatRollMax = 1.2;  // damage roll per party
inline constexpr double kPirateRaidCredits = 5;  // stolen per tick from a blockaded planet
inline constexpr double kBlockadeOutput = 0.5;   // output and taxes of a blockaded planet
// Attack an invading fleet needs: population x kGarrisonPerPop + the base garrison.
inline constexpr double kGarrisonPerPop = 1.5;    // attack per thousand people
inline constexpr double kCapitalGarrison = 20;    // attack
inline constexpr double kColonyGarrison = 5;      // attack
inline constexpr double kInvasionSurvivors = 0.75;  // fraction of the people left
inline constexpr double kInvasionUnrest = 50;       // unrest points after a conquest

// ---- research --------------------------------------------------------------------------

enum class TechField : uint8_t { kEconomy, kMilitary, kScience, kSociety };
std::string_view techFieldName(TechField f);

// What a tech improves. Multipliers add: two +20% techs give +40%.
enum class Modifier : uint8_t {
  kNone,
  kFoodOutput,
  kMineralOutput,
  kEnergyOutput,
  kCreditOutput,
  kResearchOutput,
  kExoticsOutput,
  kPopGrowth,
  kHousing,
  kShipAttack,
  kShipDefense,
  kShipSpeed,
  kBuildSpeed,
  kUnrest,         // negative: less unrest
  kSensorRange,    // extra lanes of sight
  kTradeCapacity,
  kTaxEfficiency,
  kPlanetDefense,
  kColonyRange,    // lowers the habitability needed to colonize
  kInfluence,
  kColonyCost,     // negative: cheaper colony ships
};
inline constexpr int kModifierCount = 21;

struct TechRule {
  std::string_view name;  // "Fusion Power"
  TechField field;
  double cost;  // research points
  std::array<int, 2> prerequisites;  // tech indices, -1 for none
  Modifier modifier;
  double amount;  // for the modifier: +0.2 is +20%
  std::string_view unlocks;  // human summary: "fusion reactor"
};
inline constexpr int kTechCount = 28;
// Tech indices the rules refer to by name.
namespace tech {
inline constexpr int kHydroponics = 0, kDeepMining = 1, kCommerce = 2, kFusionPower = 3,
                     kAutomation = 4, kExoticMatter = 5, kGalacticBanking = 6,
                     kOrbitalDefense = 7, kFrigates = 8, kImprovedDrives = 9,
                     kCompositeArmor = 10, kLasers = 11, kCruisers = 12, kShields = 13,
                     kXenobiology = 14, kSensors = 15, kQuantumComputing = 16,
                     kTerraforming = 17, kSubspaceTheory = 18, kArtificialIntelligence = 19,
                     kStellarCartography = 20, kCivicEducation = 21, kGeneticMedicine = 22,
                     kArcologies = 23, kDiplomaticCorps = 24, kPropaganda = 25,
                     kColonialAdministration = 26, kUnifiedCulture = 27;
}  // namespace tech
const TechRule& techRule(int tech);
// Each tech already known makes the next 40% dearer than its base cost.
inline constexpr double kTechCostGrowth = 0.4;
std::optional<int> parseTech(std::string_view name);  // case-insensitive name match

// ---- random events ---------------------------------------------------------------------

enum class EventKind : uint8_t {
  kSolarFlare,
  kPlague,
  kDiscovery,
  kPirateRaid,
  kMarketCrash,
  kRefugees,
};
inline constexpr int kEventKindCount = 6;

struct EventRule {
  std::string_view name;  // "solar flare"
  std::array<std::string_view, 2> options;  // "shield the grid", "ride it out"
  int default_option;  // applied when the choice times out
};
const EventRule& eventRule(EventKind k);
inline constexpr double kEventChancePerTick = 1.0 / 240;  // per civilization
inline constexpr int kEventTimeoutTicks = 60;
inline constexpr int kEventGraceTicks = 120;  // no events before this tick
// Stakes grow as the campaign goes on: scale = 1 + tick / kEventScaleTicks (integer division).
inline constexpr int kEventScaleTicks = 1000;
inline constexpr int kFlareShieldCost = 60;        // credits x scale
inline constexpr double kFlareEnergyKept = 0.6;    // fraction of stored energy left unshielded
inline constexpr int kPlagueQuarantineCost = 100;  // credits x scale
inline constexpr double kQuarantineSurvivors = 0.95;  // fraction of the planet's people
inline constexpr double kQuarantineUnrest = 10;       // unrest points
inline constexpr double kPlagueSurvivors = 0.8;       // fraction, without a quarantine
inline constexpr double kPlagueUnrest = 5;            // unrest points
inline constexpr int kDiscoveryMin = 200, kDiscoveryMax = 500;  // research points x scale
inline constexpr int kPirateTribute = 150;           // credits x scale
inline constexpr int kPirateCreditsPerCorvette = 60;  // raiders: tribute / this corvettes...
inline constexpr int kPirateMinCorvettes = 2;         // ...but at least this many
inline constexpr int kPirateStay = 80;                // ticks a pirate fleet stays
inline constexpr double kCrashDrop = 0.4;             // market crash: the price falls 40%
inline constexpr int kCrashPurchase = 100;            // units bought when buying the dip
inline constexpr int kRefugeesMin = 2, kRefugeesMax = 5;  // thousand people
inline constexpr double kRefugeeUnrest = 10;              // unrest points
inline constexpr double kRefugeeInfluence = 2;            // influence

// ---- diplomacy -------------------------------------------------------------------------

enum class Treaty : uint8_t { kNone, kWar, kPeace, kTradePact, kAlliance };
std::string_view treatyName(Treaty t);
std::optional<Treaty> parseTreaty(std::string_view name);
inline constexpr int kProposalTimeoutTicks = 30;
inline constexpr int kTruceTicks = 150;  // after peace, no new war for this long
inline constexpr int kDiplomacyPeriod = 10;  // relations drift every this many ticks
// One-off changes of the relation score (-100..100).
inline constexpr int kTreatySignedRelation = 10;
inline constexpr int kWarDeclaredRelation = -40;
inline constexpr int kProposalRejectedRelation = -3;
// Drift every kDiplomacyPeriod ticks between civs that have met, in relation points.
inline constexpr int kDriftRandom = 2;          // uniform -2..+2
inline constexpr int kDriftFadeThreshold = 10;  // above +10: -1; below -10 (not at war): +1
inline constexpr int kDriftWar = -1;
inline constexpr int kDriftTradePact = 1;
inline constexpr int kDriftAlliance = 2;
inline constexpr int kDriftBorder = -2;  // some system is owned by or next to both
inline constexpr double kDriftAggression = 0.7;  // personality above which borders...
inline constexpr int kDriftAggressiveBorder = -1;  // ...cost this much more
inline constexpr int kDriftHighTariff = -1;  // either side's tariff is kHighTariff or more
inline constexpr int kDriftCommonEnemy = 2;  // both at war with the same third civ

// ---- policies and population -----------------------------------------------------------

enum class BudgetArea : uint8_t { kIndustry, kResearch, kMilitary, kWelfare };
inline constexpr int kBudgetAreas = 4;
inline constexpr int kMaxTaxRate = 50;
inline constexpr int kMinTariff = -10, kMaxTariff = 20;
inline constexpr double kFoodPerPop = 1.0;        // food per thousand people per tick
inline constexpr double kEnergyPerPop = 0.2;      // energy per thousand people per tick
inline constexpr double kGrowthRate = 0.01;       // logistic growth per tick
inline constexpr double kStarvationRate = 0.02;   // population lost per tick without food
inline constexpr double kHousingPerSize = 12;     // thousand people per size at 100% habitability
inline constexpr double kOvercrowdDecline = 0.01;  // fraction of the excess lost per tick
inline constexpr double kMinPopulation = 0.1;      // thousands; a planet never empties
inline constexpr double kRevoltUnrest = 85;
inline constexpr int kRevoltTicks = 30;           // ticks above kRevoltUnrest before a revolt
inline constexpr double kRiotSurvivors = 0.9;     // a capital riots instead: people left
inline constexpr double kRiotUnrest = 60;         // unrest points after the riots
inline constexpr double kRevoltAfterUnrest = 30;  // unrest points of a planet that seceded
inline constexpr double kUnrestResponse = 0.05;  // unrest moves this fraction toward its target
// Unrest target, in unrest points (0..100), before the tech modifier scales it.
inline constexpr double kUnrestPerTax = 1.0;             // per tax percent
inline constexpr double kUnrestFoodShortage = 30;        // x fraction of food need unmet
inline constexpr double kUnrestEnergyShortage = 15;      // x fraction of energy need unmet
inline constexpr double kUnrestCreditShortage = 10;      // x fraction of credits need unmet
inline constexpr double kUnrestPerWeariness = 0.3;       // per war-weariness point
inline constexpr double kCrowdedShare = 0.98;            // population above this x housing...
inline constexpr double kUnrestCrowded = 8;              // ...adds this
inline constexpr double kUnrestBlockaded = 10;
inline constexpr double kUnrestPerWelfare = 0.4;         // less per welfare budget percent
inline constexpr double kUnrestCapital = 5;              // less on the capital
inline constexpr double kWearinessPerWar = 0.1;    // war weariness per tick per war
inline constexpr double kWearinessRecovery = 0.1;  // war weariness lost per tick at peace
inline constexpr double kMaxWeariness = 100;
// Starting policies (see Policies in state.h).
inline constexpr int kStartTaxRate = 20;  // percent
inline constexpr std::array<int32_t, kBudgetAreas> kStartBudget = {35, 25, 20, 20};  // percent
inline constexpr int kStartTariff = 5;    // percent

// ---- economy ---------------------------------------------------------------------------

inline constexpr double kTaxPerPop = 0.4;  // credits per thousand people per tick at 100% tax
inline constexpr double kCapitalResearch = 3;        // research points per tick from the capital
inline constexpr double kInfluencePerPlanet = 0.05;  // influence per planet per tick
inline constexpr double kSprawl = 0.04;      // credits per tick x planets^2: administration
inline constexpr double kMaintenance = 1;    // credits per building per tick
inline constexpr double kUnpaidHullLoss = 0.01;  // fraction of a fleet's hull per tick unpaid
// Budget share multiplier: kBudgetBase + kBudgetSlope x share (0% 0.6, 25% 1.0, 100% 2.2).
inline constexpr double kBudgetBase = 0.6, kBudgetSlope = 1.6;
// Output falls one percent per unrest point above this.
inline constexpr double kUnrestPenaltyStart = 50;  // unrest points
inline constexpr double kBrownout = 0.5;  // output lost at a total energy shortage (fraction)
// Deposit richness multiplies a deposit building's output: base + per-deposit x rating (0..5).
inline constexpr double kRichnessBase = 0.5, kRichnessPerDeposit = 0.25;
inline constexpr int kReminderPeriod = 30;  // ticks between repeated shortage notices

// ---- construction ----------------------------------------------------------------------

inline constexpr double kBaseWork = 1.0;     // work points per tick on any colony
inline constexpr double kWorkPerPop = 0.02;  // extra work points per thousand people
inline constexpr double kMaxPopWork = 3.0;   // cap on the population part
inline constexpr double kMinWorkPopulation = 0.5;  // thousands needed to work a queue
inline constexpr std::size_t kMaxQueue = 10;       // items per planet queue
inline constexpr int kMaxShipsPerOrder = 10;       // ships one build_ship command queues
inline constexpr double kCancelRefund = 0.5;       // fraction of a paid cost returned

// ---- starting position -----------------------------------------------------------------

inline constexpr Stock kStartStock = {500, 300, 200, 200, 10};  // credits, min., en., food, ex.
// The capital: one planet of the home system remade as a developed terran homeworld.
inline constexpr int kCapitalSize = 4;
inline constexpr int kCapitalHabitability = 90;  // percent
inline constexpr std::array<int32_t, 4> kCapitalDeposits = {2, 2, 3, 1};  // M, E, F, X
inline constexpr double kCapitalPopulation = 20;  // thousands
inline constexpr double kCapitalUnrest = 10;      // unrest points
inline constexpr std::array<int32_t, kBuildingCount> kCapitalBuildings = [] {
  std::array<int32_t, kBuildingCount> b{};
  b[static_cast<int>(Building::kFarm)] = 2;
  b[static_cast<int>(Building::kMine)] = 1;
  b[static_cast<int>(Building::kPowerPlant)] = 2;
  b[static_cast<int>(Building::kFactory)] = 1;
  b[static_cast<int>(Building::kResearchLab)] = 1;
  b[static_cast<int>(Building::kShipyard)] = 1;
  return b;
}();
// Starting fleets at the capital, each named after the civ's adjective + suffix.
struct StartFleet {
  std::string_view suffix;  // " Scouts"
  ShipClass ship;
  int32_t count;
};
inline constexpr std::array<StartFleet, 2> kStartFleets = {{
    {" Scouts", ShipClass::kScout, 1},
    {" Colonists", ShipClass::kColonyShip, 1},
}};
// AI temperament traits (aggression, expansion, commerce, science) are drawn uniformly here.
inline constexpr double kPersonalityMin = 0.2, kPersonalityMax = 0.9;

// ---- score -----------------------------------------------------------------------------

// empire    = planets x kScorePerPlanet + population x kScorePerPop
//             + fleet strength x kScorePerStrength
// discovery = techs x kScorePerTech + systems explored x kScorePerSystem
// story     = events resolved x kScorePerEvent + battles won x kScorePerBattle
//             + colonies founded x kScorePerColony
// social    = sum over planets of (100 - unrest) / kContentmentDivisor + trades x kScorePerTrade
//             + influence x kScorePerInfluence + ties x kScorePerTie
//             (ties: a trade pact counts 1, an alliance 2)
inline constexpr double kScorePerPlanet = 10, kScorePerPop = 0.5, kScorePerStrength = 0.1;
inline constexpr double kScorePerTech = 25, kScorePerSystem = 1;
inline constexpr double kScorePerEvent = 5, kScorePerBattle = 10, kScorePerColony = 5;
inline constexpr double kContentmentDivisor = 20, kScorePerTrade = 0.2,
                        kScorePerInfluence = 0.5, kScorePerTie = 10;

// ---- AI --------------------------------------------------------------------------------

inline constexpr int kAiPeriod = 5;  // AI empires decide every this many ticks

}  // namespace startales::game
