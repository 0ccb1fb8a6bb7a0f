#include "campaign/view_codec.h"

#include <boost/json.hpp>
#include <cmath>

namespace startales::campaign {

namespace json = boost::json;
using namespace game;

namespace {

using SP = json::storage_ptr;

double round1(double v) { return std::round(v * 10) / 10; }

std::string colorHex(uint32_t rgb) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "#000000";
  for (int i = 0; i < 6; ++i) out[6 - i] = kDigits[(rgb >> (4 * i)) & 0xf];
  return out;
}

json::object stockJson(const Stock& s, const SP& sp) {
  json::object o(sp);
  for (int r = 0; r < kResourceCount; ++r) {
    o[resourceName(static_cast<Resource>(r))] = round1(s[r]);
  }
  return o;
}

json::object shipsJson(const std::array<int32_t, kShipClassCount>& ships, const SP& sp) {
  json::object o(sp);
  for (int c = 0; c < kShipClassCount; ++c) {
    if (ships[c] > 0) o[shipRule(static_cast<ShipClass>(c)).name] = ships[c];
  }
  return o;
}

json::object depositsJson(const std::array<int32_t, 4>& d, const SP& sp) {
  return json::object({{"minerals", d[0]}, {"energy", d[1]}, {"food", d[2]}, {"exotics", d[3]}},
                      sp);
}

json::value idOrNull(int32_t id) { return id == kNone ? json::value(nullptr) : json::value(id); }


json::object selfJson(const SelfView& s, const SP& sp) {
  json::array techs(sp);
  for (int32_t t : s.techs) techs.push_back(json::value(techRule(t).name, sp));
  json::object shortage(sp);
  for (int r = 0; r < kResourceCount; ++r) {
    if (s.shortage[r] > 0) shortage[resourceName(static_cast<Resource>(r))] = round1(s.shortage[r] * 100);
  }
  return json::object(
         {{"id", s.id},
          {"name", s.name},
          {"adjective", s.adjective},
          {"color", colorHex(s.color)},
          {"alive", s.alive},
          {"capital", idOrNull(s.capital)},
          {"stock", stockJson(s.stock, sp)},
          {"income", stockJson(s.income, sp)},
          {"influence", round1(s.influence)},
          {"policies",
           {{"tax_rate", s.policies.tax_rate},
            {"budget",
             {{"industry", s.policies.budget[0]},
              {"research", s.policies.budget[1]},
              {"military", s.policies.budget[2]},
              {"welfare", s.policies.budget[3]}}},
            {"tariff", s.policies.tariff}}},
          {"research",
           {{"tech", s.researching == kNone ? json::value(nullptr)
                                            : json::value(techRule(s.researching).name)},
            {"progress", round1(s.research_progress)},
            {"cost", round1(s.research_cost)},
            {"rate", round1(s.research_rate)}}},
          {"techs", std::move(techs)},
          {"explored", s.explored_count},
          {"war_weariness", round1(s.war_weariness)},
          {"shortage_percent", std::move(shortage)},
          {"score",
           {{"empire", round1(s.score.empire)},
            {"discovery", round1(s.score.discovery)},
            {"story", round1(s.score.story)},
            {"social", round1(s.score.social)},
            {"total", round1(s.score.total())}}}},
      sp);
}

json::object planetJson(const Planet& p, const SP& sp) {
  json::object buildings(sp);
  for (int b = 0; b < kBuildingCount; ++b) {
    if (p.buildings[b] > 0) buildings[buildingRule(static_cast<Building>(b)).name] = p.buildings[b];
  }
  json::array queue(sp);
  for (const auto& item : p.queue) {
    const std::string_view what = item.is_ship ? shipRule(static_cast<ShipClass>(item.type)).name
                                               : buildingRule(static_cast<Building>(item.type)).name;
    const double work = item.is_ship ? shipRule(static_cast<ShipClass>(item.type)).work
                                     : buildingRule(static_cast<Building>(item.type)).work;
    json::object q({{"kind", item.is_ship ? "ship" : "building"},
                    {"item", what},
                    {"progress", round1(item.progress)},
                    {"work", work},
                    {"paid", item.paid}},
                   sp);
    const std::string why = blockedText(item);
    q["blocked"] = why.empty() ? json::value(nullptr) : json::value(why, sp);
    queue.push_back(std::move(q));
  }
  return json::object(
         {{"id", p.id},
          {"system", p.system},
          {"name", p.name},
          {"type", planetTypeName(p.type)},
          {"size", p.size},
          {"habitability", p.habitability},
          {"deposits", depositsJson(p.deposits, sp)},
          {"owner", idOrNull(p.owner)},
          {"population", round1(p.population)},
          {"unrest", round1(p.unrest)},
          {"buildings", std::move(buildings)},
          {"queue", std::move(queue)},
          {"defense", round1(p.defense_hull)},
          {"blockaded", p.blockaded},
          {"capital", p.capital}},
      sp);
}

json::object systemJson(const SystemView& s, const SP& sp) {
  json::array lanes(sp), planets(sp);
  for (const auto& lane : s.lanes) {
    lanes.push_back(json::object({{"to", lane.to}, {"length", lane.length}}, sp));
  }
  for (PlanetId p : s.planets) planets.push_back(p);
  return json::object({{"id", s.id}, {"name", s.name}, {"x", s.x}, {"y", s.y},
                       {"lanes", std::move(lanes)}, {"planets", std::move(planets)}},
                      sp);
}

json::object foreignPlanetJson(const ForeignPlanetView& p, const SP& sp) {
  return json::object({{"id", p.id},
                       {"system", p.system},
                       {"name", p.name},
                       {"type", planetTypeName(p.type)},
                       {"size", p.size},
                       {"habitability", p.habitability},
                       {"deposits", depositsJson(p.deposits, sp)},
                       {"owner", idOrNull(p.owner)},
                       {"population", round1(p.population)}},
                      sp);
}

json::value ownerJson(CivId owner) {
  if (owner == kPirates) return "pirates";
  return idOrNull(owner);
}

json::object fleetJson(const Fleet& f, const SP& sp) {
  json::array route(sp);
  for (SystemId s : f.route) route.push_back(s);
  return json::object(
         {{"id", f.id},
          {"name", f.name},
          {"at", f.at},
          {"next", idOrNull(f.next)},
          {"progress", f.progress},
          {"travel", f.travel},
          {"route", std::move(route)},
          {"ships", shipsJson(f.ships, sp)},
          {"damage", round1(f.damage)}},
      sp);
}

json::object foreignFleetJson(const ForeignFleetView& f, const SP& sp) {
  return json::object({{"id", f.id},
                       {"owner", ownerJson(f.owner)},
                       {"name", f.name},
                       {"at", f.at},
                       {"next", idOrNull(f.next)},
                       {"ships", shipsJson(f.ships, sp)}},
                      sp);
}

json::object civJson(const CivView& c, const SP& sp) {
  return json::object({{"id", c.id},
                       {"name", c.name},
                       {"adjective", c.adjective},
                       {"color", colorHex(c.color)},
                       {"alive", c.alive},
                       {"treaty", treatyName(c.treaty)},
                       {"relation", c.relation},
                       {"score", round1(c.score)}},
                      sp);
}

json::object marketJson(const Market& m, const SP& sp) {
  json::object o(sp);
  for (int g = 0; g < kGoodsCount; ++g) {
    const auto& rule = marketRule(kGoods[g]);
    o[resourceName(kGoods[g])] = json::object({{"price", std::round(m.price[g] * 1000) / 1000},
                                  {"base", rule.base_price},
                                  {"floor", rule.floor},
                                  {"ceiling", rule.ceiling},
                                  {"bought", round1(m.bought[g])},
                                  {"sold", round1(m.sold[g])}},
                                 sp);
  }
  return o;
}

json::object proposalJson(const Proposal& p, const SP& sp) {
  return json::object({{"id", p.id},
                       {"from", p.from},
                       {"to", p.to},
                       {"treaty", treatyName(p.treaty)},
                       {"expires", p.expires}},
                      sp);
}

json::object eventJson(const PendingEvent& e, const SP& sp) {
  const auto& rule = eventRule(e.kind);
  return json::object(
         {{"id", e.id},
          {"kind", rule.name},
          {"planet", idOrNull(e.planet)},
          {"magnitude", e.magnitude},
          {"options", {rule.options[0], rule.options[1]}},
          {"default_option", rule.default_option},
          {"expires", e.expires}},
      sp);
}

template <typename T, typename F>
json::array arrayOf(const std::vector<T>& items, F f, const SP& sp) {
  json::array out(sp);
  out.reserve(items.size());
  for (const auto& item : items) out.push_back(f(item, sp));
  return out;
}

template <typename T, typename F>
void changes(json::object& out, const char* key, const Changes<T>& c, F f, const SP& sp) {
  if (c.upserted.empty() && c.removed.empty()) return;
  json::array removed(sp);
  for (int32_t id : c.removed) removed.push_back(id);
  out[key] =
      json::object({{"upserted", arrayOf(c.upserted, f, sp)}, {"removed", std::move(removed)}}, sp);
}

json::array idsJson(const std::vector<SystemId>& ids, const SP& sp) {
  json::array out(sp);
  for (SystemId s : ids) out.push_back(s);
  return out;
}

}  // namespace

json::object viewToJson(const View& v, json::storage_ptr sp) {
  return json::object({{"tick", v.tick},
                       {"self", selfJson(v.self, sp)},
                       {"planets", arrayOf(v.planets, planetJson, sp)},
                       {"systems", arrayOf(v.systems, systemJson, sp)},
                       {"foreign_planets", arrayOf(v.foreign_planets, foreignPlanetJson, sp)},
                       {"fleets", arrayOf(v.fleets, fleetJson, sp)},
                       {"foreign_fleets", arrayOf(v.foreign_fleets, foreignFleetJson, sp)},
                       {"civs", arrayOf(v.civs, civJson, sp)},
                       {"market", marketJson(v.market, sp)},
                       {"proposals", arrayOf(v.proposals, proposalJson, sp)},
                       {"events", arrayOf(v.events, eventJson, sp)},
                       {"sensors", idsJson(v.sensors, sp)}},
                      sp);
}

json::object deltaToJson(const ViewDelta& d, json::storage_ptr sp) {
  json::object out({{"tick", d.tick}}, sp);
  if (d.self) out["self"] = selfJson(*d.self, sp);
  changes(out, "planets", d.planets, planetJson, sp);
  changes(out, "systems", d.systems, systemJson, sp);
  changes(out, "foreign_planets", d.foreign_planets, foreignPlanetJson, sp);
  changes(out, "fleets", d.fleets, fleetJson, sp);
  changes(out, "foreign_fleets", d.foreign_fleets, foreignFleetJson, sp);
  changes(out, "civs", d.civs, civJson, sp);
  if (d.market) out["market"] = marketJson(*d.market, sp);
  changes(out, "proposals", d.proposals, proposalJson, sp);
  changes(out, "events", d.events, eventJson, sp);
  if (d.sensors) out["sensors"] = idsJson(*d.sensors, sp);
  return out;
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
