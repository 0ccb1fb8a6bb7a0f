#pragma once

// A load of game commands over REST for the durability and chaos tests: a few writer threads
// each POST `set_policy` commands to one campaign and record every acknowledged seq, until
// stopped or until their bounded count runs out. Also reads a campaign's whole command log.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"

namespace startales::testing {

class CommandLoad {
 public:
  // Starts `writers` threads against http://127.0.0.1:port, each sending at most
  // `max_per_writer` commands.
  CommandLoad(uint16_t port, int64_t campaign, std::string token, int writers = 4,
              int max_per_writer = 2000);
  // stop().
  ~CommandLoad();
  CommandLoad(const CommandLoad&) = delete;
  CommandLoad& operator=(const CommandLoad&) = delete;

  // Stops the writers and joins them. Idempotent.
  void stop();

  // Acknowledged seqs so far (202 answers).
  std::set<int64_t> acked() const;
  // How many answers had each status (0: no answer, e.g. the connection was refused).
  std::map<int, int> statuses() const;
  // The first answer with `status`, if any (its body and Retry-After header).
  struct Answer {
    std::string body;
    std::string retry_after;
  };
  std::optional<Answer> firstWith(int status) const;
  int answered() const { return answered_.load(); }

 private:
  void write(int writer, int max);

  const uint16_t port_;
  const int64_t campaign_;
  const std::string token_;
  std::atomic<bool> stop_{false};
  std::atomic<int> answered_{0};
  mutable std::mutex mu_;
  std::set<int64_t> acked_;      // guarded by mu_
  std::map<int, int> statuses_;  // guarded by mu_
  std::map<int, Answer> first_;  // guarded by mu_
  std::vector<std::thread> threads_;
};

// Every seq in the campaign's command log as `token`'s player sees it (GET .../commands,
// all pages), with the number of times each appears.
std::map<int64_t, int> loggedSeqs(HttpClient& http, int64_t campaign, const std::string& token);

}  // namespace startales::testing
