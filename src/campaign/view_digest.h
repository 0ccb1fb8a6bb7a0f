#pragma once

// What a feed keeps of the view its subscribers hold: a 64-bit hash of each part and of each
// keyed entry's fields, not the view itself (a View is ~3.3 KB per civilization in a 100-system
// game; its digest is ~0.3 KB). Advancing a digest to a new view yields the same delta as
// diffViews(held view, new view): an entry is upserted when its hash changed, which is when
// one of its fields changed (operator== on the struct), barring a 64-bit hash collision (for
// one changed entry, a chance of 2^-64 that its change is missed until it changes again).

#include <cstdint>
#include <vector>

#include "game/view.h"

namespace startales::campaign {

struct ViewDigest {
  struct Entry {
    int32_t id = game::kNone;
    uint64_t hash = 0;
    bool operator==(const Entry&) const = default;
  };
  uint64_t self = 0, market = 0, sensors = 0;
  // Sorted by id, as the view's vectors are.
  std::vector<Entry> planets, systems, foreign_planets, fleets, foreign_fleets, civs, proposals,
      events;
  bool operator==(const ViewDigest&) const = default;
};

ViewDigest digestOf(game::View view);

// The hash of each system's SystemView, by SystemId, for every feed of one campaign: systems
// are static map data (see StarSystem), so they are hashed once, on first use (and again only
// if the number of systems differs). Threading: the campaign's strand.
class SystemHashes {
 public:
  const std::vector<uint64_t>& of(const game::GameState& s);

 private:
  std::vector<uint64_t> hashes_;
};

// The delta from the view `held` digests to `now`: equal to diffViews(that view, now). Changed
// entries are moved out of `now` into the delta. Afterwards `held` == digestOf(now as it was).
game::ViewDelta advanceDigest(ViewDigest& held, game::View now);

// The same as advanceDigest(held, viewFor(s, civ)) without building the view: only new and
// changed entries are copied out of the state.
game::ViewDelta advanceDigest(ViewDigest& held, const game::GameState& s, game::CivId civ,
                              SystemHashes& systems);

}  // namespace startales::campaign
