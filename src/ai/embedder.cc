#include "ai/embedder.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <string>

namespace startales::ai {

namespace {

// Words too common to say anything about a memory.
constexpr std::string_view kStopWords[] = {
    "a",    "about", "all",   "an",   "and",  "are",   "as",    "at",   "be",   "been",  "but",
    "by",   "can",   "could", "did",  "do",   "does",  "for",   "from", "had",  "has",   "have",
    "he",   "her",   "his",   "i",    "if",   "in",    "is",    "it",   "its",  "me",    "my",
    "of",   "on",    "or",    "our",  "ours", "she",   "so",    "that", "the",  "their", "them",
    "then", "there", "these", "they", "this", "those", "to",    "us",   "was",  "we",    "were",
    "what", "when",  "which", "who",  "will", "with",  "would", "you",  "your",
};

bool isStopWord(std::string_view w) {
  return std::find(std::begin(kStopWords), std::end(kStopWords), w) != std::end(kStopWords);
}

// Bytes of a word: ASCII letters and digits (lower-cased) and any non-ASCII byte, so UTF-8
// words stay whole.
bool isWordByte(unsigned char c) { return std::isalnum(c) != 0 || c >= 0x80; }

uint64_t fnv1a(std::string_view tag, std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : tag) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  // Final avalanche (splitmix64) so the low bits used for the bucket are well mixed.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

// A crude English stemmer: "attacked", "attacks", "attacking" -> "attack".
std::string_view stem(std::string_view w) {
  for (const std::string_view suffix : {"ing", "ed", "es", "s"}) {
    if (w.size() >= suffix.size() + 3 && w.ends_with(suffix)) {
      return w.substr(0, w.size() - suffix.size());
    }
  }
  return w;
}

constexpr float kWordWeight = 1.0F;
constexpr float kTrigramWeight = 0.5F;

}  // namespace

BuiltinEmbedder::BuiltinEmbedder(int dimension) : dimension_(std::max(dimension, 16)) {}

Result<std::vector<float>> BuiltinEmbedder::embed(std::string_view text) {
  std::vector<float> v(static_cast<size_t>(dimension_), 0.0F);
  const auto add = [&](std::string_view tag, std::string_view feature, float weight) {
    const uint64_t h = fnv1a(tag, feature);
    const float sign = (h >> 63) != 0 ? -1.0F : 1.0F;
    v[h % static_cast<uint64_t>(dimension_)] += sign * weight;
  };

  std::string word;
  std::string padded;
  const auto flush = [&]() {
    if (word.empty() || isStopWord(word)) {
      word.clear();
      return;
    }
    const std::string_view stemmed = stem(word);
    add("w:", stemmed, kWordWeight);
    // Character 3-grams of "^word$" catch shared roots the stemmer misses.
    // (clear + push_back rather than `= "^"`: GCC 12 warns falsely, -Wrestrict, bug 105329.)
    padded.clear();
    padded.push_back('^');
    padded.append(word);
    padded.push_back('$');
    for (size_t i = 0; i + 3 <= padded.size(); ++i) {
      add("g:", std::string_view(padded).substr(i, 3), kTrigramWeight);
    }
    word.clear();
  };
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (isWordByte(c)) {
      word += c < 0x80 ? static_cast<char>(std::tolower(c)) : ch;
    } else {
      flush();
    }
  }
  flush();

  double norm = 0;
  for (const float x : v) norm += static_cast<double>(x) * x;
  if (norm > 0) {
    const auto inv = static_cast<float>(1.0 / std::sqrt(norm));
    for (float& x : v) x *= inv;
  }
  return v;
}

float dot(const float* a, const float* b, int n) {
  // Eight independent sums so the compiler can use SIMD lanes without -ffast-math.
  float acc[8] = {};
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) acc[j] += a[i + j] * b[i + j];
  }
  float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

}  // namespace startales::ai
