// The galactic market: one price per good, moved each tick by what civilizations bought
// and sold (bounded change, floor and ceiling, slow pull back toward the base price).
//
// Counterparties: a trade is filled by the neutral exchange and by every civilization in
// contact that runs trade hubs, in proportion to its hubs (the exchange counts as two).
// Each counterparty civilization charges its tariff on its share: a trade pact halves it,
// an alliance waives it, and nobody trades with an enemy. Tariffs are paid to that
// civilization's treasury; a negative tariff is a subsidy it pays, if it can.

#include <algorithm>
#include <cmath>

#include "game/sim.h"

namespace startales::game {
namespace {

double effectiveTariff(const GameState& s, CivId trader, CivId partner) {
  double t = s.civs[partner].policies.tariff / 100.0;
  switch (s.relation(trader, partner).treaty) {
    case Treaty::kAlliance: return 0;
    case Treaty::kTradePact: return t / 2;
    default: return t;
  }
}

int tradeHubs(const GameState& s, CivId civ) {
  int hubs = 0;
  for (PlanetId id : s.civ_planets[civ]) {
    const Planet& p = s.planets[id];
    if (!p.blockaded) hubs += p.buildings[static_cast<int>(Building::kTradeHub)];
  }
  return hubs;
}

}  // namespace

double tradeCapacity(const GameState& s, CivId civ) {
  int freighters = 0;
  for (const auto& f : s.fleets) {
    if (f.owner == civ) freighters += f.ships[static_cast<int>(ShipClass::kFreighter)];
  }
  return (kBaseCapacity + kCapacityPerHub * tradeHubs(s, civ) +
          kCapacityPerFreighter * freighters) *
         (1 + modifier(s, civ, Modifier::kTradeCapacity));
}

double executeTrade(GameState& s, CivId civ, Resource r, double amount, Notices& out) {
  const int g = goodIndex(r);
  const bool buying = amount > 0;
  double units = std::abs(amount);
  const double unit_price =
      s.market.price[g] * (buying ? 1 + kMarketSpread : 1 - kMarketSpread);

  struct Share {
    CivId civ;
    double weight;
    double tariff;
  };
  std::vector<Share> partners;
  double total_weight = kExchangeWeight;
  for (const auto& other : s.civs) {
    if (other.id == civ || !other.alive) continue;
    Treaty t = s.relation(civ, other.id).treaty;
    if (t == Treaty::kNone || t == Treaty::kWar) continue;
    int hubs = tradeHubs(s, other.id);
    if (hubs == 0) continue;
    partners.push_back({other.id, static_cast<double>(hubs), effectiveTariff(s, civ, other.id)});
    total_weight += hubs;
  }
  double tariff_rate = 0;  // weighted tariff on the whole trade
  for (const auto& p : partners) tariff_rate += p.weight / total_weight * p.tariff;

  Civ& me = s.civs[civ];
  double& credits = at(me.stock, Resource::kCredits);
  if (buying) {
    // Fill what the treasury can pay, tariffs included.
    const double per_unit = unit_price * (1 + std::max(0.0, tariff_rate));
    units = std::min(units, std::floor(credits / per_unit));
  } else {
    units = std::min(units, std::floor(at(me.stock, r)));
  }
  if (units <= 0) return 0;

  const double value = units * unit_price;
  double paid_out = 0;  // tariffs net of subsidies, paid by the trader
  for (const auto& p : partners) {
    double part = value * p.weight / total_weight * p.tariff;
    double& their_credits = at(s.civs[p.civ].stock, Resource::kCredits);
    if (part < 0) part = -std::min(-part, their_credits);  // subsidies only if affordable
    their_credits += part;
    paid_out += part;
    // Low tariffs make acquaintances friendly (up to 20); steep ones make enemies.
    if (p.weight / total_weight >= kTradeGoodwillShare && units >= kTradeGoodwillUnits) {
      if (p.tariff <= kLowTariff / 100.0 &&
          s.relation(civ, p.civ).score < kLowTariffGoodwillCap) {
        addRelation(s, civ, p.civ, 1);
      }
      if (p.tariff >= kHighTariff / 100.0) addRelation(s, civ, p.civ, -1);
    }
  }
  if (buying) {
    credits = std::max(0.0, credits - value - paid_out);
    at(me.stock, r) += units;
    s.market.bought[g] += units;
  } else {
    at(me.stock, r) -= units;
    credits = std::max(0.0, credits + value - paid_out);
    s.market.sold[g] += units;
  }
  me.trades++;
  s.counters.trades++;
  (void)out;
  return buying ? units : -units;
}

void updateMarket(GameState& s) {
  const double liquidity = kLiquidityBase + kLiquidityPerCiv * static_cast<double>(s.civs.size());
  for (int g = 0; g < kGoodsCount; ++g) {
    const auto& rule = marketRule(kGoods[g]);
    double& price = s.market.price[g];
    const double imbalance = (s.market.bought[g] - s.market.sold[g]) / liquidity;
    double change = kMarketSensitivity * imbalance + kMarketReversion * (rule.base_price - price) / rule.base_price;
    change = std::clamp(change, -kMarketMaxChangePerTick, kMarketMaxChangePerTick);
    price = std::clamp(price * (1 + change), rule.floor, rule.ceiling);
  }
}

}  // namespace startales::game
