#include "campaign/command_codec.h"

#include <boost/json.hpp>
#include <cmath>
#include <limits>

namespace startales::campaign {

namespace json = boost::json;

namespace {

constexpr const char* kInvalid = "invalid_command";

Error invalid(std::string message) { return makeError(kInvalid, std::move(message)); }

// Reads fields of one command object, remembering the first problem.
class Fields {
 public:
  explicit Fields(const json::object& o) : o_(o) {}

  [[nodiscard]] const std::optional<Error>& error() const { return error_; }

  int32_t integer(const char* name, int64_t lo = std::numeric_limits<int32_t>::min(),
                  int64_t hi = std::numeric_limits<int32_t>::max()) {
    auto v = optionalInteger(name, lo, hi);
    if (!v && !error_) fail(std::string("\"") + name + "\" is required");
    return v.value_or(0);
  }

  std::optional<int32_t> optionalInteger(const char* name,
                                         int64_t lo = std::numeric_limits<int32_t>::min(),
                                         int64_t hi = std::numeric_limits<int32_t>::max()) {
    const json::value* v = o_.if_contains(name);
    if (!v || v->is_null()) return std::nullopt;
    int64_t n = 0;
    if (v->is_int64()) {
      n = v->as_int64();
    } else if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(hi)) {
      n = static_cast<int64_t>(v->as_uint64());
    } else if (v->is_double() && v->as_double() > -9.2e18 && v->as_double() < 9.2e18 &&
               v->as_double() == std::trunc(v->as_double())) {
      // Range first: converting a double outside int64's range (1e300) is undefined behaviour.
      n = static_cast<int64_t>(v->as_double());
    } else {
      fail(std::string("\"") + name + "\" must be a whole number");
      return std::nullopt;
    }
    if (n < lo || n > hi) {
      fail(std::string("\"") + name + "\" must be between " + std::to_string(lo) + " and " +
           std::to_string(hi));
      return std::nullopt;
    }
    return static_cast<int32_t>(n);
  }

  bool boolean(const char* name) {
    const json::value* v = o_.if_contains(name);
    if (!v || !v->is_bool()) {
      fail(std::string("\"") + name + "\" must be true or false");
      return false;
    }
    return v->as_bool();
  }

  // A name looked up with `parse`, or (for techs) an index.
  template <typename T, typename Parse>
  T named(const char* name, Parse parse, const char* what) {
    const json::value* v = o_.if_contains(name);
    if (!v || !v->is_string()) {
      fail(std::string("\"") + name + "\" must be the name of a " + what);
      return T{};
    }
    const std::string_view text = v->as_string();
    auto parsed = parse(text);
    if (!parsed) {
      fail(std::string("there is no ") + what + " called \"" + std::string(text) + "\"");
      return T{};
    }
    return *parsed;
  }

  void fail(std::string message) {
    if (!error_) error_ = invalid(std::move(message));
  }

 private:
  const json::object& o_;
  std::optional<Error> error_;
};

std::optional<int> techByNameOrIndex(const json::value& v) {
  if (v.is_int64() && v.as_int64() >= 0 && v.as_int64() < game::kTechCount) {
    return static_cast<int>(v.as_int64());
  }
  if (v.is_string()) return game::parseTech(v.as_string());
  return std::nullopt;
}

std::array<int32_t, game::kShipClassCount> shipCounts(Fields& f, const json::object& o) {
  std::array<int32_t, game::kShipClassCount> ships{};
  const json::value* v = o.if_contains("ships");
  if (!v || !v->is_object()) {
    f.fail("\"ships\" must be an object of ship class to count, like {\"corvette\": 2}");
    return ships;
  }
  for (const auto& [key, count] : v->as_object()) {
    auto cls = game::parseShipClass(key);
    if (!cls) {
      f.fail("there is no ship class called \"" + std::string(key) + "\"");
      return ships;
    }
    if (!count.is_int64() || count.as_int64() < 0 || count.as_int64() > 100000) {
      f.fail("ship counts must be whole numbers from 0 to 100000");
      return ships;
    }
    ships[static_cast<int>(*cls)] = static_cast<int32_t>(count.as_int64());
  }
  return ships;
}

constexpr std::array<std::string_view, std::variant_size_v<game::Action>> kTypes = {
    "build",      "cancel_build", "build_ship",     "set_policy",     "research",
    "move_fleet", "split_fleet",  "merge_fleets",   "colonize",       "invade",
    "trade",      "propose_treaty", "respond_treaty", "declare_war", "choose_event_option"};

std::string typeList() {
  std::string out;
  for (auto t : kTypes) out += (out.empty() ? "" : ", ") + std::string(t);
  return out;
}

}  // namespace

Result<game::Action> parseAction(const json::value& value) {
  using namespace game;
  if (!value.is_object()) return invalid("a command must be a JSON object with a \"type\"");
  const auto& o = value.as_object();
  const json::value* type_value = o.if_contains("type");
  if (!type_value || !type_value->is_string()) {
    return invalid("a command needs a \"type\": one of " + typeList());
  }
  const std::string_view type = type_value->as_string();
  Fields f(o);
  Action action;
  if (type == "build") {
    action = Build{f.integer("planet"), f.named<Building>("building", parseBuilding, "building")};
  } else if (type == "cancel_build") {
    action = CancelBuild{f.integer("planet"), f.integer("index", 0, 1000)};
  } else if (type == "build_ship") {
    BuildShip c;
    c.planet = f.integer("planet");
    c.ship = f.named<ShipClass>("ship", parseShipClass, "ship class");
    c.count = f.optionalInteger("count", 1, 10).value_or(1);
    action = c;
  } else if (type == "set_policy") {
    SetPolicy c;
    c.tax_rate = f.optionalInteger("tax_rate", 0, kMaxTaxRate);
    c.tariff = f.optionalInteger("tariff", kMinTariff, kMaxTariff);
    if (const json::value* b = o.if_contains("budget"); b && !b->is_null()) {
      static constexpr std::array<const char*, kBudgetAreas> kAreas = {"industry", "research",
                                                                       "military", "welfare"};
      if (!b->is_object()) {
        f.fail("\"budget\" must be an object with industry, research, military and welfare");
      } else {
        Fields bf(b->as_object());
        std::array<int32_t, kBudgetAreas> budget{};
        for (int i = 0; i < kBudgetAreas; ++i) budget[i] = bf.integer(kAreas[i], 0, 100);
        if (bf.error()) f.fail("budget: " + bf.error()->message);
        c.budget = budget;
      }
    }
    action = c;
  } else if (type == "research") {
    const json::value* t = o.if_contains("tech");
    auto tech = t ? techByNameOrIndex(*t) : std::nullopt;
    if (!tech) {
      f.fail(t && t->is_string() ? "there is no technology called \"" + std::string(t->as_string()) + "\""
                                 : "\"tech\" must be a technology name");
    }
    action = Research{tech.value_or(0)};
  } else if (type == "move_fleet") {
    action = MoveFleet{f.integer("fleet"), f.integer("to")};
  } else if (type == "split_fleet") {
    SplitFleet c;
    c.fleet = f.integer("fleet");
    c.ships = shipCounts(f, o);
    action = c;
  } else if (type == "merge_fleets") {
    action = MergeFleets{f.integer("fleet"), f.integer("into")};
  } else if (type == "colonize") {
    action = Colonize{f.integer("fleet"), f.integer("planet")};
  } else if (type == "invade") {
    action = Invade{f.integer("fleet"), f.integer("planet")};
  } else if (type == "trade") {
    Trade c;
    c.resource = f.named<Resource>("resource", parseResource, "resource");
    c.amount = f.integer("amount", -1'000'000, 1'000'000);
    action = c;
  } else if (type == "propose_treaty") {
    action = ProposeTreaty{f.integer("to"), f.named<Treaty>("treaty", parseTreaty, "treaty")};
  } else if (type == "respond_treaty") {
    action = RespondTreaty{f.integer("proposal"), f.boolean("accept")};
  } else if (type == "declare_war") {
    action = DeclareWar{f.integer("target")};
  } else if (type == "choose_event_option") {
    action = ChooseEventOption{f.integer("event"), f.integer("option", 0, 1)};
  } else {
    return invalid("unknown command type \"" + std::string(type) + "\"; expected one of " +
                   typeList());
  }
  if (f.error()) return *f.error();
  return action;
}

namespace {

struct ToJson {
  json::object out;
  void operator()(const game::Build& c) {
    out["planet"] = c.planet;
    out["building"] = game::buildingRule(c.building).name;
  }
  void operator()(const game::CancelBuild& c) {
    out["planet"] = c.planet;
    out["index"] = c.index;
  }
  void operator()(const game::BuildShip& c) {
    out["planet"] = c.planet;
    out["ship"] = game::shipRule(c.ship).name;
    out["count"] = c.count;
  }
  void operator()(const game::SetPolicy& c) {
    if (c.tax_rate) out["tax_rate"] = *c.tax_rate;
    if (c.tariff) out["tariff"] = *c.tariff;
    if (c.budget) {
      out["budget"] = {{"industry", (*c.budget)[0]}, {"research", (*c.budget)[1]},
                       {"military", (*c.budget)[2]}, {"welfare", (*c.budget)[3]}};
    }
  }
  void operator()(const game::Research& c) { out["tech"] = game::techRule(c.tech).name; }
  void operator()(const game::MoveFleet& c) {
    out["fleet"] = c.fleet;
    out["to"] = c.to;
  }
  void operator()(const game::SplitFleet& c) {
    out["fleet"] = c.fleet;
    json::object ships;
    for (int i = 0; i < game::kShipClassCount; ++i) {
      if (c.ships[i] > 0) ships[game::shipRule(static_cast<game::ShipClass>(i)).name] = c.ships[i];
    }
    out["ships"] = std::move(ships);
  }
  void operator()(const game::MergeFleets& c) {
    out["fleet"] = c.fleet;
    out["into"] = c.into;
  }
  void operator()(const game::Colonize& c) {
    out["fleet"] = c.fleet;
    out["planet"] = c.planet;
  }
  void operator()(const game::Invade& c) {
    out["fleet"] = c.fleet;
    out["planet"] = c.planet;
  }
  void operator()(const game::Trade& c) {
    out["resource"] = game::resourceName(c.resource);
    out["amount"] = c.amount;
  }
  void operator()(const game::ProposeTreaty& c) {
    out["to"] = c.to;
    out["treaty"] = game::treatyName(c.treaty);
  }
  void operator()(const game::RespondTreaty& c) {
    out["proposal"] = c.proposal;
    out["accept"] = c.accept;
  }
  void operator()(const game::DeclareWar& c) { out["target"] = c.target; }
  void operator()(const game::ChooseEventOption& c) {
    out["event"] = c.event;
    out["option"] = c.option;
  }
};

}  // namespace

json::value actionToJson(const game::Action& action) {
  ToJson visitor;
  visitor.out["type"] = game::actionName(action);
  std::visit(visitor, action);
  return std::move(visitor.out);
}

}  // namespace startales::campaign
