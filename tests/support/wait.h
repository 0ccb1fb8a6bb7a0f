#pragma once

// Waiting, bounded, for a condition a test polls (a server's state, a counter).

#include <chrono>
#include <functional>
#include <thread>

namespace startales::testing {

// True once `done` holds, polling every `every`; false when `timeout` passes first.
inline bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                      std::chrono::milliseconds every = std::chrono::milliseconds(50)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(every);
  }
  return true;
}

}  // namespace startales::testing
