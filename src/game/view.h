#pragma once

// What one civilization may see of the galaxy (fog of war), and per-tick changes to it.
// A View holds copies, not references: it outlives the state it was taken from. All
// vectors are sorted by id. The structs are plain data (std types only, defaulted ==), so
// the API layer can turn them into JSON field by field.
//
// Visibility rules:
// - own civ, planets and fleets: everything;
// - systems: every system the civ has explored (static data: name, position, lanes, planets);
// - foreign planets: planets in explored systems that the civ does not own: static data plus
//   the current owner and population (rounded to 0.1 thousand), no buildings or queues;
// - foreign fleets (other empires' and pirates'): only while their current system, or their
//   lane destination when moving, is under sensor coverage (see sensorCoverage());
// - civilizations: the civ itself and those it has met (treaty other than kNone);
// - market prices and volumes are public; proposals and events only when they concern it.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "game/state.h"

namespace startales::game {

// Systems `civ` currently sees, indexed by SystemId: every system within R lanes of a system
// holding one of its planets, and within R - 1 lanes of each of its fleets' system (`at`; a
// moving fleet sees from its origin), where R = 1 + round(researched sensor-range bonuses).
std::vector<bool> sensorCoverage(const GameState& s, CivId civ);

// The civilization's own record, in full.
struct SelfView {
  CivId id = kNone;
  std::string name, adjective;
  uint32_t color = 0;  // 0xRRGGBB
  bool alive = true;
  PlanetId capital = kNone;
  Stock stock{};
  double influence = 0;
  Policies policies;
  int32_t researching = kNone;                    // tech index or kNone
  double research_progress = 0;                   // research points
  double research_cost = 0;                       // points the current tech needs
  double research_rate = 0;                       // points last tick
  Stock income{};                                 // net per resource last tick, trade excluded
  int32_t explored_count = 0;                     // systems explored
  std::vector<int32_t> techs;                     // researched tech indices, ascending
  double war_weariness = 0;                       // 0..100
  std::array<double, kResourceCount> shortage{};  // fraction of last tick's need unmet
  Score score;
  bool operator==(const SelfView&) const = default;
};

// An explored system's static data.
struct SystemView {
  SystemId id = kNone;
  std::string name;
  double x = 0, y = 0;  // distance units
  std::vector<Lane> lanes;
  std::vector<PlanetId> planets;
  bool operator==(const SystemView&) const = default;
};

// A planet in an explored system that someone else (or no one) owns.
struct ForeignPlanetView {
  PlanetId id = kNone;
  SystemId system = kNone;
  std::string name;
  PlanetType type = PlanetType::kBarren;
  int32_t size = 1;
  int32_t habitability = 0;  // percent
  std::array<int32_t, 4> deposits{};
  CivId owner = kNone;
  double population = 0;  // thousands, rounded to 0.1
  bool operator==(const ForeignPlanetView&) const = default;
};

// Another owner's fleet under sensor coverage.
struct ForeignFleetView {
  FleetId id = kNone;
  CivId owner = kNone;  // a civ or kPirates
  std::string name;
  SystemId at = kNone;
  SystemId next = kNone;  // kNone when not moving
  std::array<int32_t, kShipClassCount> ships{};
  bool operator==(const ForeignFleetView&) const = default;
};

// A civilization the viewer has met (or the viewer itself: treaty kNone, relation 0).
struct CivView {
  CivId id = kNone;
  std::string name, adjective;
  uint32_t color = 0;
  bool alive = true;
  Treaty treaty = Treaty::kNone;  // with the viewer
  int32_t relation = 0;           // -100..100, towards the viewer
  double score = 0;               // total score
  bool operator==(const CivView&) const = default;
};

struct View {
  int32_t tick = 0;
  SelfView self;
  std::vector<Planet> planets;  // own planets, every field
  std::vector<SystemView> systems;
  std::vector<ForeignPlanetView> foreign_planets;
  std::vector<Fleet> fleets;  // own fleets, every field
  std::vector<ForeignFleetView> foreign_fleets;
  std::vector<CivView> civs;
  Market market;
  std::vector<Proposal> proposals;   // sent or received by the viewer
  std::vector<PendingEvent> events;  // awaiting the viewer's choice
  std::vector<SystemId> sensors;     // systems under sensor coverage now, ascending
  bool operator==(const View&) const = default;
};

View viewFor(const GameState& s, CivId civ);

// Receives one civilization's view part by part, by viewFor's rules: each keyed part's
// entries ascending by id (calls for different parts interleave). viewFor is visitView with a sink
// that copies every part into a View; a feed's digest hashes the parts and copies only those that
// changed. The references are into the state and valid only during the call.
class ViewSink {
 public:
  virtual ~ViewSink() = default;
  virtual void self(SelfView v) = 0;
  virtual void planet(const Planet& own) = 0;
  virtual void system(const StarSystem& explored) = 0;  // its SystemView is systemView()
  virtual void foreignPlanets(std::vector<ForeignPlanetView> all) = 0;  // ascending
  virtual void fleet(const Fleet& own) = 0;
  virtual void foreignFleet(ForeignFleetView v) = 0;
  virtual void civ(CivView v) = 0;
  virtual void market(const Market& m) = 0;
  virtual void proposal(const Proposal& p) = 0;
  virtual void event(const PendingEvent& e) = 0;
  virtual void sensors(std::vector<SystemId> covered) = 0;
};
// Nothing but the market for an unknown civ, as viewFor.
void visitView(const GameState& s, CivId civ, ViewSink& sink);
SystemView systemView(const StarSystem& sys);

// Changes to one keyed collection: entries added or changed (whole, sorted by id) and ids
// that disappeared (ascending).
template <class T>
struct Changes {
  std::vector<T> upserted;
  std::vector<int32_t> removed;
  bool operator==(const Changes&) const = default;
};

// What changed between two views of the same civilization. Only changed entries appear.
struct ViewDelta {
  int32_t tick = 0;  // the later view's tick
  std::optional<SelfView> self;
  Changes<Planet> planets;
  Changes<SystemView> systems;
  Changes<ForeignPlanetView> foreign_planets;
  Changes<Fleet> fleets;
  Changes<ForeignFleetView> foreign_fleets;
  Changes<CivView> civs;
  std::optional<Market> market;
  Changes<Proposal> proposals;
  Changes<PendingEvent> events;
  std::optional<std::vector<SystemId>> sensors;
  bool operator==(const ViewDelta&) const = default;
};

ViewDelta diffViews(const View& before, const View& after);
// Afterwards applyDelta(before, diffViews(before, after)) leaves `before` == after.
void applyDelta(View& view, const ViewDelta& delta);
// True when nothing but the tick changed.
bool empty(const ViewDelta& delta);

}  // namespace startales::game
