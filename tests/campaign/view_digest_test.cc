// A feed's digest of the view its players hold (campaign/view_digest.h) must give exactly the
// deltas diffViews gives from the held view itself.

#include <gtest/gtest.h>

#include "../game/random_commands.h"
#include "campaign/view_digest.h"
#include "game/game.h"

namespace startales::campaign {
namespace {

game::GameState newCampaign(uint64_t seed, int civs) {
  game::GameConfig config;
  config.seed = seed;
  config.systems = 60;
  config.civs = civs;
  config.players = civs - 2;  // and 2 AI empires
  return game::newGame(config);
}

// Every civilization's feed, tick after tick, through wars, colonies and trades: the digest's
// delta equals diffViews' from the full held view, and the digest then equals the new view's;
// the same when the digest advances straight from the state. Systems stay as generated (the
// feeds' SystemHashes hash them once).
TEST(ViewDigest, AdvancingGivesTheDeltasOfTheFullViewOnRandomCampaigns) {
  for (uint64_t seed : {3u, 18u, 41u}) {
    game::GameState state = newCampaign(seed, 8);
    const auto civs = static_cast<game::CivId>(state.civs.size());
    std::vector<game::View> held;
    std::vector<ViewDigest> digests;
    for (game::CivId civ = 0; civ < civs; ++civ) {
      held.push_back(game::viewFor(state, civ));
      digests.push_back(digestOf(held.back()));
    }
    std::vector<ViewDigest> from_state = digests;
    SystemHashes system_hashes;
    const std::vector<game::StarSystem> generated = state.systems;
    size_t upserts = 0, removals = 0;
    for (int t = 1; t <= 150; ++t) {
      game::testing::RandomCommands gen(seed * 7919 + static_cast<uint64_t>(t));
      for (game::CivId civ = 0; civ < civs - 2; ++civ) game::submit(state, gen.next(state, civ));
      game::step(state);
      for (game::CivId civ = 0; civ < civs; ++civ) {
        const auto c = static_cast<size_t>(civ);
        game::View now = game::viewFor(state, civ);
        const game::ViewDelta expected = game::diffViews(held[c], now);
        const game::ViewDelta got = advanceDigest(digests[c], now);
        ASSERT_EQ(got, expected) << "seed " << seed << ", tick " << t << ", civ " << civ;
        EXPECT_EQ(digests[c], digestOf(now));
        ASSERT_EQ(advanceDigest(from_state[c], state, civ, system_hashes), expected)
            << "from the state: seed " << seed << ", tick " << t << ", civ " << civ;
        EXPECT_EQ(from_state[c], digests[c]);
        upserts += got.planets.upserted.size() + got.fleets.upserted.size() +
                   got.foreign_fleets.upserted.size() + got.systems.upserted.size();
        removals += got.fleets.removed.size() + got.foreign_fleets.removed.size() +
                    got.planets.removed.size();
        held[c] = std::move(now);
      }
    }
    // The campaigns changed in every way a delta can say (else the equality proves little).
    EXPECT_GT(upserts, 1000u) << "seed " << seed;
    EXPECT_GT(removals, 10u) << "seed " << seed;
    EXPECT_EQ(state.systems, generated) << "seed " << seed;
  }
}

// Each field of a nested entry counts, and values that compare equal hash equal.
TEST(ViewDigest, AnyFieldChangeIsSeenAndEqualValuesAreEqual) {
  game::GameState state = newCampaign(5, 4);
  const game::View base = game::viewFor(state, 0);
  ASSERT_FALSE(base.planets.empty());
  ViewDigest digest = digestOf(base);

  game::View queued = base;
  queued.planets[0].queue.push_back(game::QueueItem{});
  EXPECT_EQ(advanceDigest(digest, queued).planets.upserted.size(), 1u);
  game::View progressed = queued;
  progressed.planets[0].queue[0].progress = 0.5;
  EXPECT_EQ(advanceDigest(digest, progressed).planets.upserted.size(), 1u);
  game::View renamed = progressed;
  renamed.planets[0].name += "x";
  EXPECT_EQ(advanceDigest(digest, renamed).planets.upserted.size(), 1u);
  game::View unrest = renamed;
  unrest.planets[0].unrest_ticks += 1;  // not shown, but part of the entry as diffViews sees it
  unrest.planets[0].defense_hull = 0.0;
  EXPECT_EQ(advanceDigest(digest, unrest).planets.upserted.size(), 1u);

  game::View negative_zero = unrest;
  negative_zero.planets[0].defense_hull = -0.0;  // == 0.0
  EXPECT_TRUE(game::empty(advanceDigest(digest, negative_zero)));
  EXPECT_TRUE(game::empty(advanceDigest(digest, negative_zero)));

  game::View traded = negative_zero;
  traded.market.sold[1] += 1;
  traded.self.techs.push_back(2);
  const auto delta = advanceDigest(digest, traded);
  EXPECT_TRUE(delta.market.has_value());
  EXPECT_TRUE(delta.self.has_value());
  EXPECT_EQ(delta.planets.upserted.size(), 0u);
}

}  // namespace
}  // namespace startales::campaign
