#pragma once

// Players' commands over REST as a client following docs/protocol.md sends them: each with
// its own Idempotency-Key, resent with the same key after an answer that says to retry (no
// answer, 503, 504) for up to 30 s. Records each key's seq, when each acknowledged attempt
// started and ended, and the commands that failed for good. For the cluster's failover tests
// and benchmarks (one writer thread per port).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace startales::testing {

class ClientIdLoad {
 public:
  struct Ack {
    std::chrono::steady_clock::time_point sent;  // the acknowledged attempt's start
    std::chrono::steady_clock::time_point acked;
  };

  // One thread per port, `per_writer` commands each (pause `gap` between commands).
  ClientIdLoad(std::vector<uint16_t> ports, int64_t campaign, std::string token, int per_writer,
               std::chrono::milliseconds gap = std::chrono::milliseconds(20));
  ~ClientIdLoad();
  ClientIdLoad(const ClientIdLoad&) = delete;
  ClientIdLoad& operator=(const ClientIdLoad&) = delete;

  void join();
  std::map<std::string, int64_t> acked() const;   // key → seq
  std::vector<std::string> failures() const;      // "key: status body"
  std::vector<Ack> ackTimes() const;
  int retried() const { return retried_.load(); }

 private:
  void run(uint16_t port, size_t writer, int count);

  const int64_t campaign_;
  const std::string token_;
  const std::chrono::milliseconds gap_;
  std::vector<std::thread> threads_;
  std::atomic<int> retried_{0};
  mutable std::mutex mu_;
  std::map<std::string, int64_t> acked_;  // guarded by mu_
  std::vector<std::string> failures_;     // guarded by mu_
  std::vector<Ack> ack_times_;            // guarded by mu_
};

}  // namespace startales::testing
