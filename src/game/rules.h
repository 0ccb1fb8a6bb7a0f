#pragma once

// The game's fixed rule tables: resources, planet types, buildings, ship classes, techs and
// random events, with every number the simulation uses. docs/game-rules.md mirrors this file.
// Units: one tick is one game day; population is in thousands; amounts are resource units.

#include <array>
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

inline constexpr double kDefenseAttack = 12;   // per platform per round
inline constexpr double kDefenseHull = 150;    // per platform
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
// Each planet a civ already holds makes its next colony ship 10% dearer (credits, minerals).
inline constexpr double kColonyCostPerPlanet = 0.10;

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

// ---- diplomacy -------------------------------------------------------------------------

enum class Treaty : uint8_t { kNone, kWar, kPeace, kTradePact, kAlliance };
std::string_view treatyName(Treaty t);
std::optional<Treaty> parseTreaty(std::string_view name);
inline constexpr int kProposalTimeoutTicks = 30;
inline constexpr int kTruceTicks = 150;  // after peace, no new war for this long
inline constexpr int kDiplomacyPeriod = 10;  // relations drift every this many ticks

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
inline constexpr double kRevoltUnrest = 85;
inline constexpr int kRevoltTicks = 30;           // ticks above kRevoltUnrest before a revolt
inline constexpr int kAiPeriod = 5;               // AI empires decide every this many ticks

}  // namespace startales::game
