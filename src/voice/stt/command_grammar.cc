#include "voice/stt/command_grammar.h"

#include <array>
#include <cctype>
#include <set>
#include <span>

#include "voice/stt/command_patterns.h"
#include "voice/stt/number_words.h"

namespace startales::voice {
namespace {

using detail::Bindings;
using detail::Candidate;
using detail::Element;
using detail::Pattern;
using detail::Slot;
using detail::Words;

// Everyday English words for the filler loop: frequent function words and content words
// of chit-chat and questions. None is a command keyword, so a real command never needs them.
constexpr std::string_view kFiller[] = {
    "i", "you", "he", "she", "it", "we", "they", "me", "him", "her", "us", "them", "my",
    "your", "his", "its", "our", "their", "this", "that", "these", "those", "what", "who",
    "why", "how", "when", "where", "which", "is", "are", "was", "were", "be", "been", "am",
    "do", "does", "did", "have", "has", "had", "can", "could", "will", "would", "should",
    "may", "might", "must", "shall", "not", "no", "yes", "ok", "so", "but", "or", "if",
    "because", "about", "of", "in", "for", "from", "by", "at", "up", "down", "out", "over",
    "like", "just", "very", "really", "well", "now", "then", "there", "here", "today",
    "tomorrow", "yesterday", "day", "night", "time", "year", "good", "bad", "nice", "lovely",
    "great", "little", "big", "old", "new", "long", "think", "know", "want", "need", "tell",
    "say", "said", "go", "going", "come", "get", "make", "see", "look", "give", "take",
    "please", "thank", "thanks", "hello", "hi", "bye", "story", "weather", "music", "song",
    "people", "friend", "home", "house", "water", "dog", "cat", "car", "book", "name", "way",
    "thing", "things", "something", "nothing", "everything", "lot", "much", "many", "more",
    "some", "any", "all", "every", "other", "again", "still", "also", "too", "maybe", "sure",
    "right", "left", "um", "uh",
};

// Keeps the candidates whose every word is sayable; the others go to `skipped`.
std::vector<Candidate> sayable(std::vector<Candidate> in, const WordFilter& known,
                               std::vector<std::string>& skipped) {
  std::vector<Candidate> out;
  for (auto& c : in) {
    bool ok = true;
    for (const auto& w : c.words) ok = ok && known(w);
    if (ok) {
      out.push_back(std::move(c));
    } else {
      std::string name;
      for (const auto& w : c.words) name += (name.empty() ? "" : " ") + w;
      skipped.push_back(std::move(name));
    }
  }
  return out;
}

std::string joinWords(const Words& w) {
  std::string out;
  for (const auto& x : w) out += (out.empty() ? "" : " ") + x;
  return out;
}

std::string jsgfElement(const Element& e) {
  if (e.is_slot) return std::string("<") + detail::slotRule(e.slot) + ">";
  std::string body;
  for (const auto& alt : e.alternatives) body += (body.empty() ? "" : " | ") + joinWords(alt);
  if (e.optional) return "[" + body + "]";
  return e.alternatives.size() == 1 ? body : "(" + body + ")";
}

bool startsWith(std::span<const std::string> toks, const Words& w) {
  if (w.size() > toks.size()) return false;
  for (size_t i = 0; i < w.size(); ++i) {
    if (toks[i] != w[i]) return false;
  }
  return true;
}

// Candidate lists per slot, for one parse.
using SlotCandidates = std::array<std::vector<Candidate>, detail::kSlotCount>;

bool match(const Pattern& p, size_t ei, std::span<const std::string> toks, Bindings& b,
           const SlotCandidates& cands) {
  if (ei == p.elements.size()) return toks.empty();
  const Element& e = p.elements[ei];
  if (e.is_slot) {
    auto& value = b[static_cast<size_t>(e.slot)];
    if (e.slot == Slot::kNumber || e.slot == Slot::kCount) {
      for (size_t len = std::min<size_t>(toks.size(), 7); len >= 1; --len) {
        auto n = parseNumberWords(toks.first(len));
        if (!n || (e.slot == Slot::kCount && (*n < 1 || *n > 10))) continue;
        value = *n;
        if (match(p, ei + 1, toks.subspan(len), b, cands)) return true;
      }
      return false;
    }
    for (const Candidate& c : cands[static_cast<size_t>(e.slot)]) {
      if (!startsWith(toks, c.words)) continue;
      value = c.id;
      if (match(p, ei + 1, toks.subspan(c.words.size()), b, cands)) return true;
    }
    return false;
  }
  for (const Words& alt : e.alternatives) {
    if (startsWith(toks, alt) && match(p, ei + 1, toks.subspan(alt.size()), b, cands)) {
      return true;
    }
  }
  return e.optional && match(p, ei + 1, toks, b, cands);
}

std::optional<game::Action> matchAny(std::span<const std::string> toks,
                                     const SlotCandidates& cands) {
  for (const Pattern& p : detail::patterns()) {
    Bindings b{};
    if (match(p, 0, toks, b, cands)) return p.make(b);
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string_view> fillerWords() { return {std::begin(kFiller), std::end(kFiller)}; }

std::vector<std::string> normalizeWords(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) out.push_back(std::move(word));
    word.clear();
  };
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isdigit(u)) {
      if (!word.empty() && !std::isdigit(static_cast<unsigned char>(word.back()))) flush();
      word.push_back(c);
    } else if (std::isalpha(u) || c == '\'') {
      if (!word.empty() && std::isdigit(static_cast<unsigned char>(word.back()))) flush();
      word.push_back(static_cast<char>(std::tolower(u)));
    } else if (c == ',' && !word.empty() && std::isdigit(static_cast<unsigned char>(word.back()))) {
      continue;  // "1,000"
    } else {
      flush();
      if (c == '%') out.emplace_back("percent");
    }
  }
  flush();
  return out;
}

CompiledGrammar buildGrammar(const Vocabulary& v, const WordFilter& known, bool filler_loop) {
  CompiledGrammar g;
  SlotCandidates cands;
  for (int s = 0; s < detail::kSlotCount; ++s) {
    const auto slot = static_cast<Slot>(s);
    if (slot == Slot::kNumber || slot == Slot::kCount) continue;
    cands[static_cast<size_t>(s)] = sayable(detail::candidates(v, slot), known, g.skipped);
  }
  std::vector<Candidate> characters;
  for (const auto& name : v.characters) {
    // A name with no word at all ("!!!" from an imported card) cannot be said: no alternative.
    if (Words w = spokenWords(name); !w.empty()) characters.push_back({std::move(w), 0});
  }
  characters = sayable(std::move(characters), known, g.skipped);

  std::string commands;
  std::set<Slot> used;
  for (const Pattern& p : detail::patterns()) {
    std::string seq;
    bool possible = true;
    for (const Element& e : p.elements) {
      if (e.is_slot && e.slot != Slot::kNumber && e.slot != Slot::kCount &&
          cands[static_cast<size_t>(e.slot)].empty()) {
        possible = false;
      }
      if (e.is_slot) used.insert(e.slot);
      seq += (seq.empty() ? "" : " ") + jsgfElement(e);
    }
    if (possible) commands += (commands.empty() ? "" : "\n  | ") + seq;
  }

  std::string& j = g.jsgf;
  j = "#JSGF V1.0;\ngrammar startales;\n";
  j += filler_loop ? "public <utterance> = <command> | <filler>;\n"
                   : "public <utterance> = <command>;\n";
  j += characters.empty() ? "<command> = <order>;\n" : "<command> = [<character>] <order>;\n";
  j += "<order> = " + (commands.empty() ? std::string("<VOID>") : commands) + ";\n";
  for (Slot s : used) {
    if (s == Slot::kNumber || s == Slot::kCount) continue;
    const auto& list = cands[static_cast<size_t>(s)];
    if (list.empty()) continue;
    std::set<std::string> alts;  // unique, so two fleets named alike do not repeat a path
    for (const auto& c : list) alts.insert(joinWords(c.words));
    std::string body;
    for (const auto& a : alts) body += (body.empty() ? "" : " | ") + a;
    j += std::string("<") + detail::slotRule(s) + "> = " + body + ";\n";
  }
  if (!characters.empty()) {
    std::set<std::string> alts;
    for (const auto& c : characters) {
      alts.insert(joinWords(c.words));
      alts.insert(c.words.front());  // first name alone
    }
    std::string body;
    for (const auto& a : alts) body += (body.empty() ? "" : " | ") + a;
    j += "<character> = " + body + ";\n";
  }
  j += numberJsgfRules();
  if (filler_loop) {
    std::string filler;
    for (auto w : kFiller) {
      if (known(w)) filler += (filler.empty() ? "" : " | ") + std::string(w);
    }
    j += "<filler> = (" + filler + ")+;\n";
  }
  return g;
}

std::optional<game::Action> parseSpokenCommand(const Vocabulary& v, std::string_view text) {
  const std::vector<std::string> toks = normalizeWords(text);
  if (toks.empty()) return std::nullopt;
  SlotCandidates cands;
  for (int s = 0; s < detail::kSlotCount; ++s) {
    const auto slot = static_cast<Slot>(s);
    if (slot == Slot::kNumber || slot == Slot::kCount) continue;
    cands[static_cast<size_t>(s)] = detail::candidates(v, slot);
  }
  std::span<const std::string> all(toks);
  if (auto a = matchAny(all, cands)) return a;
  // "Ada Cohen, research fusion power" / "Ada, research ...": skip the addressee.
  for (const auto& name : v.characters) {
    const Words w = spokenWords(name);
    for (size_t len : {w.size(), size_t{1}}) {
      if (w.empty() || len > all.size()) continue;
      if (startsWith(all, Words(w.begin(), w.begin() + static_cast<long>(len)))) {
        if (auto a = matchAny(all.subspan(len), cands)) return a;
      }
    }
  }
  return std::nullopt;
}

}  // namespace startales::voice
