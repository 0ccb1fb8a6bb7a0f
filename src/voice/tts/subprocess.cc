#include "voice/tts/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, for posix_spawnp

namespace startales::voice {

namespace {

using Steady = std::chrono::steady_clock;
constexpr int kPollSliceMs = 5;  // how often a running child checks the cancel flag

// Owns a pid (leader of its own process group) until it is reaped: kills the whole group
// (a wrapper script and what it started) and reaps on destruction.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  ~Child() {
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Waits for a normal exit; returns the wait status.
  int reap() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_;
};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<std::string> runProcess(const std::vector<std::string>& argv, const ProcessLimits& limits,
                               const CancelToken& cancel) {
  if (argv.empty()) return makeError("tts_unavailable", "No program to run.");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return makeError("tts_unavailable", std::string("pipe: ") + std::strerror(errno));
  }
  Fd read_end{fds[0]};
  Fd write_end{fds[1]};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.fd, 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  // The child starts with default signal dispositions (SIGPIPE etc.), whatever ours are.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group, so a kill reaches its children too
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return makeError("tts_unavailable",
                     "Cannot start '" + argv[0] + "': " + std::strerror(rc) + ".");
  }
  Child child(pid);
  ::close(write_end.fd);
  write_end.fd = -1;

  const auto deadline = Steady::now() + limits.timeout;
  std::string out;
  char buf[65536];
  while (true) {  // bounded by the deadline
    if (cancel.cancelled()) return makeError("cancelled", "The synthesis was cancelled.");
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now());
    if (left.count() <= 0) {
      return makeError("tts_timeout", "'" + argv[0] + "' took longer than " +
                                          std::to_string(limits.timeout.count()) + " ms.");
    }
    pollfd p{read_end.fd, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), kPollSliceMs)));
    if (n < 0 && errno != EINTR) {
      return makeError("tts_unavailable", std::string("poll: ") + std::strerror(errno));
    }
    if (n <= 0) continue;
    ssize_t got = ::read(read_end.fd, buf, sizeof buf);
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return makeError("tts_unavailable", std::string("read: ") + std::strerror(errno));
    }
    if (got == 0) break;  // EOF: the child closed stdout (exited)
    out.append(buf, static_cast<size_t>(got));
    if (out.size() > limits.max_output_bytes) {
      return makeError("tts_protocol", "'" + argv[0] + "' produced more output than allowed.");
    }
  }
  int status = child.reap();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return makeError("tts_unavailable",
                     "'" + argv[0] + "' failed (" +
                         (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                            : "signal " + std::to_string(WTERMSIG(status))) +
                         ").");
  }
  return out;
}

}  // namespace startales::voice
