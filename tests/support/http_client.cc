#include "support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <cctype>

namespace startales::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string HttpResult::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

boost::json::value HttpResult::json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  return ec ? boost::json::value() : v;
}

struct HttpClient::Impl {
  asio::io_context io;
  std::string host;
  uint16_t port;
  std::unique_ptr<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  bool connect() {
    stream = std::make_unique<beast::tcp_stream>(io);
    stream->expires_after(std::chrono::seconds(10));
    boost::system::error_code ec;
    stream->connect(asio::ip::tcp::endpoint(asio::ip::make_address(host), port), ec);
    buffer.clear();
    return !ec;
  }

  bool tryOnce(http::request<http::string_body>& req, HttpResult& out) {
    if (!stream && !connect()) return false;
    boost::system::error_code ec;
    stream->expires_after(std::chrono::seconds(30));
    http::write(*stream, req, ec);
    if (ec) return false;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(*stream, buffer, parser, ec);
    if (ec) return false;
    auto res = parser.release();
    out.status = res.result_int();
    for (const auto& field : res) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(field.value());
    }
    out.body = res.body();
    if (!res.keep_alive()) stream.reset();
    return true;
  }
};

HttpClient::HttpClient(uint16_t port, std::string host) : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
}

HttpClient::~HttpClient() = default;

HttpResult HttpClient::request(const std::string& method, const std::string& target,
                               const std::string& body,
                               const std::vector<std::pair<std::string, std::string>>& headers) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, impl_->host);
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  HttpResult out;
  // A kept-alive connection the server closed meanwhile fails once; retry on a fresh one.
  if (!impl_->tryOnce(req, out)) {
    impl_->stream.reset();
    out = HttpResult{};
    if (!impl_->tryOnce(req, out)) impl_->stream.reset();
  }
  return out;
}

HttpResult HttpClient::get(const std::string& target, const std::string& bearer) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  return request("GET", target, "", headers);
}

HttpResult HttpClient::postJson(const std::string& target, const std::string& json,
                                const std::string& bearer) {
  std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"}};
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  return request("POST", target, json, headers);
}

RawConnection::RawConnection(uint16_t port) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

bool RawConnection::send(const std::string& bytes) {
  if (fd_ < 0) return false;
  return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

std::string RawConnection::readUntilClose(std::chrono::milliseconds timeout, bool& closed) {
  closed = false;
  std::string out;
  auto until = std::chrono::steady_clock::now() + timeout;
  while (fd_ >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) {
      closed = true;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace startales::testing
