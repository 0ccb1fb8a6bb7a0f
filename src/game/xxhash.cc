// xxHash64 (the public algorithm by Yann Collet), for state hashes: hashBytes() in
// serialize.h.

#include <bit>
#include <cstdint>
#include <string_view>

#include "game/serialize.h"
#include "game/word_hash.h"

namespace startales::game {

namespace {

using namespace xxh64;

uint64_t readLe(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}
uint64_t hashMerge(uint64_t acc, uint64_t v) {
  acc ^= roundStep(0, v);
  return acc * kPrime1 + kPrime4;
}

}  // namespace

uint64_t hashBytes(std::string_view bytes, uint64_t seed) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned char* const end = p + bytes.size();
  uint64_t h = 0;
  if (bytes.size() >= 32) {
    uint64_t v1 = seed + kPrime1 + kPrime2, v2 = seed + kPrime2, v3 = seed, v4 = seed - kPrime1;
    for (; end - p >= 32; p += 32) {
      v1 = roundStep(v1, readLe(p, 8));
      v2 = roundStep(v2, readLe(p + 8, 8));
      v3 = roundStep(v3, readLe(p + 16, 8));
      v4 = roundStep(v4, readLe(p + 24, 8));
    }
    h = std::rotl(v1, 1) + std::rotl(v2, 7) + std::rotl(v3, 12) + std::rotl(v4, 18);
    h = hashMerge(hashMerge(hashMerge(hashMerge(h, v1), v2), v3), v4);
  } else {
    h = seed + kPrime5;
  }
  h += bytes.size();
  for (; end - p >= 8; p += 8) h = step8(h, readLe(p, 8));
  if (end - p >= 4) {
    h = std::rotl(h ^ (readLe(p, 4) * kPrime1), 23) * kPrime2 + kPrime3;
    p += 4;
  }
  for (; p < end; ++p) h = std::rotl(h ^ (*p * kPrime5), 11) * kPrime1;
  return avalanche(h);
}

}  // namespace startales::game
