#include "game/state_check.h"

#include <cstdint>

namespace startales::game {

// Every id that indexes a vector must be in range, so no code downstream can read out of
// bounds from a hostile snapshot. Returns an empty string when the state is consistent.
std::string checkIds(const GameState& s) {
  const auto systems = static_cast<int64_t>(s.systems.size());
  const auto planets = static_cast<int64_t>(s.planets.size());
  const auto civs = static_cast<int64_t>(s.civs.size());
  auto system = [&](int64_t id) { return id >= 0 && id < systems; };
  auto planet = [&](int64_t id) { return id >= 0 && id < planets; };
  auto civ = [&](int64_t id) { return id >= 0 && id < civs; };
  auto bad = [](const std::string& what, int64_t id, const std::string& field, int64_t v) {
    return "invalid snapshot: " + what + " " + std::to_string(id) + " has " + field + " " +
           std::to_string(v);
  };
  // Ids must ascend and stay below the next id to hand out.
  auto unordered = [](const std::string& what, int64_t id, const std::string& next) {
    return "invalid snapshot: " + what + " " + std::to_string(id) +
           " is out of order or not below " + next;
  };

  if (s.config.systems != systems || s.config.civs != civs) {
    return "invalid snapshot: config says " + std::to_string(s.config.systems) + " systems and " +
           std::to_string(s.config.civs) + " civs, the state holds " + std::to_string(systems) +
           " and " + std::to_string(civs);
  }
  for (int64_t i = 0; i < systems; ++i) {
    const StarSystem& sys = s.systems[i];
    if (sys.id != i) return bad("system", i, "id", sys.id);
    for (PlanetId p : sys.planets) {
      if (!planet(p)) return bad("system", i, "planet", p);
    }
    for (const Lane& lane : sys.lanes) {
      if (!system(lane.to)) return bad("system", i, "a lane to", lane.to);
    }
  }
  for (int64_t i = 0; i < planets; ++i) {
    const Planet& p = s.planets[i];
    if (p.id != i) return bad("planet", i, "id", p.id);
    if (!system(p.system)) return bad("planet", i, "system", p.system);
    if (p.owner != kNone && !civ(p.owner)) return bad("planet", i, "owner", p.owner);
    for (const QueueItem& q : p.queue) {
      if (q.type >= (q.is_ship ? kShipClassCount : kBuildingCount)) {
        return bad("planet", i, "a queue item of type", q.type);
      }
    }
  }
  for (int64_t i = 0; i < civs; ++i) {
    const Civ& c = s.civs[i];
    if (c.id != i) return bad("civ", i, "id", c.id);
    if (c.destroyed_by != kNone && c.destroyed_by != kPirates && !civ(c.destroyed_by)) {
      return bad("civ", i, "destroyed_by", c.destroyed_by);
    }
    if (c.capital != kNone && !planet(c.capital)) return bad("civ", i, "capital", c.capital);
    if (c.researching != kNone && (c.researching < 0 || c.researching >= kTechCount)) {
      return bad("civ", i, "researching", c.researching);
    }
    if (std::ssize(c.techs) != kTechCount) return bad("civ", i, "tech flags:", std::ssize(c.techs));
    if (std::ssize(c.explored) != systems) {
      return bad("civ", i, "explored flags:", std::ssize(c.explored));
    }
  }
  int64_t last = -1;
  for (const Fleet& f : s.fleets) {
    if (f.id <= last || f.id >= s.next_fleet) return unordered("fleet", f.id, "next_fleet");
    last = f.id;
    if (f.owner != kPirates && !civ(f.owner)) return bad("fleet", f.id, "owner", f.owner);
    if (!system(f.at)) return bad("fleet", f.id, "position", f.at);
    if (f.next != kNone && !system(f.next)) return bad("fleet", f.id, "destination", f.next);
    for (SystemId r : f.route) {
      if (!system(r)) return bad("fleet", f.id, "a route through", r);
    }
  }
  if (static_cast<int64_t>(s.relations.size()) != civs * civs) {
    return "invalid snapshot: " + std::to_string(s.relations.size()) + " relations for " +
           std::to_string(civs) + " civs";
  }
  for (SystemId b : s.battles) {
    if (!system(b)) return "invalid snapshot: a battle in system " + std::to_string(b);
  }
  last = -1;
  for (const Proposal& p : s.proposals) {
    if (p.id <= last || p.id >= s.next_proposal)
      return unordered("proposal", p.id, "next_proposal");
    last = p.id;
    if (!civ(p.from)) return bad("proposal", p.id, "sender", p.from);
    if (!civ(p.to)) return bad("proposal", p.id, "recipient", p.to);
  }
  last = -1;
  for (const PendingEvent& e : s.events) {
    if (e.id <= last || e.id >= s.next_event) return unordered("event", e.id, "next_event");
    last = e.id;
    if (!civ(e.civ)) return bad("event", e.id, "civ", e.civ);
    if (e.planet != kNone && !planet(e.planet)) return bad("event", e.id, "planet", e.planet);
  }
  last = -1;
  for (const QueuedCommand& q : s.pending) {
    if (q.seq <= last || q.seq >= s.next_seq) return unordered("command", q.seq, "next_seq");
    last = q.seq;
    if (!civ(q.command.civ)) return bad("command", q.seq, "civ", q.command.civ);
  }
  return {};
}

}  // namespace startales::game
