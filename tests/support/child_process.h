#pragma once

// Running a real server as a child of the test: spawned with its output in a log file and
// killed with the test process (PR_SET_PDEATHSIG), so even a test killed by SIGKILL leaves no
// server behind; waited for until it listens; stopped politely, then by force.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/result.h"

namespace startales::testing {

// Starts argv[0] (a path) with `argv`, stdout and stderr appended to `log`. Error code
// "spawn_failed".
Result<pid_t> spawnChild(const std::vector<std::string>& argv, const std::string& log);

// True when something accepts TCP connections on 127.0.0.1:port.
bool acceptsConnections(int port);

// Waits until 127.0.0.1:port accepts connections. Fails (code `code`, naming `what`) when the
// child exits first (then `pid` is set to -1) or after `timeout`, with the log's tail.
Result<void> waitListening(pid_t& pid, int port, std::chrono::milliseconds timeout,
                           const std::string& log, const std::string& code,
                           const std::string& what);

// SIGTERM (SIGKILL when `kill_now`), waits up to 10 s, then SIGKILL; sets `pid` to -1.
void stopChild(pid_t& pid, bool kill_now = false);

// The last 1500 characters of a log file, on one line.
std::string logTail(const std::string& path);

}  // namespace startales::testing
