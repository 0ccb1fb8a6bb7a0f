#include "support/redis_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "support/server_process.h"
#include "support/test_database.h"  // store::unusedPort

namespace startales::testing {
namespace {

namespace fs = std::filesystem;


// Sends `line` + CRLF on a fresh connection and reads until a full reply line arrives (1 s).
Result<std::string> roundTrip(int port, const std::string& line) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return makeError("redis_unavailable", std::string("connect: ") + std::strerror(errno));
  }
  const std::string out = line + "\r\n";
  if (write(fd, out.data(), out.size()) != static_cast<ssize_t>(out.size())) {
    close(fd);
    return makeError("redis_unavailable", "write failed");
  }
  std::string reply;
  char buffer[4096];
  while (reply.find("\r\n") == std::string::npos ||
         (reply[0] == '$' && reply.find("\r\n", reply.find("\r\n") + 2) == std::string::npos &&
          reply.rfind("$-1", 0) != 0)) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    reply.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  if (reply.empty()) return makeError("redis_unavailable", "no reply");
  return reply;
}

}  // namespace

Result<std::unique_ptr<RedisServer>> RedisServer::start(const std::string& password,
                                                        const std::string& appendfsync) {
  std::unique_ptr<RedisServer> server(new RedisServer());
  server->password_ = password;
  server->appendfsync_ = appendfsync;
  server->dir_ = makeTempDir("startales-redis-");
  for (int attempt = 0; attempt < 3; ++attempt) {
    server->port_ = store::unusedPort();
    auto launched = server->launch();
    if (launched) return server;
    if (attempt == 2) return launched.error();
  }
  return makeError("redis_unavailable", "unreachable");
}

std::string RedisServer::url() const {
  return "redis://" + (password_.empty() ? "" : ":" + password_ + "@") + "127.0.0.1:" +
         std::to_string(port_);
}

Result<void> RedisServer::launch() {
  std::vector<std::string> argv = {"redis-server",     "--port",        std::to_string(port_),
                                   "--bind",           "127.0.0.1",     "--dir",
                                   dir_,               "--appendonly",  "yes",
                                   "--appendfsync",    appendfsync_,        "--save",
                                   "",                 "--daemonize",   "no",
                                   "--logfile",        dir_ + "/redis.log"};
  if (!password_.empty()) {
    argv.push_back("--requirepass");
    argv.push_back(password_);
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return makeError("redis_unavailable", "fork failed");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execvp("redis-server", args.data());
    _exit(127);
  }
  pid_ = pid;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::ifstream log(dir_ + "/redis.log");
      std::string text(std::istreambuf_iterator<char>(log), {});
      if (text.size() > 2000) text = text.substr(text.size() - 2000);
      return makeError("redis_unavailable",
                       "redis-server exited at start (is the redis-server package installed? "
                       "see scripts/bootstrap.sh): " + text);
    }
    auto pong = roundTrip(port_, password_.empty() ? "PING" : "AUTH " + password_);
    if (pong && pong->find("-LOADING") == std::string::npos &&
        (pong->starts_with("+PONG") || pong->starts_with("+OK"))) {
      return {};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill();
  return makeError("redis_unavailable", "redis-server did not answer PING within 20 s");
}

void RedisServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 500; ++i) {  // 10 s, then SIGKILL
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill();
}

void RedisServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::kill(pid_, SIGCONT);  // a paused one too
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

Result<void> RedisServer::restart() {
  if (pid_ > 0) return {};
  for (int attempt = 0; attempt < 50; ++attempt) {  // the port may linger a moment
    auto launched = launch();
    if (launched) return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return makeError("redis_unavailable", "redis-server did not restart on port " +
                                            std::to_string(port_));
}

Result<std::string> RedisServer::command(const std::string& inline_command) const {
  return roundTrip(port_, inline_command);
}

void RedisServer::pause() {
  if (pid_ > 0) ::kill(pid_, SIGSTOP);
}

void RedisServer::resume() {
  if (pid_ > 0) ::kill(pid_, SIGCONT);
}

RedisServer::~RedisServer() {
  kill();
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

}  // namespace startales::testing
