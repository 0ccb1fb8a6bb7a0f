// Property tests: random campaigns driven by random command streams for the human civs, with
// the game's invariants checked after every tick. Each scenario is one seed: a galaxy of 20 to
// 120 systems, 2 to 6 civs (some human, the rest AI), 300 to 600 ticks.
//
// Every submit() is checked against validate() and the rejection rules (known code, a message
// without a trailing period). After every tick, the invariants of invariant_checker.h.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "game/game.h"
#include "invariant_checker.h"
#include "random_commands.h"

namespace startales::game {
namespace {

using testing::kActionCount;
using testing::RandomCommands;

struct Scenario {
  uint64_t seed;
  int systems, civs, players, ticks;
  bool armada;  // the first human civ starts with a war fleet, so invasions happen early
};

void PrintTo(const Scenario& s, std::ostream* os) {
  *os << "seed " << s.seed << ", " << s.systems << " systems, " << s.civs << " civs (" << s.players
      << " human), " << s.ticks << " ticks" << (s.armada ? ", armada" : "");
}

std::vector<Scenario> scenarios() {
  std::vector<Scenario> out;
  for (int i = 0; i < 30; ++i) {
    Scenario s;
    s.seed = 1000 + static_cast<uint64_t>(i) * 7919;
    s.systems = 20 + (i * 37) % 101;                    // 20..120
    s.civs = std::min(2 + i % 5, s.systems / 5);        // 2..6, within the galaxy's limit
    s.players = i % 4 == 0 ? 0 : 1 + (i / 4) % s.civs;  // a quarter are all-AI
    s.ticks = 300 + (i * 53) % 301;                     // 300..600
    s.armada = s.players > 0 && i % 2 == 1;
    out.push_back(s);
  }
  return out;
}

// ---- coverage over every scenario ---------------------------------------------------------

struct Coverage {
  std::array<int, kActionCount> plausible{}, garbage{}, accepted{}, applied{};
  int scenarios = 0;
};
Coverage& coverage() {
  static Coverage c;
  return c;
}

bool knownCode(const std::string& code) {
  for (const char* c :
       {reject::kNotFound, reject::kNotOwner, reject::kInsufficient, reject::kPrerequisite,
        reject::kOutOfRange, reject::kInvalid, reject::kInvalidState, reject::kNoSlots,
        reject::kDiplomacy, reject::kEliminated}) {
    if (code == c) return true;
  }
  return false;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

class PropertyTest : public ::testing::TestWithParam<Scenario> {};

TEST_P(PropertyTest, RandomCommandStreamsKeepEveryInvariant) {
  const Scenario& sc = GetParam();
  GameConfig config;
  config.seed = sc.seed;
  config.systems = sc.systems;
  config.civs = sc.civs;
  config.players = sc.players;
  ASSERT_EQ(validateConfig(config), std::nullopt);
  GameState s = newGame(config);
  if (sc.armada) {
    Fleet armada;
    armada.id = s.next_fleet++;
    armada.owner = 0;
    armada.name = "Test Armada";
    armada.at = s.planets[s.civs[0].capital].system;
    armada.ships[static_cast<int>(ShipClass::kCorvette)] = 25;
    armada.ships[static_cast<int>(ShipClass::kFrigate)] = 5;
    s.fleets.push_back(armada);
  }
  InvariantChecker checker(s);
  RandomCommands commands(sc.seed * 31 + 7);
  Rng pace(sc.seed);
  Coverage& cov = coverage();

  auto initial = checker.check(s, {});
  ASSERT_TRUE(initial.empty()) << "new game:\n" << join(initial);

  std::map<int64_t, int> kind_of;  // accepted seq -> Action index
  for (int t = 0; t < sc.ticks; ++t) {
    for (CivId civ = 0; civ < sc.players; ++civ) {
      const int n = static_cast<int>(pace.below(5));
      for (int i = 0; i < n; ++i) {
        const Command c = commands.next(s, civ);
        const int kind = static_cast<int>(c.action.index());
        (commands.lastPlausible() ? cov.plausible : cov.garbage)[kind]++;
        const auto pending = s.pending.size();
        const auto verdict = validate(s, c);
        const auto result = submit(s, c);
        if (const auto* r = std::get_if<Rejection>(&result)) {
          const std::string what = std::string(actionName(c.action)) + " by " +
                                   std::to_string(c.civ) + " at tick " + std::to_string(s.tick);
          ASSERT_TRUE(verdict.has_value()) << what << ": validate() passed, submit() rejected";
          ASSERT_EQ(*verdict, *r) << what;
          ASSERT_TRUE(knownCode(r->code)) << what << ": code \"" << r->code << "\"";
          ASSERT_FALSE(r->message.empty()) << what << ": empty message (" << r->code << ")";
          ASSERT_NE(r->message.back(), '.') << what << ": \"" << r->message << "\"";
          ASSERT_EQ(s.pending.size(), pending) << what << ": a rejected command was queued";
        } else {
          const auto& ok = std::get<Accepted>(result);
          ASSERT_FALSE(verdict.has_value())
              << actionName(c.action)
              << ": submit() accepted, validate() rejected: " << verdict->message;
          ASSERT_EQ(ok.apply_tick, s.tick + 1);
          ASSERT_EQ(s.pending.size(), pending + 1);
          ASSERT_EQ(s.pending.back().seq, ok.seq);
          cov.accepted[kind]++;
          kind_of[ok.seq] = kind;
        }
      }
    }
    // AI empires queue their commands in step(), so pending also holds theirs.
    std::map<int64_t, int> queued;
    for (const auto& q : s.pending) {
      if (auto it = kind_of.find(q.seq); it != kind_of.end()) queued.insert(*it);
    }
    kind_of.clear();
    const auto notices = step(s);
    ASSERT_EQ(s.tick, t + 1);
    for (const Notice& n : notices) {
      if (n.kind == "command_failed") queued.erase(n.ref);
    }
    for (const auto& [seq, kind] : queued) cov.applied[kind]++;

    const auto problems = checker.check(s, notices);
    ASSERT_TRUE(problems.empty()) << "after tick " << s.tick << ":\n" << join(problems);
  }
  cov.scenarios++;
}

INSTANTIATE_TEST_SUITE_P(Seeds, PropertyTest, ::testing::ValuesIn(scenarios()),
                         [](const ::testing::TestParamInfo<Scenario>& info) {
                           return "seed" + std::to_string(info.param.seed) + "_" +
                                  std::to_string(info.param.systems) + "sys_" +
                                  std::to_string(info.param.civs) + "civs_" +
                                  std::to_string(info.param.players) + "human" +
                                  (info.param.armada ? "_armada" : "");
                         });

// Over all scenarios (only when every one of them ran): every Action alternative was tried,
// plausibly and as garbage, and the ordinary ones were accepted and applied.
class CoverageCheck : public ::testing::Environment {
 public:
  void TearDown() override {
    const Coverage& c = coverage();
    if (c.scenarios != static_cast<int>(scenarios().size())) return;
    std::ostringstream table;
    table << "command coverage (plausible / garbage / accepted / applied):\n";
    for (int k = 0; k < kActionCount; ++k) {
      table << "  " << kindName(k) << ": " << c.plausible[k] << " / " << c.garbage[k] << " / "
            << c.accepted[k] << " / " << c.applied[k] << "\n";
    }
    std::cout << table.str();
    for (int k = 0; k < kActionCount; ++k) {
      EXPECT_GT(c.plausible[k], 0) << kindName(k);
      EXPECT_GT(c.garbage[k], 0) << kindName(k);
    }
    // What any civ can do at any time, so must have happened somewhere in 30 campaigns.
    // (Invasions need a war, an armed fleet at a weak enemy colony and no platforms: they are
    // tried thousands of times but applied only a handful, so they are not required here.)
    for (int k : {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 14}) {
      EXPECT_GT(c.applied[k], 0) << kindName(k) << " was never applied\n" << table.str();
    }
  }

 private:
  static std::string kindName(int k) {
    static const auto names = [] {
      std::vector<std::string> out;
      out.push_back(std::string(actionName(Build{})));
      out.push_back(std::string(actionName(CancelBuild{})));
      out.push_back(std::string(actionName(BuildShip{})));
      out.push_back(std::string(actionName(SetPolicy{})));
      out.push_back(std::string(actionName(Research{})));
      out.push_back(std::string(actionName(MoveFleet{})));
      out.push_back(std::string(actionName(SplitFleet{})));
      out.push_back(std::string(actionName(MergeFleets{})));
      out.push_back(std::string(actionName(Colonize{})));
      out.push_back(std::string(actionName(Invade{})));
      out.push_back(std::string(actionName(Trade{})));
      out.push_back(std::string(actionName(ProposeTreaty{})));
      out.push_back(std::string(actionName(RespondTreaty{})));
      out.push_back(std::string(actionName(DeclareWar{})));
      out.push_back(std::string(actionName(ChooseEventOption{})));
      return out;
    }();
    return names[static_cast<size_t>(k)];
  }
};
const auto* const kCoverage = ::testing::AddGlobalTestEnvironment(new CoverageCheck);

}  // namespace
}  // namespace startales::game
