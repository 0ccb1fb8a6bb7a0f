#pragma once

// Runs the real `startales` binary for integration tests: on 127.0.0.1, port 0, a fresh
// temporary data directory, the /metrics listener on 127.0.0.1 port 0 too (unless args name
// --metrics-listen); learns the ports from the "listening" and "metrics listening" log lines;
// collects every log line; always kills the process in the destructor.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace startales::testing {

class ServerProcess {
 public:
  // args: extra command-line arguments after the subcommand; env: "NAME=value" entries added
  // to the environment. Without "--data-dir" in args, a fresh temporary one is used and
  // deleted afterwards; with it, the directory is the caller's and is kept.
  explicit ServerProcess(std::vector<std::string> args = {}, std::vector<std::string> env = {},
                         std::string subcommand = "serve");
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Waits for the "listening" line. False (with the log in `log()`) if the process exits or
  // the timeout passes first. The default leaves room for the sanitizer presets, where loading
  // the speech engines alone took over 20 s under TSan with the tests running two at a time.
  bool waitReady(std::chrono::milliseconds timeout = std::chrono::seconds(90));
  uint16_t port() const { return port_; }
  // The --metrics-listen port (GET /metrics); 0 when it is off. Known after waitReady().
  uint16_t metricsPort() const { return metrics_port_; }
  const std::string& dataDir() const { return data_dir_; }

  void signal(int sig);
  // Waits for exit; returns the exit code, or -1 on timeout (then the process is killed),
  // or 128+signal when killed by a signal.
  int waitExit(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  bool running();

  // Every stderr line so far.
  std::vector<std::string> lines() const;
  std::string log() const;
  // Waits until a line containing `needle` appears.
  bool waitForLine(const std::string& needle, std::chrono::milliseconds timeout);

 private:
  void readLoop(int fd);

  pid_t pid_ = -1;
  int exit_code_ = -1;
  bool exited_ = false;
  uint16_t port_ = 0;
  uint16_t metrics_port_ = 0;
  std::string data_dir_;
  bool owns_data_dir_ = true;  // removed in the destructor unless the caller passed --data-dir
  std::thread reader_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;  // guarded by mu_
  bool eof_ = false;                // guarded by mu_
};

// A fresh temporary directory (mkdtemp under $TMPDIR or /tmp).
std::string makeTempDir(const std::string& prefix);

}  // namespace startales::testing
