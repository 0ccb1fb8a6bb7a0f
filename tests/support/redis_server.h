#pragma once

// A real redis-server for tests: on 127.0.0.1 and a free port, its data (an append-only file,
// fsync on every write) in a fresh temporary directory. The process dies with the test
// (PR_SET_PDEATHSIG) and is always stopped, and its directory deleted, on destruction.
// stop()/start() restart it on the same port with the same data; kill() is a crash (SIGKILL).

#include <sys/types.h>

#include <memory>
#include <string>

#include "common/result.h"

namespace startales::testing {

class RedisServer {
 public:
  // password: non-empty makes clients AUTH (requirepass). appendfsync: "always" (every write
  // synced before its reply: nothing lost even by kill -9, ~ms per write on this disk) or
  // "everysec" (what docs/operations.md suggests; the benchmarks use it). Fails with code
  // "redis_unavailable" and a sentence naming what failed and redis-server's own output.
  static Result<std::unique_ptr<RedisServer>> start(const std::string& password = "",
                                                    const std::string& appendfsync = "always");
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  // redis://127.0.0.1:PORT (with :password@ when there is one).
  std::string url() const;

  // SIGTERM and wait (Redis flushes its AOF); the data stays.
  void stop();
  // SIGKILL and wait: no shutdown work at all.
  void kill();
  // Starts it again on the same port with the same data; waits until it answers PING.
  Result<void> restart();
  bool running() const { return pid_ > 0; }
  // SIGSTOP / SIGCONT: the server keeps its connections but answers nothing (a stall).
  void pause();
  void resume();

  // One command over a fresh connection, inline protocol ("DBSIZE"), the raw reply (its
  // first line; a bulk string's value too). A server without a password only.
  Result<std::string> command(const std::string& inline_command) const;

 private:
  RedisServer() = default;
  Result<void> launch();

  int port_ = 0;
  pid_t pid_ = -1;
  std::string dir_;
  std::string password_;
  std::string appendfsync_;
};

}  // namespace startales::testing
