#include "campaign/view_codec.h"

#include <boost/json.hpp>
#include <cmath>

#include "common/json_out.h"

namespace startales::campaign {

namespace json = boost::json;
using namespace game;

namespace {

double round1(double v) { return std::round(v * 10) / 10; }

void colorHex(JsonOut& out, uint32_t rgb) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char text[] = "#000000";
  for (int i = 0; i < 6; ++i) text[6 - i] = kDigits[(rgb >> (4 * i)) & 0xf];
  out.value(std::string_view(text, 7));
}

void idOrNull(JsonOut& out, int32_t id) {
  if (id == kNone) {
    out.null();
  } else {
    out.value(id);
  }
}

void stock(JsonOut& out, const Stock& s) {
  out.beginObject();
  for (int r = 0; r < kResourceCount; ++r) {
    out.key(resourceName(static_cast<Resource>(r))).value(round1(s[r]));
  }
  out.end();
}

void ships(JsonOut& out, const std::array<int32_t, kShipClassCount>& ships) {
  out.beginObject();
  for (int c = 0; c < kShipClassCount; ++c) {
    if (ships[c] > 0) out.key(shipRule(static_cast<ShipClass>(c)).name).value(ships[c]);
  }
  out.end();
}

void deposits(JsonOut& out, const std::array<int32_t, 4>& d) {
  out.beginObject();
  out.key("minerals").value(d[0]).key("energy").value(d[1]);
  out.key("food").value(d[2]).key("exotics").value(d[3]);
  out.end();
}

void self(JsonOut& out, const SelfView& s) {
  out.beginObject();
  out.key("id").value(s.id);
  out.key("name").value(s.name);
  out.key("adjective").value(s.adjective);
  out.key("color");
  colorHex(out, s.color);
  out.key("alive").value(s.alive);
  out.key("capital");
  idOrNull(out, s.capital);
  out.key("stock");
  stock(out, s.stock);
  out.key("income");
  stock(out, s.income);
  out.key("influence").value(round1(s.influence));
  out.key("policies").beginObject();
  out.key("tax_rate").value(s.policies.tax_rate);
  out.key("budget").beginObject();
  out.key("industry").value(s.policies.budget[0]).key("research").value(s.policies.budget[1]);
  out.key("military").value(s.policies.budget[2]).key("welfare").value(s.policies.budget[3]);
  out.end();
  out.key("tariff").value(s.policies.tariff);
  out.end();
  out.key("research").beginObject();
  out.key("tech");
  if (s.researching == kNone) {
    out.null();
  } else {
    out.value(techRule(s.researching).name);
  }
  out.key("progress").value(round1(s.research_progress));
  out.key("cost").value(round1(s.research_cost));
  out.key("rate").value(round1(s.research_rate));
  out.end();
  out.key("techs").beginArray();
  for (int32_t t : s.techs) out.value(techRule(t).name);
  out.end();
  out.key("explored").value(s.explored_count);
  out.key("war_weariness").value(round1(s.war_weariness));
  out.key("shortage_percent").beginObject();
  for (int r = 0; r < kResourceCount; ++r) {
    if (s.shortage[r] > 0) {
      out.key(resourceName(static_cast<Resource>(r))).value(round1(s.shortage[r] * 100));
    }
  }
  out.end();
  out.key("score").beginObject();
  out.key("empire").value(round1(s.score.empire));
  out.key("discovery").value(round1(s.score.discovery));
  out.key("story").value(round1(s.score.story));
  out.key("social").value(round1(s.score.social));
  out.key("total").value(round1(s.score.total()));
  out.end();
  out.end();
}

// The fields every viewer sees of a planet: its own (Planet) or a foreign one
// (ForeignPlanetView). Writes members only; the caller opens and closes the object.
template <typename AnyPlanet>
void planetSurface(JsonOut& out, const AnyPlanet& p) {
  out.key("id").value(p.id);
  out.key("system").value(p.system);
  out.key("name").value(p.name);
  out.key("type").value(planetTypeName(p.type));
  out.key("size").value(p.size);
  out.key("habitability").value(p.habitability);
  out.key("deposits");
  deposits(out, p.deposits);
  out.key("owner");
  idOrNull(out, p.owner);
  out.key("population").value(round1(p.population));
}

void planet(JsonOut& out, const Planet& p) {
  out.beginObject();
  planetSurface(out, p);
  out.key("unrest").value(round1(p.unrest));
  out.key("buildings").beginObject();
  for (int b = 0; b < kBuildingCount; ++b) {
    if (p.buildings[b] > 0) out.key(buildingRule(static_cast<Building>(b)).name).value(p.buildings[b]);
  }
  out.end();
  out.key("queue").beginArray();
  for (const auto& item : p.queue) {
    const std::string_view what = item.is_ship ? shipRule(static_cast<ShipClass>(item.type)).name
                                               : buildingRule(static_cast<Building>(item.type)).name;
    const double work = item.is_ship ? shipRule(static_cast<ShipClass>(item.type)).work
                                     : buildingRule(static_cast<Building>(item.type)).work;
    out.beginObject();
    out.key("kind").value(item.is_ship ? "ship" : "building");
    out.key("item").value(what);
    out.key("progress").value(round1(item.progress));
    out.key("work").value(work);
    out.key("paid").value(item.paid);
    const std::string why = blockedText(item);
    out.key("blocked");
    if (why.empty()) {
      out.null();
    } else {
      out.value(why);
    }
    out.end();
  }
  out.end();
  out.key("defense").value(round1(p.defense_hull));
  out.key("blockaded").value(p.blockaded);
  out.key("capital").value(p.capital);
  out.end();
}

void system(JsonOut& out, const SystemView& s) {
  out.beginObject();
  out.key("id").value(s.id);
  out.key("name").value(s.name);
  out.key("x").value(s.x);
  out.key("y").value(s.y);
  out.key("lanes").beginArray();
  for (const auto& lane : s.lanes) {
    out.beginObject().key("to").value(lane.to).key("length").value(lane.length).end();
  }
  out.end();
  out.key("planets").beginArray();
  for (PlanetId p : s.planets) out.value(p);
  out.end();
  out.end();
}

void foreignPlanet(JsonOut& out, const ForeignPlanetView& p) {
  out.beginObject();
  planetSurface(out, p);
  out.end();
}

void fleet(JsonOut& out, const Fleet& f) {
  out.beginObject();
  out.key("id").value(f.id);
  out.key("name").value(f.name);
  out.key("at").value(f.at);
  out.key("next");
  idOrNull(out, f.next);
  out.key("progress").value(f.progress);
  out.key("travel").value(f.travel);
  out.key("route").beginArray();
  for (SystemId s : f.route) out.value(s);
  out.end();
  out.key("ships");
  ships(out, f.ships);
  out.key("damage").value(round1(f.damage));
  out.end();
}

void foreignFleet(JsonOut& out, const ForeignFleetView& f) {
  out.beginObject();
  out.key("id").value(f.id);
  out.key("owner");
  if (f.owner == kPirates) {
    out.value("pirates");
  } else {
    idOrNull(out, f.owner);
  }
  out.key("name").value(f.name);
  out.key("at").value(f.at);
  out.key("next");
  idOrNull(out, f.next);
  out.key("ships");
  ships(out, f.ships);
  out.end();
}

void civ(JsonOut& out, const CivView& c) {
  out.beginObject();
  out.key("id").value(c.id);
  out.key("name").value(c.name);
  out.key("adjective").value(c.adjective);
  out.key("color");
  colorHex(out, c.color);
  out.key("alive").value(c.alive);
  out.key("treaty").value(treatyName(c.treaty));
  out.key("relation").value(c.relation);
  out.key("score").value(round1(c.score));
  out.end();
}

void proposal(JsonOut& out, const Proposal& p) {
  out.beginObject();
  out.key("id").value(p.id);
  out.key("from").value(p.from);
  out.key("to").value(p.to);
  out.key("treaty").value(treatyName(p.treaty));
  out.key("expires").value(p.expires);
  out.end();
}

void event(JsonOut& out, const PendingEvent& e) {
  const auto& rule = eventRule(e.kind);
  out.beginObject();
  out.key("id").value(e.id);
  out.key("kind").value(rule.name);
  out.key("planet");
  idOrNull(out, e.planet);
  out.key("magnitude").value(e.magnitude);
  out.key("options").beginArray().value(rule.options[0]).value(rule.options[1]).end();
  out.key("default_option").value(rule.default_option);
  out.key("expires").value(e.expires);
  out.end();
}

void ids(JsonOut& out, const std::vector<SystemId>& list) {
  out.beginArray();
  for (SystemId s : list) out.value(s);
  out.end();
}

template <typename T, typename F>
void arrayOf(JsonOut& out, const std::vector<T>& items, F write) {
  out.beginArray();
  for (const auto& item : items) write(out, item);
  out.end();
}

// "key": {"upserted": [...], "removed": [ids]}, only when something changed.
template <typename T, typename F>
void changes(JsonOut& out, std::string_view key, const Changes<T>& c, F write) {
  if (c.upserted.empty() && c.removed.empty()) return;
  out.key(key).beginObject();
  out.key("upserted");
  arrayOf(out, c.upserted, write);
  out.key("removed").beginArray();
  for (int32_t id : c.removed) out.value(id);
  out.end();
  out.end();
}

}  // namespace

void writeMarket(JsonOut& out, const Market& m) {
  out.beginObject();
  for (int g = 0; g < kGoodsCount; ++g) {
    const auto& rule = marketRule(kGoods[g]);
    out.key(resourceName(kGoods[g])).beginObject();
    out.key("price").value(std::round(m.price[g] * 1000) / 1000);
    out.key("base").value(rule.base_price);
    out.key("floor").value(rule.floor);
    out.key("ceiling").value(rule.ceiling);
    out.key("bought").value(round1(m.bought[g]));
    out.key("sold").value(round1(m.sold[g]));
    out.end();
  }
  out.end();
}

void writeView(JsonOut& out, const View& v) {
  out.beginObject();
  out.key("tick").value(v.tick);
  out.key("self");
  self(out, v.self);
  out.key("planets");
  arrayOf(out, v.planets, planet);
  out.key("systems");
  arrayOf(out, v.systems, system);
  out.key("foreign_planets");
  arrayOf(out, v.foreign_planets, foreignPlanet);
  out.key("fleets");
  arrayOf(out, v.fleets, fleet);
  out.key("foreign_fleets");
  arrayOf(out, v.foreign_fleets, foreignFleet);
  out.key("civs");
  arrayOf(out, v.civs, civ);
  out.key("market");
  writeMarket(out, v.market);
  out.key("proposals");
  arrayOf(out, v.proposals, proposal);
  out.key("events");
  arrayOf(out, v.events, event);
  out.key("sensors");
  ids(out, v.sensors);
  out.end();
}

void writeDelta(JsonOut& out, const ViewDelta& d) { writeDelta(out, d, {}); }

void writeDelta(JsonOut& out, const ViewDelta& d, std::string_view market_json) {
  out.beginObject();
  out.key("tick").value(d.tick);
  if (d.self) {
    out.key("self");
    self(out, *d.self);
  }
  changes(out, "planets", d.planets, planet);
  changes(out, "systems", d.systems, system);
  changes(out, "foreign_planets", d.foreign_planets, foreignPlanet);
  changes(out, "fleets", d.fleets, fleet);
  changes(out, "foreign_fleets", d.foreign_fleets, foreignFleet);
  changes(out, "civs", d.civs, civ);
  if (d.market) {
    out.key("market");
    if (market_json.empty()) {
      writeMarket(out, *d.market);
    } else {
      out.raw(market_json);
    }
  }
  changes(out, "proposals", d.proposals, proposal);
  changes(out, "events", d.events, event);
  if (d.sensors) {
    out.key("sensors");
    ids(out, *d.sensors);
  }
  out.end();
}

std::string viewText(const View& view) {
  std::string text;
  text.reserve(16 << 10);
  JsonOut out(text);
  writeView(out, view);
  return text;
}

std::string deltaText(const ViewDelta& delta) {
  std::string text;
  JsonOut out(text);
  writeDelta(out, delta);
  return text;
}

std::string marketJson(const Market& market) {
  std::string text;
  JsonOut out(text);
  writeMarket(out, market);
  return text;
}

std::shared_ptr<const std::string> advanceFeed(ViewDigest& held, const GameState& state, CivId civ,
                                               SystemHashes& systems, int64_t campaign,
                                               std::string_view market_json, std::string& scratch) {
  const ViewDelta delta = advanceDigest(held, state, civ, systems);
  scratch.clear();
  JsonOut out(scratch);
  out.beginObject();
  out.key("type").value("delta");
  out.key("campaign").value(campaign);
  out.key("tick").value(state.tick);
  out.key("delta");
  writeDelta(out, delta, market_json);
  out.end();
  return std::make_shared<const std::string>(scratch);
}

json::object noticeToJson(const Notice& n) {
  json::object out{{"tick", n.tick}, {"kind", n.kind}, {"text", n.text}};
  if (n.other != kNone) out["other"] = n.other;
  if (n.system != kNone) out["system"] = n.system;
  if (n.planet != kNone) out["planet"] = n.planet;
  if (n.fleet != kNone) out["fleet"] = n.fleet;
  if (n.ref != 0) out["ref"] = n.ref;
  return out;
}

}  // namespace startales::campaign
