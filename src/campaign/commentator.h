#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "game/game.h"

namespace startales::campaign {

// Speaks up about what happened in a tick (the cabinet's remarks, the game master's
// narration). Called on the campaign strand after every tick that has notices; must not
// block (hand slow work to a pool). Each returned message goes to the subscribers of its
// civilization (kNone: everyone).
class Commentator {
 public:
  struct Message {
    game::CivId civ = game::kNone;
    std::string json;  // a whole message ({"type":...})
  };
  virtual ~Commentator() = default;
  virtual std::vector<Message> comment(int64_t campaign, const game::GameState& state,
                                       const std::vector<game::Notice>& notices) = 0;
};

}  // namespace startales::campaign
