#pragma once

// xxHash64's constants and steps (the public algorithm by Yann Collet), shared by hashBytes()
// (serialize.h) and WordHash.

#include <bit>
#include <cstdint>
#include <cstring>

namespace startales::game {

namespace xxh64 {
inline constexpr uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
inline constexpr uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
inline constexpr uint64_t kPrime3 = 0x165667B19E3779F9ULL;
inline constexpr uint64_t kPrime4 = 0x85EBCA77C2B2AE63ULL;
inline constexpr uint64_t kPrime5 = 0x27D4EB2F165667C5ULL;

inline uint64_t roundStep(uint64_t acc, uint64_t input) {
  acc += input * kPrime2;
  return std::rotl(acc, 31) * kPrime1;
}
// One 8-byte step of the tail loop.
inline uint64_t step8(uint64_t h, uint64_t word) {
  return std::rotl(h ^ roundStep(0, word), 27) * kPrime1 + kPrime4;
}
inline uint64_t avalanche(uint64_t h) {
  h ^= h >> 33;
  h *= kPrime2;
  h ^= h >> 29;
  h *= kPrime3;
  h ^= h >> 32;
  return h;
}
}  // namespace xxh64

// A 64-bit hash fed word by word, with no buffer: xxHash64's 8-byte step per word and its
// final avalanche. It is not xxHash64 of the words' bytes, so its values are only for
// comparing with each other in one process (a feed's view digest), never for storing.
class WordHash {
 public:
  void add(uint64_t word) { h_ = xxh64::step8(h_, word); }
  // The length, then the bytes in 8-byte words (the last one zero-padded).
  void addBytes(const void* data, size_t n) {
    add(n);
    const auto* p = static_cast<const unsigned char*>(data);
    for (; n >= 8; p += 8, n -= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      add(w);
    }
    if (n > 0) {
      uint64_t w = 0;
      std::memcpy(&w, p, n);
      add(w);
    }
  }
  uint64_t value() const { return xxh64::avalanche(h_); }

 private:
  uint64_t h_ = xxh64::kPrime5;
};

}  // namespace startales::game
