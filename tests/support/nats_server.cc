#include "support/nats_server.h"

#include "support/child_process.h"

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
  auto pid = spawnChild(argv, log);
  if (!pid) return unavailable(pid.error().message);
  pid_ = *pid;
  return waitListening(pid_, port_, std::chrono::seconds(15), log, "nats_unavailable",
                       "nats-server");
}

void NatsServer::halt(bool kill_now) { stopChild(pid_, kill_now); }

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
