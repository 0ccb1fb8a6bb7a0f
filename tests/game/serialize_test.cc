#include "game/serialize.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "game/game.h"
#include "game/view.h"
#include "test_state.h"

namespace startales::game {
namespace {

using testing::smallState;

// Checks a state that deserialize() accepted: it re-serializes to the same bytes (the format
// is canonical), its derived members are built, and a view can be built from it.
void expectUsable(const GameState& s, const std::string& bytes, CivId viewer) {
  ASSERT_EQ(serialize(s), bytes);
  ASSERT_EQ(s.civ_planets.size(), s.civs.size());
  if (!s.civs.empty()) (void)viewFor(s, viewer % static_cast<CivId>(s.civs.size()));
}

TEST(Serialize, RoundTripIsIdentical) {
  const GameState s = smallState();
  const std::string bytes = serialize(s);
  ASSERT_EQ(bytes.substr(0, 4), "STGS");
  ASSERT_EQ(bytes.substr(4, 4), std::string("\x01\x00\x00\x00", 4));

  GameState back;
  std::string error;
  ASSERT_TRUE(deserialize(bytes, back, error)) << error;
  EXPECT_EQ(serialize(back), bytes);
  EXPECT_EQ(stateHash(back), stateHash(s));
  // Spot checks that the values, not just the bytes, came back.
  EXPECT_EQ(back.config, s.config);
  EXPECT_EQ(back.rng, s.rng);
  EXPECT_EQ(back.systems, s.systems);
  EXPECT_EQ(back.planets, s.planets);
  EXPECT_EQ(back.civs, s.civs);
  EXPECT_EQ(back.fleets, s.fleets);
  EXPECT_EQ(back.relations, s.relations);
  EXPECT_EQ(back.proposals, s.proposals);
  EXPECT_EQ(back.events, s.events);
  EXPECT_EQ(back.market, s.market);
  EXPECT_EQ(back.counters, s.counters);
  EXPECT_EQ(back.battles, s.battles);
  EXPECT_EQ(back.pending, s.pending);
  EXPECT_EQ(back.next_seq, s.next_seq);
  EXPECT_EQ(back.civ_planets, s.civ_planets);  // rebuilt
}

TEST(Serialize, RestoredRngDrawsTheSameNumbers) {
  GameState s = smallState();
  GameState back;
  std::string error;
  ASSERT_TRUE(deserialize(serialize(s), back, error)) << error;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(back.rng.next(), s.rng.next());
}

TEST(Serialize, DoublesAreBitExact) {
  GameState s = smallState();
  s.planets[0].population = 0.1 + 0.2;  // not 0.3
  s.civs[0].stock[0] = -0.0;
  s.market.price[0] = 5e-324;  // denormal
  GameState back;
  std::string error;
  ASSERT_TRUE(deserialize(serialize(s), back, error)) << error;
  EXPECT_EQ(std::bit_cast<uint64_t>(back.planets[0].population),
            std::bit_cast<uint64_t>(s.planets[0].population));
  EXPECT_TRUE(std::signbit(back.civs[0].stock[0]));
  EXPECT_EQ(back.market.price[0], 5e-324);
}

TEST(Serialize, EveryTruncationIsRejected) {
  const std::string bytes = serialize(testing::tinyState());
  GameState out;
  for (size_t len = 0; len < bytes.size(); ++len) {
    std::string error;
    ASSERT_FALSE(deserialize(std::string_view(bytes).substr(0, len), out, error)) << len;
    ASSERT_NE(error.find("truncated at byte " + std::to_string(len)), std::string::npos) << error;
  }
  std::string error;
  EXPECT_FALSE(deserialize(serialize(smallState()).substr(0, 100), out, error));
  EXPECT_EQ(error, "snapshot truncated at byte 100 while reading systems");
}

TEST(Serialize, TrailingBytesAreRejected) {
  GameState out;
  std::string error;
  EXPECT_FALSE(deserialize(serialize(smallState()) + "x", out, error));
  EXPECT_NE(error.find("1 unexpected bytes"), std::string::npos) << error;
}

TEST(Serialize, WrongMagicAndVersionAreRejected) {
  std::string bytes = serialize(smallState());
  GameState out;
  std::string error;
  std::string bad = bytes;
  bad[0] = 'X';
  EXPECT_FALSE(deserialize(bad, out, error));
  EXPECT_NE(error.find("not a StarTales snapshot"), std::string::npos) << error;

  bad = bytes;
  bad[4] = 7;
  EXPECT_FALSE(deserialize(bad, out, error));
  EXPECT_EQ(error.substr(0, 30), "unsupported snapshot version 7");

  EXPECT_FALSE(deserialize("", out, error));
  EXPECT_FALSE(deserialize("STGS", out, error));
}

TEST(Serialize, FailureLeavesTheTargetUntouched) {
  GameState out = smallState();
  const std::string before = serialize(out);
  std::string error;
  EXPECT_FALSE(deserialize("STGS\x01\x00\x00\x00garbage", out, error));
  EXPECT_EQ(serialize(out), before);
}

// Corrupting any byte either fails cleanly or gives a consistent, different state.
TEST(Serialize, ByteFlipsAreRejectedOrValid) {
  const GameState s = testing::tinyState();
  const std::string bytes = serialize(s);
  const uint64_t hash = stateHash(s);
  Rng rng(77);
  int accepted = 0;
  for (size_t pos = 0; pos < bytes.size(); ++pos) {
    // Low bit, high bit, or a random other value, in turn.
    const unsigned mask = pos % 3 == 0 ? 0x01u : pos % 3 == 1 ? 0x80u : 1 + rng.below(255);
    std::string bad = bytes;
    bad[pos] = static_cast<char>(bad[pos] ^ mask);
    GameState out;
    std::string error;
    if (!deserialize(bad, out, error)) {
      ASSERT_FALSE(error.empty());
      continue;
    }
    ++accepted;
    expectUsable(out, bad, static_cast<CivId>(pos));
    ASSERT_NE(hashBytes(bad), hash) << pos;
  }
  EXPECT_GT(accepted, 0);
}

TEST(Serialize, RandomCorruptionNeverCrashes) {
  const std::string bytes = serialize(smallState());
  Rng rng(2024);
  for (int round = 0; round < 1000; ++round) {
    std::string bad = bytes;
    const int edits = 1 + static_cast<int>(rng.below(8));
    for (int e = 0; e < edits; ++e) {
      const size_t pos = rng.below(static_cast<uint32_t>(bad.size()));
      switch (rng.below(4)) {
        case 0:  // random byte
          bad[pos] = static_cast<char>(rng.below(256));
          break;
        case 1:  // a huge length or id
          for (size_t k = pos; k < pos + 4 && k < bad.size(); ++k) bad[k] = '\xff';
          break;
        case 2:  // cut
          bad.resize(pos);
          break;
        default:  // splice in a copy of another part
          bad.insert(pos, bytes.substr(rng.below(static_cast<uint32_t>(bytes.size())), 9));
      }
      if (bad.empty()) break;
    }
    GameState out;
    std::string error;
    if (deserialize(bad, out, error)) expectUsable(out, bad, round);
  }
}

TEST(Serialize, HostileLengthsAreBounded) {
  // A header and a config whose name list claims four billion entries.
  std::string bytes("STGS\x01\x00\x00\x00", 8);
  bytes += std::string(8 + 4 * 3, '\0');  // seed, systems, civs, players
  bytes += "\xff\xff\xff\xff";
  GameState out;
  std::string error;
  EXPECT_FALSE(deserialize(bytes, out, error));
  EXPECT_NE(error.find("exceeds the data left"), std::string::npos) << error;
}

TEST(Serialize, IdsOutOfRangeAreRejected) {
  const auto rejects = [](const std::function<void(GameState&)>& corrupt) {
    GameState s = smallState();
    corrupt(s);
    GameState out;
    std::string error;
    const bool ok = deserialize(serialize(s), out, error);
    return !ok && error.starts_with("invalid snapshot");
  };
  EXPECT_TRUE(rejects([](GameState& s) { s.planets[3].system = 8; }));
  EXPECT_TRUE(rejects([](GameState& s) { s.planets[3].owner = 3; }));
  EXPECT_TRUE(rejects([](GameState& s) { s.systems[2].lanes[0].to = -1; }));
  EXPECT_TRUE(rejects([](GameState& s) { s.systems[2].planets.push_back(99); }));
  EXPECT_TRUE(rejects([](GameState& s) { s.fleets[0].owner = 5; }));
  EXPECT_TRUE(rejects([](GameState& s) { s.fleets[1].next = 8; }));
  EXPECT_TRUE(rejects([](GameState& s) { s.fleets[1].route.push_back(100); }));
  EXPECT_TRUE(rejects([](GameState& s) { std::swap(s.fleets[0], s.fleets[1]); }));
  EXPECT_TRUE(rejects([](GameState& s) { s.next_fleet = 2; }));
  EXPECT_TRUE(rejects([](GameState& s) { s.civs[1].explored.pop_back(); }));
  EXPECT_TRUE(rejects([](GameState& s) { s.civs[1].techs.push_back(true); }));
  EXPECT_TRUE(rejects([](GameState& s) { s.civs[1].researching = kTechCount; }));
  EXPECT_TRUE(rejects([](GameState& s) { s.relations.pop_back(); }));
  EXPECT_TRUE(rejects([](GameState& s) { s.battles.push_back(8); }));
  EXPECT_TRUE(rejects([](GameState& s) { s.proposals[0].to = 9; }));
  EXPECT_TRUE(rejects([](GameState& s) { s.events[0].planet = 9; }));
  EXPECT_TRUE(rejects([](GameState& s) { s.pending[0].command.civ = kPirates; }));
  EXPECT_TRUE(rejects([](GameState& s) { s.planets[0].queue[0].type = kBuildingCount; }));
  EXPECT_TRUE(rejects([](GameState& s) { s.config.civs = 4; }));
}

TEST(Serialize, InvalidEnumsAreRejected) {
  GameState s = smallState();
  s.planets[4].type = static_cast<PlanetType>(kPlanetTypeCount);
  GameState out;
  std::string error;
  EXPECT_FALSE(deserialize(serialize(s), out, error));
  EXPECT_NE(error.find("invalid enum value 7"), std::string::npos) << error;
  EXPECT_NE(error.find("while reading planets"), std::string::npos) << error;
}

// ---- the hash ----------------------------------------------------------------------------

TEST(StateHash, IsXxHash64) {
  EXPECT_EQ(hashBytes(""), 0xEF46DB3751D8E999ULL);
  EXPECT_EQ(hashBytes("a"), 0xD24EC4F1A98C6E5BULL);
  EXPECT_EQ(hashBytes("abc"), 0x44BC2CF5AD770999ULL);
  EXPECT_EQ(hashBytes("abcdefghijklmnopqrstuvwxyz12345"), 0x467605901B01D6F6ULL);
  EXPECT_EQ(hashBytes("The quick brown fox jumps over the lazy dog"), 0x0B242D361FDA71BCULL);
  EXPECT_EQ(hashBytes("Nobody inspects the spammish repetition"), 0xFBCEA83C8A378BF1ULL);
}

template <class A>
A& firstAction(GameState& s) {
  for (QueuedCommand& q : s.pending) {
    if (auto* a = std::get_if<A>(&q.command.action)) return *a;
  }
  throw std::logic_error("no such pending command");
}

TEST(StateHash, ChangesWithEveryField) {
  using M = std::function<void(GameState&)>;
#define MUTATION(expr)                 \
  {                                    \
#expr, [](GameState & s) { expr; } \
  }
  const std::vector<std::pair<const char*, M>> mutations = {
      MUTATION(s.config.seed++),
      MUTATION(s.config.systems++),
      MUTATION(s.config.civs++),
      MUTATION(s.config.players++),
      MUTATION(s.config.player_names[0] = "Bo"),
      MUTATION(s.config.player_names.emplace_back()),
      MUTATION(s.tick++),
      MUTATION(s.rng.next()),
      MUTATION(s.systems[3].id++),
      MUTATION(s.systems[3].name += "a"),
      MUTATION(s.systems[3].x += 1e-9),
      MUTATION(s.systems[3].y = -s.systems[3].y - 1),
      MUTATION(s.systems[3].planets.push_back(1)),
      MUTATION(s.systems[3].lanes[0].to++),
      MUTATION(s.systems[3].lanes[0].length++),
      MUTATION(s.planets[0].id++),
      MUTATION(s.planets[0].system++),
      MUTATION(s.planets[0].name = "Vega Prime"),
      MUTATION(s.planets[0].type = PlanetType::kIce),
      MUTATION(s.planets[0].size++),
      MUTATION(s.planets[0].habitability++),
      MUTATION(s.planets[0].deposits[3]++),
      MUTATION(s.planets[0].owner = kNone),
      MUTATION(s.planets[0].population += 1e-12),
      MUTATION(s.planets[0].unrest++),
      MUTATION(s.planets[0].unrest_ticks++),
      MUTATION(s.planets[0].buildings[kBuildingCount - 1]++),
      MUTATION(s.planets[0].queue[0].is_ship = true),
      MUTATION(s.planets[0].queue[0].type++),
      MUTATION(s.planets[0].queue[0].progress++),
      MUTATION(s.planets[0].queue[0].paid = false),
      MUTATION(s.planets[0].queue[0].blocked = BlockReason::kRevolt),
      MUTATION(s.planets[0].queue[0].short_of = Resource::kExotics),
      MUTATION(s.planets[0].queue[0].need++),
      MUTATION(s.planets[0].queue[0].have++),
      MUTATION(s.planets[0].queue.pop_back()),
      MUTATION(s.planets[0].defense_hull++),
      MUTATION(s.planets[0].blockaded = true),
      MUTATION(s.planets[0].capital = false),
      MUTATION(s.civs[1].id++),
      MUTATION(s.civs[1].name += "s"),
      MUTATION(s.civs[1].adjective += "s"),
      MUTATION(s.civs[1].color++),
      MUTATION(s.civs[1].ai = false),
      MUTATION(s.civs[1].alive = false),
      MUTATION(s.civs[1].destroyed_by = 2),
      MUTATION(s.civs[1].capital = 6),
      MUTATION(s.civs[1].stock[4]++),
      MUTATION(s.civs[1].influence++),
      MUTATION(s.civs[1].policies.tax_rate++),
      MUTATION(s.civs[1].policies.budget[3]++),
      MUTATION(s.civs[1].policies.tariff++),
      MUTATION(s.civs[1].personality.aggression = 0.9),
      MUTATION(s.civs[1].personality.expansion = 0.9),
      MUTATION(s.civs[1].personality.commerce = 0.9),
      MUTATION(s.civs[1].personality.science = 0.9),
      MUTATION(s.civs[1].researching = kNone),
      MUTATION(s.civs[1].research_progress++),
      MUTATION(s.civs[1].techs[kTechCount - 1] = true),
      MUTATION(s.civs[1].explored[7] = true),
      MUTATION(s.civs[1].war_weariness++),
      MUTATION(s.civs[1].shortage[2]++),
      MUTATION(s.civs[1].income[0]--),
      MUTATION(s.civs[1].research_rate++),
      MUTATION(s.civs[1].explored_count++),
      MUTATION(s.civs[1].events_resolved++),
      MUTATION(s.civs[1].battles_won++),
      MUTATION(s.civs[1].colonies_founded++),
      MUTATION(s.civs[1].trades++),
      MUTATION(s.civs[1].score.empire++),
      MUTATION(s.civs[1].score.discovery++),
      MUTATION(s.civs[1].score.story++),
      MUTATION(s.civs[1].score.social++),
      MUTATION(s.fleets[1].id++),
      MUTATION(s.fleets[1].owner = kPirates),
      MUTATION(s.fleets[1].name += "!"),
      MUTATION(s.fleets[1].at++),
      MUTATION(s.fleets[1].next = kNone),
      MUTATION(s.fleets[1].progress++),
      MUTATION(s.fleets[1].travel++),
      MUTATION(s.fleets[1].route.pop_back()),
      MUTATION(s.fleets[1].ships[kShipClassCount - 1]++),
      MUTATION(s.fleets[1].damage++),
      MUTATION(s.fleets[1].expires++),
      MUTATION(s.fleets.pop_back()),
      MUTATION(s.relations[1].score++),
      MUTATION(s.relations[1].treaty = Treaty::kAlliance),
      MUTATION(s.relations[1].since++),
      MUTATION(s.proposals[0].id++),
      MUTATION(s.proposals[0].from++),
      MUTATION(s.proposals[0].to++),
      MUTATION(s.proposals[0].treaty = Treaty::kAlliance),
      MUTATION(s.proposals[0].expires++),
      MUTATION(s.events[0].id++),
      MUTATION(s.events[0].civ++),
      MUTATION(s.events[0].kind = EventKind::kRefugees),
      MUTATION(s.events[0].planet++),
      MUTATION(s.events[0].magnitude++),
      MUTATION(s.events[0].expires++),
      MUTATION(s.market.price[3]++),
      MUTATION(s.market.bought[0]++),
      MUTATION(s.market.sold[2]++),
      MUTATION(s.counters.colonies_founded++),
      MUTATION(s.counters.trades++),
      MUTATION(s.counters.wars++),
      MUTATION(s.counters.peace_treaties++),
      MUTATION(s.counters.trade_pacts++),
      MUTATION(s.counters.alliances++),
      MUTATION(s.counters.battles++),
      MUTATION(s.counters.invasions++),
      MUTATION(s.counters.revolts++),
      MUTATION(s.counters.events++),
      MUTATION(s.counters.ships_built++),
      MUTATION(s.counters.buildings_built++),
      MUTATION(s.counters.techs_researched++),
      MUTATION(s.counters.civs_destroyed++),
      MUTATION(s.counters.commands_applied++),
      MUTATION(s.counters.commands_failed++),
      MUTATION(s.battles.push_back(7)),
      MUTATION(s.battles.clear()),
      MUTATION(s.pending[0].seq++),
      MUTATION(s.pending[0].command.civ++),
      MUTATION(s.pending[0].command.action = DeclareWar{1}),
      MUTATION(firstAction<Build>(s).planet++),
      MUTATION(firstAction<Build>(s).building = Building::kHabitat),
      MUTATION(firstAction<CancelBuild>(s).planet++),
      MUTATION(firstAction<CancelBuild>(s).index++),
      MUTATION(firstAction<BuildShip>(s).planet++),
      MUTATION(firstAction<BuildShip>(s).ship = ShipClass::kCruiser),
      MUTATION(firstAction<BuildShip>(s).count++),
      MUTATION(firstAction<SetPolicy>(s).tax_rate = 31),
      MUTATION(firstAction<SetPolicy>(s).tax_rate.reset()),
      MUTATION((*firstAction<SetPolicy>(s).budget)[0]++),
      MUTATION(firstAction<SetPolicy>(s).tariff = 0),
      MUTATION(firstAction<Research>(s).tech++),
      MUTATION(firstAction<MoveFleet>(s).fleet++),
      MUTATION(firstAction<MoveFleet>(s).to++),
      MUTATION(firstAction<SplitFleet>(s).fleet++),
      MUTATION(firstAction<SplitFleet>(s).ships[5]++),
      MUTATION(firstAction<MergeFleets>(s).fleet++),
      MUTATION(firstAction<MergeFleets>(s).into++),
      MUTATION(firstAction<Colonize>(s).fleet++),
      MUTATION(firstAction<Colonize>(s).planet++),
      MUTATION(firstAction<Invade>(s).fleet++),
      MUTATION(firstAction<Invade>(s).planet++),
      MUTATION(firstAction<Trade>(s).resource = Resource::kEnergy),
      MUTATION(firstAction<Trade>(s).amount++),
      MUTATION(firstAction<ProposeTreaty>(s).to++),
      MUTATION(firstAction<ProposeTreaty>(s).treaty = Treaty::kPeace),
      MUTATION(firstAction<RespondTreaty>(s).proposal++),
      MUTATION(firstAction<RespondTreaty>(s).accept = false),
      MUTATION(firstAction<DeclareWar>(s).target++),
      MUTATION(firstAction<ChooseEventOption>(s).event++),
      MUTATION(firstAction<ChooseEventOption>(s).option++),
      MUTATION(s.next_seq++),
      MUTATION(s.next_fleet++),
      MUTATION(s.next_proposal++),
      MUTATION(s.next_event++),
  };
#undef MUTATION
  const GameState base = smallState();
  const uint64_t hash = stateHash(base);
  for (const auto& [name, mutate] : mutations) {
    GameState s = base;
    mutate(s);
    EXPECT_NE(stateHash(s), hash) << name;
  }
  // Derived members are not part of the hash.
  GameState s = base;
  s.civ_planets.clear();
  EXPECT_EQ(stateHash(s), hash);
}

// ---- a reminder that serialize.cc lists every member -------------------------------------

// Counts an aggregate's members: the most braced initializers it accepts.
struct AnyField {
  template <class T>
  operator T() const;  // NOLINT(google-explicit-constructor): never called, only probed
};
template <class T, class... Fields>
constexpr size_t memberCount() {
  if constexpr (requires { T{Fields{}..., AnyField{}}; }) {
    return memberCount<T, Fields..., AnyField>();
  } else {
    return sizeof...(Fields);
  }
}

// When one of these fails, a struct gained or lost a member: list it in the struct's
// fields() in src/game/serialize.cc (or say why it is derived), bump kSnapshotVersion, then
// update the count here.
TEST(Serialize, FieldListsCoverEveryMember) {
  EXPECT_EQ(memberCount<GameConfig>(), 5u);
  EXPECT_EQ(memberCount<Lane>(), 2u);
  EXPECT_EQ(memberCount<StarSystem>(), 6u);
  EXPECT_EQ(memberCount<QueueItem>(), 8u);
  EXPECT_EQ(memberCount<Planet>(), 16u);
  EXPECT_EQ(memberCount<Policies>(), 3u);
  EXPECT_EQ(memberCount<Personality>(), 4u);
  EXPECT_EQ(memberCount<Score>(), 4u);
  EXPECT_EQ(memberCount<Civ>(), 26u);
  EXPECT_EQ(memberCount<Relation>(), 3u);
  EXPECT_EQ(memberCount<Fleet>(), 11u);
  EXPECT_EQ(memberCount<Proposal>(), 5u);
  EXPECT_EQ(memberCount<PendingEvent>(), 6u);
  EXPECT_EQ(memberCount<Market>(), 3u);
  EXPECT_EQ(memberCount<Counters>(), 16u);
  EXPECT_EQ(memberCount<QueuedCommand>(), 2u);
  EXPECT_EQ(memberCount<Command>(), 2u);
  EXPECT_EQ(memberCount<GameState>(), 20u);  // 18 serialized + 2 derived
  EXPECT_EQ(std::variant_size_v<Action>, 15u);
  EXPECT_EQ(memberCount<Build>(), 2u);
  EXPECT_EQ(memberCount<CancelBuild>(), 2u);
  EXPECT_EQ(memberCount<BuildShip>(), 3u);
  EXPECT_EQ(memberCount<Research>(), 1u);
  EXPECT_EQ(memberCount<MoveFleet>(), 2u);
  EXPECT_EQ(memberCount<SplitFleet>(), 2u);
  EXPECT_EQ(memberCount<MergeFleets>(), 2u);
  EXPECT_EQ(memberCount<Colonize>(), 2u);
  EXPECT_EQ(memberCount<Invade>(), 2u);
  EXPECT_EQ(memberCount<Trade>(), 2u);
  EXPECT_EQ(memberCount<ProposeTreaty>(), 2u);
  EXPECT_EQ(memberCount<RespondTreaty>(), 2u);
  EXPECT_EQ(memberCount<DeclareWar>(), 1u);
  EXPECT_EQ(memberCount<ChooseEventOption>(), 2u);
}

// ---- size and speed ----------------------------------------------------------------------

TEST(Serialize, NewGameRoundTrip) {
  const GameState s = newGame({.seed = 12345, .systems = 400, .civs = 8});
  const std::string bytes = serialize(s);
  GameState back;
  std::string error;
  ASSERT_TRUE(deserialize(bytes, back, error)) << error;
  EXPECT_EQ(serialize(back), bytes);
  EXPECT_EQ(stateHash(back), stateHash(s));
  EXPECT_EQ(back.civ_planets, s.civ_planets);
}

// A campaign saved and restored plays on exactly like one that never stopped.
TEST(Serialize, RestoredGameContinuesIdentically) {
  GameState a = newGame({.seed = 777, .systems = 60, .civs = 4});
  for (int i = 0; i < 20; ++i) step(a);
  GameState b;
  std::string error;
  ASSERT_TRUE(deserialize(serialize(a), b, error)) << error;
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(step(a), step(b)) << "tick " << a.tick;
  }
  EXPECT_EQ(stateHash(a), stateHash(b));
  EXPECT_EQ(serialize(a), serialize(b));
}

// Timings of these three: bench/game_bench.cc (BM_Serialize, BM_Deserialize, BM_StateHash).
TEST(Serialize, RoundTripsA1000SystemGalaxy) {
  const GameState s = newGame({.seed = 1, .systems = 1000, .civs = 8});
  const std::string bytes = serialize(s);
  GameState back;
  std::string error;
  ASSERT_TRUE(deserialize(bytes, back, error)) << error;
  EXPECT_EQ(stateHash(back), stateHash(s));
  EXPECT_EQ(serialize(back), bytes);
}

}  // namespace
}  // namespace startales::game
