#include "game/names.h"

#include <algorithm>
#include <cctype>

#include "game/ids.h"

namespace startales::game {
namespace {

// Random draws before scanning for a free combination.
constexpr int kDrawTries = 24;
// Random draws before scanning all fallback names.
constexpr int kFallbackTries = 256;
// Chance that a system name gets a suffix while single words remain.
constexpr double kSystemSuffixChance = 0.15;
// Homeworlds and civilization adjectives use every single word before any second word.
constexpr double kHomeworldSuffixChance = 0.0;
constexpr double kAdjectiveSecondChance = 0.0;
// Draws looking for a polity no civilization uses yet.
constexpr int kPolityTries = 8;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool sameWord(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Index of `word` in `pool` ignoring case, or kNone.
int32_t findWord(std::span<const std::string_view> pool, std::string_view word) {
  for (size_t i = 0; i < pool.size(); ++i) {
    if (sameWord(pool[i], word)) return static_cast<int32_t>(i);
  }
  return kNone;
}

std::string join(std::string_view a, std::string_view b) {
  std::string out;
  out.reserve(a.size() + 1 + b.size());
  out.append(a).append(" ").append(b);
  return out;
}

}  // namespace

std::string planetName(std::string_view system, int orbit) {
  return join(system, kPlanetOrdinals[static_cast<size_t>(orbit)]);
}

std::vector<std::string_view> nameVocabulary() {
  std::vector<std::string_view> words;
  auto add = [&](std::span<const std::string_view> pool) {
    words.insert(words.end(), pool.begin(), pool.end());
  };
  add(kStarWords);
  add(kSystemSuffixes);
  add(kPlanetOrdinals);
  add(kHomeworldNames);
  add(kCivWords);
  add(kPolityWords);
  add(kFirstNames);
  add(kFamilyNames);
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

// ---- Combos ----------------------------------------------------------------------------

NameGenerator::Combos::Combos(std::span<const std::string_view> f,
                              std::span<const std::string_view> s, bool allow_single, double chance)
    : firsts(f), seconds(s), single(allow_single), second_chance(chance) {
  used.assign(f.size() * (s.size() + (allow_single ? 1 : 0)), false);
}

std::string NameGenerator::Combos::name(int32_t combo) const {
  const auto n = static_cast<int32_t>(firsts.size());
  const std::string_view first = firsts[static_cast<size_t>(combo % n)];
  const int32_t slot = combo / n;
  if (single && slot == 0) return std::string(first);
  return join(first, seconds[static_cast<size_t>(slot - (single ? 1 : 0))]);
}

void NameGenerator::Combos::take(int32_t combo) {
  if (used[static_cast<size_t>(combo)]) return;
  used[static_cast<size_t>(combo)] = true;
  if (single && combo < static_cast<int32_t>(firsts.size())) ++singles_taken;
}

int32_t NameGenerator::Combos::draw(Rng& rng) {
  const auto n = static_cast<uint32_t>(firsts.size());
  const auto m = static_cast<uint32_t>(seconds.size());
  for (int attempt = 0; attempt < kDrawTries; ++attempt) {
    const bool singles_left = single && singles_taken < static_cast<int32_t>(n);
    uint32_t slot = 0;
    if (!single) {
      slot = rng.below(m);
    } else if (!singles_left || rng.chance(second_chance)) {
      slot = 1 + rng.below(m);
    }
    const auto combo = static_cast<int32_t>(slot * n + rng.below(n));
    if (!used[static_cast<size_t>(combo)]) {
      take(combo);
      return combo;
    }
  }
  // Crowded: the first free combination after a random start.
  const int32_t total = size();
  const auto start = static_cast<int32_t>(rng.below(static_cast<uint32_t>(total)));
  for (int32_t i = 0; i < total; ++i) {
    const int32_t combo = (start + i) % total;
    if (!used[static_cast<size_t>(combo)]) {
      take(combo);
      return combo;
    }
  }
  return kNone;
}

void NameGenerator::Combos::reserve(std::string_view name) {
  const size_t space = name.find(' ');
  const auto n = static_cast<int32_t>(firsts.size());
  if (space == std::string_view::npos) {
    const int32_t first = findWord(firsts, name);
    if (single && first != kNone) return take(first);
  } else if (name.find(' ', space + 1) == std::string_view::npos) {
    const int32_t first = findWord(firsts, name.substr(0, space));
    const int32_t second = findWord(seconds, name.substr(space + 1));
    if (first != kNone && second != kNone) return take((second + (single ? 1 : 0)) * n + first);
  }
  others.insert(lower(name));
}

std::string NameGenerator::Combos::fallback(
    Rng& rng, std::span<const std::span<const std::string_view>> pools) {
  auto build = [&](auto pick) {
    std::string out;
    for (size_t p = 0; p < pools.size(); ++p) {
      if (p > 0) out += ' ';
      out += pools[p][pick(p)];
    }
    return out;
  };
  for (int attempt = 0; attempt < kFallbackTries; ++attempt) {
    std::string name =
        build([&](size_t p) { return rng.below(static_cast<uint32_t>(pools[p].size())); });
    if (others.insert(lower(name)).second) return name;
  }
  // Scan every combination in order (mixed-radix counter over the pools).
  std::vector<size_t> digit(pools.size(), 0);
  while (true) {
    std::string name = build([&](size_t p) { return digit[p]; });
    if (others.insert(lower(name)).second) return name;
    size_t p = 0;
    while (p < pools.size() && ++digit[p] == pools[p].size()) digit[p++] = 0;
    if (p == pools.size()) return name;  // all taken: unreachable for game sizes
  }
}

// ---- NameGenerator ---------------------------------------------------------------------

NameGenerator::NameGenerator()
    : systems_(kStarWords, kSystemSuffixes, true, kSystemSuffixChance),
      homeworlds_(kHomeworldNames, kSystemSuffixes, true, kHomeworldSuffixChance),
      adjectives_(kCivWords, kStarWords, true, kAdjectiveSecondChance),
      people_(kFirstNames, kFamilyNames, false, 0) {}

std::string NameGenerator::systemName(Rng& rng) {
  const int32_t combo = systems_.draw(rng);
  if (combo != kNone) return systems_.name(combo);
  const std::array<std::span<const std::string_view>, 2> pools = {kStarWords, kStarWords};
  return systems_.fallback(rng, pools);
}

std::string NameGenerator::homeworldName(Rng& rng) {
  const int32_t combo = homeworlds_.draw(rng);
  if (combo != kNone) return homeworlds_.name(combo);
  const std::array<std::span<const std::string_view>, 2> pools = {kHomeworldNames, kStarWords};
  return homeworlds_.fallback(rng, pools);
}

CivName NameGenerator::civName(Rng& rng) {
  CivName out;
  const int32_t combo = adjectives_.draw(rng);
  if (combo != kNone) {
    out.adjective = adjectives_.name(combo);
  } else {
    const std::array<std::span<const std::string_view>, 3> pools = {kCivWords, kStarWords,
                                                                    kStarWords};
    out.adjective = adjectives_.fallback(rng, pools);
  }
  // Prefer a polity nobody uses yet, else the least used after a random start.
  const auto polities = static_cast<uint32_t>(kPolityWords.size());
  uint32_t polity = rng.below(polities);
  for (int attempt = 1; attempt < kPolityTries && polity_uses_[polity] > 0; ++attempt) {
    polity = rng.below(polities);
  }
  if (polity_uses_[polity] > 0) {
    for (uint32_t i = 1; i < polities; ++i) {
      const uint32_t other = (polity + i) % polities;
      if (polity_uses_[other] < polity_uses_[polity]) polity = other;
    }
  }
  ++polity_uses_[polity];
  out.name = join(out.adjective, kPolityWords[polity]);
  return out;
}

std::string NameGenerator::personName(Rng& rng) {
  const int32_t combo = people_.draw(rng);
  if (combo != kNone) return people_.name(combo);
  const std::array<std::span<const std::string_view>, 3> pools = {kFirstNames, kFirstNames,
                                                                  kFamilyNames};
  return people_.fallback(rng, pools);
}

void NameGenerator::reserveSystemName(std::string_view name) { systems_.reserve(name); }
void NameGenerator::reserveHomeworldName(std::string_view name) { homeworlds_.reserve(name); }
void NameGenerator::reserveCivAdjective(std::string_view adjective) {
  adjectives_.reserve(adjective);
}
void NameGenerator::reservePersonName(std::string_view name) { people_.reserve(name); }

}  // namespace startales::game
