// What one campaign's tick costs the simulation thread in issue 4's load scenario (100
// systems, 10 players, no AI empires, every player subscribed): the game step, then for each
// civilization its fog-of-war view, the delta against its previous view and that delta as
// the JSON message its players get (advanceFeed). 1,000 such campaigns at one tick a second
// spend 1,000 × this per second.

#include <benchmark/benchmark.h>
#include <boost/json.hpp>

#include <string>
#include <vector>

#include "campaign/view_codec.h"
#include "game/game.h"
#include "game/view.h"

namespace startales::campaign {
namespace {

game::GameState loadScenario(int systems, int players, int ticks) {
  game::GameConfig config;
  config.seed = 7;
  config.systems = systems;
  config.players = players;
  config.civs = players;
  game::GameState s = game::newGame(config);
  for (int i = 0; i < ticks; ++i) game::step(s);
  return s;
}

void BM_CampaignTick(benchmark::State& st) {
  const int players = static_cast<int>(st.range(1));
  game::GameState s = loadScenario(static_cast<int>(st.range(0)), players, 30);
  std::vector<ViewDigest> last;
  for (int c = 0; c < players; ++c) last.push_back(digestOf(game::viewFor(s, c)));
  size_t bytes = 0;
  std::string scratch;
  SystemHashes systems;
  for (auto _ : st) {
    game::step(s);
    // What CampaignRuntime::publish does: the market's text once, then each civilization's feed.
    const std::string market = marketJson(s.market);
    for (int c = 0; c < players; ++c) {
      const auto message = advanceFeed(last[c], s, c, systems, 1, market, scratch);
      bytes += message->size();
      benchmark::DoNotOptimize(message);
    }
  }
  st.counters["delta_bytes"] =
      benchmark::Counter(static_cast<double>(bytes) / static_cast<double>(st.iterations() * players));
}
BENCHMARK(BM_CampaignTick)->ArgNames({"systems", "players"})->Args({100, 10})->Unit(benchmark::kMicrosecond);

// Advancing every civilization's digest by one tick (two states a tick apart, in turn), from
// the built view (variant 0: advanceDigest(held, viewFor(...)), the way before session 15)
// or straight from the state (1: what advanceFeed does).
void BM_FeedDigest(benchmark::State& st) {
  const bool from_state = st.range(0) == 1;
  game::GameState a = loadScenario(100, 10, 30);
  game::GameState b = a;
  game::step(b);
  std::vector<ViewDigest> held;
  for (int c = 0; c < 10; ++c) held.push_back(digestOf(game::viewFor(a, c)));
  SystemHashes systems;
  size_t upserts = 0;
  for (auto _ : st) {
    for (const game::GameState* s : {&b, &a}) {
      for (int c = 0; c < 10; ++c) {
        const game::ViewDelta d = from_state ? advanceDigest(held[c], *s, c, systems)
                                             : advanceDigest(held[c], game::viewFor(*s, c));
        upserts += d.planets.upserted.size() + d.civs.upserted.size();
      }
    }
  }
  st.counters["upserts_per_civ_tick"] =
      benchmark::Counter(static_cast<double>(upserts) / static_cast<double>(st.iterations() * 20));
}
BENCHMARK(BM_FeedDigest)->ArgName("from_state")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// The parts of it, per civilization.
void BM_TickStepOnly(benchmark::State& st) {
  game::GameState s = loadScenario(100, 10, 30);
  for (auto _ : st) benchmark::DoNotOptimize(game::step(s));
}
BENCHMARK(BM_TickStepOnly)->Unit(benchmark::kMicrosecond);

void BM_TickViewFor(benchmark::State& st) {
  const game::GameState s = loadScenario(100, 10, 30);
  for (auto _ : st) benchmark::DoNotOptimize(game::viewFor(s, 3));
}
BENCHMARK(BM_TickViewFor)->Unit(benchmark::kMicrosecond);

void BM_TickDiff(benchmark::State& st) {
  game::GameState s = loadScenario(100, 10, 30);
  const game::View before = game::viewFor(s, 3);
  game::step(s);
  const game::View after = game::viewFor(s, 3);
  for (auto _ : st) benchmark::DoNotOptimize(game::diffViews(before, after));
}
BENCHMARK(BM_TickDiff)->Unit(benchmark::kMicrosecond);

void BM_TickDeltaJson(benchmark::State& st) {
  game::GameState s = loadScenario(100, 10, 30);
  const game::View before = game::viewFor(s, 3);
  game::step(s);
  const auto delta = game::diffViews(before, game::viewFor(s, 3));
  for (auto _ : st) benchmark::DoNotOptimize(deltaText(delta));
}
BENCHMARK(BM_TickDeltaJson)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace startales::campaign
