#include "game/rules.h"

#include <cctype>

namespace startales::game {
namespace {

bool sameWords(std::string_view a, std::string_view b) {
  // Case-insensitive; '_' and '-' match ' ' so "power_plant" names "power plant".
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto norm = [](char c) {
      if (c == '_' || c == '-') return ' ';
      return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    };
    if (norm(a[i]) != norm(b[i])) return false;
  }
  return true;
}

constexpr std::array<std::string_view, kResourceCount> kResourceNames = {
    "credits", "minerals", "energy", "food", "exotics"};

constexpr std::array<MarketRule, kGoodsCount> kMarket = {{
    {1.0, 0.2, 5.0},    // minerals
    {0.8, 0.16, 4.0},   // energy
    {0.6, 0.12, 3.0},   // food
    {8.0, 1.6, 40.0},   // exotics
}};

constexpr std::array<std::string_view, kPlanetTypeCount> kPlanetTypeNames = {
    "terran", "ocean", "desert", "ice", "volcanic", "barren", "gas giant"};

//                           hab min/max   deposits min (M,E,F,X)   max            weight
constexpr std::array<PlanetTypeRule, kPlanetTypeCount> kPlanetTypes = {{
    {70, 100, {1, 1, 2, 0}, {3, 3, 5, 1}, 8},   // terran
    {50, 90, {0, 1, 2, 0}, {2, 3, 5, 1}, 8},    // ocean
    {25, 60, {1, 2, 0, 0}, {4, 5, 2, 2}, 12},   // desert
    {15, 45, {1, 0, 0, 0}, {4, 2, 1, 3}, 12},   // ice
    {5, 30, {2, 2, 0, 0}, {5, 5, 1, 3}, 10},    // volcanic
    {0, 15, {2, 0, 0, 0}, {5, 2, 0, 4}, 14},    // barren
    {0, 0, {0, 2, 0, 1}, {1, 5, 0, 5}, 10},     // gas giant
}};

// Output order: credits, minerals, energy, food, exotics.
constexpr std::array<BuildingRule, kBuildingCount> kBuildings = {{
    {"farm", 60, 40, 20, {0, 0, -3, 25, 0}, 0, 2, 2, 0, -1, 0},
    {"mine", 60, 30, 20, {0, 30, -5, 0, 0}, 0, 2, 0, 0, -1, 0},
    {"power plant", 80, 60, 25, {0, 0, 40, 0, 0}, 0, 2, 1, 0, -1, 0},
    {"factory", 120, 100, 35, {20, -6, -10, 0, 0}, 0, 3, -1, 0, -1, 0},
    {"research lab", 150, 80, 40, {-10, 0, -15, 0, 0}, 10, 2, -1, 0, -1, 0},
    {"habitat", 100, 120, 40, {0, 0, -8, -12, 0}, 0, 0, -1, 15, -1, 0},
    {"shipyard", 200, 150, 60, {-5, 0, -5, 0, 0}, 0, 1, -1, 0, -1, 1},
    {"trade hub", 250, 100, 50, {10, 0, -8, 0, 0}, 0, 2, -1, 0, tech::kCommerce, 1},
    {"defense platform", 150, 200, 50, {-4, 0, -4, 0, 0}, 0, 0, -1, 0, tech::kOrbitalDefense, 4},
    {"fusion reactor", 300, 250, 80, {0, 0, 110, 0, 0}, 0, 3, -1, 0, tech::kFusionPower, 0},
    {"exotics extractor", 250, 200, 70, {0, 0, -20, 0, 4}, 0, 3, 3, 0, tech::kExoticMatter, 0},
}};

constexpr std::array<ShipRule, kShipClassCount> kShips = {{
    // name           cr   min  food ex   work speed atk  def  hull upkeep unlock
    {"scout", 80, 30, 0, 0, 10, 3.0, 0, 1, 10, 0.3, -1},
    {"colony ship", 300, 100, 50, 0, 60, 1.5, 0, 1, 20, 1.0, -1},
    {"freighter", 150, 60, 0, 0, 20, 2.0, 0, 2, 30, 0.5, tech::kCommerce},
    {"corvette", 120, 80, 0, 0, 20, 2.5, 4, 2, 25, 0.5, -1},
    {"frigate", 250, 180, 0, 5, 45, 2.0, 9, 5, 60, 1.0, tech::kFrigates},
    {"cruiser", 600, 400, 0, 20, 100, 1.5, 22, 12, 160, 2.5, tech::kCruisers},
}};

constexpr std::array<std::string_view, 4> kFieldNames = {"economy", "military", "science",
                                                         "society"};

using F = TechField;
using M = Modifier;
constexpr std::array<TechRule, kTechCount> kTechs = {{
    {"Hydroponics", F::kEconomy, 3600, {-1, -1}, M::kFoodOutput, 0.2, "+20% food"},
    {"Deep Mining", F::kEconomy, 4500, {-1, -1}, M::kMineralOutput, 0.2, "+20% minerals"},
    {"Interstellar Commerce", F::kEconomy, 6000, {-1, -1}, M::kTradeCapacity, 0.25,
     "trade hub, freighter, +25% trade capacity"},
    {"Fusion Power", F::kEconomy, 9000, {1, -1}, M::kEnergyOutput, 0.1,
     "fusion reactor, +10% energy"},
    {"Automated Factories", F::kEconomy, 10500, {1, -1}, M::kCreditOutput, 0.2, "+20% credits"},
    {"Exotic Matter", F::kEconomy, 15000, {3, -1}, M::kExoticsOutput, 0.25,
     "exotics extractor, +25% exotics"},
    {"Galactic Banking", F::kEconomy, 18000, {2, 4}, M::kTaxEfficiency, 0.2,
     "+20% taxes"},
    {"Orbital Defense", F::kMilitary, 4500, {-1, -1}, M::kPlanetDefense, 0.1,
     "defense platform"},
    {"Frigate Design", F::kMilitary, 7500, {-1, -1}, M::kNone, 0, "frigate"},
    {"Improved Drives", F::kMilitary, 6000, {-1, -1}, M::kShipSpeed, 0.25, "+25% ship speed"},
    {"Composite Armor", F::kMilitary, 10500, {8, -1}, M::kShipDefense, 0.25, "+25% ship defense"},
    {"Laser Weapons", F::kMilitary, 10500, {8, -1}, M::kShipAttack, 0.25, "+25% ship attack"},
    {"Cruiser Design", F::kMilitary, 21000, {10, 11}, M::kNone, 0, "cruiser"},
    {"Planetary Shields", F::kMilitary, 15000, {7, -1}, M::kPlanetDefense, 0.5,
     "+50% planet defense"},
    {"Xenobiology", F::kScience, 4500, {-1, -1}, M::kHousing, 0.1, "+10% housing"},
    {"Advanced Sensors", F::kScience, 6000, {-1, -1}, M::kSensorRange, 1,
     "see one more lane from every fleet and colony"},
    {"Quantum Computing", F::kScience, 12000, {-1, -1}, M::kResearchOutput, 0.25,
     "+25% research"},
    {"Terraforming", F::kScience, 18000, {14, -1}, M::kColonyRange, 10,
     "colonize planets from 10% habitability"},
    {"Subspace Theory", F::kScience, 21000, {16, -1}, M::kShipSpeed, 0.25, "+25% ship speed"},
    {"Artificial Intelligence", F::kScience, 27000, {16, -1}, M::kBuildSpeed, 0.25,
     "+25% construction speed"},
    {"Stellar Cartography", F::kScience, 7500, {15, -1}, M::kSensorRange, 1,
     "see one more lane from every fleet and colony"},
    {"Civic Education", F::kSociety, 3600, {-1, -1}, M::kUnrest, -0.2, "-20% unrest"},
    {"Genetic Medicine", F::kSociety, 7500, {-1, -1}, M::kPopGrowth, 0.25,
     "+25% population growth"},
    {"Arcologies", F::kSociety, 12000, {14, -1}, M::kHousing, 0.25, "+25% housing"},
    {"Diplomatic Corps", F::kSociety, 6000, {-1, -1}, M::kInfluence, 0.5, "+50% influence"},
    {"Propaganda Networks", F::kSociety, 9000, {21, -1}, M::kUnrest, -0.2, "-20% unrest"},
    {"Colonial Administration", F::kSociety, 10500, {-1, -1}, M::kColonyCost, -0.25,
     "colony ships cost 25% less"},
    {"Unified Culture", F::kSociety, 30000, {24, 25}, M::kUnrest, -0.2,
     "-20% unrest, +50% influence"},
}};

constexpr std::array<EventRule, kEventKindCount> kEvents = {{
    {"solar flare", {"shield the grid", "ride it out"}, 1},
    {"plague", {"quarantine the planet", "let it run its course"}, 0},
    {"discovery", {"study it", "sell the find"}, 0},
    {"pirate raid", {"pay tribute", "fight them"}, 0},
    {"market crash", {"buy the dip", "stay out"}, 1},
    {"refugees", {"take them in", "turn them away"}, 0},
}};

constexpr std::array<std::string_view, 5> kTreatyNames = {"none", "war", "peace", "trade pact",
                                                          "alliance"};

template <typename Table>
std::optional<size_t> findName(const Table& table, std::string_view name) {
  for (size_t i = 0; i < table.size(); ++i) {
    if (sameWords(table[i].name, name)) return i;
  }
  return std::nullopt;
}

}  // namespace

std::string_view resourceName(Resource r) { return kResourceNames[static_cast<int>(r)]; }
std::optional<Resource> parseResource(std::string_view name) {
  for (int i = 0; i < kResourceCount; ++i) {
    if (sameWords(kResourceNames[i], name)) return static_cast<Resource>(i);
  }
  return std::nullopt;
}
const MarketRule& marketRule(Resource good) { return kMarket[goodIndex(good)]; }

std::string_view planetTypeName(PlanetType t) { return kPlanetTypeNames[static_cast<int>(t)]; }
const PlanetTypeRule& planetTypeRule(PlanetType t) { return kPlanetTypes[static_cast<int>(t)]; }

const BuildingRule& buildingRule(Building b) { return kBuildings[static_cast<int>(b)]; }
std::optional<Building> parseBuilding(std::string_view name) {
  auto i = findName(kBuildings, name);
  if (!i) return std::nullopt;
  return static_cast<Building>(*i);
}

const ShipRule& shipRule(ShipClass c) { return kShips[static_cast<int>(c)]; }
std::optional<ShipClass> parseShipClass(std::string_view name) {
  auto i = findName(kShips, name);
  if (!i) return std::nullopt;
  return static_cast<ShipClass>(*i);
}

std::string_view techFieldName(TechField f) { return kFieldNames[static_cast<int>(f)]; }
const TechRule& techRule(int tech) { return kTechs[tech]; }
std::optional<int> parseTech(std::string_view name) {
  auto i = findName(kTechs, name);
  if (!i) return std::nullopt;
  return static_cast<int>(*i);
}

const EventRule& eventRule(EventKind k) { return kEvents[static_cast<int>(k)]; }

std::string_view treatyName(Treaty t) { return kTreatyNames[static_cast<int>(t)]; }
std::optional<Treaty> parseTreaty(std::string_view name) {
  for (size_t i = 0; i < kTreatyNames.size(); ++i) {
    if (sameWords(kTreatyNames[i], name)) return static_cast<Treaty>(i);
  }
  return std::nullopt;
}

}  // namespace startales::game
