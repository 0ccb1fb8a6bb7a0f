#include "support/fake_llm_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace startales::testing {

namespace {

std::string statusText(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

void sendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the client left; the script goes on harmlessly
    sent += static_cast<size_t>(n);
  }
}

// Waits up to `ms` for `fd` to be readable; true when it is.
bool readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, ms) > 0;
}

}  // namespace

struct FakeLlmServer::Impl {
  int listen_fd = -1;
};

FakeReply FakeReply::stream(const std::string& content_type) {
  FakeReply r;
  r.chunked_ = true;
  r.raw("HTTP/1.1 200 OK\r\nContent-Type: " + content_type +
        "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
  return r;
}

FakeReply FakeReply::streamUntilClose(const std::string& content_type) {
  FakeReply r;
  r.raw("HTTP/1.1 200 OK\r\nContent-Type: " + content_type + "\r\nConnection: close\r\n\r\n");
  return r;
}

FakeReply FakeReply::full(int status, const std::string& content_type, const std::string& body) {
  FakeReply r;
  r.raw("HTTP/1.1 " + std::to_string(status) + " " + statusText(status) +
        "\r\nContent-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body);
  return r;
}

FakeReply FakeReply::busy(int retry_after_s, const std::string& json_body) {
  FakeReply r;
  r.raw("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: " +
        std::to_string(retry_after_s) + "\r\nContent-Length: " + std::to_string(json_body.size()) +
        "\r\nConnection: close\r\n\r\n" + json_body);
  return r;
}

FakeReply& FakeReply::chunk(const std::string& data) {
  if (!chunked_) return raw(data);
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return raw(size + data + "\r\n");
}

FakeReply& FakeReply::raw(const std::string& bytes) {
  steps_.push_back({Step::Kind::kBytes, bytes, 0});
  return *this;
}

FakeReply& FakeReply::end() { return raw("0\r\n\r\n"); }

FakeReply& FakeReply::pause(int ms) {
  steps_.push_back({Step::Kind::kPause, "", ms});
  return *this;
}

FakeReply& FakeReply::waitForClientClose(int max_ms) {
  steps_.push_back({Step::Kind::kWaitForClientClose, "", max_ms});
  return *this;
}

FakeLlmServer::FakeLlmServer() : impl_(std::make_unique<Impl>()) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
    throw std::runtime_error("fake LLM server: cannot listen");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  impl_->listen_fd = fd;
  acceptor_ = std::thread([this] { acceptLoop(); });
}

FakeLlmServer::~FakeLlmServer() { stop(); }

std::string FakeLlmServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void FakeLlmServer::enqueue(FakeReply reply) {
  std::lock_guard lock(mu_);
  replies_.push_back(std::move(reply));
}

std::vector<RecordedRequest> FakeLlmServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

size_t FakeLlmServer::requestCount() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

bool FakeLlmServer::waitForRequests(size_t n, int max_ms) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(max_ms),
                      [&] { return requests_.size() >= n; });
}

bool FakeLlmServer::waitForClientCloses(int n, int max_ms) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(max_ms),
                      [&] { return client_closes_.load() >= n; });
}

bool FakeLlmServer::sleepFor(int ms) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping_.load(); });
}

void FakeLlmServer::stop() {
  if (stopping_.exchange(true)) return;
  {
    std::lock_guard lock(mu_);
    cv_.notify_all();
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  ::shutdown(impl_->listen_fd, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
  ::close(impl_->listen_fd);
}

void FakeLlmServer::acceptLoop() {
  while (!stopping_) {
    if (!readable(impl_->listen_fd, 50)) continue;
    int fd = ::accept(impl_->listen_fd, nullptr, nullptr);
    if (fd < 0) continue;
    std::lock_guard lock(mu_);
    if (stopping_) {
      ::close(fd);
      break;
    }
    open_fds_.push_back(fd);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
}

void FakeLlmServer::serve(int fd) {
  // Read the request: headers, then Content-Length bytes of body.
  std::string data;
  RecordedRequest req;
  size_t header_end = std::string::npos;
  size_t content_length = 0;
  char buf[4096];
  while (!stopping_) {
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::string head = data.substr(0, header_end);
        size_t line_end = head.find("\r\n");
        std::string first = head.substr(0, line_end);
        size_t sp1 = first.find(' ');
        size_t sp2 = first.find(' ', sp1 + 1);
        req.method = first.substr(0, sp1);
        req.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
        size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
        while (pos < head.size()) {
          size_t e = head.find("\r\n", pos);
          if (e == std::string::npos) e = head.size();
          std::string line = head.substr(pos, e - pos);
          size_t colon = line.find(':');
          if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            req.headers[name] = value;
          }
          pos = e + 2;
        }
        if (auto it = req.headers.find("content-length"); it != req.headers.end()) {
          content_length = std::stoul(it->second);
        }
      }
    }
    if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length) break;
    if (!readable(fd, 50)) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  if (header_end == std::string::npos || stopping_) {
    ::close(fd);
    return;
  }
  req.body = data.substr(header_end + 4, content_length);

  FakeReply reply = FakeReply::full(500, "application/json",
                                    R"({"error":"fake server: no scripted reply left"})");
  {
    std::lock_guard lock(mu_);
    requests_.push_back(req);
    if (!replies_.empty()) {
      reply = std::move(replies_.front());
      replies_.pop_front();
    }
    cv_.notify_all();
  }
  for (const FakeReply::Step& step : reply.steps()) {
    if (stopping_) break;
    switch (step.kind) {
      case FakeReply::Step::Kind::kBytes:
        sendAll(fd, step.bytes);
        break;
      case FakeReply::Step::Kind::kPause:
        sleepFor(step.ms);
        break;
      case FakeReply::Step::Kind::kWaitForClientClose: {
        auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(step.ms);
        while (!stopping_ && std::chrono::steady_clock::now() < until) {
          if (!readable(fd, 20)) continue;
          ssize_t n = ::recv(fd, buf, sizeof buf, 0);
          if (n <= 0) {
            std::lock_guard lock(mu_);
            client_closes_.fetch_add(1);
            cv_.notify_all();
            break;
          }
        }
        break;
      }
    }
  }
  {
    std::lock_guard lock(mu_);
    open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  }
  ::close(fd);
}

uint16_t refusedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  (void)::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  (void)::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace startales::testing
