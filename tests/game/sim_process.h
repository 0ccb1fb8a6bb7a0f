#pragma once

// Runs `startales sim ... --json` (the real binary, from $STARTALES_BINARY) and parses the
// summary it prints on stdout. stderr is left to the test's own stderr.

#include <sys/wait.h>

#include <array>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace startales::game::testing {

struct SimResult {
  int code = -1;                // exit code, -1 when it did not exit normally
  std::string output;           // stdout
  boost::json::object summary;  // parsed stdout; empty when it was not a JSON object
  std::string parse_error;
};

// Starts the binary with `args` after "sim"; the process runs until finish() is called.
class SimProcess {
 public:
  explicit SimProcess(const std::string& args) {
    const char* binary = std::getenv("STARTALES_BINARY");
    command_ = std::string("\"") + (binary ? binary : "startales") + "\" sim " + args;
    pipe_ = popen(command_.c_str(), "r");
  }
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;
  ~SimProcess() {
    if (pipe_ != nullptr) pclose(pipe_);
  }

  const std::string& command() const { return command_; }

  SimResult finish() {
    SimResult r;
    if (pipe_ == nullptr) {
      r.parse_error = "could not start " + command_;
      return r;
    }
    std::array<char, 8192> buf{};
    while (size_t n = fread(buf.data(), 1, buf.size(), pipe_)) r.output.append(buf.data(), n);
    const int status = pclose(pipe_);
    pipe_ = nullptr;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(r.output, ec);
    if (ec) {
      r.parse_error = ec.message();
    } else if (!v.is_object()) {
      r.parse_error = "stdout is not a JSON object";
    } else {
      r.summary = std::move(v.as_object());
    }
    return r;
  }

 private:
  std::string command_;
  FILE* pipe_ = nullptr;
};

inline SimResult runSim(const std::string& args) { return SimProcess(args).finish(); }

}  // namespace startales::game::testing
