#pragma once

// A small synchronous HTTP/1.1 client for tests (Boost.Beast), plus a raw TCP connection for
// misbehaving-client tests. Every operation has a timeout.

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace startales::testing {

struct HttpResult {
  int status = 0;                             // 0 when the connection failed
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& lower_name) const;
  boost::json::value json() const;  // null when the body is not JSON
};

class HttpClient {
 public:
  explicit HttpClient(uint16_t port, std::string host = "127.0.0.1");
  ~HttpClient();

  // Sends one request on a kept-alive connection (reconnecting when needed).
  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& body = "",
                     const std::vector<std::pair<std::string, std::string>>& headers = {});
  HttpResult get(const std::string& target, const std::string& bearer = "");
  HttpResult postJson(const std::string& target, const std::string& json,
                      const std::string& bearer = "");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A raw socket: send arbitrary bytes, see whether the server closes.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port);
  ~RawConnection();
  bool send(const std::string& bytes);
  // Reads until the peer closes or `timeout` passes. Returns what was read; `closed` tells
  // whether the peer closed.
  std::string readUntilClose(std::chrono::milliseconds timeout, bool& closed);

 private:
  int fd_ = -1;
};

}  // namespace startales::testing
