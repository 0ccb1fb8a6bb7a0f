// The tick loop and the command queue.

#include <algorithm>

#include "game/sim.h"

namespace startales::game {

std::optional<Rejection> validate(const GameState& state, const Command& command) {
  return check(state, command);
}

std::variant<Accepted, Rejection> submit(GameState& state, const Command& command) {
  if (auto rejection = check(state, command)) return *rejection;
  QueuedCommand queued{state.next_seq++, command};
  state.pending.push_back(std::move(queued));
  return Accepted{state.pending.back().seq, state.tick + 1};
}

void queueLogged(GameState& state, const Command& command, int64_t seq) {
  state.next_seq = seq + 1;
  state.pending.push_back(QueuedCommand{seq, command});
}

std::vector<Notice> step(GameState& s) {
  Notices out;
  s.tick++;
  s.market.bought.fill(0);  // trade volumes are per tick
  s.market.sold.fill(0);
  // Commands first, in the order they were accepted. Each is checked again: the world may
  // have changed since it was submitted (a fleet died, credits were spent).
  std::vector<QueuedCommand> commands;
  commands.swap(s.pending);
  for (const auto& c : commands) {
    if (auto rejection = check(s, c.command)) {
      s.counters.commands_failed++;
      auto& n = notifyRef(s, out, c.command.civ, "command_failed",
                          std::string(actionName(c.command.action)) + " failed: " +
                              rejection->message + ".");
      n.ref = static_cast<int32_t>(c.seq);
      continue;
    }
    apply(s, c, out);
    s.counters.commands_applied++;
  }

  runEconomy(s, out);
  runConstruction(s, out);
  runPopulation(s, out);
  runResearch(s, out);
  updateMarket(s);
  runFleets(s, out);
  runCombat(s, out);
  runDiplomacy(s, out);
  runEvents(s, out);
  checkEliminations(s, out);
  updateScores(s);
  runAi(s);
  return out;
}

}  // namespace startales::game
