#pragma once

// Voice commands: the phrasings a player may say, written once as patterns, turned into a
// JSGF grammar for the recogniser (buildGrammar) and matched back into a game::Action with
// ids (parseSpokenCommand). Both read the same patterns, so whatever the grammar lets the
// recogniser say, the parser understands. Pure functions, safe from any thread.
//
// Phrasings (optional words in brackets; <x> are names from the Vocabulary):
//   build a|an <building> on <own planet>
//   build a|an|one <ship> at|on <own planet>        build <2..10> <ship>s at|on <own planet>
//   research <tech>
//   move|send [fleet|the] <fleet> to <system>
//   colonize <unowned planet> with [fleet|the] <fleet>
//   invade <enemy planet> with [fleet|the] <fleet>
//   set [the] tax|taxes|tax rate to <number> percent
//   set [the] tariff|tariffs to <number> percent
//   buy|sell <number> <good>
//   declare war on [the] <civ>
//   propose peace|an alliance|a trade pact to|with [the] <civ>
// Any command may open with a character's name ("Ada Cohen, research fusion power").
// Optionally the grammar also has a filler loop of everyday words, meant to catch speech
// that is no command. Measured on espeak-ng speech with pocketsphinx 0.8 it won over the
// command branch for nearly every real command as well (JSGF weights did not change that),
// so it is off by default.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "game/command.h"
#include "voice/stt/vocabulary.h"

namespace startales::voice {

// True when the recogniser can say `word` (lower case): it is in its pronouncing dictionary.
using WordFilter = std::function<bool(std::string_view word)>;

struct CompiledGrammar {
  std::string jsgf;                  // "#JSGF V1.0; grammar startales; public <utterance> = ..."
  std::vector<std::string> skipped;  // names left out: a word of theirs is not pronounceable
};

// The grammar for `vocabulary`. Names with a word `known` rejects are left out (listed in
// `skipped`); phrasings whose slot has no sayable name are left out too. `filler_loop` adds
// the filler alternative (see above).
CompiledGrammar buildGrammar(const Vocabulary& vocabulary, const WordFilter& known,
                             bool filler_loop = false);

// The command `text` says, or nullopt. Accepts the recogniser's output and, leniently, text
// from other engines: any case, punctuation, digits ("sell 100 food", "20%").
std::optional<game::Action> parseSpokenCommand(const Vocabulary& vocabulary,
                                               std::string_view text);

// Lower-case words of `text`: letters, digits and apostrophes; '%' becomes "percent".
std::vector<std::string> normalizeWords(std::string_view text);

// Everyday words of the filler loop (none of them a command keyword).
std::vector<std::string_view> fillerWords();

}  // namespace startales::voice
