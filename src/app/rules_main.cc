// `startales rules`: the generated rule tables, to paste into docs/game-rules.md between its
// GENERATED RULES markers (game_rules_doc_test fails until they match).

#include <iostream>

#include "app/commands.h"
#include "game/rules_doc.h"

namespace startales::app {

int runRules() {
  std::cout << game::rulesMarkdown();
  return std::cout.good() ? 0 : 1;
}

}  // namespace startales::app
