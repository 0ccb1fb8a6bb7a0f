#include "net/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <algorithm>
#include <cctype>
#include <random>

#include "common/log.h"
#include "net/cors.h"
#include "net/http_metrics.h"
#include "net/security_headers.h"
#include "net/websocket.h"

namespace startales::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
using std::chrono::milliseconds;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// One client connection. Lives on its own strand (the socket's executor).
class Server::Connection {
 public:
  Connection(uint64_t id, tcp::socket socket)
      : id(id), executor(socket.get_executor()), stream(std::move(socket)) {}
  const uint64_t id;
  const asio::any_io_executor executor;  // the connection's strand
  beast::tcp_stream stream;              // moved into `ws` on a WebSocket upgrade
  std::shared_ptr<WsConnection> ws;      // set on upgrade; only touched on the strand
  std::atomic<bool> busy{false};  // true from a request's first byte until its response is sent
};

namespace {

// X-Request-Id values we accept from clients: 1–64 chars of [A-Za-z0-9._-].
bool validRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

std::string newRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t bits = rng();
  std::string id(16, '0');
  for (char& c : id) {
    c = kHex[bits & 15];
    bits >>= 4;
  }
  return id;
}

std::string peerAddress(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("unknown") : endpoint.address().to_string();
}

std::string clientAddress(const std::string& peer, const http::request<http::string_body>& req,
                          bool trust_proxy) {
  if (trust_proxy) {
    auto it = req.find("X-Forwarded-For");
    if (it != req.end()) {
      std::string_view list = it->value();
      auto comma = list.rfind(',');
      std::string_view last = comma == std::string_view::npos ? list : list.substr(comma + 1);
      while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
      while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
      // Only an address: anything else would become an unbounded rate-limit key.
      boost::system::error_code ec;
      auto address = asio::ip::make_address(std::string(last.substr(0, 64)), ec);
      if (!ec && last.size() <= 64) return address.to_string();
    }
  }
  return peer;
}

}  // namespace

Result<std::unique_ptr<Server>> Server::create(asio::io_context& io, const ServerConfig& config,
                                               const Router& router, HttpMetrics& metrics) {
  std::unique_ptr<Server> server(new Server(io, config, router, metrics));
  boost::system::error_code ec;
  auto address = asio::ip::make_address(config.host, ec);
  if (ec) return makeError("listen_failed", "Cannot listen on host \"" + config.host + "\".");
  tcp::endpoint endpoint(address, config.port);
  auto& acceptor = server->acceptor_;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return makeError("listen_failed", "Cannot listen on " + config.host + ":" +
                                          std::to_string(config.port) + ": " + ec.message() + ".");
  }
  server->port_ = acceptor.local_endpoint().port();
  return server;
}

Server::Server(asio::io_context& io, ServerConfig config, const Router& router,
               HttpMetrics& metrics)
    : io_(io), config_(std::move(config)), router_(router), metrics_(metrics),
      acceptor_(asio::make_strand(io)),
      connections_per_address_(std::make_shared<AddressCounter>(
          std::max<size_t>(1, config_.max_connections_per_address))),
      websockets_per_address_(std::make_shared<AddressCounter>(
          std::max<size_t>(1, config_.max_websockets_per_address))) {}

Server::~Server() = default;

void Server::start() { asio::co_spawn(acceptor_.get_executor(), acceptLoop(), asio::detached); }

size_t Server::connectionCount() const {
  std::lock_guard lock(mu_);
  return connections_.size();
}

asio::awaitable<void> Server::acceptLoop() {
  while (!draining_) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
      logging::warn("accept failed", {{"error", ec.message()}});
      // Out of file descriptors and similar: back off instead of spinning.
      asio::steady_timer timer(acceptor_.get_executor(), milliseconds(50));
      co_await timer.async_wait(kTuple);
      continue;
    }
    if (connectionCount() >= config_.max_connections) {
      metrics_.reject("too_many_connections");
      socket.close(ec);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto conn = std::make_shared<Connection>(next_id_++, std::move(socket));
    {
      std::lock_guard lock(mu_);
      connections_.emplace(conn->id, conn);
    }
    metrics_.connectionsOpen().Increment();
    asio::co_spawn(conn->executor, serve(conn), asio::detached);
  }
}

asio::awaitable<void> Server::serve(std::shared_ptr<Connection> conn) {
  beast::tcp_stream& stream = conn->stream;
  beast::flat_buffer buffer;
  bool keep_alive = true;
  bool upgraded = false;  // the socket became a WebSocket (and `stream` was moved out)
  const std::string peer = peerAddress(stream.socket());
  AddressSlot address_slot;  // this connection, counted against its client address
  // Answers a request we will not read further, then closes.
  // Parameters by value: they must outlive the caller's temporaries (this is a coroutine).
  auto refuse = [&](http::status status, std::string code, std::string message,
                    std::string reason) -> asio::awaitable<void> {
    metrics_.reject(reason);
    Response res = errorResponse(status, code, message);
    addSecurityHeaders(res);
    if (status == http::status::too_many_requests) res.set(http::field::retry_after, "1");
    res.keep_alive(false);
    stream.expires_after(milliseconds(config_.read_timeout_ms));
    auto [ec, n] = co_await http::async_write(stream, res, kTuple);
    if (ec) co_return;
    // Lingering close: the client may still be sending the body we refused. Closing with
    // unread data would reset the connection and could destroy the answer before the client
    // reads it, so stop sending and discard input for a short, bounded while.
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(milliseconds(1000));
    size_t discarded = 0;
    while (discarded < 4 * config_.max_body_bytes) {
      buffer.consume(buffer.size());
      auto [rec, rn] = co_await stream.async_read_some(buffer.prepare(16384), kTuple);
      if (rec) break;
      discarded += rn;
    }
  };
  auto tooLarge = [&]() {
    return refuse(http::status::payload_too_large, "body_too_large",
                  "The request body is larger than the limit of " +
                      std::to_string(config_.max_body_bytes) + " bytes.",
                  "body_too_large");
  };

  while (keep_alive && !draining_) {
    if (buffer.size() == 0) {
      // Idle: wait for the first byte of the next request.
      stream.expires_after(milliseconds(config_.idle_timeout_ms));
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192), kTuple);
      if (ec) {
        if (ec == beast::error::timeout) metrics_.reject("idle_timeout");
        break;
      }
      buffer.commit(n);
    }
    conn->busy = true;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(config_.max_header_bytes));
    parser.body_limit(config_.max_body_bytes);

    stream.expires_after(milliseconds(config_.header_timeout_ms));
    auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, kTuple);
    if (hec == http::error::header_limit) {
      co_await refuse(http::status::request_header_fields_too_large, "headers_too_large",
                      "The request headers are too large.", "header_too_large");
      break;
    }
    if (hec == http::error::body_limit) {  // Content-Length already over the limit
      co_await tooLarge();
      break;
    }
    if (hec == beast::error::timeout) {
      metrics_.reject("header_timeout");
      break;
    }
    if (hec) {
      if (hec != asio::error::eof && hec != asio::error::operation_aborted &&
          hec != asio::error::connection_reset) {
        co_await refuse(http::status::bad_request, "bad_request",
                        "The request is not valid HTTP/1.1.", "bad_request");
      }
      break;
    }
    stream.expires_after(milliseconds(config_.read_timeout_ms));
    auto [bec, bn] = co_await http::async_read(stream, buffer, parser, kTuple);
    if (bec == http::error::body_limit) {
      co_await tooLarge();
      break;
    }
    if (bec) {
      if (bec == beast::error::timeout) metrics_.reject("body_timeout");
      break;
    }

    auto start = std::chrono::steady_clock::now();
    Request req;
    req.http = parser.release();
    req.client_address = clientAddress(peer, req.http, config_.trust_proxy);
    if (!address_slot.held()) {  // the first request says whose connection this is
      std::string key = addressKey(req.client_address);
      if (!connections_per_address_->tryAcquire(key)) {
        co_await refuse(http::status::too_many_requests, "too_many_connections",
                        "This address has " + std::to_string(connections_per_address_->max()) +
                            " connections open, the limit per address "
                            "(--max-connections-per-address); close some and try again.",
                        "too_many_connections_per_address");
        break;
      }
      address_slot = AddressSlot(connections_per_address_, std::move(key));
    }
    Router::Match match = prepare(req);
    Response res;
    if (match.websocket != nullptr) {
      // Bytes after the upgrade request (still in `buffer`) are not carried over: a client
      // must wait for the 101 before sending frames (RFC 6455 §4.1).
      auto refusal = co_await upgrade(conn, req, *match.websocket, start, buffer, address_slot);
      if (!refusal) {  // the socket is a WebSocket's now (or its handshake failed)
        upgraded = true;
        break;
      }
      res = std::move(*refusal);
    } else if (match.events != nullptr) {
      auto streamed = co_await events(stream, req, match, start);
      if (!streamed) break;  // the stream was the answer; the connection closes after it
      res = std::move(*streamed);
    } else {
      res = co_await handle(req, match);
    }
    res.keep_alive(req.http.keep_alive() && !draining_);
    finish(req, res, start);

    stream.expires_after(milliseconds(config_.read_timeout_ms));
    auto [wec, wn] = co_await http::async_write(stream, res, kTuple);
    conn->busy = false;
    if (wec) break;
    keep_alive = res.keep_alive();
  }

  if (upgraded) co_return;  // the WebSocket forgets the connection when it ends
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream.close();
  forget(conn->id);
}

void Server::forget(uint64_t id) {
  {
    std::lock_guard lock(mu_);
    connections_.erase(id);
  }
  metrics_.connectionsOpen().Decrement();
}

Router::Match Server::prepare(Request& req) const {
  std::string_view target = req.http.target();
  auto q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
  auto id_it = req.http.find("X-Request-Id");
  req.request_id = id_it != req.http.end() && validRequestId(id_it->value())
                       ? std::string(id_it->value())
                       : newRequestId();

  auto match = router_.match(req.http.method(), req.path);
  req.route = match.route.empty() ? "unmatched" : match.route;
  return match;
}

asio::awaitable<Response> Server::handle(Request& req, Router::Match& match) {
  if (match.handler == nullptr) co_return route(req, match);
  req.params = std::move(match.params);
  try {
    co_return co_await (*match.handler)(req);
  } catch (const std::exception& e) {
    logging::error("handler threw",
                   {{"request_id", req.request_id}, {"route", req.route}, {"error", e.what()}});
  }
  co_return errorResponse(http::status::internal_server_error, "internal",
                          "Something went wrong on the server; it was logged.");
}

namespace {

// The body of a text/event-stream answer, written straight to the socket; the connection
// closes when the handler is done (Connection: close delimits the body).
class SocketEventStream final : public EventStream {
 public:
  SocketEventStream(beast::tcp_stream& stream, Response head, int write_timeout_ms)
      : stream_(stream), head_(std::move(head)), write_timeout_ms_(write_timeout_ms) {}

  asio::awaitable<bool> send(std::string event, std::string data) override {
    if (failed_) co_return false;
    stream_.expires_after(milliseconds(write_timeout_ms_));
    if (!started_) {
      started_ = true;
      http::response_serializer<http::string_body> sr{head_};
      auto [hec, hn] = co_await http::async_write_header(stream_, sr, kTuple);
      if (hec) {
        failed_ = true;
        co_return false;
      }
    }
    const std::string text = formatEvent(event, data);
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(text), kTuple);
    bytes_ += n;
    if (ec) failed_ = true;
    co_return !failed_;
  }
  [[nodiscard]] bool started() const override { return started_; }
  [[nodiscard]] size_t bytes() const { return bytes_; }

 private:
  beast::tcp_stream& stream_;
  Response head_;
  const int write_timeout_ms_;
  bool started_ = false, failed_ = false;
  size_t bytes_ = 0;
};

}  // namespace

std::string formatEvent(std::string_view event, std::string_view data) {
  std::string out;
  out.reserve(event.size() + data.size() + 16);
  out += "event: ";
  out += event;
  out += '\n';
  size_t start = 0;
  while (true) {
    const size_t nl = data.find('\n', start);
    out += "data: ";
    out += data.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    out += '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  out += '\n';
  return out;
}

asio::awaitable<std::optional<Response>> Server::events(beast::tcp_stream& stream, Request& req,
                                                         Router::Match& match,
                                                         std::chrono::steady_clock::time_point start) {
  req.params = std::move(match.params);
  Response head{http::status::ok, 11};
  head.set(http::field::content_type, "text/event-stream; charset=utf-8");
  head.set(http::field::cache_control, "no-cache");
  head.set("X-Accel-Buffering", "no");  // nginx: pass events through at once
  head.keep_alive(false);
  finish(req, head, start);  // headers (request id, CORS), metrics and the access-log line
  SocketEventStream out(stream, std::move(head), config_.read_timeout_ms);
  std::optional<Response> answer;
  try {
    answer = co_await (*match.events)(req, out);
  } catch (const std::exception& e) {
    logging::error("handler threw",
                   {{"request_id", req.request_id}, {"route", req.route}, {"error", e.what()}});
    if (!out.started()) {
      answer = errorResponse(http::status::internal_server_error, "internal",
                             "Something went wrong on the server; it was logged.");
    }
  }
  if (out.started()) co_return std::nullopt;
  if (!answer) {
    answer = errorResponse(http::status::internal_server_error, "internal",
                           "The stream ended before it started; it was logged.");
  }
  co_return answer;
}

// Runs on the connection's strand. Refuses the upgrade with a JSON error (returned), or runs
// the acceptor, the handshake and onOpen, then starts the WebSocket, which runs on after this
// returns (nullopt; also when the handshake failed).
asio::awaitable<std::optional<Response>> Server::upgrade(
    const std::shared_ptr<Connection>& conn, Request& req, const WsAcceptor& acceptor,
    std::chrono::steady_clock::time_point start, beast::flat_buffer& buffer,
    AddressSlot& address_slot) {
  namespace websocket = beast::websocket;
  if (!websocket::is_upgrade(req.http)) {
    Response res = errorResponse(http::status::upgrade_required, "upgrade_required",
                                 "This is a WebSocket endpoint: connect with a WebSocket client "
                                 "(GET with Connection: Upgrade and Upgrade: websocket).");
    res.set(http::field::upgrade, "websocket");
    co_return res;
  }
  if (req.http[http::field::sec_websocket_version] != "13") {
    Response res = errorResponse(http::status::upgrade_required, "unsupported_websocket_version",
                                 "Only WebSocket protocol version 13 is supported.");
    res.set(http::field::sec_websocket_version, "13");
    co_return res;
  }
  if (req.http[http::field::sec_websocket_key].size() != 24) {
    co_return errorResponse(http::status::bad_request, "bad_websocket_key",
                            "The Sec-WebSocket-Key header is missing or not 16 bytes in base64.");
  }
  if (draining_) {
    Response res = errorResponse(http::status::service_unavailable, "shutting_down",
                                 "The server is shutting down; connect again in a moment.");
    res.set(http::field::retry_after, "1");
    co_return res;
  }
  std::string ws_key = addressKey(req.client_address);
  if (!websockets_per_address_->tryAcquire(ws_key)) {
    metrics_.reject("too_many_websockets_per_address");
    Response res = errorResponse(http::status::too_many_requests, "too_many_websockets",
                                 "This address has " +
                                     std::to_string(websockets_per_address_->max()) +
                                     " WebSockets open, the limit per address "
                                     "(--max-websockets-per-address); close one first.");
    res.set(http::field::retry_after, "1");
    co_return res;
  }
  AddressSlot ws_slot(websockets_per_address_, std::move(ws_key));  // until the socket ends
  std::optional<Result<std::shared_ptr<WsHandler>>> accepted;
  try {
    accepted.emplace(co_await acceptor(req));
  } catch (const std::exception& e) {
    logging::error("websocket acceptor threw",
                   {{"request_id", req.request_id}, {"route", req.route}, {"error", e.what()}});
  }
  if (!accepted || (accepted->ok() && accepted->value() == nullptr)) {
    co_return errorResponse(http::status::internal_server_error, "internal",
                            "Something went wrong on the server; it was logged.");
  }
  if (!accepted->ok()) {
    Response res = errorResponse(accepted->error());
    if (res.result() == http::status::unauthorized) {
      res.set(http::field::www_authenticate, "Bearer");
    }
    co_return res;
  }
  // From here on the socket belongs to the WebSocket; `conn->ws` routes drain() to it.
  auto ws = WsConnection::create(conn->id, req.client_address, std::move(conn->stream),
                                 std::move(accepted->value()), config_, metrics_.ws());
  conn->ws = ws;
  if (!co_await ws->accept(req)) {
    metrics_.reject("ws_handshake_failed");
    forget(conn->id);
    co_return std::nullopt;
  }
  Response switching{http::status::switching_protocols, 11};
  finish(req, switching, start);  // metrics and the access-log line of the upgrade request
  // The WebSocket lives for hours: it keeps neither the HTTP read buffer (~8 KB) nor the
  // upgrade request.
  buffer.clear();
  buffer.shrink_to_fit();
  req.http = {};
  co_await ws->open();
  // This coroutine and serve() end now (their frames are kilobytes per socket); the WebSocket
  // keeps the connection's record and both address slots until it is gone.
  auto slots = std::make_shared<std::pair<AddressSlot, AddressSlot>>(std::move(address_slot),
                                                                      std::move(ws_slot));
  ws->start([this, conn, slots] { forget(conn->id); });
  co_return std::nullopt;
}

// Answers requests no handler takes: CORS preflight, 405 and 404.
Response Server::route(Request& req, const Router::Match& match) {
  if (!match.allowed.empty()) {
    if (req.http.method() == http::verb::options) return preflightResponse(match.allowed);
    Response res = errorResponse(
        http::status::method_not_allowed, "method_not_allowed",
        "The method " + std::string(req.http.method_string()) + " is not allowed on " + req.path +
            ".");
    std::string allow;
    for (auto m : match.allowed) allow += (allow.empty() ? "" : ", ") + std::string(http::to_string(m));
    res.set(http::field::allow, allow);
    return res;
  }
  return errorResponse(http::status::not_found, "not_found",
                       "There is no route " + std::string(req.http.method_string()) + " " +
                           req.path + ".");
}

void Server::finish(const Request& req, Response& res, std::chrono::steady_clock::time_point start) {
  res.set("X-Request-Id", req.request_id);
  addSecurityHeaders(res);
  if (!config_.cors_origins.empty()) addCorsHeaders(config_.cors_origins, req, res);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  unsigned status = res.result_int();
  metrics_.observe(req.route, req.http.method_string(), status, seconds);
  if (config_.access_log) {
    logging::info("request", {{"request_id", req.request_id},
                              {"method", std::string_view(req.http.method_string())},
                              {"path", req.path},
                              {"route", req.route},
                              {"status", status},
                              {"duration_us", static_cast<int64_t>(seconds * 1e6)},
                              {"bytes", res.body().size()},
                              {"client", req.client_address}});
  }
}

void Server::forEachConnection(bool busy_too) {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, weak] : connections_) {
      if (auto conn = weak.lock()) live.push_back(std::move(conn));
    }
  }
  for (auto& conn : live) {
    asio::post(conn->executor, [conn, busy_too] {
      if (conn->ws) {
        if (busy_too) {
          conn->ws->abort();
        } else {
          conn->ws->shutdown();
        }
      } else if (busy_too || !conn->busy) {
        conn->stream.cancel();
      }
    });
  }
}

asio::awaitable<size_t> Server::drain(milliseconds deadline) {
  draining_ = true;
  co_await asio::post(acceptor_.get_executor(), asio::use_awaitable);
  boost::system::error_code ec;
  acceptor_.close(ec);
  auto until = std::chrono::steady_clock::now() + deadline;
  asio::steady_timer timer(acceptor_.get_executor());
  while (connectionCount() > 0 && std::chrono::steady_clock::now() < until) {
    forEachConnection(false);  // idle keep-alive connections close now; busy ones finish
    timer.expires_after(milliseconds(20));
    co_await timer.async_wait(kTuple);
  }
  size_t cut = connectionCount();
  if (cut > 0) {
    logging::warn("shutdown deadline passed; closing connections", {{"connections", cut}});
    forEachConnection(true);
    for (int i = 0; i < 50 && connectionCount() > 0; ++i) {
      timer.expires_after(milliseconds(20));
      co_await timer.async_wait(kTuple);
    }
  }
  co_return cut;
}

}  // namespace startales::net
