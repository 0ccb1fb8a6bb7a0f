#pragma once

// Numbers as spoken English words, 0..9999: "twenty five", "three hundred and ten",
// "a hundred", "two thousand". The JSGF rules accept exactly what parseNumberWords reads.

#include <optional>
#include <span>
#include <string>

namespace startales::voice {

// "twenty five" for 25 (no "and"); precondition 0 <= n <= 9999.
std::string numberWords(int n);
// The value of `words` (each one lower-case word; a single all-digit word such as "120" is
// accepted too, for text from other engines), or nullopt when they are not one number.
std::optional<int> parseNumberWords(std::span<const std::string> words);
// JSGF rule definitions for <number> (0..9999) and <count> (1..10), one per line.
std::string numberJsgfRules();
// Every word numberJsgfRules() uses.
std::span<const char* const> numberWordList();

}  // namespace startales::voice
