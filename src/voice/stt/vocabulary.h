#pragma once

// The names a player can say in a voice command, taken from their civilization's View:
// own planets, planets they could colonize or invade, explored systems, own fleets, rival
// civilizations, the rule tables' buildings, ships, techs and goods, and the cabinet's
// character names. A plain value; build a new one when the view changes (the grammar is
// cached by hash(), so an unchanged vocabulary reuses its compiled grammar).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "game/view.h"

namespace startales::voice {

// A display name ("Vega Two") and the game id it stands for (a planet, fleet, civ id or
// an index into the rule tables).
struct NamedId {
  std::string name;
  int32_t id = 0;
  bool operator==(const NamedId&) const = default;
};

struct Vocabulary {
  std::vector<NamedId> own_planets;          // build targets
  std::vector<NamedId> colonizable_planets;  // unowned planets in explored systems
  std::vector<NamedId> enemy_planets;        // planets others own, in explored systems
  std::vector<NamedId> systems;              // explored systems (fleet destinations)
  std::vector<NamedId> fleets;               // own fleets
  std::vector<NamedId> civs;                 // civilizations met, not the player's own
  std::vector<NamedId> buildings;            // id = game::Building
  std::vector<NamedId> ships;                // id = game::ShipClass
  std::vector<NamedId> techs;                // id = tech index
  std::vector<NamedId> goods;                // id = game::Resource (traded goods)
  std::vector<std::string> characters;       // "Ada Cohen": may open a command
  bool operator==(const Vocabulary&) const = default;

  // FNV-1a over every name and id, in order: equal vocabularies hash equally.
  [[nodiscard]] uint64_t hash() const;
};

// The vocabulary of the civilization `view` was taken for. Lists keep the view's id order.
Vocabulary vocabularyFromView(const game::View& view,
                              std::span<const std::string> character_names = {});

// A name as the words a speaker says: lower case, split at anything but letters, digits and
// apostrophes ("Vega Two" -> {"vega", "two"}).
std::vector<std::string> spokenWords(std::string_view name);

}  // namespace startales::voice
