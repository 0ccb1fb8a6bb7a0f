#pragma once

// Runs the real `startales` binary ($STARTALES_BINARY) to completion: a one-shot command
// such as `migrate`, `replay` or `--help`. Output is stdout and stderr together.

#include <string>

namespace startales::testing {

struct BinaryRun {
  int code = -1;  // exit code; -1 when it did not exit normally
  std::string output;
};

// `env` is prepended to the shell command ("NAME=value NAME2=value ").
BinaryRun runBinary(const std::string& args, const std::string& env = "");

}  // namespace startales::testing
