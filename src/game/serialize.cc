// EVERY FIELD OF state.h MUST BE LISTED HERE. The `fields()` functions below are the one list
// of what a snapshot holds, used both to write and to read: adding a member to a struct in
// state.h (or command.h) means adding one `io(x.member);` line to that struct's fields(), in
// declaration order, and bumping kSnapshotVersion. A new enum also needs an enumCount()
// overload; a new id member belongs in checkIds() (state_check.cc). serialize_test.cc counts the members of
// every struct and fails when a struct gains one, as a reminder.

#include "game/serialize.h"

#include <cstdio>

#include <algorithm>
#include <bit>
#include <concepts>
#include <cstring>
#include <iterator>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "game/game.h"
#include "game/state_check.h"

namespace startales::game {
namespace {

// True for U and const U: one field list serves writing (const state) and reading.
template <class T, class U>
concept Is = std::same_as<std::remove_const_t<T>, U>;

// ---- the field lists -------------------------------------------------------------------

template <class Io, Is<GameConfig> T>
void fields(Io& io, T& c) {
  io(c.seed), io(c.systems), io(c.civs), io(c.players), io(c.player_names);
}

template <class Io, Is<Lane> T>
void fields(Io& io, T& l) {
  io(l.to), io(l.length);
}

template <class Io, Is<StarSystem> T>
void fields(Io& io, T& s) {
  io(s.id), io(s.name), io(s.x), io(s.y), io(s.planets), io(s.lanes);
}

template <class Io, Is<QueueItem> T>
void fields(Io& io, T& q) {
  io(q.is_ship), io(q.type), io(q.progress), io(q.paid), io(q.blocked), io(q.short_of);
  io(q.need), io(q.have);
}

template <class Io, Is<Planet> T>
void fields(Io& io, T& p) {
  io(p.id), io(p.system), io(p.name), io(p.type), io(p.size), io(p.habitability);
  io(p.deposits), io(p.owner), io(p.population), io(p.unrest), io(p.unrest_ticks);
  io(p.buildings), io(p.queue), io(p.defense_hull), io(p.blockaded), io(p.capital);
}

template <class Io, Is<Policies> T>
void fields(Io& io, T& p) {
  io(p.tax_rate), io(p.budget), io(p.tariff);
}

template <class Io, Is<Personality> T>
void fields(Io& io, T& p) {
  io(p.aggression), io(p.expansion), io(p.commerce), io(p.science);
}

template <class Io, Is<Score> T>
void fields(Io& io, T& s) {
  io(s.empire), io(s.discovery), io(s.story), io(s.social);
}

template <class Io, Is<Civ> T>
void fields(Io& io, T& c) {
  io(c.id), io(c.name), io(c.adjective), io(c.color), io(c.ai), io(c.alive);
  io(c.destroyed_by), io(c.capital), io(c.stock), io(c.influence), io(c.policies);
  io(c.personality), io(c.researching), io(c.research_progress), io(c.techs);
  io(c.explored), io(c.war_weariness), io(c.shortage), io(c.income), io(c.research_rate);
  io(c.explored_count), io(c.events_resolved), io(c.battles_won), io(c.colonies_founded);
  io(c.trades), io(c.score);
}

template <class Io, Is<Relation> T>
void fields(Io& io, T& r) {
  io(r.score), io(r.treaty), io(r.since);
}

template <class Io, Is<Fleet> T>
void fields(Io& io, T& f) {
  io(f.id), io(f.owner), io(f.name), io(f.at), io(f.next), io(f.progress), io(f.travel);
  io(f.route), io(f.ships), io(f.damage), io(f.expires);
}

template <class Io, Is<Proposal> T>
void fields(Io& io, T& p) {
  io(p.id), io(p.from), io(p.to), io(p.treaty), io(p.expires);
}

template <class Io, Is<PendingEvent> T>
void fields(Io& io, T& e) {
  io(e.id), io(e.civ), io(e.kind), io(e.planet), io(e.magnitude), io(e.expires);
}

template <class Io, Is<Market> T>
void fields(Io& io, T& m) {
  io(m.price), io(m.bought), io(m.sold);
}

template <class Io, Is<Counters> T>
void fields(Io& io, T& c) {
  io(c.colonies_founded), io(c.trades), io(c.wars), io(c.peace_treaties), io(c.trade_pacts);
  io(c.alliances), io(c.battles), io(c.invasions), io(c.revolts), io(c.events);
  io(c.ships_built), io(c.buildings_built), io(c.techs_researched), io(c.civs_destroyed);
  io(c.commands_applied), io(c.commands_failed);
}

// Commands: the Action variant is written as its index, then the alternative's fields.
template <class Io, Is<Build> T>
void fields(Io& io, T& a) {
  io(a.planet), io(a.building);
}
template <class Io, Is<CancelBuild> T>
void fields(Io& io, T& a) {
  io(a.planet), io(a.index);
}
template <class Io, Is<BuildShip> T>
void fields(Io& io, T& a) {
  io(a.planet), io(a.ship), io(a.count);
}
template <class Io, Is<SetPolicy> T>
void fields(Io& io, T& a) {
  io(a.tax_rate), io(a.budget), io(a.tariff);
}
template <class Io, Is<Research> T>
void fields(Io& io, T& a) {
  io(a.tech);
}
template <class Io, Is<MoveFleet> T>
void fields(Io& io, T& a) {
  io(a.fleet), io(a.to);
}
template <class Io, Is<SplitFleet> T>
void fields(Io& io, T& a) {
  io(a.fleet), io(a.ships);
}
template <class Io, Is<MergeFleets> T>
void fields(Io& io, T& a) {
  io(a.fleet), io(a.into);
}
template <class Io, Is<Colonize> T>
void fields(Io& io, T& a) {
  io(a.fleet), io(a.planet);
}
template <class Io, Is<Invade> T>
void fields(Io& io, T& a) {
  io(a.fleet), io(a.planet);
}
template <class Io, Is<Trade> T>
void fields(Io& io, T& a) {
  io(a.resource), io(a.amount);
}
template <class Io, Is<ProposeTreaty> T>
void fields(Io& io, T& a) {
  io(a.to), io(a.treaty);
}
template <class Io, Is<RespondTreaty> T>
void fields(Io& io, T& a) {
  io(a.proposal), io(a.accept);
}
template <class Io, Is<DeclareWar> T>
void fields(Io& io, T& a) {
  io(a.target);
}
template <class Io, Is<ChooseEventOption> T>
void fields(Io& io, T& a) {
  io(a.event), io(a.option);
}

template <class Io, Is<Command> T>
void fields(Io& io, T& c) {
  io(c.civ), io(c.action);
}

template <class Io, Is<QueuedCommand> T>
void fields(Io& io, T& q) {
  io(q.seq), io(q.command);
}

// The whole state. The names say where a corrupt snapshot went wrong.
template <class Io, Is<GameState> T>
void fields(Io& io, T& s) {
  io("config", s.config);
  io("tick", s.tick);
  io("rng", s.rng);
  io("systems", s.systems);
  io("planets", s.planets);
  io("civs", s.civs);
  io("fleets", s.fleets);
  io("relations", s.relations);
  io("proposals", s.proposals);
  io("events", s.events);
  io("market", s.market);
  io("counters", s.counters);
  io("battles", s.battles);
  io("pending", s.pending);
  io("next_seq", s.next_seq);
  io("next_fleet", s.next_fleet);
  io("next_proposal", s.next_proposal);
  io("next_event", s.next_event);
  // Derived members (civ_planets, civ_modifiers) are not written: rebuildDerived() rebuilds them.
}

// Number of values of each enum stored in a state; larger bytes are rejected.
constexpr int enumCount(Resource) { return kResourceCount; }
constexpr int enumCount(PlanetType) { return kPlanetTypeCount; }
constexpr int enumCount(Building) { return kBuildingCount; }
constexpr int enumCount(ShipClass) { return kShipClassCount; }
constexpr int enumCount(EventKind) { return kEventKindCount; }
constexpr int enumCount(Treaty) { return static_cast<int>(Treaty::kAlliance) + 1; }
constexpr int enumCount(BlockReason) { return static_cast<int>(BlockReason::kNoWorkers) + 1; }

template <class T>
concept Integer = std::integral<T> && !std::same_as<T, bool>;
template <class T>
concept Enum = std::is_enum_v<T>;

// Structs are written through their fields() list. (Containers are classes too, but their
// overloads below are more specialized, so they win.)
template <class T>
concept Struct = std::is_class_v<T>;

// ---- writing ---------------------------------------------------------------------------

class Writer {
 public:
  // The bytes written so far; finish() trims the spare capacity.
  std::string finish() && {
    out_.resize(size_);
    return std::move(out_);
  }

  template <class T>
  void operator()(const char* /*section*/, const T& value) {
    (*this)(value);
  }

  template <Integer T>
  void operator()(T value) {
    auto bits = static_cast<std::make_unsigned_t<T>>(value);
    char* p = grow(sizeof(T));
    for (size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<char>((bits >> (8 * i)) & 0xff);
  }
  void operator()(bool value) { (*this)(static_cast<uint8_t>(value ? 1 : 0)); }
  void operator()(double value) { (*this)(std::bit_cast<uint64_t>(value)); }
  template <Enum E>
  void operator()(E value) {
    (*this)(static_cast<std::underlying_type_t<E>>(value));
  }
  void operator()(const std::string& value) {
    (*this)(static_cast<uint32_t>(value.size()));
    if (!value.empty()) std::memcpy(grow(value.size()), value.data(), value.size());
  }
  // Packed: eight flags per byte, lowest bit first, unused high bits zero.
  void operator()(const std::vector<bool>& value) {
    (*this)(static_cast<uint32_t>(value.size()));
    for (size_t i = 0; i < value.size(); i += 8) {
      uint8_t byte = 0;
      for (size_t b = 0; b < 8 && i + b < value.size(); ++b) byte |= (value[i + b] ? 1 : 0) << b;
      (*this)(byte);
    }
  }
  template <class T>
  void operator()(const std::vector<T>& value) {
    (*this)(static_cast<uint32_t>(value.size()));
    for (const T& item : value) (*this)(item);
  }
  template <class T, size_t N>
  void operator()(const std::array<T, N>& value) {
    for (const T& item : value) (*this)(item);
  }
  template <class T>
  void operator()(const std::optional<T>& value) {
    (*this)(value.has_value());
    if (value) (*this)(*value);
  }
  void operator()(const Rng& rng) { (*this)(rng.words()); }
  void operator()(const Action& action) {
    (*this)(static_cast<uint8_t>(action.index()));
    std::visit([this](const auto& alt) { fields(*this, alt); }, action);
  }
  template <Struct T>
  void operator()(const T& value) {
    fields(*this, value);
  }

 private:
  // Room for n more bytes; a plain buffer is much faster than appending to a string field by
  // field (in debug builds especially).
  char* grow(size_t n) {
    if (size_ + n > out_.size()) out_.resize(std::max<size_t>(2 * out_.size(), size_ + n + 4096));
    char* p = out_.data() + size_;
    size_ += n;
    return p;
  }

  std::string out_;
  size_t size_ = 0;
};

// ---- reading ---------------------------------------------------------------------------

// Reads in the same order as Writer writes. After the first failure every read is a no-op
// that leaves defaults, and loops stop, so a bad snapshot costs at most one pass.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  [[nodiscard]] bool ok() const { return error_.empty(); }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] size_t remaining() const { return bytes_.size() - pos_; }
  void setSection(const char* section) { section_ = section; }

  void fail(const std::string& what) {
    if (ok()) error_ = what + " at byte " + std::to_string(pos_) + " while reading " + section_;
  }

  template <class T>
  void operator()(const char* section, T& value) {
    section_ = section;
    (*this)(value);
  }

  template <Integer T>
  void operator()(T& value) {
    const unsigned char* p = take(sizeof(T));
    if (p == nullptr) return;
    std::make_unsigned_t<T> bits = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
      bits |= static_cast<std::make_unsigned_t<T>>(static_cast<std::make_unsigned_t<T>>(p[i])
                                                   << (8 * i));
    }
    value = static_cast<T>(bits);
  }
  void operator()(bool& value) {
    uint8_t byte = 0;
    (*this)(byte);
    if (byte > 1) return fail("invalid boolean " + std::to_string(byte));
    value = byte == 1;
  }
  void operator()(double& value) {
    uint64_t bits = 0;
    (*this)(bits);
    value = std::bit_cast<double>(bits);
  }
  template <Enum E>
  void operator()(E& value) {
    std::underlying_type_t<E> raw{};
    (*this)(raw);
    if (static_cast<int64_t>(raw) < 0 || static_cast<int64_t>(raw) >= enumCount(E{})) {
      return fail("invalid enum value " + std::to_string(static_cast<int64_t>(raw)));
    }
    value = static_cast<E>(raw);
  }
  void operator()(std::string& value) {
    const uint32_t n = count(1);
    const unsigned char* p = take(n);
    if (p != nullptr) value.assign(reinterpret_cast<const char*>(p), n);
  }
  void operator()(std::vector<bool>& value) {
    const uint32_t n = count(0);
    const unsigned char* p = take((static_cast<size_t>(n) + 7) / 8);
    if (p == nullptr) return;
    value.assign(n, false);
    for (uint32_t i = 0; i < n; ++i) value[i] = ((p[i / 8] >> (i % 8)) & 1) != 0;
    if (n % 8 != 0 && (p[n / 8] >> (n % 8)) != 0) fail("nonzero padding in a flag list");
  }
  template <class T>
  void operator()(std::vector<T>& value) {
    // Every element takes at least one byte, so the count is bounded by the input; elements
    // are appended as they are read, never allocated up front from an untrusted count.
    const uint32_t n = count(std::is_arithmetic_v<T> ? sizeof(T) : 1);
    value.clear();
    if constexpr (std::is_arithmetic_v<T>) value.reserve(n);
    for (uint32_t i = 0; i < n && ok(); ++i) (*this)(value.emplace_back());
  }
  template <class T, size_t N>
  void operator()(std::array<T, N>& value) {
    for (T& item : value) (*this)(item);
  }
  template <class T>
  void operator()(std::optional<T>& value) {
    bool present = false;
    (*this)(present);
    value.reset();
    if (present) (*this)(value.emplace());
  }
  void operator()(Rng& rng) {
    std::array<uint64_t, 4> words{};
    (*this)(words);
    rng.setWords(words);
  }
  void operator()(Action& action) {
    uint8_t index = 0;
    (*this)(index);
    if (!ok()) return;
    if (!emplaceAlternative(action, index,
                            std::make_index_sequence<std::variant_size_v<Action>>{})) {
      return fail("invalid command kind " + std::to_string(index));
    }
    std::visit([this](auto& alt) { fields(*this, alt); }, action);
  }
  template <Struct T>
  void operator()(T& value) {
    fields(*this, value);
  }

 private:
  // The next n bytes, or nullptr (and an error) when fewer remain.
  const unsigned char* take(size_t n) {
    if (!ok()) return nullptr;
    if (n > remaining()) {
      error_ = "snapshot truncated at byte " + std::to_string(bytes_.size()) + " while reading " +
               section_;
      return nullptr;
    }
    const auto* p = reinterpret_cast<const unsigned char*>(bytes_.data()) + pos_;
    pos_ += n;
    return p;
  }
  // A u32 length prefix, checked against the bytes left (`unit` bytes per element at least).
  uint32_t count(size_t unit) {
    uint32_t n = 0;
    (*this)(n);
    if (!ok()) return 0;
    if (unit > 0 && n > remaining() / unit) {
      error_ = "snapshot truncated at byte " + std::to_string(bytes_.size()) + " while reading " +
               section_ + " (length " + std::to_string(n) + " exceeds the data left)";
      return 0;
    }
    return n;
  }
  template <size_t... I>
  static bool emplaceAlternative(Action& action, size_t index, std::index_sequence<I...>) {
    return ((index == I ? (action.template emplace<I>(), true) : false) || ...);
  }

  std::string_view bytes_;
  size_t pos_ = 0;
  const char* section_ = "header";
  std::string error_;
};


constexpr char kMagic[4] = {'S', 'T', 'G', 'S'};

}  // namespace

std::string serialize(const GameState& state) {
  Writer w;
  for (char c : kMagic) w(static_cast<uint8_t>(c));
  w(kSnapshotVersion);
  fields(w, state);
  return std::move(w).finish();
}

bool deserialize(std::string_view bytes, GameState& out, std::string& error) {
  Reader r(bytes);
  char magic[4] = {};
  for (char& c : magic) {
    uint8_t b = 0;
    r(b);
    c = static_cast<char>(b);
  }
  if (!r.ok()) {
    error = r.error();
    return false;
  }
  if (std::string_view(magic, 4) != std::string_view(kMagic, 4)) {
    error = "not a StarTales snapshot (the first bytes are not \"STGS\")";
    return false;
  }
  uint32_t version = 0;
  r(version);
  if (r.ok() && version != kSnapshotVersion) {
    error = "unsupported snapshot version " + std::to_string(version) + " (this build reads " +
            std::to_string(kSnapshotVersion) + ")";
    return false;
  }
  GameState state;
  fields(r, state);
  if (r.ok() && r.remaining() > 0) {
    r.setSection("the end");
    r.fail(std::to_string(r.remaining()) + " unexpected bytes");
  }
  if (!r.ok()) {
    error = r.error();
    return false;
  }
  if (std::string problem = checkIds(state); !problem.empty()) {
    error = std::move(problem);
    return false;
  }
  rebuildDerived(state);
  out = std::move(state);
  return true;
}


uint64_t stateHash(const GameState& state) { return hashBytes(serialize(state)); }

std::string stateHashHex(const GameState& state) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(stateHash(state)));
  return buf;
}

}  // namespace startales::game
