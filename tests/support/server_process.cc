#include "support/server_process.h"

#include <sys/prctl.h>

#include <algorithm>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace startales::testing {

std::string makeTempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base ? base : "/tmp") + "/" + prefix + "XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return std::string(buf.data());
}

namespace {
std::string binaryPath() {
  const char* path = std::getenv("STARTALES_BINARY");
  if (path == nullptr) throw std::runtime_error("STARTALES_BINARY is not set (ctest sets it)");
  return path;
}
}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> args, std::vector<std::string> env,
                             std::string subcommand) {
  // A caller that passes --data-dir owns that directory (restarts on the same data).
  auto given = std::find(args.begin(), args.end(), "--data-dir");
  if (given != args.end() && given + 1 != args.end()) {
    data_dir_ = *(given + 1);
    owns_data_dir_ = false;
  } else {
    data_dir_ = makeTempDir("startales-it-");
    args.insert(args.begin(), {"--data-dir", data_dir_});
  }
  if (std::find(args.begin(), args.end(), "--metrics-listen") == args.end()) {
    args.insert(args.end(), {"--metrics-listen", "127.0.0.1:0"});
  }
  std::vector<std::string> argv = {binaryPath(), subcommand, "--host", "127.0.0.1", "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    // Killed with the test, even one that crashed before its destructors ran (the servers a
    // test starts never outlive it).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(pipe_fds[1], STDERR_FILENO);
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    for (const auto& e : env) putenv(strdup(e.c_str()));
    std::vector<char*> cargs;
    for (auto& a : argv) cargs.push_back(a.data());
    cargs.push_back(nullptr);
    execv(cargs[0], cargs.data());
    std::perror("execv");
    _exit(127);
  }
  close(pipe_fds[1]);
  reader_ = std::thread([this, fd = pipe_fds[0]] { readLoop(fd); });
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && running()) {
    kill(pid_, SIGKILL);
    waitExit(std::chrono::seconds(5));
  }
  if (reader_.joinable()) reader_.join();
  std::error_code ec;
  if (owns_data_dir_) std::filesystem::remove_all(data_dir_, ec);
}

void ServerProcess::readLoop(int fd) {
  std::string pending;
  char buf[4096];
  // A sanitizer report from the server (asan / tsan presets) goes to the test's own stderr
  // too, from its first line on, so ctest shows it.
  bool echo = false;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      if (!echo && (pending.compare(0, nl, "==", 0, 2) == 0 ||
                    pending.substr(0, nl).find("Sanitizer") != std::string::npos ||
                    pending.substr(0, nl).find("runtime error:") != std::string::npos)) {
        echo = true;
      }
      if (echo) std::fprintf(stderr, "[startales] %.*s\n", static_cast<int>(nl), pending.data());
      std::lock_guard lock(mu_);
      lines_.push_back(pending.substr(0, nl));
      pending.erase(0, nl + 1);
      cv_.notify_all();
    }
  }
  close(fd);
  std::lock_guard lock(mu_);
  if (!pending.empty()) lines_.push_back(pending);
  eof_ = true;
  cv_.notify_all();
}

bool ServerProcess::waitForLine(const std::string& needle, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  size_t checked = 0;
  auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    for (; checked < lines_.size(); ++checked) {
      if (lines_[checked].find(needle) != std::string::npos) return true;
    }
    if (eof_) return false;
    if (cv_.wait_until(lock, until) == std::cv_status::timeout) return false;
  }
}

bool ServerProcess::waitReady(std::chrono::milliseconds timeout) {
  if (!waitForLine("\"msg\":\"listening\"", timeout)) return false;
  std::lock_guard lock(mu_);
  for (const auto& line : lines_) {  // logged before "listening" when the listener is on
    if (line.find("\"msg\":\"metrics listening\"") == std::string::npos) continue;
    auto pos = line.find("\"port\":");
    if (pos != std::string::npos) metrics_port_ = static_cast<uint16_t>(std::stoi(line.substr(pos + 7)));
  }
  for (const auto& line : lines_) {
    if (line.find("\"msg\":\"listening\"") == std::string::npos) continue;
    auto pos = line.find("\"port\":");
    if (pos == std::string::npos) return false;
    port_ = static_cast<uint16_t>(std::stoi(line.substr(pos + 7)));
    return port_ != 0;
  }
  return false;
}

void ServerProcess::signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

bool ServerProcess::running() {
  if (exited_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exited_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

int ServerProcess::waitExit(std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() > until) {
      kill(pid_, SIGKILL);
      while (running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

std::vector<std::string> ServerProcess::lines() const {
  std::lock_guard lock(mu_);
  return lines_;
}

std::string ServerProcess::log() const {
  std::string out;
  for (const auto& l : lines()) out += l + "\n";
  return out;
}

}  // namespace startales::testing
