#pragma once

// Internal to the built-in engine: how a character says things. Numbers and plurals in
// correct English, sentences assembled with a capital and a full stop, and variant wordings
// chosen deterministically from a seed (campaign, character, message), so the same question
// gets the same facts but not the same sentence every time, and no stock phrase ends every
// answer. Pure.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "ai/character.h"

namespace startales::ai {

// "120", "12.5", "3" (whole from 100 on, else one decimal without a trailing ".0").
std::string num(double v);
std::string signedNum(double v);  // "+12.5", "-3"
// "1 world", "3 worlds", "1 colony ship", "2 colony ships", "1 empire"; `plural` when
// irregular ("colonies").
std::string count(double n, std::string_view singular, std::string_view plural = {});
// "a", "an" + word.
std::string article(std::string_view word);
// A civilization as a sentence names it: "the Solar Consortium" (a title of several words),
// but "Vega" or "ada" (a single name: a player's, which takes no article).
std::string theCiv(std::string_view name);
// "A, B and C".
std::string listing(const std::vector<std::string>& items);
std::string capitalised(std::string s);
// 64-bit mixing of the values a reply is seeded with.
uint64_t mix(uint64_t a, uint64_t b);
uint64_t hashText(std::string_view text);

// One reply being written: sentences in order, each chosen among variants by the seed.
class Phrasing {
 public:
  Phrasing(const Character& c, uint64_t seed) : c_(c), seed_(seed) {}

  // A variant by the seed (each call draws anew).
  const std::string& pick(const std::vector<std::string>& variants);
  std::string pick(std::initializer_list<std::string_view> variants);
  uint64_t draw();
  bool chance(double p) { return static_cast<double>(draw() % 1000) < p * 1000; }

  // Appends a sentence (capitalised, ending in . ! or ?).
  void say(std::string sentence);
  // Appends the first of the variants by the seed.
  void sayOne(std::initializer_list<std::string_view> variants) { say(pick(variants)); }
  bool empty() const { return sentences_.empty(); }

  // The reply: an opener by temperament on some replies ("My ruler, ..."), the sentences,
  // and sometimes a closing line in character. `stance` picks the closers' kind.
  enum class Stance { kNeutral, kAdvice, kWarning, kGood };
  std::string text(Stance stance) ;

  const Character& character() const { return c_; }

 private:
  const Character& c_;
  uint64_t seed_;
  uint64_t n_ = 0;
  std::vector<std::string> sentences_;
};

}  // namespace startales::ai
