// The voice-command grammar builder and parser on any vocabulary: names come from players
// (campaign, civ and fleet names) and reach the recogniser's JSGF grammar. Input: the first
// line is a spoken sentence for parseSpokenCommand; each further line is a name, its first
// byte choosing the list (own planets, colonizable, enemy, systems, fleets, civs, buildings,
// ships, techs, goods, characters). The grammar must stay well-formed JSGF: only the
// characters the builder writes itself, brackets and parentheses balanced, no empty
// alternative.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "voice/stt/command_grammar.h"

namespace {

bool sayableWord(std::string_view word) {
  if (word.empty()) return false;
  for (char c : word) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'')) return false;
  }
  return true;
}

void checkJsgf(const std::string& jsgf) {
  int round = 0, square = 0, angle = 0;
  bool want_item = false;  // after '=' or '|': an alternative must follow before '|' or ';'
  for (char c : jsgf) {
    if (c == '|' || c == ';') {
      if (want_item) std::abort();  // an empty alternative: a name without a sayable word
    }
    if (c == '=' || c == '|') {
      want_item = true;
    } else if (c != ' ' && c != '\n' && c != ';') {
      want_item = false;
    }
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!plain && std::string_view(" \n\t'_.-|;=#*+/<>()[]").find(c) == std::string_view::npos) {
      std::abort();  // a byte from a name got into the grammar's syntax
    }
    round += c == '(' ? 1 : c == ')' ? -1 : 0;
    square += c == '[' ? 1 : c == ']' ? -1 : 0;
    angle += c == '<' ? 1 : c == '>' ? -1 : 0;
    if (round < 0 || square < 0 || angle < 0 || angle > 1) std::abort();
  }
  if (round != 0 || square != 0 || angle != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace startales::voice;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.size() > 4096) return 0;  // vocabularies are a view's names, not megabytes
  std::vector<std::string_view> lines;
  for (size_t at = 0; at <= input.size();) {
    size_t eol = input.find('\n', at);
    if (eol == std::string_view::npos) eol = input.size();
    lines.push_back(input.substr(at, eol - at));
    at = eol + 1;
  }
  Vocabulary v;
  std::vector<NamedId>* lists[] = {&v.own_planets, &v.colonizable_planets, &v.enemy_planets,
                                   &v.systems,     &v.fleets,              &v.civs,
                                   &v.buildings,   &v.ships,               &v.techs,
                                   &v.goods};
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const auto which = static_cast<uint8_t>(lines[i][0] - '0') % 11;  // '0'..':'
    std::string name(lines[i].substr(1));
    if (which == 10) {
      v.characters.push_back(std::move(name));
    } else {
      lists[which]->push_back({std::move(name), static_cast<int32_t>(i)});
    }
  }
  const bool filler = !lines[0].empty() && (static_cast<uint8_t>(lines[0][0]) & 1) != 0;
  CompiledGrammar grammar = buildGrammar(v, sayableWord, filler);
  checkJsgf(grammar.jsgf);
  (void)parseSpokenCommand(v, lines[0]);
  (void)v.hash();
  return 0;
}
