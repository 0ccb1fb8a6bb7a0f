#include "support/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

extern char** environ;

namespace startales::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUser = "startales";
constexpr const char* kDatabase = "startales_test";
constexpr const char* kSystemUser = "postgres";

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

std::string shellJoin(const std::vector<std::string>& argv) {
  std::string joined;
  for (const std::string& arg : argv) {
    if (!joined.empty()) joined += ' ';
    joined += arg.find_first_of(" '\"") == std::string::npos ? arg : "'" + arg + "'";
  }
  return joined;
}

// Runs argv to completion in `cwd`, collecting its output.
CommandResult run(const std::vector<std::string>& argv, const std::string& cwd) {
  CommandResult result;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {-1, "pipe() failed"};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawned != 0) {
    close(fds[0]);
    return {-1, std::string("cannot run it: ") + std::strerror(spawned)};
  }
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    result.output.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

Error commandFailed(const std::vector<std::string>& argv, const CommandResult& result) {
  std::string output = result.output;
  std::replace(output.begin(), output.end(), '\n', ' ');
  if (output.size() > 2000) output = "..." + output.substr(output.size() - 2000);
  return makeError("postgres_unavailable", "Cannot start the test PostgreSQL server: `" +
                                               shellJoin(argv) + "` failed (exit " +
                                               std::to_string(result.exit_code) + "): " + output);
}

// The bin directory of the newest PostgreSQL under /usr/lib/postgresql, or "".
std::string findBinDir() {
  std::string best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string version = entry.path().filename().string();
    const int major = std::atoi(version.c_str());
    if (major > best_version && fs::exists(entry.path() / "bin" / "initdb") &&
        fs::exists(entry.path() / "bin" / "pg_ctl")) {
      best_version = major;
      best = (entry.path() / "bin").string();
    }
  }
  return best;
}

// A TCP port nobody listens on right now (the kernel's pick for port 0).
int freePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

std::optional<pid_t> postmasterPid(const std::string& data_dir) {
  std::ifstream file(data_dir + "/postmaster.pid");
  long pid = 0;
  if (file >> pid && pid > 0) return static_cast<pid_t>(pid);
  return std::nullopt;
}

// If the test binary dies on a signal, destructors never run: take the server down with it
// (SIGQUIT is PostgreSQL's immediate shutdown). One server per process is tracked.
std::atomic<pid_t> g_postmaster{0};
constexpr int kFatalSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE};

extern "C" void onFatalSignal(int sig) {
  const pid_t pid = g_postmaster.load();
  if (pid > 0) kill(pid, SIGQUIT);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void guardPostmaster(pid_t pid) {
  g_postmaster = pid;
  for (int sig : kFatalSignals) std::signal(sig, onFatalSignal);
}

void unguardPostmaster() {
  for (int sig : kFatalSignals) std::signal(sig, SIG_DFL);
  g_postmaster = 0;
}

// Removes server directories left by test binaries that died on a signal (their postmaster
// is stopped by the guard above, but the files stay). Only directories untouched for a while
// and without a live postmaster, so concurrently starting servers are left alone.
void removeStaleDirectories(const std::string& temp) {
  std::error_code ec;
  const auto cutoff = fs::file_time_type::clock::now() - std::chrono::minutes(10);
  for (const auto& entry : fs::directory_iterator(temp, ec)) {
    if (entry.path().filename().string().rfind("startales-pg-", 0) != 0) continue;
    std::error_code time_ec;
    if (fs::last_write_time(entry.path(), time_ec) > cutoff || time_ec) continue;
    std::optional<pid_t> pid = postmasterPid((entry.path() / "data").string());
    if (pid && (kill(*pid, 0) == 0 || errno != ESRCH)) continue;
    fs::remove_all(entry.path(), time_ec);
  }
}

}  // namespace

Result<std::unique_ptr<PostgresServer>> PostgresServer::start(PostgresPlacement placement) {
  std::unique_ptr<PostgresServer> server(new PostgresServer());
  if (const char* external = std::getenv("STARTALES_TEST_POSTGRES_URL"); external && *external) {
    server->url_ = external;
    return server;
  }

  server->bin_dir_ = findBinDir();
  if (server->bin_dir_.empty()) {
    return commandFailed({"ls", "/usr/lib/postgresql/*/bin/initdb"},
                         {2,
                          "no PostgreSQL installation found (install the postgresql "
                          "package, see scripts/bootstrap.sh)"});
  }
  std::vector<std::string> prefix;
  uid_t owner = geteuid();
  gid_t group = getegid();
  if (geteuid() == 0) {  // PostgreSQL refuses to run as root
    const passwd* user = getpwnam(kSystemUser);
    if (user == nullptr) {
      return commandFailed({"getent", "passwd", kSystemUser},
                           {2, "running as root needs the postgres system user"});
    }
    server->run_as_ = kSystemUser;
    owner = user->pw_uid;
    group = user->pw_gid;
    prefix = {"runuser", "-u", kSystemUser, "--"};
  }
  // The server process runs in the namespace; initdb and createdb need not.
  std::vector<std::string> in_netns;
  if (!placement.netns.empty()) in_netns = {"ip", "netns", "exec", placement.netns};

  // Root's TMPDIR may be closed to the postgres user; the socket path must stay short.
  std::string temp = geteuid() == 0 ? "/tmp" : fs::temp_directory_path().string();
  if (temp.size() > 60) temp = "/tmp";
  removeStaleDirectories(temp);
  std::string pattern = temp + "/startales-pg-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return commandFailed({"mkdtemp", pattern}, {errno, std::strerror(errno)});
  }
  server->root_dir_ = pattern;
  if (chown(pattern.c_str(), owner, group) != 0) {
    return commandFailed({"chown", server->run_as_, pattern}, {errno, std::strerror(errno)});
  }
  const std::string data_dir = server->root_dir_ + "/data";
  const std::string bin = server->bin_dir_ + "/";

  auto as_server = [&](std::vector<std::string> argv) {
    argv.insert(argv.begin(), prefix.begin(), prefix.end());
    return argv;
  };
  const std::vector<std::string> initdb =
      as_server({bin + "initdb", "-D", data_dir, "-A", "trust", "-U", kUser, "-E", "UTF8",
                 "--locale=C", "--no-sync"});
  if (CommandResult r = run(initdb, server->root_dir_); r.exit_code != 0) {
    return commandFailed(initdb, r);
  }
  if (!placement.netns.empty()) {
    // Clients reach it through the namespace's veth pairs (test-made 10.x addresses only).
    std::ofstream(data_dir + "/pg_hba.conf", std::ios::app) << "host all all 10.0.0.0/8 trust\n";
  }

  int port = 0;
  for (int attempt = 0;; ++attempt) {
    port = freePort();
    const std::string listen = placement.netns.empty() ? placement.address : "*";
    const std::string options = "-p " + std::to_string(port) + " -k '" + server->root_dir_ +
                                "' -c listen_addresses='" + listen + "' -c fsync=off"
                                " -c synchronous_commit=off -c full_page_writes=off";
    std::vector<std::string> pg_ctl =
        as_server({bin + "pg_ctl", "-D", data_dir, "-l", server->root_dir_ + "/postgres.log", "-w",
                   "-t", "60", "-o", options, "start"});
    pg_ctl.insert(pg_ctl.begin(), in_netns.begin(), in_netns.end());
    CommandResult r = run(pg_ctl, server->root_dir_);
    if (r.exit_code == 0) {
      server->start_command_ = pg_ctl;
      break;
    }
    std::ifstream log(server->root_dir_ + "/postgres.log");
    r.output += std::string(std::istreambuf_iterator<char>(log), {});
    // Another process may have taken the port between freePort() and the bind.
    if (attempt < 2 && r.output.find("could not bind") != std::string::npos) continue;
    return commandFailed(pg_ctl, r);
  }
  if (std::optional<pid_t> pid = postmasterPid(data_dir)) guardPostmaster(*pid);

  const std::vector<std::string> createdb = {bin + "createdb", "-h", placement.address, "-p",
                                             std::to_string(port), "-U", kUser, kDatabase};
  if (CommandResult r = run(createdb, server->root_dir_); r.exit_code != 0) {
    return commandFailed(createdb, r);
  }
  server->port_ = port;
  server->url_ = server->urlAt(placement.address);
  return server;
}

std::string PostgresServer::urlAt(const std::string& address) const {
  return std::string("postgres://") + kUser + "@" + address + ":" + std::to_string(port_) + "/" +
         kDatabase;
}

PostgresServer::~PostgresServer() { stop(); }

Result<void> PostgresServer::halt() {
  if (start_command_.empty()) {
    return makeError("postgres_unavailable", "An external PostgreSQL server cannot be halted.");
  }
  std::vector<std::string> argv;
  if (!run_as_.empty()) argv = {"runuser", "-u", run_as_, "--"};
  argv.insert(argv.end(), {bin_dir_ + "/pg_ctl", "-D", root_dir_ + "/data", "-m", "fast", "-w",
                           "-t", "30", "stop"});
  if (CommandResult r = run(argv, root_dir_); r.exit_code != 0) return commandFailed(argv, r);
  unguardPostmaster();
  return {};
}

Result<void> PostgresServer::restart() {
  if (start_command_.empty()) {
    return makeError("postgres_unavailable", "An external PostgreSQL server cannot be restarted.");
  }
  if (CommandResult r = run(start_command_, root_dir_); r.exit_code != 0) {
    return commandFailed(start_command_, r);
  }
  if (std::optional<pid_t> pid = postmasterPid(root_dir_ + "/data")) guardPostmaster(*pid);
  return {};
}

void PostgresServer::stop() {
  if (root_dir_.empty()) return;
  const std::string data_dir = root_dir_ + "/data";
  if (fs::exists(data_dir + "/postmaster.pid")) {
    std::vector<std::string> prefix;
    if (!run_as_.empty()) prefix = {"runuser", "-u", run_as_, "--"};
    for (const char* mode : {"fast", "immediate"}) {
      std::vector<std::string> argv = prefix;
      argv.insert(argv.end(),
                  {bin_dir_ + "/pg_ctl", "-D", data_dir, "-m", mode, "-w", "-t", "20", "stop"});
      if (run(argv, root_dir_).exit_code == 0) break;
    }
    if (std::optional<pid_t> pid = postmasterPid(data_dir)) kill(*pid, SIGKILL);
  }
  unguardPostmaster();
  std::error_code ec;
  fs::remove_all(root_dir_, ec);
  root_dir_.clear();
}

namespace {

struct EnvironmentState {
  std::unique_ptr<PostgresServer> server;
  std::optional<Error> error;
};

EnvironmentState& environmentState() {
  static EnvironmentState state;
  return state;
}

}  // namespace

void PostgresEnvironment::SetUp() {
  EnvironmentState& state = environmentState();
  Result<std::unique_ptr<PostgresServer>> started = PostgresServer::start();
  if (started) {
    state.server = std::move(started).value();
  } else {
    state.error = started.error();
  }
}

void PostgresEnvironment::TearDown() { environmentState().server.reset(); }

Result<std::string> PostgresEnvironment::url() {
  const EnvironmentState& state = environmentState();
  if (state.server) return state.server->url();
  if (state.error) return *state.error;
  return makeError("postgres_unavailable",
                   "The PostgreSQL test environment is not set up; register "
                   "PostgresEnvironment with ::testing::AddGlobalTestEnvironment.");
}

}  // namespace startales::testing
