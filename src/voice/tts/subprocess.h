#pragma once

// Runs a short-lived child process (posix_spawn, no shell) and collects its stdout, with a
// deadline and a cancel check. stdin and stderr are /dev/null. The child runs in its own
// process group; on timeout, cancellation or oversized output the whole group is killed
// (SIGKILL) and the child reaped, so no zombie or stray process is left behind. Blocks the
// calling thread; thread-safe (no shared state).

#include <chrono>
#include <string>
#include <vector>

#include "common/result.h"
#include "voice/tts/tts.h"

namespace startales::voice {

struct ProcessLimits {
  std::chrono::milliseconds timeout{5000};  // wall time before the child is killed
  size_t max_output_bytes = 16u << 20;      // stdout beyond this kills the child
};

// argv[0] is looked up in PATH. Returns the child's stdout when it exited with status 0.
// Errors: tts_unavailable (cannot start, non-zero exit, killed by a signal), tts_timeout,
// tts_protocol (output too large), cancelled.
Result<std::string> runProcess(const std::vector<std::string>& argv, const ProcessLimits& limits,
                               const CancelToken& cancel);

}  // namespace startales::voice
