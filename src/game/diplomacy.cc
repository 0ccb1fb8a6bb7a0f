// Relations between civilizations: treaties, wars, proposals and the slow drift of
// opinion (borders breed friction, pacts breed trust).

#include <algorithm>
#include <cstdint>

#include "game/sim.h"

namespace startales::game {
namespace {

// Which pairs of civs share a border: some system is owned by or next to both.
// Returns a civs x civs matrix. One pass over the planets, then one over the systems.
std::vector<bool> borders(const GameState& s) {
  const size_t n = s.civs.size();
  std::vector<uint64_t> mask(s.systems.size(), 0);  // bit c: civ c owns or neighbours it
  for (const auto& civ : s.civs) {
    if (!civ.alive) continue;
    const uint64_t bit = uint64_t{1} << civ.id;
    for (PlanetId id : s.civ_planets[civ.id]) {
      const auto& sys = s.systems[s.planets[id].system];
      mask[sys.id] |= bit;
      for (const auto& lane : sys.lanes) mask[lane.to] |= bit;
    }
  }
  std::vector<bool> shared(n * n, false);
  for (uint64_t m : mask) {
    if ((m & (m - 1)) == 0) continue;  // fewer than two civs here
    for (size_t a = 0; a < n; ++a) {
      if (!(m >> a & 1)) continue;
      for (size_t b = a + 1; b < n; ++b) {
        if (m >> b & 1) shared[a * n + b] = true;
      }
    }
  }
  return shared;
}

}  // namespace

void signTreaty(GameState& s, CivId a, CivId b, Treaty t, Notices& out) {
  setTreaty(s, a, b, t);
  // Whatever else the two had on the table is settled by this.
  std::erase_if(s.proposals, [&](const Proposal& p) {
    return (p.from == a && p.to == b) || (p.from == b && p.to == a);
  });
  addRelation(s, a, b, kTreatySignedRelation);
  switch (t) {
    case Treaty::kPeace: s.counters.peace_treaties++; break;
    case Treaty::kTradePact: s.counters.trade_pacts++; break;
    case Treaty::kAlliance: s.counters.alliances++; break;
    default: break;
  }
  auto& n = notifyRef(s, out, kNone, "treaty_signed",
                      "The " + s.civs[a].name + " and the " + s.civs[b].name + " signed " +
                          (t == Treaty::kPeace ? "a peace treaty" :
                           t == Treaty::kTradePact ? "a trade pact" : "an alliance") + ".");
  n.other = a;
  n.ref = static_cast<int32_t>(t);
}

void declareWar(GameState& s, CivId by, CivId target, Notices& out) {
  auto start = [&](CivId a, CivId b, const std::string& why) {
    setTreaty(s, a, b, Treaty::kWar);
    addRelation(s, a, b, kWarDeclaredRelation);
    s.counters.wars++;
    std::erase_if(s.proposals, [&](const Proposal& p) {
      return (p.from == a && p.to == b) || (p.from == b && p.to == a);
    });
    auto& n = notifyRef(s, out, kNone, "war_declared",
                        "The " + s.civs[a].name + " declared war on the " + s.civs[b].name + why + ".");
    n.other = a;
    n.ref = b;
  };
  start(by, target, "");
  // Allies of the target answer the call, unless they are allied with the aggressor too.
  for (const auto& ally : s.civs) {
    if (!ally.alive || ally.id == by || ally.id == target) continue;
    if (s.relation(ally.id, target).treaty != Treaty::kAlliance) continue;
    const Treaty with_aggressor = s.relation(ally.id, by).treaty;
    if (with_aggressor == Treaty::kAlliance || with_aggressor == Treaty::kWar ||
        with_aggressor == Treaty::kNone) {
      continue;
    }
    start(ally.id, by, " to defend its ally, the " + s.civs[target].name);
  }
}

void runDiplomacy(GameState& s, Notices& out) {
  // Proposals nobody answered lapse.
  for (const auto& p : s.proposals) {
    if (p.expires > s.tick) continue;
    auto& n = notifyRef(s, out, p.from, "proposal_expired",
                        "The " + s.civs[p.to].name + " did not answer your proposal of " +
                            std::string(treatyName(p.treaty)) + ".");
    n.other = p.to;
    n.ref = p.id;
  }
  std::erase_if(s.proposals, [&](const Proposal& p) { return p.expires <= s.tick; });

  if (s.tick % kDiplomacyPeriod != 0) return;
  static_assert(kMaxCivs <= 64, "borders() keeps one bit per civ in a uint64_t");
  const auto shared = borders(s);
  const size_t n = s.civs.size();
  for (size_t a = 0; a < n; ++a) {
    if (!s.civs[a].alive) continue;
    for (size_t b = a + 1; b < n; ++b) {
      if (!s.civs[b].alive) continue;
      const Relation& r = s.relation(a, b);
      if (r.treaty == Treaty::kNone) continue;
      int delta = s.rng.between(-kDriftRandom, kDriftRandom);
      if (r.score > kDriftFadeThreshold) delta -= 1;  // opinions fade toward indifference
      if (r.score < -kDriftFadeThreshold && r.treaty != Treaty::kWar) delta += 1;
      switch (r.treaty) {
        case Treaty::kWar: delta += kDriftWar; break;
        case Treaty::kTradePact: delta += kDriftTradePact; break;
        case Treaty::kAlliance: delta += kDriftAlliance; break;
        default: break;
      }
      if (shared[a * n + b]) {
        delta += kDriftBorder;  // borders breed friction
        if (s.civs[a].personality.aggression > kDriftAggression ||
            s.civs[b].personality.aggression > kDriftAggression) {
          delta += kDriftAggressiveBorder;
        }
      }
      if (s.civs[a].policies.tariff >= kHighTariff || s.civs[b].policies.tariff >= kHighTariff) {
        delta += kDriftHighTariff;
      }
      for (size_t c = 0; c < n; ++c) {  // a common enemy unites
        if (c != a && c != b && s.civs[c].alive && s.relation(a, c).treaty == Treaty::kWar &&
            s.relation(b, c).treaty == Treaty::kWar) {
          delta += kDriftCommonEnemy;
          break;
        }
      }
      addRelation(s, static_cast<CivId>(a), static_cast<CivId>(b), delta);
    }
  }
}

}  // namespace startales::game
