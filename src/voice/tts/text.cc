#include "voice/tts/text.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace startales::voice {

namespace {

// Words that end in '.' without ending a sentence (compared lower-case, without the dot).
constexpr std::array<std::string_view, 12> kAbbreviations = {
    "mr", "mrs", "ms", "dr", "st", "vs", "prof", "gen", "col", "capt", "lt", "sgt"};

bool validUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

bool hasSpeakable(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || u >= 0x80;
  });
}

bool isAbbreviation(const std::string& current) {
  // The word before the final '.'.
  size_t end = current.size() - 1;
  size_t begin = current.find_last_of(' ', end == 0 ? 0 : end - 1);
  begin = begin == std::string::npos ? 0 : begin + 1;
  std::string word = current.substr(begin, end - begin);
  std::transform(word.begin(), word.end(), word.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kAbbreviations.begin(), kAbbreviations.end(), word) != kAbbreviations.end();
}

// Cuts a sentence longer than `max` at the last , ; : before it, else the last space, else
// hard at `max` (on a UTF-8 boundary).
void cutLong(std::string sentence, size_t max, std::vector<std::string>& out) {
  while (sentence.size() > max) {
    size_t cut = sentence.find_last_of(",;:", max - 1);
    if (cut == std::string::npos || cut < max / 3) cut = sentence.find_last_of(' ', max - 1);
    if (cut == std::string::npos || cut == 0) {
      cut = max - 1;
      while (cut > 0 && (static_cast<unsigned char>(sentence[cut + 1]) & 0xC0) == 0x80) --cut;
    }
    std::string head = sentence.substr(0, cut + 1);
    while (!head.empty() && head.back() == ' ') head.pop_back();
    if (hasSpeakable(head)) out.push_back(std::move(head));
    size_t rest = sentence.find_first_not_of(' ', cut + 1);
    sentence = rest == std::string::npos ? std::string() : sentence.substr(rest);
  }
  if (hasSpeakable(sentence)) out.push_back(std::move(sentence));
}

}  // namespace

Result<std::vector<std::string>> splitSentences(std::string_view text, const TextLimits& limits) {
  if (text.size() > limits.max_chars) {
    return makeError("invalid_text", "The text is " + std::to_string(text.size()) +
                                         " bytes long; the limit is " +
                                         std::to_string(limits.max_chars) + " bytes.");
  }
  if (!validUtf8(text)) return makeError("invalid_text", "The text is not valid UTF-8.");

  std::vector<std::string> sentences;
  std::string current;
  auto flush = [&] {
    while (!current.empty() && current.back() == ' ') current.pop_back();
    if (!current.empty())
      cutLong(std::move(current), std::max<size_t>(limits.max_sentence_chars, 16), sentences);
    current.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    auto u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r') {
      flush();
      continue;
    }
    if (u < 0x20 || u == 0x7F) c = ' ';  // tabs and other control characters
    if (c == ' ' && (current.empty() || current.back() == ' ')) continue;
    current.push_back(c);
    if (c == '.' || c == '!' || c == '?') {
      // Absorb a run of terminators and closing quotes/brackets ("...", "?!", ".\"").
      while (i + 1 < text.size() &&
             std::string_view(".!?\"')]").find(text[i + 1]) != std::string_view::npos) {
        current.push_back(text[++i]);
      }
      bool at_break = i + 1 >= text.size() || std::isspace(static_cast<unsigned char>(text[i + 1]));
      if (at_break && !(c == '.' && current.back() == '.' && isAbbreviation(current))) flush();
    }
  }
  flush();
  if (sentences.empty()) return makeError("invalid_text", "The text has nothing to speak.");
  if (sentences.size() > limits.max_sentences) {
    return makeError("invalid_text", "The text has " + std::to_string(sentences.size()) +
                                         " sentences; the limit is " +
                                         std::to_string(limits.max_sentences) +
                                         " sentences per request.");
  }
  return sentences;
}

std::string escapeXml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace startales::voice
