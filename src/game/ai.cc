// AI empires: rule-based controllers with utility scoring. Every kAiPeriod ticks (staggered
// by civ id) each AI civilization looks at the state and submits commands through the same
// submit() path as players, so it obeys every rule a player does. Decisions are a pure
// function of the state (the campaign Rng included), so campaigns stay deterministic.

#include <algorithm>
#include <cmath>

#include "game/sim.h"

namespace startales::game {
namespace {

constexpr int kWarGraceTicks = 300;    // nobody starts a war before this tick
constexpr int kPolicyPeriod = 50;      // policy review
constexpr size_t kMaxBuildPlanets = 12;  // planets considered for construction per turn

struct Strengths {
  std::vector<double> military;  // per civ, sum of fleet strengths
};

class Planner {
 public:
  Planner(GameState& s, CivId civ, const Strengths& strength)
      : s_(s), civ_(civ), strength_(strength) {}

  void run() {
    answerEvents();
    answerProposals();
    if ((s_.tick / kAiPeriod + civ_) % (kPolicyPeriod / kAiPeriod) == 0) setPolicies();
    chooseResearch();
    trade();
    build();
    commandFleets();
    diplomacy();
  }

 private:
  Civ& me() { return s_.civs[civ_]; }
  bool order(Action action) {
    Command c{civ_, std::move(action)};
    return std::holds_alternative<Accepted>(submit(s_, c));
  }
  double stock(Resource r) { return at(me().stock, r); }
  double income(Resource r) { return me().income[static_cast<int>(r)]; }
  const std::vector<PlanetId>& planets() { return s_.civ_planets[civ_]; }
  double population() {
    double p = 0;
    for (PlanetId id : planets()) p += s_.planets[id].population;
    return p;
  }
  // Spending more than it earns with little left: only income buildings, no new ships.
  bool broke() { return income(Resource::kCredits) < 0 && stock(Resource::kCredits) < 500; }

  bool atWarWithAnyone() {
    for (const auto& c : s_.civs) {
      if (c.alive && c.id != civ_ && s_.relation(civ_, c.id).treaty == Treaty::kWar) return true;
    }
    return false;
  }

  // ---- events and proposals ----

  void answerEvents() {
    for (const auto& e : s_.events) {
      if (e.civ != civ_) continue;
      const double credits = stock(Resource::kCredits);
      int option = eventRule(e.kind).default_option;
      switch (e.kind) {
        case EventKind::kSolarFlare: option = credits > e.magnitude * 3 ? 0 : 1; break;
        case EventKind::kPlague: option = credits > e.magnitude * 2 ? 0 : 1; break;
        case EventKind::kDiscovery: option = me().researching != kNone ? 0 : 1; break;
        case EventKind::kPirateRaid:
          option = credits > e.magnitude * 2 || strength_.military[civ_] < 30 ? 0 : 1;
          break;
        case EventKind::kMarketCrash: option = credits > 800 ? 0 : 1; break;
        case EventKind::kRefugees: option = 0; break;
      }
      order(ChooseEventOption{e.id, option});
      return;  // one at a time; the list may change as orders queue
    }
  }

  void answerProposals() {
    std::vector<Proposal> mine;
    for (const auto& p : s_.proposals) {
      if (p.to == civ_) mine.push_back(p);
    }
    for (const auto& p : mine) {
      const int rel = s_.relation(civ_, p.from).score;
      const auto& pers = me().personality;
      bool yes = false;
      switch (p.treaty) {
        case Treaty::kPeace:
          yes = me().war_weariness > 8 + pers.aggression * 10 ||
                strength_.military[civ_] < 0.8 * strength_.military[p.from] || rel > -20;
          break;
        case Treaty::kTradePact: yes = rel >= -10 + (1 - pers.commerce) * 20; break;
        case Treaty::kAlliance: yes = rel >= 35; break;
        default: break;
      }
      order(RespondTreaty{p.id, yes});
    }
  }

  // ---- policies and research ----

  void setPolicies() {
    const auto& pers = me().personality;
    double unrest = 0;
    for (PlanetId id : planets()) unrest += s_.planets[id].unrest;
    unrest /= std::max<size_t>(1, planets().size());
    Policies want = me().policies;
    if (unrest > 40) {
      want.tax_rate = std::max(5, want.tax_rate - 5);
    } else if ((unrest < 25 || (unrest < 45 && broke())) &&
               (income(Resource::kCredits) < 10 || stock(Resource::kCredits) < 300)) {
      want.tax_rate = std::min(40, want.tax_rate + 5);
    }
    const bool war = atWarWithAnyone();
    int military = static_cast<int>(10 + pers.aggression * 20 + (war ? 15 : 0));
    int research = static_cast<int>(15 + pers.science * 20);
    int welfare = unrest > 40 ? 25 : 15;
    int industry = 100 - military - research - welfare;
    want.budget = {industry, research, military, welfare};
    want.tariff = pers.commerce > 0.6 ? 0 : pers.commerce > 0.4 ? 5 : 10;
    if (!(want == me().policies)) {
      order(SetPolicy{want.tax_rate, want.budget, want.tariff});
    }
  }

  void chooseResearch() {
    if (me().researching != kNone) return;
    const auto& pers = me().personality;
    const std::array<double, 4> field = {0.6 + pers.commerce, 0.5 + pers.aggression,
                                         0.6 + pers.science, 0.5 + pers.expansion * 0.5};
    int best = -1;
    double best_score = 0;
    for (int t = 0; t < kTechCount; ++t) {
      const auto& rule = techRule(t);
      if (hasTech(me(), t) || !hasTech(me(), rule.prerequisites[0]) ||
          !hasTech(me(), rule.prerequisites[1])) {
        continue;
      }
      double score = field[static_cast<int>(rule.field)] * 1000 / techCost(me(), t);
      if (t == tech::kCommerce) score *= 1.5;
      if (t == tech::kOrbitalDefense && atWarWithAnyone()) score *= 2;
      if (score > best_score) {
        best_score = score;
        best = t;
      }
    }
    if (best >= 0) order(Research{best});
  }

  // ---- trade ----

  void trade() {
    const double capacity = tradeCapacity(s_, civ_);
    const double pop = population();
    struct Band {
      Resource r;
      double low, high;
    };
    const std::array<Band, 4> bands = {{{Resource::kMinerals, 150, 700},
                                        {Resource::kEnergy, 100, 500},
                                        {Resource::kFood, 60 + pop * 2, 300 + pop * 6},
                                        {Resource::kExotics, 10, 80}}};
    for (const auto& band : bands) {
      const double have = stock(band.r);
      const double price = s_.market.price[goodIndex(band.r)];
      const double base = marketRule(band.r).base_price;
      const double credits = stock(Resource::kCredits);
      const bool broke = credits < 200 && income(Resource::kCredits) < 0;
      if (broke && have > band.low + 20) {  // an empty treasury sells at any price
        const int amount = static_cast<int>(std::min(capacity, have - band.low));
        order(Trade{band.r, -amount});
      } else if (have > band.high &&
                 (price >= 0.5 * base || (price >= 0.3 * base && have > band.high * 4))) {
        const int amount = static_cast<int>(std::min(capacity, (have - band.high) * 0.5 + 10));
        if (amount >= 10) order(Trade{band.r, -amount});
      } else if (have < band.low && income(band.r) <= 0 && credits > 250) {
        const double afford = (credits - 150) / (price * 1.2);
        const int amount = static_cast<int>(std::min({capacity, band.low - have + 20, afford}));
        if (amount >= 5) order(Trade{band.r, amount});
      } else if (price < 0.6 * base && have < band.high * 2 && credits > 1500) {
        // Cheap: stock up for later (speculators keep prices off the floor).
        const int amount = static_cast<int>(std::min(capacity * 0.5, band.high * 2 - have));
        if (amount >= 10) order(Trade{band.r, amount});
      }
    }
  }

  // ---- construction ----

  double buildingScore(const Planet& p, Building b) {
    const auto& rule = buildingRule(b);
    if (!hasTech(me(), rule.unlocked_by)) return 0;
    if (rule.deposit >= 0 && p.deposits[rule.deposit] == 0) return 0;
    const auto& pers = me().personality;
    const double richness = rule.deposit >= 0 ? 0.5 + 0.25 * p.deposits[rule.deposit] : 1;
    const double cap = housing(s_, p);
    const int have = p.buildings[static_cast<int>(b)];
    int queued = 0;
    for (const auto& q : p.queue) queued += !q.is_ship && q.type == static_cast<uint8_t>(b);
    if (rule.max_per_planet > 0 && have + queued >= rule.max_per_planet) return 0;
    int jobs = 0;
    for (int i = 0; i < kBuildingCount; ++i) jobs += p.buildings[i] * buildingRule(static_cast<Building>(i)).workers;
    for (const auto& q : p.queue) {
      if (!q.is_ship) jobs += buildingRule(static_cast<Building>(q.type)).workers;
    }
    const bool staffed = p.population >= jobs + rule.workers * 0.5;
    if (broke() && rule.output[static_cast<int>(Resource::kCredits)] <= 0 &&
        b != Building::kFarm && b != Building::kPowerPlant) {
      return 0;
    }
    switch (b) {
      case Building::kFarm: {
        const double need = 8 - income(Resource::kFood) + p.population * 0.05;
        return need > 0 && staffed ? (2 + need / 10) * richness : 0;
      }
      case Building::kPowerPlant: {
        const double need = 15 - income(Resource::kEnergy);
        return need > 0 && staffed ? (2 + need / 10) * richness : 0;
      }
      case Building::kFusionReactor: {
        const double need = 40 - income(Resource::kEnergy);
        return need > 0 && staffed ? 3 + need / 20 : 0;
      }
      case Building::kMine:
        return staffed && stock(Resource::kMinerals) < 1500 &&
                       income(Resource::kMinerals) < 25 + planets().size() * 5
                   ? 1.5 * richness
                   : 0;
      case Building::kFactory:
        return staffed && income(Resource::kEnergy) > 12 ? 1.2 + (income(Resource::kCredits) < 20 ? 1 : 0) : 0;
      case Building::kResearchLab:
        return staffed && income(Resource::kEnergy) > 18 && income(Resource::kCredits) > 25
                   ? 0.8 + pers.science
                   : 0;
      case Building::kHabitat:
        return p.population > cap * 0.85 && income(Resource::kFood) > 15 &&
                       income(Resource::kEnergy) > 10
                   ? 1.8
                   : 0;
      case Building::kShipyard: {
        int yards = 0;
        for (PlanetId id : planets()) yards += s_.planets[id].buildings[static_cast<int>(Building::kShipyard)];
        return yards < 1 + static_cast<int>(planets().size()) / 5 && p.population > 8 ? 1.0 : 0;
      }
      case Building::kTradeHub:
        return staffed && income(Resource::kEnergy) > 10 ? 1.0 + pers.commerce : 0;
      case Building::kDefensePlatform:
        return (atWarWithAnyone() || p.capital) && income(Resource::kCredits) > 5
                   ? (p.capital ? 1.0 : 0.6) + (atWarWithAnyone() ? 1.0 : 0) - have * 0.4
                   : 0;
      case Building::kExoticsExtractor:
        return staffed && income(Resource::kEnergy) > 25 ? 0.8 * richness : 0;
    }
    return 0;
  }

  void build() {
    // Largest colonies first; a bounded number per turn.
    std::vector<PlanetId> order_by_size(planets().begin(), planets().end());
    std::stable_sort(order_by_size.begin(), order_by_size.end(), [&](PlanetId a, PlanetId b) {
      return s_.planets[a].population > s_.planets[b].population;
    });
    if (order_by_size.size() > kMaxBuildPlanets) order_by_size.resize(kMaxBuildPlanets);
    for (PlanetId id : order_by_size) {
      const Planet& p = s_.planets[id];
      if (p.queue.size() >= queueDepth() || slotsUsed(p) >= slotCount(p)) continue;
      Building best = Building::kFarm;
      double best_score = 0;
      for (int b = 0; b < kBuildingCount; ++b) {
        const double score = buildingScore(p, static_cast<Building>(b));
        if (score > best_score) {
          best_score = score;
          best = static_cast<Building>(b);
        }
      }
      if (best_score > 0) order(Build{id, best});
    }
    buildShips();
  }

  // How many items a planet's queue may hold: a rich treasury builds in depth.
  size_t queueDepth() {
    const double credits = stock(Resource::kCredits);
    return credits > 20000 ? 3 : credits > 5000 ? 2 : 1;
  }

  int shipsOwned(ShipClass c, bool include_queued) {
    int n = 0;
    for (const auto& f : s_.fleets) {
      if (f.owner == civ_) n += f.ships[static_cast<int>(c)];
    }
    if (include_queued) {
      for (PlanetId id : planets()) {
        for (const auto& q : s_.planets[id].queue) n += q.is_ship && q.type == static_cast<uint8_t>(c);
      }
    }
    return n;
  }

  void buildShips() {
    PlanetId yard = kNone;
    for (PlanetId id : planets()) {
      const Planet& p = s_.planets[id];
      if (p.buildings[static_cast<int>(Building::kShipyard)] > 0 && p.queue.size() < queueDepth() &&
          (yard == kNone || p.queue.size() < s_.planets[yard].queue.size())) {
        yard = id;
      }
    }
    if (yard == kNone || broke()) return;
    const auto& pers = me().personality;
    const double credits = stock(Resource::kCredits);
    const int systems = static_cast<int>(s_.systems.size());

    if (shipsOwned(ShipClass::kScout, true) < 2 && me().explored_count < systems * 0.7) {
      order(BuildShip{yard, ShipClass::kScout, 1});
      return;
    }
    const int colony_ships = shipsOwned(ShipClass::kColonyShip, true);
    if (colony_ships < 1 + static_cast<int>(pers.expansion * 2) && credits > 350 &&
        stock(Resource::kFood) > 80 && colonyTargets() > colony_ships) {
      order(BuildShip{yard, ShipClass::kColonyShip, 1});
      return;
    }
    if (pers.commerce > 0.55 && hasTech(me(), tech::kCommerce) &&
        shipsOwned(ShipClass::kFreighter, true) < 2 && credits > 300) {
      order(BuildShip{yard, ShipClass::kFreighter, 1});
      return;
    }
    int warships = 0;
    for (auto c : {ShipClass::kCorvette, ShipClass::kFrigate, ShipClass::kCruiser}) {
      warships += shipsOwned(c, true) * (c == ShipClass::kCruiser ? 4 : c == ShipClass::kFrigate ? 2 : 1);
    }
    // A fleet that grows with the empire, the temperament, war and a full treasury.
    const double want = 2 + planets().size() * (0.5 + pers.aggression) + (atWarWithAnyone() ? 8 : 0) +
                        std::min(credits / 3000, planets().size() * 2.0);
    if (warships < want && credits > 250 + (1 - pers.aggression) * 300) {
      ShipClass c = ShipClass::kCorvette;
      if (hasTech(me(), tech::kCruisers) && credits > 900 && stock(Resource::kExotics) >= 20) {
        c = ShipClass::kCruiser;
      } else if (hasTech(me(), tech::kFrigates) && stock(Resource::kExotics) >= 5) {
        c = ShipClass::kFrigate;
      }
      order(BuildShip{yard, c, 1});
    }
  }

  // ---- fleets ----

  bool colonizable(const Planet& p) {
    const int need = kMinColonyHabitability - static_cast<int>(modifier(s_, civ_, Modifier::kColonyRange));
    return p.owner == kNone && p.habitability >= need;
  }

  int colonyTargets() {
    int n = 0;
    for (size_t sys = 0; sys < s_.systems.size() && n < 8; ++sys) {
      if (!me().explored[sys]) continue;
      for (PlanetId id : s_.systems[sys].planets) n += colonizable(s_.planets[id]);
    }
    return n;
  }

  // Breadth-first from `from` over explored systems; returns the first system accepted by
  // `want`, or kNone. Bounded by the galaxy size.
  template <typename Want>
  SystemId nearest(SystemId from, Want want, bool allow_unexplored) {
    std::vector<bool> seen(s_.systems.size(), false);
    std::vector<SystemId> frontier{from};
    seen[from] = true;
    while (!frontier.empty()) {
      std::vector<SystemId> next;
      for (SystemId sys : frontier) {
        if (sys != from && want(sys)) return sys;
        if (!me().explored[sys]) continue;
        for (const auto& lane : s_.systems[sys].lanes) {
          if (seen[lane.to]) continue;
          if (!allow_unexplored && !me().explored[lane.to]) continue;
          seen[lane.to] = true;
          next.push_back(lane.to);
        }
      }
      frontier.swap(next);
    }
    return kNone;
  }

  SystemId destination(const Fleet& f) {
    if (!f.route.empty()) return f.route.back();
    return f.next != kNone ? f.next : f.at;
  }

  // Systems holding idle armed fleets hostile to us; computed once per turn.
  bool hostileArmedAt(SystemId sys) {
    if (threats_.empty()) {
      threats_.assign(s_.systems.size(), false);
      for (const auto& f : s_.fleets) {
        if (f.next == kNone && armed(f) && hostile(s_, civ_, f.owner)) threats_[f.at] = true;
      }
    }
    return threats_[sys];
  }

  void commandFleets() {
    std::vector<Fleet> mine;
    for (const auto& f : s_.fleets) {
      if (f.owner == civ_) mine.push_back(f);
    }
    std::vector<SystemId> claimed;  // destinations already taken this turn
    for (const auto& f : mine) {
      if (f.next != kNone || !f.route.empty()) claimed.push_back(destination(f));
    }
    for (const auto& f : mine) {
      if (f.next != kNone) continue;
      const bool colony = f.ships[static_cast<int>(ShipClass::kColonyShip)] > 0;
      const bool scout_only = f.ships[static_cast<int>(ShipClass::kScout)] > 0 && !armed(f) && !colony;
      if (colony) {
        moveColonyShip(f, claimed);
      } else if (scout_only) {
        SystemId target = nearest(
            f.at,
            [&](SystemId sys) {
              return !me().explored[sys] &&
                     std::find(claimed.begin(), claimed.end(), sys) == claimed.end();
            },
            true);
        if (target != kNone && order(MoveFleet{f.id, target})) claimed.push_back(target);
      } else if (armed(f)) {
        moveWarFleet(f);
      }
    }
  }

  void moveColonyShip(const Fleet& f, std::vector<SystemId>& claimed) {
    // Settle here if there is a good planet; else head for the nearest free one.
    PlanetId best = kNone;
    for (PlanetId id : s_.systems[f.at].planets) {
      const Planet& p = s_.planets[id];
      if (colonizable(p) && (best == kNone || p.habitability * p.size >
                                                  s_.planets[best].habitability * s_.planets[best].size)) {
        best = id;
      }
    }
    if (best != kNone && order(Colonize{f.id, best})) return;
    SystemId target = nearest(
        f.at,
        [&](SystemId sys) {
          if (std::find(claimed.begin(), claimed.end(), sys) != claimed.end()) return false;
          if (hostileArmedAt(sys)) return false;
          for (PlanetId id : s_.systems[sys].planets) {
            if (colonizable(s_.planets[id])) return true;
          }
          return false;
        },
        false);
    if (target != kNone && order(MoveFleet{f.id, target})) claimed.push_back(target);
  }

  void moveWarFleet(const Fleet& f) {
    // Concentrate: merge into another idle armed fleet in the same system.
    for (const auto& other : s_.fleets) {
      if (other.owner == civ_ && other.id < f.id && other.at == f.at && other.next == kNone &&
          armed(other) && other.ships[static_cast<int>(ShipClass::kColonyShip)] == 0) {
        order(MergeFleets{f.id, other.id});
        return;
      }
    }
    // Invade what we stand over.
    for (PlanetId id : s_.systems[f.at].planets) {
      const Planet& p = s_.planets[id];
      if (p.owner >= 0 && p.owner != civ_ && atWar(s_, civ_, p.owner) && p.defense_hull <= 0 &&
          order(Invade{f.id, id})) {
        return;
      }
    }
    // Defend: hostile fleets in our systems.
    for (PlanetId id : planets()) {
      const SystemId sys = s_.planets[id].system;
      if (sys != f.at && hostileArmedAt(sys)) {
        if (order(MoveFleet{f.id, sys})) return;
      }
    }
    // Attack: the nearest enemy planet, once strong enough.
    if (atWarWithAnyone() && fleetStrength(s_, f) >= 25) {
      SystemId target = nearest(
          f.at,
          [&](SystemId sys) {
            for (PlanetId id : s_.systems[sys].planets) {
              const Planet& p = s_.planets[id];
              if (p.owner >= 0 && p.owner != civ_ && atWar(s_, civ_, p.owner)) return true;
            }
            return false;
          },
          false);
      if (target != kNone && target != f.at) {
        order(MoveFleet{f.id, target});
        return;
      }
      if (target == f.at) return;  // besieging
    }
    // Otherwise guard the capital.
    const PlanetId capital = me().capital;
    if (capital != kNone && s_.planets[capital].system != f.at && !atWarWithAnyone()) {
      order(MoveFleet{f.id, s_.planets[capital].system});
    }
  }

  // ---- diplomacy ----

  bool borders(CivId other) {
    for (PlanetId id : planets()) {
      const auto& sys = s_.systems[s_.planets[id].system];
      for (PlanetId q : sys.planets) {
        if (s_.planets[q].owner == other) return true;
      }
      for (const auto& lane : sys.lanes) {
        for (PlanetId q : s_.systems[lane.to].planets) {
          if (s_.planets[q].owner == other) return true;
        }
      }
    }
    return false;
  }

  void diplomacy() {
    const auto& pers = me().personality;
    const double mine = strength_.military[civ_];
    for (const auto& other : s_.civs) {
      if (other.id == civ_ || !other.alive) continue;
      const Relation& r = s_.relation(civ_, other.id);
      if (r.treaty == Treaty::kNone) continue;
      const double theirs = strength_.military[other.id];
      if (r.treaty == Treaty::kWar) {
        const bool tired = me().war_weariness > 15 + pers.aggression * 25;
        const bool losing = mine < 0.6 * theirs;
        const bool long_war = s_.tick - r.since > 400;
        if ((tired || losing || long_war) && order(ProposeTreaty{other.id, Treaty::kPeace})) return;
        continue;
      }
      if (r.treaty == Treaty::kPeace && r.score > 15 && pers.commerce > 0.3 &&
          order(ProposeTreaty{other.id, Treaty::kTradePact})) {
        return;
      }
      if (r.treaty == Treaty::kTradePact && r.score > 50 &&
          order(ProposeTreaty{other.id, Treaty::kAlliance})) {
        return;
      }
    }
    // War: against a weaker neighbour we dislike, if we are not already fighting.
    if (s_.tick < kWarGraceTicks || atWarWithAnyone()) return;
    CivId victim = kNone;
    double best = 0;
    for (const auto& other : s_.civs) {
      if (other.id == civ_ || !other.alive) continue;
      const Relation& r = s_.relation(civ_, other.id);
      if (r.treaty != Treaty::kPeace && r.treaty != Treaty::kTradePact) continue;
      const double threshold = -40 + pers.aggression * 60;  // aggressive: +14; meek: -28
      if (r.score > threshold) continue;
      const double ratio = (mine + 1) / (strength_.military[other.id] + 1);
      if (ratio < 1.3 - pers.aggression * 0.4 || !borders(other.id)) continue;
      const double appeal = ratio - r.score / 50.0;
      if (appeal > best) {
        best = appeal;
        victim = other.id;
      }
    }
    if (victim != kNone) order(DeclareWar{victim});
  }

  GameState& s_;
  CivId civ_;
  const Strengths& strength_;
  std::vector<bool> threats_;
};

}  // namespace

void runAi(GameState& s) {
  Strengths strength;
  bool any = false;
  for (const auto& civ : s.civs) {
    any |= civ.ai && civ.alive && (s.tick + civ.id) % kAiPeriod == 0;
  }
  if (!any) return;
  strength.military.assign(s.civs.size(), 0);
  for (const auto& f : s.fleets) {
    if (f.owner >= 0) strength.military[f.owner] += fleetStrength(s, f);
  }
  for (const auto& civ : s.civs) {
    if (!civ.ai || !civ.alive || (s.tick + civ.id) % kAiPeriod != 0) continue;
    Planner(s, civ.id, strength).run();
  }
}

}  // namespace startales::game
