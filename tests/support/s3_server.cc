#include "support/s3_server.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "support/server_process.h"

#ifndef STARTALES_SOURCE_DIR
#error "STARTALES_SOURCE_DIR must name the source tree (tests/support/CMakeLists.txt)"
#endif

extern char** environ;

namespace startales::testing {

namespace {

namespace fs = std::filesystem;
constexpr const char* kScriptDir = STARTALES_SOURCE_DIR "/tests/support/s3rver";

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream all;
  all << in.rdbuf();
  return all.str();
}

Error unavailable(const std::string& message) { return makeError("s3_unavailable", message); }

}  // namespace

Result<std::unique_ptr<S3Server>> S3Server::start(S3ServerOptions options) {
  if (!fs::exists(std::string(kScriptDir) + "/node_modules/s3rver/package.json") ||
      !fs::exists(std::string(kScriptDir) + "/node_modules/aws4/package.json")) {
    return unavailable(std::string("s3rver is not installed in ") + kScriptDir +
                       "/node_modules: run `make build` (or `npm ci` there).");
  }
  std::unique_ptr<S3Server> server(new S3Server(std::move(options)));
  server->root_ = makeTempDir("startales-s3-");
  server->data_dir_ = server->root_ + "/data";
  fs::create_directories(server->data_dir_);
  if (auto started = server->launch(0); !started) return started.error();
  return server;
}

S3Server::~S3Server() {
  stopProcess();
  std::error_code ec;
  if (!root_.empty()) fs::remove_all(root_, ec);
}

std::string S3Server::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

Result<void> S3Server::launch(uint16_t port) {
  const std::string log = root_ + "/server.log";
  // s3rver makes its list continuation tokens with DES, which OpenSSL 3 keeps in its legacy
  // provider.
  std::vector<std::string> argv = {"node", "--openssl-legacy-provider",
                                   std::string(kScriptDir) + "/serve.mjs",
                                   "--dir", data_dir_,
                                   "--port", std::to_string(port),
                                   "--bucket", options_.bucket,
                                   "--access-key-id", options_.access_key_id,
                                   "--secret-access-key", options_.secret_access_key,
                                   "--region", options_.region};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const int spawned = posix_spawnp(&pid_, "node", &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    pid_ = -1;
    return unavailable(std::string("cannot run node: ") + std::strerror(spawned) +
                       " (scripts/bootstrap.sh installs nodejs).");
  }
  const std::string marker = "s3 listening on 127.0.0.1:";
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    const std::string out = readFile(log);
    if (auto at = out.find(marker); at != std::string::npos && out.find('\n', at) != std::string::npos) {
      port_ = static_cast<uint16_t>(std::stoi(out.substr(at + marker.size())));
      return {};
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return unavailable("s3rver exited at start: " + out);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stopProcess();
  return unavailable("s3rver did not listen within 30 s: " + readFile(log));
}

void S3Server::stopProcess() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) != pid_) {
    if (std::chrono::steady_clock::now() > until) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
}

std::string S3Server::log() const { return readFile(root_ + "/server.log"); }

void S3Server::halt() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

Result<void> S3Server::restart() {
  stopProcess();
  return launch(port_);
}

}  // namespace startales::testing
