#include "support/nats_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "support/test_database.h"  // store::unusedPort

namespace startales::testing {
namespace {

namespace fs = std::filesystem;

std::string findBinary() {
  for (const char* candidate :
       {"/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"}) {
    if (access(candidate, X_OK) == 0) return candidate;
  }
  return "";
}

bool accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok;
}

std::string tail(const std::string& path) {
  std::ifstream file(path);
  std::string text(std::istreambuf_iterator<char>(file), {});
  if (text.size() > 1500) text = "..." + text.substr(text.size() - 1500);
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

Error unavailable(const std::string& why) {
  return makeError("nats_unavailable", "Cannot start the test nats-server: " + why);
}

}  // namespace

Result<std::unique_ptr<NatsServer>> NatsServer::start(NatsServerOptions options) {
  std::unique_ptr<NatsServer> server(new NatsServer());
  server->binary_ = findBinary();
  if (server->binary_.empty()) {
    return unavailable(
        "no nats-server found (install the nats-server package, see "
        "scripts/bootstrap.sh)");
  }
  std::string pattern = (fs::temp_directory_path() / "startales-nats-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return unavailable(std::strerror(errno));
  server->dir_ = pattern;
  if (options.max_payload > 0) {
    server->config_ = server->dir_ + "/nats.conf";
    std::ofstream(server->config_) << "max_payload: " << options.max_payload << "\n";
  }
  for (int attempt = 0;; ++attempt) {
    server->port_ = store::unusedPort();
    Result<void> launched = server->launch();
    if (launched) return server;
    // Another process may have taken the port between unusedPort() and the bind.
    if (attempt == 2) return launched.error();
  }
}

NatsServer::~NatsServer() {
  halt(false);
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

std::string NatsServer::url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

Result<void> NatsServer::launch() {
  const std::string log = dir_ + "/nats.log";
  std::vector<std::string> argv = {binary_, "-a", "127.0.0.1", "-p", std::to_string(port_)};
  if (!config_.empty()) argv.insert(argv.end(), {"-c", config_});
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return unavailable(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {  // only async-signal-safe calls until exec
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    const int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, STDIN_FILENO);
    execv(args[0], args.data());
    _exit(127);
  }
  pid_ = pid;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return unavailable("it exited (status " + std::to_string(status) + "): " + tail(log));
    }
    if (accepts(port_)) return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  halt(true);
  return unavailable("it did not listen on port " + std::to_string(port_) +
                     " within 15 s: " + tail(log));
}

void NatsServer::halt(bool kill_now) {
  if (pid_ <= 0) return;
  kill(pid_, kill_now ? SIGKILL : SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
}

Result<void> NatsServer::restart() {
  if (pid_ > 0) return {};
  // The old socket may linger briefly; nats-server sets SO_REUSEADDR, so a retry is enough.
  Result<void> launched = launch();
  for (int attempt = 0; !launched && attempt < 5; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    launched = launch();
  }
  return launched;
}

}  // namespace startales::testing
