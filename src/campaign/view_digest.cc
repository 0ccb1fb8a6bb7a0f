#include "campaign/view_digest.h"

#include <array>
#include <boost/pfr.hpp>
#include <cstring>
#include <string>
#include <type_traits>

#include "game/serialize.h"

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

// Appends the bytes of every field of a view part, recursively (aggregates field by field
// through Boost.PFR), so that two parts give the same bytes exactly when operator== holds:
// sizes precede variable-length data, and -0.0 is written as 0.0 (they compare equal).
class FieldBytes {
 public:
  explicit FieldBytes(std::string& out) : out_(out) {}

  template <class T>
  void add(const T& v) {
    if constexpr (std::is_same_v<T, double>) {
      raw(v == 0 ? 0.0 : v);
    } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
      raw(v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      raw(static_cast<uint32_t>(v.size()));
      out_.append(v);
    } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
      raw(static_cast<uint32_t>(v.size()));
      for (bool b : v) raw(b);
    } else if constexpr (IsVector<T>::value || IsArray<T>::value) {
      if constexpr (IsVector<T>::value) raw(static_cast<uint32_t>(v.size()));
      using Item = typename T::value_type;
      if constexpr (std::is_integral_v<Item> || std::is_enum_v<Item>) {
        out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(Item));
      } else {
        for (const auto& item : v) add(item);
      }
    } else {
      static_assert(std::is_aggregate_v<T>, "a view part is plain data");
      boost::pfr::for_each_field(v, [this](const auto& field) { add(field); });
    }
  }

 private:
  template <class S>
  void raw(S v) {
    char bytes[sizeof(S)];
    std::memcpy(bytes, &v, sizeof(S));
    out_.append(bytes, sizeof(S));
  }
  std::string& out_;
};

// The hash of one part. Threading: the scratch buffer is per thread, so feeds of campaigns
// on different threads hash concurrently.
template <class T>
uint64_t hashOf(const T& part) {
  thread_local std::string scratch;
  scratch.clear();
  FieldBytes(scratch).add(part);
  return hashBytes(scratch);
}

// The same walk as diffViews' diffById, over (id, hash) pairs: both sides are sorted by id.
// Changed and new entries are moved out of `now`; `held` becomes now's entries.
template <class T>
Changes<T> advance(std::vector<ViewDigest::Entry>& held, std::vector<T>& now) {
  Changes<T> out;
  std::vector<ViewDigest::Entry> next;
  next.reserve(now.size());
  size_t i = 0, j = 0;
  while (i < held.size() || j < now.size()) {
    if (j == now.size() || (i < held.size() && held[i].id < now[j].id)) {
      out.removed.push_back(held[i++].id);
      continue;
    }
    const ViewDigest::Entry entry{now[j].id, hashOf(now[j])};
    const bool same = i < held.size() && held[i].id == now[j].id && held[i].hash == entry.hash;
    if (i < held.size() && held[i].id == now[j].id) ++i;
    if (!same) out.upserted.push_back(std::move(now[j]));
    next.push_back(entry);
    ++j;
  }
  held = std::move(next);
  return out;
}

}  // namespace

ViewDigest digestOf(View view) {
  ViewDigest d;  // empty: advancing it hashes every part and entry
  advanceDigest(d, std::move(view));
  return d;
}

ViewDelta advanceDigest(ViewDigest& held, View now) {
  ViewDelta d;
  d.tick = now.tick;
  // A part that changed is moved into the delta, its hash kept.
  auto part = [](uint64_t& held_hash, auto& value, auto& slot) {
    const uint64_t hash = hashOf(value);
    if (hash != held_hash) slot = std::move(value);
    held_hash = hash;
  };
  part(held.self, now.self, d.self);
  part(held.market, now.market, d.market);
  part(held.sensors, now.sensors, d.sensors);
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

}  // namespace startales::campaign
