#include "ai/phrasing.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace startales::ai {

std::string num(double v) {
  char buf[32];
  if (std::abs(v) >= 100) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s(buf);
  if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

std::string signedNum(double v) {
  const std::string n = num(v);
  return n.starts_with("-") || n == "0" ? n : "+" + n;
}

std::string count(double n, std::string_view singular, std::string_view plural) {
  const std::string shown = num(n);
  if (shown == "1") return "1 " + std::string(singular);
  if (!plural.empty()) return shown + " " + std::string(plural);
  std::string p(singular);
  if (p.ends_with("y") && !p.ends_with("ey")) {
    p = p.substr(0, p.size() - 1) + "ies";
  } else if (p.ends_with("s") || p.ends_with("sh") || p.ends_with("ch")) {
    p += "es";
  } else {
    p += "s";
  }
  return shown + " " + p;
}

std::string article(std::string_view word) {
  const char c = word.empty() ? 'x' : static_cast<char>(std::tolower(static_cast<unsigned char>(word[0])));
  const bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
  return (vowel ? "an " : "a ") + std::string(word);
}

std::string theCiv(std::string_view name) {
  if (name.find(' ') == std::string_view::npos) return std::string(name);
  return "the " + std::string(name);
}

std::string listing(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

std::string capitalised(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t x = a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t hashText(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

uint64_t Phrasing::draw() { return mix(seed_, ++n_); }

const std::string& Phrasing::pick(const std::vector<std::string>& variants) {
  return variants[draw() % variants.size()];
}

std::string Phrasing::pick(std::initializer_list<std::string_view> variants) {
  return std::string(*(variants.begin() + draw() % variants.size()));
}

void Phrasing::say(std::string sentence) {
  while (!sentence.empty() && sentence.back() == ' ') sentence.pop_back();
  if (sentence.empty()) return;
  const char last = sentence.back();
  if (last != '.' && last != '!' && last != '?') sentence += '.';
  sentences_.push_back(capitalised(std::move(sentence)));
}

namespace {

// Words that may lose their capital after an opener ("My ruler, the treasury..."); anything
// else may be a name and keeps it, after a colon instead.
bool commonFirstWord(std::string_view sentence) {
  static constexpr std::array<std::string_view, 35> kCommon = {
      "At", "Unrest", "Line", "Then", "Greetings",
      "The", "We", "Our", "It", "There", "This", "That", "Nothing", "No", "A", "An", "Yes",
      "Taxes", "Food", "Unrest", "Credits", "Energy", "Minerals", "Research", "Labs", "All",
      "One", "Everything", "My", "Your", "You", "Not", "Relations", "Today", "Each"};
  const std::string_view first = sentence.substr(0, sentence.find_first_of(" ,:;."));
  for (auto w : kCommon) {
    if (first == w) return true;
  }
  return false;
}

std::string opener(const Traits& t, Phrasing& p) {
  if (t.formality > 0.66) return p.pick({"My ruler", "Sovereign", "With respect"});
  if (t.warmth > 0.66) return p.pick({"Friend", "Well, friend", "Ah"});
  if (t.boldness > 0.66) return p.pick({"Straight to it", "Listen"});
  if (t.warmth < 0.33) return p.pick({"In short", "Briefly"});
  return "";
}

std::vector<std::string_view> closers(const Character& c, Phrasing::Stance stance) {
  const Traits& t = c.traits;
  switch (stance) {
    case Phrasing::Stance::kAdvice:
      if (t.boldness > 0.6) return {"Say the word and it is done.", "Waiting only costs us.", "I would not sit on this."};
      if (t.boldness < 0.4) return {"Still, weigh it before you approve.", "The choice is yours; I would not rush it.", "Think it over, but do not forget it."};
      return {"The choice is yours.", "Approve it if you agree.", "It is ready when you are."};
    case Phrasing::Stance::kWarning:
      if (t.boldness > 0.6) return {"We should move before it gets worse.", "Hesitation would cost us here."};
      return {"This needs watching.", "I would rather we were not caught unprepared.", "I will keep an eye on it."};
    case Phrasing::Stance::kGood:
      if (t.warmth > 0.5) return {"Good news, for once.", "A fine state of affairs.", "We can breathe a little."};
      return {"Nothing to fear there.", "No cause for alarm."};
    case Phrasing::Stance::kNeutral:
      if (t.verbosity > 0.6) return {"Ask if you want the details.", "I can go deeper if you wish."};
      return {};
  }
  return {};
}

}  // namespace

std::string Phrasing::text(Stance stance) {
  std::string out;
  for (size_t i = 0; i < sentences_.size(); ++i) {
    std::string s = sentences_[i];
    if (i == 0) {
      const std::string open = chance(0.5) ? opener(c_.traits, *this) : "";
      if (!open.empty()) {
        if (commonFirstWord(s)) {
          s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
          s = open + ", " + s;
        } else {
          s = open + ": " + s;
        }
      }
    }
    out += (out.empty() ? "" : " ") + s;
  }
  const auto pool = closers(c_, stance);
  if (!pool.empty() && chance(0.4)) {
    out += " " + std::string(pool[draw() % pool.size()]);
  } else if (stance == Stance::kAdvice && !c_.goals.empty() && chance(0.25)) {
    out += " My aim, as ever, is to " + c_.goals[draw() % c_.goals.size()] + ".";
  }
  return out;
}

}  // namespace startales::ai
