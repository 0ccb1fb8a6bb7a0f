#include "support/run_binary.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>

namespace startales::testing {

BinaryRun runBinary(const std::string& args, const std::string& env) {
  const char* binary = std::getenv("STARTALES_BINARY");
  const std::string cmd =
      env + " \"" + (binary ? binary : "startales") + "\" " + args + " 2>&1";
  BinaryRun run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), pipe)) run.output.append(buf.data(), n);
  const int status = pclose(pipe);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace startales::testing
