#include "campaign/view_digest.h"

#include <array>
#include <bit>
#include <boost/pfr.hpp>
#include <optional>
#include <string>
#include <type_traits>

#include "game/word_hash.h"

namespace startales::campaign {

using namespace game;

namespace {

template <class T>
struct IsVector : std::false_type {};
template <class T, class A>
struct IsVector<std::vector<T, A>> : std::true_type {};
template <class T>
struct IsArray : std::false_type {};
template <class T, size_t N>
struct IsArray<std::array<T, N>> : std::true_type {};

// Hashes every field of a view part, recursively (aggregates field by field through
// Boost.PFR), so that two parts hash alike exactly when operator== holds, barring a
// collision: sizes precede variable-length data, and -0.0 counts as 0.0 (they compare equal).
class FieldHash {
 public:
  template <class T>
  void add(const T& v) {
    if constexpr (std::is_same_v<T, double>) {
      hash_.add(std::bit_cast<uint64_t>(v == 0 ? 0.0 : v));
    } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
      static_assert(sizeof(T) <= 8 && !std::is_floating_point_v<T>);
      hash_.add(static_cast<uint64_t>(v));
    } else if constexpr (std::is_same_v<T, std::string>) {
      hash_.addBytes(v.data(), v.size());
    } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
      hash_.add(v.size());
      for (bool b : v) hash_.add(b);
    } else if constexpr (IsVector<T>::value || IsArray<T>::value) {
      using Item = typename T::value_type;
      if constexpr (std::is_integral_v<Item> || std::is_enum_v<Item>) {
        hash_.addBytes(v.data(), v.size() * sizeof(Item));  // the byte count holds the size
      } else {
        if constexpr (IsVector<T>::value) hash_.add(v.size());
        for (const auto& item : v) add(item);
      }
    } else {
      static_assert(std::is_aggregate_v<T>, "a view part is plain data");
      boost::pfr::for_each_field(v, [this](const auto& field) { add(field); });
    }
  }

  uint64_t value() const { return hash_.value(); }

 private:
  game::WordHash hash_;
};

// The hash of one part.
template <class T>
uint64_t hashOf(const T& part) {
  FieldHash h;
  h.add(part);
  return h.value();
}

// The same walk as diffViews' diffById, over (id, hash) pairs, fed one entry of the new view
// at a time (ascending by id, as held is). finish() leaves `held` digesting the new entries.
template <class T>
class Walk {
 public:
  explicit Walk(std::vector<ViewDigest::Entry>& held) : held_(held) { next_.reserve(held.size()); }

  // make() returns the entry; it is called only when the entry is new or changed.
  template <class Make>
  void add(int32_t id, uint64_t hash, Make&& make) {
    while (i_ < held_.size() && held_[i_].id < id) out_.removed.push_back(held_[i_++].id);
    const bool known = i_ < held_.size() && held_[i_].id == id;
    if (!known || held_[i_].hash != hash) out_.upserted.push_back(make());
    if (known) ++i_;
    next_.push_back({id, hash});
  }

  Changes<T> finish() {
    while (i_ < held_.size()) out_.removed.push_back(held_[i_++].id);
    held_ = std::move(next_);
    return std::move(out_);
  }

 private:
  std::vector<ViewDigest::Entry>& held_;
  std::vector<ViewDigest::Entry> next_;
  size_t i_ = 0;
  Changes<T> out_;
};

// A part that changed is moved into the delta; its hash is kept.
template <class T>
void advancePart(uint64_t& held_hash, T& value, std::optional<T>& slot) {
  const uint64_t hash = hashOf(value);
  if (hash != held_hash) slot = std::move(value);
  held_hash = hash;
}

// Changed and new entries are moved out of `now`.
template <class T>
Changes<T> advance(std::vector<ViewDigest::Entry>& held, std::vector<T>& now) {
  Walk<T> walk(held);
  for (T& e : now) walk.add(e.id, hashOf(e), [&] { return std::move(e); });
  return walk.finish();
}

// Advances a digest straight from the state: entries are hashed where they are (own planets
// and fleets are the state's structs; systems' hashes come from SystemHashes) and copied
// only when they changed.
class DigestSink final : public ViewSink {
 public:
  DigestSink(ViewDigest& held, const std::vector<uint64_t>& system_hashes, ViewDelta& out)
      : held_(held),
        system_hashes_(system_hashes),
        out_(out),
        planets_(held.planets),
        systems_(held.systems),
        foreign_planets_(held.foreign_planets),
        fleets_(held.fleets),
        foreign_fleets_(held.foreign_fleets),
        civs_(held.civs),
        proposals_(held.proposals),
        events_(held.events) {}

  void self(SelfView v) override { advancePart(held_.self, v, out_.self); }
  void planet(const Planet& own) override {
    planets_.add(own.id, hashOf(own), [&] { return own; });
  }
  void system(const StarSystem& sys) override {
    systems_.add(sys.id, system_hashes_[sys.id], [&] { return systemView(sys); });
  }
  void foreignPlanets(std::vector<ForeignPlanetView> all) override {
    for (ForeignPlanetView& v : all) {
      foreign_planets_.add(v.id, hashOf(v), [&] { return std::move(v); });
    }
  }
  void fleet(const Fleet& own) override {
    fleets_.add(own.id, hashOf(own), [&] { return own; });
  }
  void foreignFleet(ForeignFleetView v) override {
    foreign_fleets_.add(v.id, hashOf(v), [&] { return std::move(v); });
  }
  void civ(CivView v) override {
    civs_.add(v.id, hashOf(v), [&] { return std::move(v); });
  }
  void market(const Market& m) override {
    Market copy = m;  // plain numbers: cheaper than a second way to advance a part
    advancePart(held_.market, copy, out_.market);
  }
  void proposal(const Proposal& p) override {
    proposals_.add(p.id, hashOf(p), [&] { return p; });
  }
  void event(const PendingEvent& e) override {
    events_.add(e.id, hashOf(e), [&] { return e; });
  }
  void sensors(std::vector<SystemId> covered) override {
    advancePart(held_.sensors, covered, out_.sensors);
  }

  // Removals of entries no longer seen; afterwards `held` digests the new view.
  void finish() {
    out_.planets = planets_.finish();
    out_.systems = systems_.finish();
    out_.foreign_planets = foreign_planets_.finish();
    out_.fleets = fleets_.finish();
    out_.foreign_fleets = foreign_fleets_.finish();
    out_.civs = civs_.finish();
    out_.proposals = proposals_.finish();
    out_.events = events_.finish();
  }

 private:
  ViewDigest& held_;
  const std::vector<uint64_t>& system_hashes_;
  ViewDelta& out_;
  Walk<Planet> planets_;
  Walk<SystemView> systems_;
  Walk<ForeignPlanetView> foreign_planets_;
  Walk<Fleet> fleets_;
  Walk<ForeignFleetView> foreign_fleets_;
  Walk<CivView> civs_;
  Walk<Proposal> proposals_;
  Walk<PendingEvent> events_;
};

}  // namespace

const std::vector<uint64_t>& SystemHashes::of(const GameState& s) {
  if (hashes_.size() != s.systems.size()) {
    hashes_.clear();
    for (const StarSystem& sys : s.systems) hashes_.push_back(hashOf(systemView(sys)));
  }
  return hashes_;
}

ViewDigest digestOf(View view) {
  ViewDigest d;  // empty: advancing it hashes every part and entry
  advanceDigest(d, std::move(view));
  return d;
}

ViewDelta advanceDigest(ViewDigest& held, View now) {
  ViewDelta d;
  d.tick = now.tick;
  advancePart(held.self, now.self, d.self);
  advancePart(held.market, now.market, d.market);
  advancePart(held.sensors, now.sensors, d.sensors);
  d.planets = advance(held.planets, now.planets);
  d.systems = advance(held.systems, now.systems);
  d.foreign_planets = advance(held.foreign_planets, now.foreign_planets);
  d.fleets = advance(held.fleets, now.fleets);
  d.foreign_fleets = advance(held.foreign_fleets, now.foreign_fleets);
  d.civs = advance(held.civs, now.civs);
  d.proposals = advance(held.proposals, now.proposals);
  d.events = advance(held.events, now.events);
  return d;
}

ViewDelta advanceDigest(ViewDigest& held, const GameState& s, CivId civ, SystemHashes& systems) {
  ViewDelta d;
  d.tick = s.tick;
  DigestSink sink(held, systems.of(s), d);
  visitView(s, civ, sink);
  sink.finish();
  return d;
}

}  // namespace startales::campaign
