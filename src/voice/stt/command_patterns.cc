#include "voice/stt/command_patterns.h"

#include <string_view>

namespace startales::voice::detail {
namespace {

// Pattern text: words; "(a b|c)" a required choice; "[a|b]" an optional one; "{slot}".
struct Spec {
  const char* text;
  std::function<game::Action(const Bindings&)> make;
};

int32_t at(const Bindings& b, Slot s) { return b[static_cast<size_t>(s)]; }

Slot slotNamed(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, Slot>, kSlotCount> kNames = {{
      {"own_planet", Slot::kOwnPlanet}, {"colony_target", Slot::kColonyTarget},
      {"enemy_planet", Slot::kEnemyPlanet}, {"system", Slot::kSystem}, {"fleet", Slot::kFleet},
      {"civ", Slot::kCiv}, {"building", Slot::kBuilding}, {"ship", Slot::kShip},
      {"ships", Slot::kShips}, {"tech", Slot::kTech}, {"good", Slot::kGood},
      {"number", Slot::kNumber}, {"count", Slot::kCount},
  }};
  for (const auto& [n, s] : kNames) {
    if (n == name) return s;
  }
  return Slot::kNumber;  // unreachable with the specs below
}

Words split(std::string_view s) {
  Words out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::vector<Element> parseSpec(std::string_view text) {
  std::vector<Element> out;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ') {
      ++i;
    } else if (c == '(' || c == '[') {
      const size_t close = text.find(c == '(' ? ')' : ']', i);
      Element e;
      e.optional = c == '[';
      std::string_view body = text.substr(i + 1, close - i - 1);
      size_t from = 0;
      while (from <= body.size()) {
        size_t bar = body.find('|', from);
        if (bar == std::string_view::npos) bar = body.size();
        e.alternatives.push_back(split(body.substr(from, bar - from)));
        from = bar + 1;
      }
      out.push_back(std::move(e));
      i = close + 1;
    } else if (c == '{') {
      const size_t close = text.find('}', i);
      Element e;
      e.is_slot = true;
      e.slot = slotNamed(text.substr(i + 1, close - i - 1));
      out.push_back(std::move(e));
      i = close + 1;
    } else {
      size_t j = i;
      while (j < text.size() && text[j] != ' ') ++j;
      Element e;
      e.alternatives.push_back({std::string(text.substr(i, j - i))});
      out.push_back(std::move(e));
      i = j;
    }
  }
  return out;
}

game::Action proposal(const Bindings& b, game::Treaty t) {
  return game::ProposeTreaty{at(b, Slot::kCiv), t};
}

std::vector<Spec> specs() {
  using S = Slot;
  return {
      {"build (a|an) {building} on {own_planet}",
       [](const Bindings& b) -> game::Action {
         return game::Build{at(b, S::kOwnPlanet), static_cast<game::Building>(at(b, S::kBuilding))};
       }},
      {"build (a|an|one) {ship} (at|on) {own_planet}",
       [](const Bindings& b) -> game::Action {
         return game::BuildShip{at(b, S::kOwnPlanet),
                                static_cast<game::ShipClass>(at(b, S::kShip)), 1};
       }},
      {"build {count} {ships} (at|on) {own_planet}",
       [](const Bindings& b) -> game::Action {
         return game::BuildShip{at(b, S::kOwnPlanet),
                                static_cast<game::ShipClass>(at(b, S::kShips)), at(b, S::kCount)};
       }},
      {"research {tech}",
       [](const Bindings& b) -> game::Action { return game::Research{at(b, S::kTech)}; }},
      {"(move|send) [fleet|the] {fleet} to {system}",
       [](const Bindings& b) -> game::Action {
         return game::MoveFleet{at(b, S::kFleet), at(b, S::kSystem)};
       }},
      {"colonize {colony_target} with [fleet|the] {fleet}",
       [](const Bindings& b) -> game::Action {
         return game::Colonize{at(b, S::kFleet), at(b, S::kColonyTarget)};
       }},
      {"invade {enemy_planet} with [fleet|the] {fleet}",
       [](const Bindings& b) -> game::Action {
         return game::Invade{at(b, S::kFleet), at(b, S::kEnemyPlanet)};
       }},
      {"set [the] (tax|taxes|tax rate) to {number} percent",
       [](const Bindings& b) -> game::Action {
         game::SetPolicy p;
         p.tax_rate = at(b, S::kNumber);
         return p;
       }},
      {"set [the] (tariff|tariffs) to {number} percent",
       [](const Bindings& b) -> game::Action {
         game::SetPolicy p;
         p.tariff = at(b, S::kNumber);
         return p;
       }},
      {"buy {number} {good}",
       [](const Bindings& b) -> game::Action {
         return game::Trade{static_cast<game::Resource>(at(b, S::kGood)), at(b, S::kNumber)};
       }},
      {"sell {number} {good}",
       [](const Bindings& b) -> game::Action {
         return game::Trade{static_cast<game::Resource>(at(b, S::kGood)), -at(b, S::kNumber)};
       }},
      {"declare war on [the] {civ}",
       [](const Bindings& b) -> game::Action { return game::DeclareWar{at(b, S::kCiv)}; }},
      {"propose peace (to|with) [the] {civ}",
       [](const Bindings& b) { return proposal(b, game::Treaty::kPeace); }},
      {"propose (an alliance|alliance) (to|with) [the] {civ}",
       [](const Bindings& b) { return proposal(b, game::Treaty::kAlliance); }},
      {"propose (a trade pact|trade pact) (to|with) [the] {civ}",
       [](const Bindings& b) { return proposal(b, game::Treaty::kTradePact); }},
  };
}

const std::vector<NamedId>& list(const Vocabulary& v, Slot s) {
  switch (s) {
    case Slot::kOwnPlanet: return v.own_planets;
    case Slot::kColonyTarget: return v.colonizable_planets;
    case Slot::kEnemyPlanet: return v.enemy_planets;
    case Slot::kSystem: return v.systems;
    case Slot::kFleet: return v.fleets;
    case Slot::kCiv: return v.civs;
    case Slot::kBuilding: return v.buildings;
    case Slot::kShip:
    case Slot::kShips: return v.ships;
    case Slot::kTech: return v.techs;
    default: return v.goods;
  }
}

}  // namespace

const std::vector<Pattern>& patterns() {
  static const std::vector<Pattern> kPatterns = [] {
    std::vector<Pattern> out;
    for (auto& spec : specs()) out.push_back({parseSpec(spec.text), std::move(spec.make)});
    return out;
  }();
  return kPatterns;
}

std::vector<Candidate> candidates(const Vocabulary& v, Slot slot) {
  std::vector<Candidate> out;
  for (const NamedId& n : list(v, slot)) {
    Words w = spokenWords(n.name);
    if (slot == Slot::kCiv && !w.empty() && w.front() == "the") w.erase(w.begin());
    if (slot == Slot::kShips && !w.empty()) w.back() += 's';  // "colony ships", "scouts"
    if (!w.empty()) out.push_back({std::move(w), n.id});
  }
  return out;
}

const char* slotRule(Slot slot) {
  static constexpr std::array<const char*, kSlotCount> kRules = {
      "own_planet", "colony_target", "enemy_planet", "system", "fleet", "civ", "building",
      "ship", "ships", "tech", "good", "number", "count"};
  return kRules[static_cast<size_t>(slot)];
}

}  // namespace startales::voice::detail
