#pragma once

// A small synchronous WebSocket client for tests (Boost.Beast): connect with headers, send
// text or binary, receive with a timeout, see the close code and reason. Every operation has
// a timeout; a timed-out receive fails the connection (it is not retried). Not thread-safe:
// one test thread drives it.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.h"

namespace startales::testing {

struct WsMessage {
  std::string data;
  bool binary = false;
};

class WsClient {
 public:
  struct Options {
    std::string target = "/ws";  // path and query, e.g. "/ws?token=abc"
    std::vector<std::pair<std::string, std::string>> headers;  // added to the upgrade request
    int receive_buffer_bytes = 0;  // SO_RCVBUF before connecting; 0 = the system's default
    std::chrono::milliseconds timeout{10'000};  // connect + handshake
  };

  // Connects and performs the handshake. Check connected(); a refused upgrade leaves the
  // server's HTTP answer in response().
  explicit WsClient(uint16_t port, Options options);
  explicit WsClient(uint16_t port) : WsClient(port, Options{}) {}
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  [[nodiscard]] bool connected() const;
  // The handshake's HTTP response: 101 on success, otherwise the refusal (status 0 when the
  // connection failed before any answer).
  [[nodiscard]] const HttpResult& response() const;
  // The last error, as text (empty when none).
  [[nodiscard]] const std::string& error() const;

  bool sendText(const std::string& text);
  bool sendBinary(const std::string& data);
  // One text message written as several frames of at most `frame_bytes` each.
  bool sendTextInFrames(const std::string& text, size_t frame_bytes);

  // The next message; nullopt when the server closed (see closed()), on error or timeout.
  std::optional<WsMessage> receive(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Reads and discards messages until the server closes the connection. True when a close
  // frame arrived; `messages` counts what was discarded.
  bool waitClose(std::chrono::milliseconds timeout = std::chrono::seconds(10),
                 size_t* messages = nullptr);

  // True once the server's close frame was read; then closeCode()/closeReason() hold it.
  [[nodiscard]] bool closed() const;
  [[nodiscard]] int closeCode() const;
  [[nodiscard]] const std::string& closeReason() const;

  // Starts the close handshake and waits for the server's answer.
  bool close(uint16_t code = 1000, const std::string& reason = "",
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace startales::testing
