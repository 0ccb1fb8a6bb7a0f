#pragma once

// Text preparation shared by every engine: validation against limits, cleanup (control
// characters dropped, whitespace collapsed) and the split into sentences that are synthesized
// and streamed one by one. Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace startales::voice {

struct TextLimits {
  size_t max_chars = 4000;          // bytes of UTF-8 accepted per call (default 4000)
  size_t max_sentence_chars = 300;  // longer sentences are cut at , ; : or spaces (default 300)
  size_t max_sentences = 100;       // sentences per call after cutting (default 100): each one
                                    // is an engine run, so bytes alone do not bound the work
};

// Cleans `text` and splits it into sentences (ending at . ! ? or a line break; common
// abbreviations such as "Dr." and decimals such as "3.5" do not end one). Error: invalid_text
// (empty, only whitespace/punctuation, longer than max_chars, more than max_sentences
// sentences, invalid UTF-8; the message names the limit).
Result<std::vector<std::string>> splitSentences(std::string_view text, const TextLimits& limits);

// Escapes & < > " ' for XML (the embedded engine reads SSML).
std::string escapeXml(std::string_view text);

}  // namespace startales::voice
