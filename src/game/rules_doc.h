#pragma once

// The rules as Markdown: every table and tuning constant of rules.h, generated, so the
// document cannot drift from the code. `startales rules` prints it; docs/game-rules.md
// embeds it between its GENERATED RULES markers, and game_rules_doc_test checks the copy.

#include <string>

namespace startales::game {

// Markdown sections (### headings) with tables of rules and constants. Deterministic.
std::string rulesMarkdown();

}  // namespace startales::game
