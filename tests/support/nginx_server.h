#pragma once

// A real nginx in front of `startales api` nodes, for the cluster tests: one loopback port,
// a least-connections upstream of the given ports, WebSocket upgrades passed through, its
// config, logs and temporary files in a fresh directory. Always stopped and deleted on
// destruction.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace startales::testing {

class NginxServer {
 public:
  // Fails with code "nginx_unavailable" and why (no nginx binary, or its error log).
  static Result<std::unique_ptr<NginxServer>> start(const std::vector<uint16_t>& upstreams);
  ~NginxServer();
  NginxServer(const NginxServer&) = delete;
  NginxServer& operator=(const NginxServer&) = delete;

  uint16_t port() const { return port_; }
  std::string errorLog() const;

 private:
  NginxServer() = default;
  std::string dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace startales::testing
