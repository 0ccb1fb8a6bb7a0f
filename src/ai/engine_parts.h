#pragma once

// Internal to the built-in engine (builtin_engine.h): the parsed question and the pieces
// each file contributes. Not for use outside src/ai.

#include <optional>
#include <string>
#include <vector>

#include "ai/builtin_engine.h"
#include "ai/phrasing.h"

namespace startales::ai {

// A name from the game's live vocabulary, as the player's view holds it.
struct Named {
  enum class Kind : uint8_t { kNone, kPlanet, kForeignPlanet, kSystem, kCiv, kTech, kBuilding,
                              kShip, kFleet, kResource };
  Kind kind = Kind::kNone;
  int32_t id = -1;  // planet, system, civ, fleet id; tech, building, ship or resource index
  std::string name;
};

// What the player asked for, when proposing something.
enum class Act : uint8_t { kNone, kWar, kPeace, kTradePact, kAlliance, kRaiseTax, kLowerTax,
                           kBuild, kResearch, kAttack };

struct Question {
  Intent intent = Intent::kStatus;
  Topic topic = Topic::kOverview;
  std::vector<Named> names;  // recognised names, in the order said
  std::string unknown;       // a name the view does not hold ("Zorblax")
  std::string unknown_kind;  // what it was called: "planet", "empire"... ("" unsure)
  Act act = Act::kNone;
  std::optional<game::Resource> resource;  // a resource asked about
  bool about_queue = false;   // construction queues, waiting items
  bool about_unrest = false;  // unrest, riots, revolts
  const Named* first(Named::Kind kind) const {
    for (const auto& n : names) {
      if (n.kind == kind) return &n;
    }
    return nullptr;
  }
};

// intents.cc
Question understand(std::string_view text, Role role, const game::View& view);

// Facts of the view shared by the files (builtin_engine.cc).
double stockOf(const game::View& v, game::Resource r);
double incomeOf(const game::View& v, game::Resource r);
double population(const game::View& v);
double averageUnrest(const game::View& v);
int warships(const std::array<int32_t, game::kShipClassCount>& ships);
int ourWarships(const game::View& v);
std::string civName(const game::View& v, game::CivId id);  // "the Vell Union", "pirates"
std::string systemName(const game::View& v, game::SystemId id);
std::string planetName(const game::View& v, game::PlanetId id);
std::string fleetName(const game::View& v, game::FleetId id);
const game::CivView* civOf(const game::View& v, game::CivId id);
int visibleWarships(const game::View& v, game::CivId owner);
std::vector<const game::ForeignFleetView*> threats(const game::View& v);

// builtin_engine.cc: the state of a field, in a few sentences.
void status(Topic topic, const Situation& s, Phrasing& p, Reply& r);

// counsel.cc: the planner's advice for a role, and what an order means in words.
std::vector<const game::Advice*> portfolio(Role role, const Situation& s);
std::string describe(const game::Action& action, const game::View& v);
void adviceReply(const Character& c, const Situation& s, const Question& q, Phrasing& p, Reply& r);
void proposalReply(const Character& c, const Situation& s, const Question& q, Phrasing& p, Reply& r);

// explain.cc: why the numbers are what they are.
void explainReply(const Character& c, const Situation& s, const Question& q, Phrasing& p, Reply& r);
std::string rivalOutlook(const game::View& v, const game::CivView& rival);
std::string techSummary(int tech, const game::View& v);

// voices.cc: rival leaders and the game master.
void leaderReply(const Character& leader, const Situation& s, const Question& q, Phrasing& p,
                 Reply& r);
void gameMasterReply(const Character& gm, const Situation& s, const Question& q, Phrasing& p,
                     Reply& r);

}  // namespace startales::ai
