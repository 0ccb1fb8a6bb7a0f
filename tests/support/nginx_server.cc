#include "support/nginx_server.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "support/child_process.h"
#include "support/test_database.h"

namespace startales::testing {
namespace {

namespace fs = std::filesystem;

Error unavailable(const std::string& why) {
  return makeError("nginx_unavailable", "Cannot start the test nginx: " + why);
}

// What the production compose file's load balancer does, on loopback: least connections,
// WebSocket upgrade, the client's address forwarded, generous read timeouts for /ws.
std::string config(const std::string& dir, uint16_t port, const std::vector<uint16_t>& upstreams) {
  std::string servers;
  for (uint16_t p : upstreams) {
    servers += "    server 127.0.0.1:" + std::to_string(p) + " max_fails=1 fail_timeout=2s;\n";
  }
  return "daemon off;\n"
         "user root;\n"
         "worker_processes 1;\n"
         "pid " + dir + "/nginx.pid;\n"
         "error_log " + dir + "/error.log warn;\n"
         "events { worker_connections 1024; }\n"
         "http {\n"
         "  access_log off;\n"
         "  client_body_temp_path " + dir + "/body;\n"
         "  proxy_temp_path " + dir + "/proxy;\n"
         "  fastcgi_temp_path " + dir + "/fastcgi;\n"
         "  uwsgi_temp_path " + dir + "/uwsgi;\n"
         "  scgi_temp_path " + dir + "/scgi;\n"
         "  map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n"
         "  upstream api {\n"
         "    least_conn;\n" + servers +
         "  }\n"
         "  server {\n"
         "    listen 127.0.0.1:" + std::to_string(port) + ";\n"
         "    location / {\n"
         "      proxy_pass http://api;\n"
         "      proxy_http_version 1.1;\n"
         "      proxy_set_header Upgrade $http_upgrade;\n"
         "      proxy_set_header Connection $connection_upgrade;\n"
         "      proxy_set_header X-Forwarded-For $remote_addr;\n"
         "      proxy_connect_timeout 2s;\n"
         "      proxy_read_timeout 120s;\n"
         "      proxy_send_timeout 120s;\n"
         "    }\n"
         "  }\n"
         "}\n";
}

}  // namespace

Result<std::unique_ptr<NginxServer>> NginxServer::start(const std::vector<uint16_t>& upstreams) {
  const char* binary = "/usr/sbin/nginx";
  if (access(binary, X_OK) != 0) {
    return unavailable("no /usr/sbin/nginx (install the nginx package, see scripts/bootstrap.sh)");
  }
  std::unique_ptr<NginxServer> server(new NginxServer());
  std::string pattern = (fs::temp_directory_path() / "startales-nginx-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return unavailable(std::strerror(errno));
  server->dir_ = pattern;
  for (int attempt = 0;; ++attempt) {
    server->port_ = static_cast<uint16_t>(store::unusedPort());
    const std::string conf = server->dir_ + "/nginx.conf";
    std::ofstream(conf) << config(server->dir_, server->port_, upstreams);
    const std::string log = server->dir_ + "/stderr.log";
    auto pid = spawnChild({binary, "-p", server->dir_, "-c", conf, "-e", server->dir_ + "/error.log"},
                          log);
    if (!pid) return unavailable(pid.error().message);
    server->pid_ = *pid;
    auto listening = waitListening(server->pid_, server->port_, std::chrono::seconds(15), log,
                                   "nginx_unavailable", "nginx");
    if (listening) return server;
    if (attempt == 2) {
      return unavailable(listening.error().message + " " + logTail(server->dir_ + "/error.log"));
    }
  }
}

NginxServer::~NginxServer() {
  stopChild(pid_);
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

std::string NginxServer::errorLog() const { return logTail(dir_ + "/error.log"); }

}  // namespace startales::testing
