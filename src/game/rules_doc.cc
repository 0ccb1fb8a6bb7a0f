// rulesMarkdown(): the rule tables and constants of rules.h as Markdown. Only numbers read
// from rules.h appear in the output; the words around them say what the code does with them.

#include "game/rules_doc.h"

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "game/markdown.h"
#include "game/rules.h"

namespace startales::game {
namespace {

using namespace markdown;  // num, pct, code, Table, Constants, heading

// ---- game words ------------------------------------------------------------------------

std::string techName(int tech) { return tech < 0 ? "—" : std::string(techRule(tech).name); }
std::string goodName(int deposit) { return std::string(resourceName(kGoods[deposit])); }

// "+25 food, -3 energy" (signed) or "500 credits, 300 minerals"
std::string stockText(const Stock& s, bool sign = true) {
  std::string out;
  for (int r = 0; r < kResourceCount; ++r) {
    if (s[r] == 0) continue;
    if (!out.empty()) out += ", ";
    out += (sign ? signedNum(s[r]) : num(s[r])) + " " +
           std::string(resourceName(static_cast<Resource>(r)));
  }
  return out.empty() ? "—" : out;
}

// What a tech's modifier does, in words: "+20% food output".
std::string effectText(Modifier m, double amount) {
  switch (m) {
    case Modifier::kNone:
      return "—";
    case Modifier::kFoodOutput:
      return signedPct(amount) + " food output";
    case Modifier::kMineralOutput:
      return signedPct(amount) + " mineral output";
    case Modifier::kEnergyOutput:
      return signedPct(amount) + " energy output";
    case Modifier::kCreditOutput:
      return signedPct(amount) + " credit output of buildings";
    case Modifier::kResearchOutput:
      return signedPct(amount) + " research";
    case Modifier::kExoticsOutput:
      return signedPct(amount) + " exotics output";
    case Modifier::kPopGrowth:
      return signedPct(amount) + " population growth";
    case Modifier::kHousing:
      return signedPct(amount) + " housing";
    case Modifier::kShipAttack:
      return signedPct(amount) + " ship attack";
    case Modifier::kShipDefense:
      return signedPct(amount) + " ship defense and hull";
    case Modifier::kShipSpeed:
      return signedPct(amount) + " ship speed";
    case Modifier::kBuildSpeed:
      return signedPct(amount) + " construction speed";
    case Modifier::kUnrest:
      return signedPct(amount) + " unrest";
    case Modifier::kSensorRange:
      return signedNum(amount) + " lane of sight";
    case Modifier::kTradeCapacity:
      return signedPct(amount) + " trade capacity";
    case Modifier::kTaxEfficiency:
      return signedPct(amount) + " taxes";
    case Modifier::kPlanetDefense:
      return signedPct(amount) + " defense platform hull";
    case Modifier::kColonyRange:
      return "colonize from " + num(kMinColonyHabitability - amount) + "% habitability";
    case Modifier::kInfluence:
      return signedPct(amount) + " influence";
    case Modifier::kColonyCost:
      return signedPct(amount) + " colony ship cost";
  }
  return "—";
}

// ---- sections --------------------------------------------------------------------------

std::string market() {
  std::string out = heading("Resources and market");
  out +=
      "Credits are the currency; the other four resources are goods with one galactic "
      "price each (credits per unit).\n\n";
  Table goods({"Good", "Base price", "Floor", "Ceiling"}, "lrrr");
  for (Resource g : kGoods) {
    const MarketRule& m = marketRule(g);
    goods.row({std::string(resourceName(g)), num(m.base_price), num(m.floor), num(m.ceiling)});
  }
  out += goods.str();
  Constants c;
  c.add("Price move per tick",
        "clamp(" + num(kMarketSensitivity) + " × (bought - sold) / liquidity + " +
            num(kMarketReversion) + " × (base - price) / base, ±" + num(kMarketMaxChangePerTick) +
            ")",
        code("kMarketSensitivity") + ", " + code("kMarketReversion") + ", " +
            code("kMarketMaxChangePerTick"));
  c.add("New price", "clamp(price × (1 + move), floor, ceiling)", "—");
  c.add("Liquidity",
        num(kLiquidityBase) + " + " + num(kLiquidityPerCiv) + " × civilizations (units)",
        code("kLiquidityBase") + ", " + code("kLiquidityPerCiv"));
  c.add("Spread", "buy at " + signedPct(kMarketSpread) + ", sell at " + signedPct(-kMarketSpread),
        code("kMarketSpread"));
  c.add("Trade capacity (units per trade)",
        "(" + num(kBaseCapacity) + " + " + num(kCapacityPerHub) + " × trade hubs + " +
            num(kCapacityPerFreighter) + " × freighters) × (1 + trade capacity techs)",
        code("kBaseCapacity") + ", " + code("kCapacityPerHub") + ", " +
            code("kCapacityPerFreighter"));
  c.add("Neutral exchange share", "weighs as " + num(kExchangeWeight) + " trade hubs",
        code("kExchangeWeight"));
  c.add("Tariff policy", std::to_string(kMinTariff) + "% to " + std::to_string(kMaxTariff) + "%",
        code("kMinTariff") + ", " + code("kMaxTariff"));
  c.add("Tariff goodwill",
        "trade of ≥ " + num(kTradeGoodwillUnits) + " units, partner share ≥ " +
            pct(kTradeGoodwillShare) + ": tariff ≤ " + std::to_string(kLowTariff) +
            "% gives +1 (up to relation " + std::to_string(kLowTariffGoodwillCap) + "), ≥ " +
            std::to_string(kHighTariff) + "% gives -1",
        code("kTradeGoodwillUnits") + ", " + code("kTradeGoodwillShare") + ", " +
            code("kLowTariff") + ", " + code("kLowTariffGoodwillCap") + ", " + code("kHighTariff"));
  return out + c.str();
}

std::string galaxy() {
  std::string out = heading("Galaxy");
  Constants c;
  c.add("Star systems", std::to_string(kMinSystems) + "–" + std::to_string(kMaxSystems),
        code("kMinSystems") + ", " + code("kMaxSystems"));
  c.add("Civilizations",
        "1–" + std::to_string(kMaxCivs) + ", at most one per " + std::to_string(kSystemsPerCiv) +
            " systems",
        code("kMaxCivs") + ", " + code("kSystemsPerCiv"));
  c.add("Player civilization name", "1–" + std::to_string(kMaxPlayerNameChars) + " characters",
        code("kMaxPlayerNameChars"));
  c.add("Disc radius", "√systems × " + num(kDiscScale) + " distance units", code("kDiscScale"));
  c.add("System spacing", "at least " + num(kMinSpacing) + " distance units", code("kMinSpacing"));
  c.add("Hyperlanes per system",
        std::to_string(kMinLanes) + "–" + std::to_string(kMaxLanes) + " where possible",
        code("kMinLanes") + ", " + code("kMaxLanes"));
  c.add("Planets per system", std::to_string(kMinPlanets) + "–" + std::to_string(kMaxPlanets),
        code("kMinPlanets") + ", " + code("kMaxPlanets"));
  c.add("Planet size",
        std::to_string(kMinSize) + "–" + std::to_string(kMaxSize) + " (gas giants " +
            std::to_string(kMinGasGiantSize) + "–" + std::to_string(kMaxSize) + ")",
        code("kMinSize") + ", " + code("kMaxSize") + ", " + code("kMinGasGiantSize"));
  c.add("Building slots", "size × " + std::to_string(kSlotsPerSize) + " (+1 on the capital)",
        code("kSlotsPerSize"));
  c.add("Housing",
        "size × " + num(kHousingPerSize) +
            " × habitability (thousand people) + habitats, × (1 + housing techs)",
        code("kHousingPerSize"));
  c.add("Colonizable", "habitability ≥ " + std::to_string(kMinColonyHabitability) + "%",
        code("kMinColonyHabitability"));
  out += c.str();

  Table types(
      {"Planet type", "Habitability %", "Minerals", "Energy", "Food", "Exotics", "Weight", "Share"},
      "lrrrrrrr");
  int total = 0;
  for (int t = 0; t < kPlanetTypeCount; ++t)
    total += planetTypeRule(static_cast<PlanetType>(t)).weight;
  for (int t = 0; t < kPlanetTypeCount; ++t) {
    const auto type = static_cast<PlanetType>(t);
    const PlanetTypeRule& r = planetTypeRule(type);
    std::vector<std::string> row = {
        std::string(planetTypeName(type)),
        std::to_string(r.habitability_min) + "–" + std::to_string(r.habitability_max)};
    for (int d = 0; d < 4; ++d) {
      row.push_back(std::to_string(r.deposit_min[d]) + "–" + std::to_string(r.deposit_max[d]));
    }
    row.push_back(std::to_string(r.weight));
    row.push_back(num(100.0 * r.weight / total, 3) + "%");
    types.row(std::move(row));
  }
  return out +
         "Deposits are rated 0–5; a planet's values are drawn uniformly in these ranges.\n\n" +
         types.str();
}

std::string start() {
  std::string out = heading("Starting position");
  Constants c;
  c.add("Stockpile", stockText(kStartStock, false), code("kStartStock"));
  std::string deposits;
  for (int d = 0; d < 4; ++d) {
    deposits += (d ? ", " : "") + goodName(d) + " " + std::to_string(kCapitalDeposits[d]);
  }
  c.add(
      "Capital",
      "terran, size " + std::to_string(kCapitalSize) + ", habitability " +
          std::to_string(kCapitalHabitability) + "%, deposits " + deposits,
      code("kCapitalSize") + ", " + code("kCapitalHabitability") + ", " + code("kCapitalDeposits"));
  c.add("Capital people", num(kCapitalPopulation) + " thousand, unrest " + num(kCapitalUnrest),
        code("kCapitalPopulation") + ", " + code("kCapitalUnrest"));
  std::string buildings;
  for (int b = 0; b < kBuildingCount; ++b) {
    if (kCapitalBuildings[b] == 0) continue;
    buildings += (buildings.empty() ? "" : ", ") + std::to_string(kCapitalBuildings[b]) + " " +
                 std::string(buildingRule(static_cast<Building>(b)).name);
  }
  c.add("Capital buildings", buildings, code("kCapitalBuildings"));
  std::string fleets;
  for (const StartFleet& f : kStartFleets) {
    fleets += (fleets.empty() ? "" : ", ") + std::to_string(f.count) + " " +
              std::string(shipRule(f.ship).name) + " (fleet `<Adjective>" + std::string(f.suffix) +
              "`)";
  }
  c.add("Fleets at the capital", fleets, code("kStartFleets"));
  c.add("Policies",
        "tax " + std::to_string(kStartTaxRate) +
            "%, budget industry/research/"
            "military/welfare " +
            std::to_string(kStartBudget[0]) + "/" + std::to_string(kStartBudget[1]) + "/" +
            std::to_string(kStartBudget[2]) + "/" + std::to_string(kStartBudget[3]) + "%, tariff " +
            std::to_string(kStartTariff) + "%",
        code("kStartTaxRate") + ", " + code("kStartBudget") + ", " + code("kStartTariff"));
  c.add("Explored", "the home system and its neighbours", "—");
  c.add("AI personality traits", num(kPersonalityMin) + "–" + num(kPersonalityMax) + " each",
        code("kPersonalityMin") + ", " + code("kPersonalityMax"));
  return out + c.str();
}

std::string buildings() {
  std::string out = heading("Buildings");
  Table t({"Building", "Credits", "Minerals", "Work", "Output per tick", "Research", "Workers",
           "Housing", "Deposit", "Unlocked by", "Per planet"},
          "lrrrlrrrllr");
  for (int b = 0; b < kBuildingCount; ++b) {
    const BuildingRule& r = buildingRule(static_cast<Building>(b));
    t.row({std::string(r.name), num(r.credits), num(r.minerals), num(r.work), stockText(r.output),
           r.research ? num(r.research) : "—", r.workers ? std::to_string(r.workers) : "—",
           r.housing ? num(r.housing) : "—", r.deposit >= 0 ? goodName(r.deposit) : "—",
           techName(r.unlocked_by), r.max_per_planet ? std::to_string(r.max_per_planet) : "slots"});
  }
  out += t.str();
  out +=
      "Cost is credits and minerals, paid when work starts; work is in industry points. Output "
      "is at full staffing before multipliers; workers and housing are thousands of people. "
      "A building that needs a deposit cannot be built where that deposit is 0.\n\n";
  Constants c;
  c.add("Maintenance", num(kMaintenance) + " credit per building per tick", code("kMaintenance"));
  c.add("Deposit richness",
        num(kRichnessBase) + " + " + num(kRichnessPerDeposit) +
            " × deposit rating, multiplies output of deposit buildings",
        code("kRichnessBase") + ", " + code("kRichnessPerDeposit"));
  c.add("Staffing", "min(1, population / workers of all buildings)", "—");
  c.add("Defense platform",
        num(kDefenseAttack) + " attack × hull fraction, " + num(kDefenseHull) +
            " hull × (1 + planet defense techs), " + num(kDefenseArmor) + " defense",
        code("kDefenseAttack") + ", " + code("kDefenseHull") + ", " + code("kDefenseArmor"));
  c.add("Platform repair", pct(kDefenseRegen) + " of full hull per tick with no enemy present",
        code("kDefenseRegen"));
  return out + c.str();
}

std::string ships() {
  std::string out = heading("Ship classes");
  Table t({"Class", "Credits", "Minerals", "Food", "Exotics", "Work", "Speed", "Attack", "Defense",
           "Hull", "Upkeep", "Unlocked by"},
          "lrrrrrrrrrrl");
  for (int c = 0; c < kShipClassCount; ++c) {
    const ShipRule& r = shipRule(static_cast<ShipClass>(c));
    t.row({std::string(r.name), num(r.credits), num(r.minerals), num(r.food), num(r.exotics),
           num(r.work), num(r.speed), num(r.attack), num(r.defense), num(r.hull), num(r.upkeep),
           techName(r.unlocked_by)});
  }
  out += t.str();
  out +=
      "Built at a shipyard; work is in industry points, speed in distance units per tick, "
      "attack is damage per combat round, upkeep is credits per tick.\n\n";
  Constants c;
  c.add("Colony ship price",
        "× (1 + " + num(kColonyCostPerPlanet) +
            " × (planets - 1)) × (1 + colony cost techs), credits and minerals",
        code("kColonyCostPerPlanet"));
  c.add("New colony",
        num(kColonyStartPopulation) + " thousand people, unrest " + num(kColonyStartUnrest),
        code("kColonyStartPopulation") + ", " + code("kColonyStartUnrest"));
  c.add("Lanes of sight",
        std::to_string(kBaseSensorRange) + " + sensor techs around colonies and arriving fleets",
        code("kBaseSensorRange"));
  return out + c.str();
}

std::string techs() {
  std::string out = heading("Technologies");
  Table t({"#", "Technology", "Field", "Base cost", "Requires", "Effect", "Unlocks",
           "In the game's words"},
          "rllrllll");
  for (int i = 0; i < kTechCount; ++i) {
    const TechRule& r = techRule(i);
    std::string prereqs;
    for (int pre : r.prerequisites) {
      if (pre >= 0) prereqs += (prereqs.empty() ? "" : ", ") + techName(pre);
    }
    std::string unlocks;
    for (int b = 0; b < kBuildingCount; ++b) {
      const auto& rule = buildingRule(static_cast<Building>(b));
      if (rule.unlocked_by == i) unlocks += (unlocks.empty() ? "" : ", ") + std::string(rule.name);
    }
    for (int c = 0; c < kShipClassCount; ++c) {
      const auto& rule = shipRule(static_cast<ShipClass>(c));
      if (rule.unlocked_by == i) unlocks += (unlocks.empty() ? "" : ", ") + std::string(rule.name);
    }
    t.row({std::to_string(i), std::string(r.name), std::string(techFieldName(r.field)), num(r.cost),
           prereqs.empty() ? "—" : prereqs, effectText(r.modifier, r.amount),
           unlocks.empty() ? "—" : unlocks, std::string(r.unlocks)});
  }
  out += t.str();
  Constants c;
  c.add("Research cost", "base cost × (1 + " + num(kTechCostGrowth) + " × techs already known)",
        code("kTechCostGrowth"));
  c.add("Research per tick",
        "labs × " + num(buildingRule(Building::kResearchLab).research) +
            " × efficiency + capital " + num(kCapitalResearch) +
            ", all × (1 + research techs) × research budget multiplier",
        code("kCapitalResearch"));
  return out + "Multipliers of the same kind add up: two +20% techs give +40%.\n\n" + c.str();
}

std::string economy() {
  std::string out = heading("Economy, taxes and upkeep");
  Constants c;
  c.add("Taxes (credits per tick per planet)",
        "population × tax rate % / 100 × " + num(kTaxPerPop) +
            " × unrest factor × (1 + tax techs) × blockade factor",
        code("kTaxPerPop"));
  c.add("Budget multiplier",
        num(kBudgetBase) + " + " + num(kBudgetSlope) + " × budget share (25% gives 1)",
        code("kBudgetBase") + ", " + code("kBudgetSlope"));
  c.add("Unrest factor",
        "1 - (unrest - " + num(kUnrestPenaltyStart) + ") / 100 above " + num(kUnrestPenaltyStart) +
            " unrest, else 1",
        code("kUnrestPenaltyStart"));
  c.add("Brownout factor", "1 - " + num(kBrownout) + " × last tick's unmet energy fraction",
        code("kBrownout"));
  c.add("Blockade factor", num(kBlockadeOutput) + " on output and taxes of a blockaded planet",
        code("kBlockadeOutput"));
  c.add("Planet efficiency", "staffing × unrest factor × blockade factor × brownout factor", "—");
  c.add("Consumption per thousand people",
        num(kFoodPerPop) + " food, " + num(kEnergyPerPop) + " energy per tick",
        code("kFoodPerPop") + ", " + code("kEnergyPerPop"));
  c.add("Influence", num(kInfluencePerPlanet) + " per planet per tick × (1 + influence techs)",
        code("kInfluencePerPlanet"));
  c.add("Sprawl (administration)", num(kSprawl) + " × planets² credits per tick", code("kSprawl"));
  c.add("Unpaid crews",
        pct(kUnpaidHullLoss) + " of each fleet's hull per tick × unmet credits fraction",
        code("kUnpaidHullLoss"));
  c.add("Shortage reminders", "every " + std::to_string(kReminderPeriod) + " ticks",
        code("kReminderPeriod"));
  return out + c.str();
}

std::string construction() {
  std::string out = heading("Construction");
  Constants c;
  c.add("Work per tick",
        "(" + num(kBaseWork) + " + min(" + num(kMaxPopWork) + ", population × " + num(kWorkPerPop) +
            ")) × budget multiplier (industry; military for ships) × (1 + "
            "construction techs) × unrest factor",
        code("kBaseWork") + ", " + code("kWorkPerPop") + ", " + code("kMaxPopWork"));
  c.add("Fewest people to work", num(kMinWorkPopulation) + " thousand", code("kMinWorkPopulation"));
  c.add("Queue length", std::to_string(kMaxQueue) + " items per planet", code("kMaxQueue"));
  c.add("Ships per order", "1–" + std::to_string(kMaxShipsPerOrder), code("kMaxShipsPerOrder"));
  c.add("Cancel refund", pct(kCancelRefund) + " of a cost already paid", code("kCancelRefund"));
  return out + c.str();
}

std::string population() {
  std::string out = heading("Population, unrest and revolt");
  Constants c;
  c.add("Growth per tick",
        num(kGrowthRate) +
            " × population × (1 - population / housing) × (1 + growth techs)"
            " × welfare budget multiplier",
        code("kGrowthRate"));
  c.add("Starvation per tick", pct(kStarvationRate) + " of the people × unmet food fraction",
        code("kStarvationRate"));
  c.add("Overcrowding", pct(kOvercrowdDecline) + " of the people above housing leave per tick",
        code("kOvercrowdDecline"));
  c.add("Smallest population", num(kMinPopulation) + " thousand", code("kMinPopulation"));
  c.add("Unrest response", pct(kUnrestResponse) + " of the gap to the target per tick",
        code("kUnrestResponse"));
  c.add("Unrest target: taxes", num(kUnrestPerTax) + " per tax percent", code("kUnrestPerTax"));
  c.add("Unrest target: shortages",
        num(kUnrestFoodShortage) + " × food + " + num(kUnrestEnergyShortage) + " × energy + " +
            num(kUnrestCreditShortage) + " × credits unmet fraction",
        code("kUnrestFoodShortage") + ", " + code("kUnrestEnergyShortage") + ", " +
            code("kUnrestCreditShortage"));
  c.add("Unrest target: war", num(kUnrestPerWeariness) + " per war-weariness point",
        code("kUnrestPerWeariness"));
  c.add("Unrest target: crowding",
        "+" + num(kUnrestCrowded) + " above " + pct(kCrowdedShare) + " of housing",
        code("kUnrestCrowded") + ", " + code("kCrowdedShare"));
  c.add("Unrest target: blockade", "+" + num(kUnrestBlockaded), code("kUnrestBlockaded"));
  c.add("Unrest target: welfare", "-" + num(kUnrestPerWelfare) + " per welfare budget percent",
        code("kUnrestPerWelfare"));
  c.add("Unrest target: capital", "-" + num(kUnrestCapital), code("kUnrestCapital"));
  c.add("Unrest target: techs", "× (1 + unrest techs), then clamped to 0–100", "—");
  c.add("Revolt",
        "unrest ≥ " + num(kRevoltUnrest) + " for " + std::to_string(kRevoltTicks) +
            " ticks in a row: the planet secedes (unrest then " + num(kRevoltAfterUnrest) + ")",
        code("kRevoltUnrest") + ", " + code("kRevoltTicks") + ", " + code("kRevoltAfterUnrest"));
  c.add("Capital riots",
        "instead of seceding: " + pct(1 - kRiotSurvivors) + " of the people lost, unrest set to " +
            num(kRiotUnrest),
        code("kRiotSurvivors") + ", " + code("kRiotUnrest"));
  c.add(
      "War weariness",
      "+" + num(kWearinessPerWar) + " per war per tick, -" + num(kWearinessRecovery) +
          " per tick at peace, 0–" + num(kMaxWeariness),
      code("kWearinessPerWar") + ", " + code("kWearinessRecovery") + ", " + code("kMaxWeariness"));
  c.add("Tax rate policy", "0–" + std::to_string(kMaxTaxRate) + "%", code("kMaxTaxRate"));
  return out + c.str();
}

std::string combat() {
  std::string out = heading("Combat, blockade and invasion");
  Constants c;
  c.add("Damage taken",
        "attack × roll / targets × " + num(kDefenseScale) + " / (" + num(kDefenseScale) +
            " + average defense)",
        code("kDefenseScale"));
  c.add("Roll", num(kCombatRollMin) + "–" + num(kCombatRollMax) + " per party per round",
        code("kCombatRollMin") + ", " + code("kCombatRollMax"));
  c.add("Pirate plunder", num(kPirateRaidCredits) + " credits per tick from a blockaded planet",
        code("kPirateRaidCredits"));
  c.add("Invasion strength needed",
        "population × " + num(kGarrisonPerPop) + " + " + num(kCapitalGarrison) + " (capital) or " +
            num(kColonyGarrison) + " attack",
        code("kGarrisonPerPop") + ", " + code("kCapitalGarrison") + ", " + code("kColonyGarrison"));
  c.add("After an invasion",
        pct(kInvasionSurvivors) + " of the people stay, unrest " + num(kInvasionUnrest) +
            ", platforms lost",
        code("kInvasionSurvivors") + ", " + code("kInvasionUnrest"));
  return out + c.str();
}

std::string events() {
  std::string out = heading("Random events");
  const std::string scale = " × scale";
  // The consequence of each option, as resolveEvent() applies it.
  auto effects = [&](EventKind k) -> std::array<std::string, 2> {
    switch (k) {
      case EventKind::kSolarFlare:
        return {"pay " + std::to_string(kFlareShieldCost) + scale +
                    " credits (if unaffordable: as option 1)",
                "lose " + pct(1 - kFlareEnergyKept) + " of stored energy"};
      case EventKind::kPlague:
        return {"pay " + std::to_string(kPlagueQuarantineCost) + scale + " credits; " +
                    pct(1 - kQuarantineSurvivors) + " of the planet's people die, unrest +" +
                    num(kQuarantineUnrest) + " (if unaffordable: as option 1)",
                pct(1 - kPlagueSurvivors) + " of the planet's people die, unrest +" +
                    num(kPlagueUnrest)};
      case EventKind::kDiscovery:
        return {std::to_string(kDiscoveryMin) + "–" + std::to_string(kDiscoveryMax) + scale +
                    " research points toward the current tech (if none: as option 1)",
                "the same amount in credits"};
      case EventKind::kPirateRaid:
        return {"pay " + std::to_string(kPirateTribute) + scale +
                    " credits (if unaffordable: as option 1)",
                "max(" + std::to_string(kPirateMinCorvettes) + ", tribute / " +
                    std::to_string(kPirateCreditsPerCorvette) +
                    ") pirate corvettes attack the planet's system for " +
                    std::to_string(kPirateStay) + " ticks"};
      case EventKind::kMarketCrash:
        return {"buy " + std::to_string(kCrashPurchase) + " units of the crashed good", "nothing"};
      case EventKind::kRefugees:
        return {std::to_string(kRefugeesMin) + "–" + std::to_string(kRefugeesMax) +
                    " thousand people join the planet, unrest +" + num(kRefugeeUnrest) +
                    ", influence +" + num(kRefugeeInfluence),
                "nothing"};
    }
    return {"", ""};
  };
  Table t({"Event", "Option 0", "Option 1", "Default"}, "llll");
  for (int k = 0; k < kEventKindCount; ++k) {
    const auto kind = static_cast<EventKind>(k);
    const EventRule& r = eventRule(kind);
    const auto e = effects(kind);
    t.row({std::string(r.name), std::string(r.options[0]) + ": " + e[0],
           std::string(r.options[1]) + ": " + e[1], std::to_string(r.default_option)});
  }
  out += t.str();
  Constants c;
  c.add("Chance",
        "1 in " + num(1 / kEventChancePerTick) +
            " per civilization per tick, while it has no open event",
        code("kEventChancePerTick"));
  c.add("Quiet start", "no events before tick " + std::to_string(kEventGraceTicks),
        code("kEventGraceTicks"));
  c.add("Time to choose", std::to_string(kEventTimeoutTicks) + " ticks, then the default applies",
        code("kEventTimeoutTicks"));
  c.add("Scale", "1 + tick / " + std::to_string(kEventScaleTicks) + " (whole number)",
        code("kEventScaleTicks"));
  c.add("Market crash",
        "the good's price falls " + pct(kCrashDrop) + " at once (not below its floor)",
        code("kCrashDrop"));
  return out + c.str();
}

std::string diplomacy() {
  std::string out = heading("Diplomacy");
  Constants c;
  c.add("Proposal lifetime", std::to_string(kProposalTimeoutTicks) + " ticks",
        code("kProposalTimeoutTicks"));
  c.add("Truce after peace", std::to_string(kTruceTicks) + " ticks without a new war",
        code("kTruceTicks"));
  c.add("Treaty signed", signedNum(kTreatySignedRelation) + " relation",
        code("kTreatySignedRelation"));
  c.add("War declared", signedNum(kWarDeclaredRelation) + " relation",
        code("kWarDeclaredRelation"));
  c.add("Proposal rejected", signedNum(kProposalRejectedRelation) + " relation",
        code("kProposalRejectedRelation"));
  c.add("Drift period", "every " + std::to_string(kDiplomacyPeriod) + " ticks",
        code("kDiplomacyPeriod"));
  c.add("Drift: chance",
        "uniform -" + std::to_string(kDriftRandom) + " to +" + std::to_string(kDriftRandom),
        code("kDriftRandom"));
  c.add("Drift: fading",
        "-1 above +" + std::to_string(kDriftFadeThreshold) + ", +1 below -" +
            std::to_string(kDriftFadeThreshold) + " unless at war",
        code("kDriftFadeThreshold"));
  c.add("Drift: treaty",
        "war " + signedNum(kDriftWar) + ", trade pact " + signedNum(kDriftTradePact) +
            ", alliance " + signedNum(kDriftAlliance),
        code("kDriftWar") + ", " + code("kDriftTradePact") + ", " + code("kDriftAlliance"));
  c.add("Drift: shared border",
        signedNum(kDriftBorder) + ", " + signedNum(kDriftAggressiveBorder) +
            " more if either aggression > " + num(kDriftAggression),
        code("kDriftBorder") + ", " + code("kDriftAggressiveBorder") + ", " +
            code("kDriftAggression"));
  c.add("Drift: tariffs",
        signedNum(kDriftHighTariff) + " if either tariff ≥ " + std::to_string(kHighTariff) + "%",
        code("kDriftHighTariff"));
  c.add("Drift: common enemy", signedNum(kDriftCommonEnemy), code("kDriftCommonEnemy"));
  return out + c.str();
}

std::string score() {
  std::string out = heading("Score");
  Table t({"Axis", "Formula"}, "ll");
  t.row({"empire", "planets × " + num(kScorePerPlanet) + " + population × " + num(kScorePerPop) +
                       " + fleet strength × " + num(kScorePerStrength)});
  t.row({"discovery",
         "techs × " + num(kScorePerTech) + " + systems explored × " + num(kScorePerSystem)});
  t.row({"story", "events resolved × " + num(kScorePerEvent) + " + battles won × " +
                      num(kScorePerBattle) + " + colonies founded × " + num(kScorePerColony)});
  t.row({"social", "Σ planets (100 - unrest) / " + num(kContentmentDivisor) + " + trades × " +
                       num(kScorePerTrade) + " + influence × " + num(kScorePerInfluence) +
                       " + ties × " + num(kScorePerTie) + " (trade pact 1, alliance 2)"});
  out += t.str();
  return out +
         "Fleet strength is √(attack × hull) per fleet, tech modifiers applied. Battles won "
         "include invasions.\n\n";
}

std::string ai() {
  std::string out = heading("AI empires");
  Constants c;
  c.add("Decision period", "every " + std::to_string(kAiPeriod) + " ticks, staggered by civ id and the campaign's seed",
        code("kAiPeriod"));
  return out + c.str();
}

}  // namespace

std::string rulesMarkdown() {
  std::string out;
  out +=
      "Generated by `startales rules` from `src/game/rules.h`; one tick is one game day, "
      "population is in thousands of people.\n\n";
  for (const auto& section :
       {galaxy(), start(), market(), buildings(), ships(), techs(), economy(), construction(),
        population(), combat(), events(), diplomacy(), score(), ai()}) {
    out += section;
  }
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') {
    out.pop_back();
  }
  return out;
}

}  // namespace startales::game
