#pragma once

// A real S3-compatible server for tests: s3rver (npm, tests/support/s3rver, installed by
// `make build`/`make test` with npm ci) behind a Signature Version 4 gate
// (tests/support/s3rver/serve.mjs), on 127.0.0.1 and a free port, with one bucket and one key
// pair, storing into a fresh temporary directory. Always stopped (SIGTERM, then SIGKILL) and
// deleted on destruction.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"

namespace startales::testing {

struct S3ServerOptions {
  std::string bucket = "startales-test";
  std::string access_key_id = "STARTALESTESTKEY";
  std::string secret_access_key = "startales-test-secret-0123456789";
  std::string region = "us-east-1";
};

class S3Server {
 public:
  // Fails with code "s3_unavailable" and a sentence naming what is missing (node, s3rver's
  // node_modules) or the server's output.
  static Result<std::unique_ptr<S3Server>> start(S3ServerOptions options = {});

  ~S3Server();
  S3Server(const S3Server&) = delete;
  S3Server& operator=(const S3Server&) = delete;

  // "http://127.0.0.1:PORT"
  [[nodiscard]] std::string endpoint() const;
  [[nodiscard]] uint16_t port() const { return port_; }
  [[nodiscard]] const S3ServerOptions& options() const { return options_; }
  // The server's own directory of stored objects (s3rver's layout).
  [[nodiscard]] const std::string& dataDir() const { return data_dir_; }

  // What the server printed so far (its errors, when a test fails).
  [[nodiscard]] std::string log() const;

  // Stops the server (SIGKILL: as abrupt as a crash) and keeps its data; connections are
  // refused until restart().
  void halt();
  // Starts it again on the same port with the same data.
  Result<void> restart();

 private:
  explicit S3Server(S3ServerOptions options) : options_(std::move(options)) {}
  Result<void> launch(uint16_t port);
  void stopProcess();

  S3ServerOptions options_;
  std::string root_;      // temporary directory: data/ and the server's log
  std::string data_dir_;  // root_/data
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace startales::testing
