// AI benchmarks: embedding a sentence with the builtin embedder; retrieving the top 8
// memories of one character (one campaign-wide scope) over 10,000 and 100,000 memories,
// exactly and through hnswlib; and the built-in dialogue engine's reply time. Results:
// docs/benchmarks.md, "AI memory" and "AI characters".

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ai/builtin_engine.h"
#include "ai/character.h"
#include "ai/embedder.h"
#include "ai/memory_index.h"
#include "game/game.h"
#include "game/view.h"

namespace startales::ai {
namespace {

std::string sentence(std::mt19937& rng) {
  static const std::vector<std::string> kTopics = {
      "The treasury collected {n} credits in taxes from {p}",
      "Science finished researching improved hydroponics on {p}",
      "A trade delegation from {p} asked for lower tariffs on {n} goods",
      "The people of {p} celebrated the harvest festival",
      "Mining output on {p} rose by {n} percent",
      "An envoy from {p} proposed a cultural exchange",
      "Construction of a spaceport on {p} is {n} percent complete",
      "Unrest in the slums of {p} calmed after new housing",
      "Pirates were sighted near the asteroid belt of {p}",
      "The academy on {p} graduated {n} new engineers",
      "Our fleet at {p} is under attack by {n} raiders",
      "The player asked me to keep {n} ships in reserve at {p}",
  };
  static const std::vector<std::string> kPlaces = {
      "Sirius", "Altair",   "Deneb", "Rigel", "Mars",   "Lyra",    "Procyon", "Kepler",
      "Vega",   "Tau Ceti", "Wolf",  "Ross",  "Gliese", "Barnard", "Castor",  "Pollux"};
  std::string s = kTopics[rng() % kTopics.size()];
  s.replace(s.find("{p}"), 3, kPlaces[rng() % kPlaces.size()]);
  if (const auto n = s.find("{n}"); n != std::string::npos) {
    s.replace(n, 3, std::to_string(rng() % 900 + 10));
  }
  return s;
}

// Resident set size of this process, in MiB (Linux).
double rssMiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

struct Fixture {
  std::unique_ptr<MemoryIndex> index;
  std::vector<std::vector<float>> queries;
  double build_seconds = 0;
  double heap_mib = 0;  // growth of the resident set while building
};

// One index per size, built once (the hnswlib graph for 100,000 memories takes a while).
Fixture& fixture(int n) {
  static std::map<int, Fixture> fixtures;
  auto it = fixtures.find(n);
  if (it != fixtures.end()) return it->second;
  BuiltinEmbedder embedder;
  MemoryConfig config;  // defaults: hnswlib from 5,000 memories per scope
  Fixture f;
  f.index = std::make_unique<MemoryIndex>(embedder.dimension(), config);
  std::mt19937 rng(1);
  const double rss_before = rssMiB();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    Memory m;
    m.id = i + 1;
    m.text = sentence(rng);
    m.tick = i / 10;
    m.importance = static_cast<int32_t>(rng() % 10) + 1;
    m.embedding = *embedder.embed(m.text);
    if (!f.index->add(std::move(m)).ok()) std::abort();
  }
  f.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  f.heap_mib = rssMiB() - rss_before;
  for (int i = 0; i < 16; ++i) f.queries.push_back(*embedder.embed(sentence(rng)));
  return fixtures.emplace(n, std::move(f)).first->second;
}

void BM_Retrieve(benchmark::State& state) {
  const auto n = static_cast<int>(state.range(0));
  const SearchMode modes[] = {SearchMode::kExact, SearchMode::kAuto, SearchMode::kApproximate};
  const SearchMode mode = modes[state.range(1)];
  Fixture& f = fixture(n);
  size_t q = 0;
  for (auto _ : state) {
    auto r = f.index->search(f.queries[q++ % f.queries.size()], n / 10, std::nullopt, 8, mode);
    benchmark::DoNotOptimize(r);
  }
  const char* labels[] = {"exact", "hnswlib, bounded", "hnswlib, one round"};
  state.SetLabel(labels[state.range(1)]);
  if (mode != SearchMode::kExact) {
    // Agreement with exact search over the benchmark's queries (1.0: identical top 8).
    int same = 0;
    int total = 0;
    for (const auto& query : f.queries) {
      const auto exact = f.index->search(query, n / 10, std::nullopt, 8, SearchMode::kExact);
      const auto approx = f.index->search(query, n / 10, std::nullopt, 8, mode);
      for (const auto& a : approx) {
        for (const auto& e : exact) same += a.memory.id == e.memory.id ? 1 : 0;
      }
      total += static_cast<int>(exact.size());
    }
    state.counters["recall_at_8"] = static_cast<double>(same) / total;
  }
  state.counters["build_s"] = f.build_seconds;
  state.counters["rss_MiB"] = f.heap_mib;
}
BENCHMARK(BM_Retrieve)
    ->ArgsProduct({{10'000, 100'000}, {0, 1, 2}})
    ->ArgNames({"memories", "mode"})
    ->Unit(benchmark::kMicrosecond);

void BM_EmbedSentence(benchmark::State& state) {
  BuiltinEmbedder embedder;
  std::mt19937 rng(2);
  std::vector<std::string> texts(64);
  for (auto& text : texts) text = sentence(rng);
  size_t i = 0;
  for (auto _ : state) {
    auto v = embedder.embed(texts[i++ % texts.size()]);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_EmbedSentence)->Unit(benchmark::kMicrosecond);

// The built-in engine's whole reply for one question: classify, read the view, compose the
// text in the character's voice and its proposals. A mid-game empire: 400 systems, 8 civs
// (civ 0 played by AI too, so it has grown), after 500 ticks. The situation (view, planner
// advice, breakdowns) is built once; the dialogue layer builds it per question too
// (BM_ViewForAdvisor measures the view part, BM_SituationForAdvisor all of it).
struct GameFixture {
  game::GameState state;
  std::vector<Character> cast;
  Situation situation;
  GameFixture() {
    game::GameConfig config;
    config.seed = 7;
    config.systems = 400;
    config.civs = 8;
    state = game::newGame(config);
    for (int t = 0; t < 500; ++t) game::step(state);
    cast = generateCast(state, 1);
    situation = situationFor(state, 0);
  }
};
GameFixture& gameFixture() {
  static GameFixture f;
  return f;
}

void BM_BuiltinReply(benchmark::State& state) {
  static const std::vector<std::string> kQuestions = {
      "How are our finances?", "Are we under attack?", "What should we research next?",
      "How are relations with our neighbours?", "Are the people happy?", "Who is the strongest rival?"};
  auto& f = gameFixture();
  size_t i = 0, chars = 0;
  for (auto _ : state) {
    const Character& advisor = f.cast[i % kCabinetSize];  // civ 0's cabinet comes first
    Reply r = builtinReply(advisor, f.situation, kQuestions[i % kQuestions.size()]);
    chars += r.text.size();
    benchmark::DoNotOptimize(r);
    ++i;
  }
  state.counters["chars_per_reply"] = static_cast<double>(chars) / static_cast<double>(i);
}
BENCHMARK(BM_BuiltinReply)->Unit(benchmark::kMicrosecond);

void BM_SituationForAdvisor(benchmark::State& state) {
  auto& f = gameFixture();
  for (auto _ : state) benchmark::DoNotOptimize(situationFor(f.state, 0));
}
BENCHMARK(BM_SituationForAdvisor)->Unit(benchmark::kMicrosecond);

void BM_ViewForAdvisor(benchmark::State& state) {
  auto& f = gameFixture();
  for (auto _ : state) benchmark::DoNotOptimize(game::viewFor(f.state, 0));
}
BENCHMARK(BM_ViewForAdvisor)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace startales::ai
