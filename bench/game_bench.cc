// Micro-benchmarks of the game simulation: one tick (step), galaxy generation (newGame),
// snapshots (serialize, deserialize, stateHash), fog-of-war views (viewFor, diffViews), and the
// heap a campaign holds. Sizes: 100, 1,000 and 5,000 systems with 8 and 32 civilizations
// (a 100-system galaxy holds at most 20 civs, so it runs with 8 and 20).
//
// Tick, snapshot and view timings are taken on a mid-game state: newGame() plus 300 ticks of
// AI play, made once per size (outside any timed loop) and shared by the benchmarks.

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <new>
#include <tuple>
#include <utility>

#include "game/game.h"
#include "game/serialize.h"
#include "game/view.h"

// ---- allocation counting ------------------------------------------------------------------
// Every operator new in this executable goes through here; a 16-byte header remembers the size
// so operator delete can subtract it. Live bytes before and after building a campaign give the
// heap one campaign holds.

namespace {

std::atomic<int64_t> g_live_bytes{0};
std::atomic<int64_t> g_allocated_bytes{0};

constexpr size_t kHeader = 16;  // keeps the default new alignment (16)

void* countedNew(size_t n) {
  void* block = std::malloc(n + kHeader);
  if (block == nullptr) return nullptr;
  *static_cast<size_t*>(block) = n;
  g_live_bytes.fetch_add(static_cast<int64_t>(n), std::memory_order_relaxed);
  g_allocated_bytes.fetch_add(static_cast<int64_t>(n), std::memory_order_relaxed);
  return static_cast<char*>(block) + kHeader;
}

void countedDelete(void* p) noexcept {
  if (p == nullptr) return;
  void* block = static_cast<char*>(p) - kHeader;
  g_live_bytes.fetch_sub(static_cast<int64_t>(*static_cast<size_t*>(block)),
                         std::memory_order_relaxed);
  std::free(block);
}

void* throwingNew(size_t n) {
  void* p = countedNew(n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(size_t n) { return throwingNew(n); }
void* operator new[](size_t n) { return throwingNew(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return countedNew(n); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return countedNew(n); }
void operator delete(void* p) noexcept { countedDelete(p); }
void operator delete[](void* p) noexcept { countedDelete(p); }
void operator delete(void* p, size_t) noexcept { countedDelete(p); }
void operator delete[](void* p, size_t) noexcept { countedDelete(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { countedDelete(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { countedDelete(p); }

namespace startales::game {
namespace {

constexpr int kWarmupTicks = 300;

struct Campaign {
  GameState state;
  int64_t heap_bytes = 0;       // live heap held by the campaign after the warm-up
  int64_t allocated_bytes = 0;  // everything allocated while building it (churn included)
};

// The state after `ticks` ticks for a size, built on first use and kept for the process's lifetime.
const Campaign& campaign(int systems, int civs, int ticks = kWarmupTicks) {
  static std::map<std::tuple<int, int, int>, std::unique_ptr<Campaign>> cache;
  auto& slot = cache[{systems, civs, ticks}];
  if (slot) return *slot;
  // Function-local statics the game allocates on first use must not count as campaign memory.
  static const bool warmed = [] {
    GameConfig small;
    small.systems = 20;
    small.civs = 2;
    GameState s = newGame(small);
    step(s);
    benchmark::DoNotOptimize(viewFor(s, 0));
    return true;
  }();
  benchmark::DoNotOptimize(warmed);
  const int64_t live_before = g_live_bytes.load();
  const int64_t allocated_before = g_allocated_bytes.load();
  auto c = std::make_unique<Campaign>();
  GameConfig config;
  config.seed = 2024;
  config.systems = systems;
  config.civs = civs;
  c->state = newGame(config);
  for (int t = 0; t < ticks; ++t) step(c->state);  // notices dropped at once
  c->heap_bytes = g_live_bytes.load() - live_before;
  c->allocated_bytes = g_allocated_bytes.load() - allocated_before;
  slot = std::move(c);
  return *slot;
}

int systemsArg(const benchmark::State& st) { return static_cast<int>(st.range(0)); }
int civsArg(const benchmark::State& st) { return static_cast<int>(st.range(1)); }

void sizes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"systems", "civs"});
  for (auto [systems, civs] :
       {std::pair{100, 8}, {100, 20}, {1000, 8}, {1000, 32}, {5000, 8}, {5000, 32}}) {
    b->Args({systems, civs});
  }
}

// One tick of a mid-game campaign. Each iteration steps a working copy that goes back to the
// tick-300 state every kStepWindow ticks (timer paused for the copy): copying a state per
// iteration would cost as much as the tick itself, while stepping one copy for as many
// iterations as the benchmark wants (thousands: a tick takes well under a millisecond) would
// measure a much later game than the one prepared. So every timed tick is one of the 100 ticks
// after the prepared state.
constexpr int kStepWindow = 100;

void stepFrom(benchmark::State& st, const GameState& start) {
  GameState s = start;
  int stepped = 0;
  for (auto _ : st) {
    if (stepped == kStepWindow) {
      st.PauseTiming();
      s = start;
      stepped = 0;
      st.ResumeTiming();
    }
    auto notices = step(s);
    benchmark::DoNotOptimize(notices);
    stepped++;
  }
  st.counters["fleets"] = static_cast<double>(start.fleets.size());
  int64_t planets = 0;
  for (const auto& owned : start.civ_planets) planets += static_cast<int64_t>(owned.size());
  st.counters["owned_planets"] = static_cast<double>(planets);
}
void BM_Step(benchmark::State& st) { stepFrom(st, campaign(systemsArg(st), civsArg(st)).state); }
BENCHMARK(BM_Step)->Apply(sizes)->Unit(benchmark::kMillisecond);

// The same late in a campaign (after 2,000 ticks, the length of a `startales sim` balance run),
// when empires are many times larger than at tick 300.
void BM_StepLateGame(benchmark::State& st) {
  stepFrom(st, campaign(systemsArg(st), civsArg(st), 2000).state);
}
BENCHMARK(BM_StepLateGame)
    ->ArgNames({"systems", "civs"})
    ->Args({400, 8})
    ->Args({1000, 32})
    ->Args({5000, 32})
    ->Unit(benchmark::kMillisecond);

void BM_NewGame(benchmark::State& st) {
  GameConfig config;
  config.seed = 2024;
  config.systems = systemsArg(st);
  config.civs = civsArg(st);
  for (auto _ : st) {
    GameState s = newGame(config);
    benchmark::DoNotOptimize(s);
  }
  // What was generated (after the timed loop): lanes (each listed by both ends) and planets.
  const GameState s = newGame(config);
  size_t lane_ends = 0;
  for (const StarSystem& sys : s.systems) lane_ends += sys.lanes.size();
  st.counters["lanes"] = static_cast<double>(lane_ends / 2);
  st.counters["planets"] = static_cast<double>(s.planets.size());
}
BENCHMARK(BM_NewGame)->Apply(sizes)->Unit(benchmark::kMillisecond);

void BM_Serialize(benchmark::State& st) {
  const GameState& s = campaign(systemsArg(st), civsArg(st)).state;
  size_t bytes = 0;
  for (auto _ : st) {
    std::string snapshot = serialize(s);
    bytes = snapshot.size();
    benchmark::DoNotOptimize(snapshot);
  }
  st.counters["snapshot_bytes"] = static_cast<double>(bytes);
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * bytes));
}
BENCHMARK(BM_Serialize)->Apply(sizes)->Unit(benchmark::kMicrosecond);

void BM_Deserialize(benchmark::State& st) {
  const std::string snapshot = serialize(campaign(systemsArg(st), civsArg(st)).state);
  for (auto _ : st) {
    GameState out;
    std::string error;
    if (!deserialize(snapshot, out, error)) {
      st.SkipWithError(error.c_str());
      break;
    }
    benchmark::DoNotOptimize(out);
  }
  st.counters["snapshot_bytes"] = static_cast<double>(snapshot.size());
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * snapshot.size()));
}
BENCHMARK(BM_Deserialize)->Apply(sizes)->Unit(benchmark::kMicrosecond);

void BM_StateHash(benchmark::State& st) {
  const GameState& s = campaign(systemsArg(st), civsArg(st)).state;
  for (auto _ : st) benchmark::DoNotOptimize(stateHash(s));
}
BENCHMARK(BM_StateHash)->Apply(sizes)->Unit(benchmark::kMicrosecond);

// The view of civ 0 (what a player's client receives in full on joining).
void BM_ViewFor(benchmark::State& st) {
  const GameState& s = campaign(systemsArg(st), civsArg(st)).state;
  size_t systems = 0;
  for (auto _ : st) {
    View v = viewFor(s, 0);
    systems = v.systems.size();
    benchmark::DoNotOptimize(v);
  }
  st.counters["visible_systems"] = static_cast<double>(systems);
}
BENCHMARK(BM_ViewFor)->Apply(sizes)->Unit(benchmark::kMicrosecond);

// The per-tick update a player's client receives: civ 0's view before and after one tick.
void BM_DiffViews(benchmark::State& st) {
  GameState s = campaign(systemsArg(st), civsArg(st)).state;
  const View before = viewFor(s, 0);
  step(s);
  const View after = viewFor(s, 0);
  for (auto _ : st) {
    ViewDelta d = diffViews(before, after);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_DiffViews)->Apply(sizes)->Unit(benchmark::kMicrosecond);

// Memory per campaign: the live heap one campaign holds after newGame() and 300 ticks (counted
// by this executable's operator new), next to its snapshot size. The timed part is nothing;
// the counters are the result.
void BM_CampaignMemory(benchmark::State& st) {
  const Campaign& c = campaign(systemsArg(st), civsArg(st));
  for (auto _ : st) benchmark::DoNotOptimize(c.heap_bytes);
  st.counters["heap_bytes"] = static_cast<double>(c.heap_bytes);
  st.counters["heap_bytes_per_system"] = static_cast<double>(c.heap_bytes) / systemsArg(st);
  st.counters["allocated_bytes_300_ticks"] = static_cast<double>(c.allocated_bytes);
  st.counters["snapshot_bytes"] = static_cast<double>(serialize(c.state).size());
}
BENCHMARK(BM_CampaignMemory)->Apply(sizes)->Iterations(1);

}  // namespace
}  // namespace startales::game
