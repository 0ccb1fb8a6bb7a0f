#pragma once

// A real nats-server for tests: on 127.0.0.1 and a free port, its log in a fresh temporary
// directory. Always stopped: by the destructor, and by the kernel if the test binary dies
// (the server is started with PR_SET_PDEATHSIG, so even a SIGKILLed test leaves none behind).
// halt() and restart() stop it and start it again on the same port (a NATS restart).

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>

#include "common/result.h"

namespace startales::testing {

struct NatsServerOptions {
  size_t max_payload = 0;  // bytes; 0 = the server's default (1 MiB)
};

class NatsServer {
 public:
  // Fails with code "nats_unavailable" and one sentence naming what failed (no nats-server
  // installed, it exited, it never listened) with its log's tail.
  static Result<std::unique_ptr<NatsServer>> start(NatsServerOptions options = {});

  ~NatsServer();
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  // nats://127.0.0.1:PORT
  std::string url() const;
  int port() const { return port_; }
  bool running() const { return pid_ > 0; }

  // Stops the server: SIGTERM (clients see the connection close), or SIGKILL with `kill`.
  void halt(bool kill = false);
  // Starts it again on the same port; waits until it accepts connections.
  Result<void> restart();

 private:
  NatsServer() = default;
  Result<void> launch();  // spawns on port_ and waits for it to listen

  std::string binary_;
  std::string dir_;     // temporary directory: config and log
  std::string config_;  // config file path, or "" for none
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace startales::testing
