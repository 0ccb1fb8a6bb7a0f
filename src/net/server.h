#pragma once

// The HTTP server: Boost.Beast over Asio with C++20 coroutines. One io_context is run by one
// thread per core (the caller owns it); every connection lives on its own strand, so its
// coroutine never runs on two threads at once. Handlers run on the connection's strand and
// must not block: blocking work goes to a WorkerPool.
//
// Per request, in order: header timeout, header size limit, body size limit (413 before the
// body is read when Content-Length is too big), request id, CORS, routing (404/405 JSON),
// handler (exceptions become 500 JSON), metrics, access log.
//
// WebSocket routes (Router::websocket): the upgrade request goes through the same steps up to
// routing; then the route's acceptor runs and either refuses (JSON error) or the socket becomes
// a WsConnection on the same strand until it closes. WebSockets count as connections
// (max_connections, connectionCount) and drain() closes them with 1001.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "net/address_counter.h"
#include "net/http.h"
#include "net/router.h"

namespace startales::net {

class HttpMetrics;
class WsConnection;

struct ServerConfig {
  std::string host = "0.0.0.0";
  uint16_t port = 4000;                   // 0 picks a free port (tests)
  size_t max_body_bytes = 1 << 20;        // request body limit, bytes → 413
  size_t max_header_bytes = 16 << 10;     // request line + headers limit, bytes → 431
  int header_timeout_ms = 10'000;         // first byte of a request → end of its headers
  int read_timeout_ms = 30'000;           // receiving the body; also sending the response
  int idle_timeout_ms = 60'000;           // keep-alive connection waiting for a next request
  size_t max_connections = 20'000;        // beyond this, new connections are closed at once
  size_t max_connections_per_address = 256;  // open connections per client address (HTTP and
                                             // WebSocket) → beyond: 429, then closed
  size_t max_websockets_per_address = 32;    // open WebSockets per client address → 429
  std::vector<std::string> cors_origins;  // allowed Origin values; "*" allows any
  bool access_log = true;                 // one JSON line per request
  bool trust_proxy = false;               // take the client address from X-Forwarded-For
  // WebSocket routes (net/websocket.h). read_timeout_ms also bounds a stalled write and the
  // close handshake.
  size_t ws_max_message_bytes = 64 << 10;  // largest inbound message, bytes → close 1009
  int ws_idle_timeout_ms = 60'000;         // no frame from the client, ms → close 4001; a ping
                                           // goes out at half this
  size_t ws_outbound_max_messages = 1024;  // queued outbound messages → beyond: close 4000
  size_t ws_outbound_max_bytes = 4 << 20;  // queued outbound bytes → beyond: close 4000
  double ws_rate_per_second = 20;          // inbound messages per second, sustained; <= 0: off
  double ws_rate_burst = 40;               // inbound messages allowed in a burst
};

class Server {
 public:
  // Binds and listens; fails with "listen_failed" (e.g. the port is taken).
  static Result<std::unique_ptr<Server>> create(boost::asio::io_context& io,
                                                const ServerConfig& config, const Router& router,
                                                HttpMetrics& metrics);
  ~Server();

  uint16_t port() const { return port_; }

  // Starts the accept loop.
  void start();

  // Graceful stop: stop accepting, close idle keep-alive connections, let requests in flight
  // finish (their responses carry Connection: close), close WebSockets with 1001 "server
  // shutting down" (after the messages already queued). After `deadline`, remaining
  // connections are closed. Completes when no connection is left; returns how many were
  // cut off at the deadline.
  boost::asio::awaitable<size_t> drain(std::chrono::milliseconds deadline);

  size_t connectionCount() const;

 private:
  class Connection;

  Server(boost::asio::io_context& io, ServerConfig config, const Router& router,
         HttpMetrics& metrics);

  boost::asio::awaitable<void> acceptLoop();
  boost::asio::awaitable<void> serve(std::shared_ptr<Connection> conn);
  Router::Match prepare(Request& req) const;
  boost::asio::awaitable<Response> handle(Request& req, Router::Match& match);
  // An event-stream route: nullopt when the stream was written (the connection must close),
  // or the Response to write instead.
  boost::asio::awaitable<std::optional<Response>> events(
      boost::beast::tcp_stream& stream, Request& req, Router::Match& match,
      std::chrono::steady_clock::time_point start);
  // `buffer` is the connection's read buffer: released once the socket is a WebSocket (which
  // reads through its own), so an open WebSocket does not hold an HTTP buffer. nullopt once
  // the socket is no longer HTTP: then the WebSocket runs on (holding `conn` and
  // `address_slot`) after serve() returned, and forgets the connection when it ends.
  boost::asio::awaitable<std::optional<Response>> upgrade(
      const std::shared_ptr<Connection>& conn, Request& req, const WsAcceptor& acceptor,
      std::chrono::steady_clock::time_point start, boost::beast::flat_buffer& buffer,
      AddressSlot& address_slot);
  Response route(Request& req, const Router::Match& match);
  void finish(const Request& req, Response& res, std::chrono::steady_clock::time_point start);
  void forEachConnection(bool busy_too);
  // A connection has ended: out of connections_ and the open-connections gauge.
  void forget(uint64_t id);

  // const after construction
  boost::asio::io_context& io_;
  ServerConfig config_;
  const Router& router_;
  HttpMetrics& metrics_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;

  // Shared with the AddressSlots of connections (see AddressSlot). Not null.
  const std::shared_ptr<AddressCounter> connections_per_address_;  // from a first request
  const std::shared_ptr<AddressCounter> websockets_per_address_;   // while a WebSocket runs
  std::atomic<bool> draining_{false};
  std::atomic<uint64_t> next_id_{1};
  mutable std::mutex mu_;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> connections_;  // guarded by mu_
};

}  // namespace startales::net
