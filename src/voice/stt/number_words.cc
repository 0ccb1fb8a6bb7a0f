#include "voice/stt/number_words.h"

#include <array>
#include <string_view>

namespace startales::voice {
namespace {

constexpr std::array<const char*, 20> kSmall = {
    "zero",    "one",     "two",       "three",    "four",     "five",    "six",
    "seven",   "eight",   "nine",      "ten",      "eleven",   "twelve",  "thirteen",
    "fourteen", "fifteen", "sixteen",  "seventeen", "eighteen", "nineteen"};
constexpr std::array<const char*, 10> kTens = {"",      "",      "twenty",  "thirty", "forty",
                                               "fifty", "sixty", "seventy", "eighty", "ninety"};
constexpr std::array<const char*, 31> kAllWords = {
    "zero",     "one",     "two",       "three",    "four",     "five",     "six",
    "seven",    "eight",   "nine",      "ten",      "eleven",   "twelve",   "thirteen",
    "fourteen", "fifteen", "sixteen",   "seventeen", "eighteen", "nineteen", "twenty",
    "thirty",   "forty",   "fifty",     "sixty",    "seventy",  "eighty",   "ninety",
    "hundred",  "thousand", "and"};

std::optional<int> lookup(std::string_view w, int from, int to) {  // kSmall index in [from,to]
  for (int i = from; i <= to; ++i) {
    if (w == kSmall[static_cast<size_t>(i)]) return i;
  }
  return std::nullopt;
}
std::optional<int> tens(std::string_view w) {
  for (int i = 2; i < 10; ++i) {
    if (w == kTens[static_cast<size_t>(i)]) return i * 10;
  }
  return std::nullopt;
}

}  // namespace

std::string numberWords(int n) {
  std::string out;
  auto add = [&out](std::string_view w) {
    if (!out.empty()) out += ' ';
    out += w;
  };
  if (n == 0) return "zero";
  if (n >= 1000) {
    add(kSmall[static_cast<size_t>(n / 1000)]);
    add("thousand");
    n %= 1000;
  }
  if (n >= 100) {
    add(kSmall[static_cast<size_t>(n / 100)]);
    add("hundred");
    n %= 100;
  }
  if (n >= 20) {
    add(kTens[static_cast<size_t>(n / 10)]);
    if (n % 10) add(kSmall[static_cast<size_t>(n % 10)]);
  } else if (n > 0) {
    add(kSmall[static_cast<size_t>(n)]);
  }
  return out;
}

std::optional<int> parseNumberWords(std::span<const std::string> w) {
  if (w.empty()) return std::nullopt;
  if (w.size() == 1 && !w[0].empty() && w[0].size() <= 6 &&
      w[0].find_first_not_of("0123456789") == std::string::npos) {
    return std::stoi(w[0]);
  }
  if (w.size() == 1 && w[0] == "zero") return 0;
  size_t i = 0;
  int total = 0;
  bool any = false;
  auto at = [&](size_t k) -> std::string_view { return k < w.size() ? w[k] : std::string_view(); };
  if (auto d = lookup(at(i), 1, 9); d && at(i + 1) == "thousand") {
    total += *d * 1000;
    i += 2;
    any = true;
  }
  if (at(i + 1) == "hundred") {
    std::optional<int> d = at(i) == "a" ? std::optional<int>(1) : lookup(at(i), 1, 9);
    if (!d) return std::nullopt;
    total += *d * 100;
    i += 2;
    any = true;
  }
  if (any && at(i) == "and" && i + 1 < w.size()) ++i;
  if (i < w.size()) {
    if (auto t = tens(at(i))) {
      total += *t;
      ++i;
      if (auto d = lookup(at(i), 1, 9)) {
        total += *d;
        ++i;
      }
    } else if (auto s = lookup(at(i), 1, 19)) {
      total += *s;
      ++i;
    } else {
      return std::nullopt;
    }
    any = true;
  }
  if (!any || i != w.size()) return std::nullopt;
  return total;
}

std::string numberJsgfRules() {
  return "<digit> = one | two | three | four | five | six | seven | eight | nine;\n"
         "<teen> = ten | eleven | twelve | thirteen | fourteen | fifteen | sixteen | seventeen"
         " | eighteen | nineteen;\n"
         "<tens> = twenty | thirty | forty | fifty | sixty | seventy | eighty | ninety;\n"
         "<below100> = <digit> | <teen> | <tens> [<digit>];\n"
         "<hundreds> = (<digit> | a) hundred [[and] <below100>];\n"
         "<number> = zero | <below100> | <hundreds> | <digit> thousand [<hundreds> | [and] "
         "<below100>];\n"
         "<count> = <digit> | ten;\n";
}

std::span<const char* const> numberWordList() { return kAllWords; }

}  // namespace startales::voice
