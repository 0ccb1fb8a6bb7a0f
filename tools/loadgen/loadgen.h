#pragma once

// One loadgen run: check the server, set up players and campaigns over REST, connect and join
// every WebSocket, run the measured window, drain, close, report.

#include "loadgen/options.h"

namespace startales::loadgen {

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // unreachable server, failed setup, no connection
inline constexpr int kExitUsage = 2;   // invalid flags or URL

// Runs with already validated options; prints the report (stdout) and progress / errors
// (stderr). Returns the process exit code.
int run(const Options& options);

}  // namespace startales::loadgen
