#include "voice/stt/vocabulary.h"

#include <cctype>

#include "game/rules.h"

namespace startales::voice {
namespace {

struct Fnv {
  uint64_t h = 1469598103934665603ull;
  void bytes(std::string_view s) {
    for (char c : s) {
      h ^= static_cast<uint8_t>(c);
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // separator, so {"ab","c"} and {"a","bc"} differ
    h *= 1099511628211ull;
  }
  void number(int64_t v) { bytes(std::to_string(v)); }
  void list(const std::vector<NamedId>& l) {
    number(static_cast<int64_t>(l.size()));
    for (const auto& n : l) {
      bytes(n.name);
      number(n.id);
    }
  }
};

}  // namespace

uint64_t Vocabulary::hash() const {
  Fnv f;
  for (const auto* l : {&own_planets, &colonizable_planets, &enemy_planets, &systems, &fleets,
                        &civs, &buildings, &ships, &techs, &goods}) {
    f.list(*l);
  }
  f.number(static_cast<int64_t>(characters.size()));
  for (const auto& c : characters) f.bytes(c);
  return f.h;
}

Vocabulary vocabularyFromView(const game::View& view, std::span<const std::string> character_names) {
  Vocabulary v;
  for (const auto& p : view.planets) v.own_planets.push_back({p.name, p.id});
  for (const auto& p : view.foreign_planets) {
    (p.owner == game::kNone ? v.colonizable_planets : v.enemy_planets).push_back({p.name, p.id});
  }
  for (const auto& s : view.systems) v.systems.push_back({s.name, s.id});
  for (const auto& f : view.fleets) v.fleets.push_back({f.name, f.id});
  for (const auto& c : view.civs) {
    if (c.id != view.self.id && c.alive) v.civs.push_back({c.name, c.id});
  }
  for (int b = 0; b < game::kBuildingCount; ++b) {
    v.buildings.push_back(
        {std::string(game::buildingRule(static_cast<game::Building>(b)).name), b});
  }
  for (int s = 0; s < game::kShipClassCount; ++s) {
    v.ships.push_back({std::string(game::shipRule(static_cast<game::ShipClass>(s)).name), s});
  }
  for (int t = 0; t < game::kTechCount; ++t) {
    v.techs.push_back({std::string(game::techRule(t).name), t});
  }
  for (game::Resource r : game::kGoods) {
    v.goods.push_back({std::string(game::resourceName(r)), static_cast<int32_t>(r)});
  }
  v.characters.assign(character_names.begin(), character_names.end());
  return v;
}

std::vector<std::string> spokenWords(std::string_view name) {
  std::vector<std::string> words;
  std::string word;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '\'') {
      word.push_back(static_cast<char>(std::tolower(u)));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

}  // namespace startales::voice
