// `startales sim`: a headless campaign of AI empires, for balancing, determinism checks
// and the simulation benchmark. Runs on the calling thread; prints one summary.

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>

#include "app/commands.h"
#include "game/game.h"
#include "game/serialize.h"

namespace startales::app {

namespace json = boost::json;

namespace {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(i, values.size() - 1)];
}

// What each civilization heard about, for judging pacing: counts by kind and the gaps
// (in ticks) between consecutive notices addressed to it (or to everyone).
struct NoticeLog {
  std::map<std::string, int64_t> by_kind;
  std::vector<int32_t> last;  // per civ
  std::vector<double> gaps;   // all civs pooled
  std::vector<double> longest;  // per civ

  explicit NoticeLog(size_t civs) : last(civs, 0), longest(civs, 0) {}
  void add(const std::vector<game::Notice>& notices, int32_t tick) {
    std::vector<bool> heard(last.size(), false);
    for (const auto& n : notices) {
      by_kind[n.kind]++;
      if (n.civ == game::kNone) {
        heard.assign(heard.size(), true);
      } else if (n.civ >= 0 && static_cast<size_t>(n.civ) < heard.size()) {
        heard[n.civ] = true;
      }
    }
    for (size_t c = 0; c < last.size(); ++c) {
      if (!heard[c]) continue;
      const double gap = tick - last[c];
      gaps.push_back(gap);
      longest[c] = std::max(longest[c], gap);
      last[c] = tick;
    }
  }
};

json::object summary(const game::GameState& s, const SimOptions& o,
                     const std::vector<double>& tick_ms, const json::array& hashes,
                     const NoticeLog& log) {
  json::object out;
  out["seed"] = o.seed;
  out["systems"] = o.systems;
  out["ticks"] = s.tick;
  out["state_hash"] = game::stateHashHex(s);
  double total = 0;
  for (double t : tick_ms) total += t;
  out["tick_ms"] = {{"median", percentile(tick_ms, 0.5)},
                    {"p99", percentile(tick_ms, 0.99)},
                    {"max", percentile(tick_ms, 1.0)},
                    {"mean", tick_ms.empty() ? 0.0 : total / tick_ms.size()}};
  out["snapshot_bytes"] = game::serialize(s).size();

  json::array civs;
  for (const auto& c : s.civs) {
    double population = 0;
    for (game::PlanetId id : s.civ_planets[c.id]) population += s.planets[id].population;
    int techs = 0;
    for (bool t : c.techs) techs += t;
    int fleets = 0, ships = 0;
    for (const auto& f : s.fleets) {
      if (f.owner != c.id) continue;
      fleets++;
      for (int n : f.ships) ships += n;
    }
    json::object stock;
    for (int r = 0; r < game::kResourceCount; ++r) {
      stock[std::string(game::resourceName(static_cast<game::Resource>(r)))] =
          std::round(c.stock[r] * 10) / 10;
    }
    json::object income;
    for (int r = 0; r < game::kResourceCount; ++r) {
      income[std::string(game::resourceName(static_cast<game::Resource>(r)))] =
          std::round(c.income[r] * 10) / 10;
    }
    json::object civ{{"name", c.name},
                     {"ai", c.ai},
                     {"alive", c.alive},
                     {"population", std::round(population * 10) / 10},
                     {"planets", s.civ_planets[c.id].size()},
                     {"stockpile", stock},
                     {"income", income},
                     {"research_rate", std::round(c.research_rate * 10) / 10},
                     {"techs", techs},
                     {"ships", ships},
                     {"fleets", fleets},
                     {"explored", c.explored_count},
                     {"score", {{"empire", std::round(c.score.empire)},
                                {"discovery", std::round(c.score.discovery)},
                                {"story", std::round(c.score.story)},
                                {"social", std::round(c.score.social)},
                                {"total", std::round(c.score.total())}}}};
    if (!c.alive) {
      civ["destroyed_by"] = c.destroyed_by >= 0 ? json::value(s.civs[c.destroyed_by].name)
                                                 : json::value("collapse");
    }
    json::array wars;
    for (const auto& other : s.civs) {
      if (other.id != c.id && s.relation(c.id, other.id).treaty == game::Treaty::kWar) {
        wars.push_back(json::value(other.name));
      }
    }
    civ["at_war_with"] = std::move(wars);
    civs.push_back(std::move(civ));
  }
  out["civs"] = std::move(civs);

  const auto& k = s.counters;
  out["colonies_founded"] = k.colonies_founded;
  out["trades"] = k.trades;
  out["wars"] = k.wars;
  out["peace_treaties"] = k.peace_treaties;
  out["trade_pacts"] = k.trade_pacts;
  out["alliances"] = k.alliances;
  out["battles"] = k.battles;
  out["invasions"] = k.invasions;
  out["revolts"] = k.revolts;
  out["events"] = k.events;
  out["ships_built"] = k.ships_built;
  out["buildings_built"] = k.buildings_built;
  out["techs_researched"] = k.techs_researched;
  out["civs_destroyed"] = k.civs_destroyed;
  out["commands_applied"] = k.commands_applied;
  out["commands_failed"] = k.commands_failed;

  json::object market;
  for (int g = 0; g < game::kGoodsCount; ++g) {
    const auto& rule = game::marketRule(game::kGoods[g]);
    const double price = s.market.price[g];
    market[std::string(game::resourceName(game::kGoods[g]))] = {
        {"price", std::round(price * 1000) / 1000},
        {"floor", rule.floor},
        {"ceiling", rule.ceiling},
        {"in_bounds", price >= rule.floor && price <= rule.ceiling}};
  }
  out["market"] = std::move(market);
  json::object kinds;
  for (const auto& [kind, count] : log.by_kind) kinds[kind] = count;
  out["notices"] = std::move(kinds);
  double longest = 0;
  for (double g : log.longest) longest = std::max(longest, g);
  out["notice_gap_ticks"] = {{"median", percentile(log.gaps, 0.5)},
                             {"p90", percentile(log.gaps, 0.9)},
                             {"longest", longest}};
  if (!hashes.empty()) out["hashes"] = hashes;
  return out;
}

// Plain numbers and names (json::value streams as JSON: quotes, exponents).
std::string num(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v.is_double() ? v.as_double() : 0.0);
  if (v.is_double() && std::abs(v.as_double()) >= 1000) {
    std::snprintf(buf, sizeof buf, "%.0f", v.as_double());
  }
  return buf;
}

void printText(const json::object& o) {
  std::cout << "tick " << num(o.at("ticks")) << "  state hash " << o.at("state_hash").as_string().c_str()
            << "  tick ms: median " << num(o.at("tick_ms").at("median")) << ", p99 "
            << num(o.at("tick_ms").at("p99")) << "\n";
  for (const auto& v : o.at("civs").as_array()) {
    const auto& c = v.as_object();
    std::cout << "  " << c.at("name").as_string().c_str()
              << (c.at("alive").as_bool() ? "" : " (destroyed)") << ": " << num(c.at("planets"))
              << " planets, population " << num(c.at("population")) << "k, score "
              << num(c.at("score").at("total")) << "\n";
  }
  for (const char* key : {"colonies_founded", "trades", "wars", "peace_treaties", "battles",
                          "invasions", "revolts", "events"}) {
    std::cout << "  " << key << ": " << num(o.at(key)) << "\n";
  }
}

}  // namespace

int runSim(const SimOptions& o) {
  game::GameConfig config;
  config.seed = o.seed;
  config.systems = o.systems;
  config.civs = o.civs;
  config.players = 0;
  if (auto problem = game::validateConfig(config)) {
    std::cerr << "startales sim: " << problem->message << "\n";
    return 2;
  }
  game::GameState state = game::newGame(config);
  std::vector<double> tick_ms;
  tick_ms.reserve(o.ticks);
  json::array hashes;
  NoticeLog log(state.civs.size());
  for (int t = 0; t < o.ticks; ++t) {
    const auto start = std::chrono::steady_clock::now();
    auto notices = game::step(state);
    const auto end = std::chrono::steady_clock::now();
    tick_ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    log.add(notices, state.tick);
    if (o.hash_every > 0 && state.tick % o.hash_every == 0) {
      hashes.push_back(json::value(game::stateHashHex(state)));
    }
  }
  auto out = summary(state, o, tick_ms, hashes, log);
  if (o.json) {
    std::cout << json::serialize(out) << "\n";
  } else {
    printText(out);
  }
  return 0;
}

}  // namespace startales::app
