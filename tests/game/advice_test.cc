#include "game/advice.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "game/game.h"
#include "game/view.h"

namespace startales::game {
namespace {

// A campaign whose first civilization (a player's seat) was played by the AI planner for
// `ticks` ticks, so it has colonies, queues and fleets.
GameState played(uint64_t seed, int ticks) {
  GameConfig config;
  config.seed = seed;
  config.systems = 60;
  config.civs = 3;
  config.players = 1;
  GameState s = newGame(config);
  s.civs[0].ai = true;
  for (int i = 0; i < ticks; ++i) step(s);
  s.civs[0].ai = false;
  return s;
}

double sum(const std::vector<LedgerLine>& lines) {
  double total = 0;
  for (const auto& l : lines) total += l.amount;
  return total;
}

TEST(Advice, TheLedgerPredictsTheNextTicksIncomeLineByLine) {
  GameState s = played(11, 0);
  s.civs[0].ai = true;
  int checked = 0;
  for (int i = 0; i < 240; ++i) {
    const Ledger ledger = ledgerFor(s, 0);
    // Commands applied at the start of a step (a new tax rate) change the economy first.
    const bool orders = std::any_of(s.pending.begin(), s.pending.end(),
                                    [](const QueuedCommand& q) { return q.command.civ == 0; });
    step(s);
    if (orders) continue;
    ++checked;
    for (int r = 0; r < kResourceCount; ++r) {
      ASSERT_NEAR(sum(ledger[r]), s.civs[0].income[r], 1e-6) << "tick " << s.tick << " resource " << r;
    }
  }
  EXPECT_GT(checked, 150);
  const Ledger ledger = ledgerFor(s, 0);
  const auto& credits = ledger[static_cast<int>(Resource::kCredits)];
  auto line = [&](std::string_view item) {
    return std::find_if(credits.begin(), credits.end(), [&](const LedgerLine& l) { return l.item == item; });
  };
  ASSERT_NE(line("taxes"), credits.end());
  EXPECT_GT(line("taxes")->amount, 0);
  ASSERT_NE(line("building maintenance"), credits.end());
  EXPECT_LT(line("building maintenance")->amount, 0);
  for (size_t i = 1; i < credits.size(); ++i) {
    EXPECT_GE(std::abs(credits[i - 1].amount), std::abs(credits[i].amount));
  }
}

TEST(Advice, UnrestCausesAddUpToWhereUnrestIsHeading) {
  const GameState s = played(11, 200);
  ASSERT_FALSE(s.civ_planets[0].empty());
  for (PlanetId id : s.civ_planets[0]) {
    const UnrestReport report = unrestFor(s, id);
    double total = 0;
    for (const auto& c : report.causes) total += c.points;
    EXPECT_NEAR(std::clamp(total, 0.0, 100.0), report.target, 1e-9) << s.planets[id].name;
    EXPECT_EQ(report.unrest, s.planets[id].unrest);
    ASSERT_FALSE(report.causes.empty());
    EXPECT_EQ(report.causes[0].cause.rfind("taxes at ", 0), 0u) << report.causes[0].cause;
  }
}

TEST(Advice, IsRankedValidDeterministicAndChangesNothing) {
  const GameState s = played(11, 300);
  const uint64_t before = stateHash(s);
  const auto advice = advise(s, 0);
  ASSERT_FALSE(advice.empty());
  EXPECT_EQ(stateHash(s), before);
  for (size_t i = 0; i < advice.size(); ++i) {
    EXPECT_FALSE(validate(s, {0, advice[i].action}).has_value()) << advice[i].reason;
    EXPECT_FALSE(advice[i].reason.empty());
    if (i > 0) {
      EXPECT_GE(advice[i - 1].utility, advice[i].utility);
    }
  }
  const auto again = advise(s, 0);
  ASSERT_EQ(again.size(), advice.size());
  for (size_t i = 0; i < advice.size(); ++i) {
    EXPECT_EQ(again[i].action, advice[i].action);
    EXPECT_EQ(again[i].reason, advice[i].reason);
  }
  EXPECT_TRUE(advise(s, 99).empty());
}

TEST(Advice, AtTheStartTheNewColonyAndFoodComeFirst) {
  const GameState s = played(11, 0);
  const auto advice = advise(s, 0);
  ASSERT_GE(advice.size(), 2u);
  bool colonize = false;
  for (const auto& a : advice) colonize |= std::holds_alternative<Colonize>(a.action);
  EXPECT_TRUE(colonize);
  EXPECT_TRUE(std::holds_alternative<Build>(advice[0].action));
}

TEST(Advice, SeesOnlyTheFleetsUnderItsSensors) {
  GameState s = played(11, 300);
  // Our warships wait one lane from the capital; an armed pirate fleet comes to the capital
  // (in sight), or to a system no sensor of ours covers.
  const SystemId ours = s.planets[s.civs[0].capital].system;
  const SystemId next = s.systems[ours].lanes.front().to;
  int armed_fleets = 0;
  for (auto& f : s.fleets) {
    if (f.owner == 0 && f.ships[static_cast<int>(ShipClass::kCorvette)] > 0 && f.next == kNone) {
      f.at = next;
      ++armed_fleets;
    }
  }
  ASSERT_GT(armed_fleets, 0) << "the played civ should have corvettes by tick 300";
  const std::vector<bool> sees = sensorCoverage(s, 0);
  SystemId hidden = kNone;
  for (size_t sys = 0; sys < sees.size(); ++sys) {
    if (!sees[sys]) hidden = static_cast<SystemId>(sys);
  }
  ASSERT_NE(hidden, kNone);
  auto withPirates = [&](SystemId at) {
    GameState copy = s;
    Fleet raiders;
    raiders.id = copy.next_fleet++;
    raiders.owner = kPirates;
    raiders.name = "Pirate Raiders";
    raiders.at = at;
    raiders.ships[static_cast<int>(ShipClass::kCorvette)] = 3;
    raiders.expires = copy.tick + 80;
    copy.fleets.push_back(raiders);
    return advise(copy, 0);
  };
  auto defends = [&](const std::vector<Advice>& advice, SystemId at) {
    return std::any_of(advice.begin(), advice.end(), [&](const Advice& a) {
      const auto* move = std::get_if<MoveFleet>(&a.action);
      return move != nullptr && move->to == at && a.reason.find("hostile") != std::string::npos;
    });
  };
  const auto plain = advise(s, 0);
  const auto seen = withPirates(ours);
  const auto unseen = withPirates(hidden);
  EXPECT_FALSE(defends(plain, ours));
  EXPECT_TRUE(defends(seen, ours));
  ASSERT_EQ(unseen.size(), plain.size());
  for (size_t i = 0; i < plain.size(); ++i) EXPECT_EQ(unseen[i].action, plain[i].action);
}

}  // namespace
}  // namespace startales::game
