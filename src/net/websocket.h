#pragma once

// WebSocket endpoints on the HTTP server (RFC 6455 through Boost.Beast). Generic: no game
// logic; a gateway registers `router.websocket("/ws", acceptor)` and implements WsHandler.
//
// Upgrade: a GET with the upgrade headers to a websocket route runs the route's WsAcceptor on
// the connection's strand, before the handshake. It authenticates (Authorization: Bearer, or
// `?token=` for browsers, which cannot set headers) and either refuses with an Error, sent as
// the usual JSON error response (401 for "unauthorized"), or returns the WsHandler for the
// connection. Then the server answers 101 and the same TCP socket carries the WebSocket, still
// on the connection's strand. A GET without upgrade headers gets 426 "upgrade_required".
//
// Limits (ServerConfig::ws_*), each with its own close code and a ws_closes_total reason:
//   - inbound message over ws_max_message_bytes        → 1009 "message too big"    (too_big)
//   - no frame from the client for ws_idle_timeout_ms  → 4001 "idle timeout"       (idle)
//     (a ping goes out at half the timeout; its pong counts as a frame)
//   - outbound queue over ws_outbound_max_messages or ws_outbound_max_bytes
//                                 → 4000 "too slow: outbound queue full"   (slow_consumer)
//   - a write that makes no progress for read_timeout_ms: the socket is cut (slow_consumer)
//   - inbound messages beyond ws_rate_per_second / ws_rate_burst are not delivered; the handler
//     hears onRateLimited() instead and the connection stays open (ws_rate_limited_total)
//   - Server::drain                                    → 1001 "server shutting down"
//   - a handler throws                                 → 1011 "internal error"
// The close handshake itself is bounded by read_timeout_ms.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/result.h"
#include "net/http.h"

namespace startales::net {

struct ServerConfig;
class WsMetrics;

// Close codes the server sends.
inline constexpr uint16_t kWsCloseNormal = 1000;
inline constexpr uint16_t kWsCloseGoingAway = 1001;     // "server shutting down"
inline constexpr uint16_t kWsCloseAbnormal = 1006;      // never sent: the connection dropped
inline constexpr uint16_t kWsCloseTooBig = 1009;        // "message too big"
inline constexpr uint16_t kWsCloseInternal = 1011;      // "internal error" (a handler threw)
inline constexpr uint16_t kWsCloseSlowConsumer = 4000;  // "too slow: outbound queue full"
inline constexpr uint16_t kWsCloseIdle = 4001;          // "idle timeout"

// Why a connection ended; the `reason` label of ws_closes_total.
enum class WsCloseCause {
  kNormal,         // either side closed with a close frame (handler close(), client close)
  kShutdown,       // Server::drain
  kSlowConsumer,   // outbound queue full, or a write stalled
  kTooBig,         // inbound message over the limit
  kIdle,           // no frame from the client in time
  kProtocolError,  // invalid frames or UTF-8 (Beast answers 1002/1007)
  kHandlerError,   // a WsHandler callback threw
  kNetworkError,   // the connection dropped without a close frame
};
inline constexpr size_t kWsCloseCauseCount = 8;
// "normal", "shutdown", "slow_consumer", "too_big", "idle", "protocol_error",
// "handler_error", "network_error".
std::string_view toString(WsCloseCause cause);

struct WsCloseInfo {
  WsCloseCause cause = WsCloseCause::kNormal;
  uint16_t code = kWsCloseAbnormal;  // close code sent by the server, or else received
  std::string reason;                // close reason text that went with `code`
};

// An inbound message the rate limit refused.
struct WsRefusedMessage {
  std::string data;  // the message itself (e.g. to echo its request id in an error)
  bool binary = false;
  std::chrono::milliseconds retry_after{0};  // until the next message would be accepted
};

class WsConnection;

// The application side of one WebSocket connection. Every callback runs on the connection's
// strand, one at a time and in order: onOpen, then onText / onBinary / onRateLimited per
// message, then onClose exactly once. While a callback is suspended (co_await), the next
// message is not read (TCP pushes back on the client) and the idle timeout does not run.
// Callbacks must not block: blocking work goes to a WorkerPool. A callback that throws
// closes the connection with 1011.
class WsHandler {
 public:
  virtual ~WsHandler() = default;
  // After the 101 response, before any message. `conn` stays usable until onClose; keeping
  // it longer is safe (sends then return false), also past the io_context once onClose ran.
  virtual boost::asio::awaitable<void> onOpen(std::shared_ptr<WsConnection> conn);
  virtual boost::asio::awaitable<void> onText(std::string message) = 0;
  virtual boost::asio::awaitable<void> onBinary(std::string message) = 0;
  // A message over the rate limit. It was not passed to onText/onBinary; answer it (e.g. an
  // `error` with code "rate_limited") so the client is never dropped silently.
  virtual boost::asio::awaitable<void> onRateLimited(WsRefusedMessage message) = 0;
  // Once, when the connection is gone (after the close handshake or the drop). Only called
  // when onOpen was called. Must not block and should not throw.
  virtual void onClose(const WsCloseInfo& info) = 0;
};

// Runs on the connection's strand before the handshake. A handler accepts; an Error refuses
// with errorResponse(error) (401 + WWW-Authenticate: Bearer for "unauthorized").
using WsAcceptor =
    std::function<boost::asio::awaitable<Result<std::shared_ptr<WsHandler>>>(Request&)>;

// One WebSocket connection. The public methods are thread-safe and never block: sends go to
// a bounded outbound queue that the connection's writer drains on its strand.
class WsConnection : public std::enable_shared_from_this<WsConnection> {
 public:
  ~WsConnection();
  WsConnection(const WsConnection&) = delete;
  WsConnection& operator=(const WsConnection&) = delete;

  // Same id as the underlying HTTP connection; unique per server.
  [[nodiscard]] uint64_t id() const { return id_; }
  // The client's address (X-Forwarded-For's last hop when trust_proxy is set).
  [[nodiscard]] const std::string& clientAddress() const { return client_address_; }

  // Queue a message. False when it was not queued: the connection is closing or closed, or
  // the queue is full — then the connection is closed with 4000 (slow consumer) and its
  // queued messages are discarded.
  bool sendText(std::string message);
  bool sendBinary(std::string message);
  // The same message to many connections (a campaign's delta to each of its players):
  // shared, not copied.
  bool sendText(std::shared_ptr<const std::string> message);

  // Starts the close handshake after the messages already queued are written. `code` must
  // be 1000 or 3000–4999 (anything else becomes 1000); `reason` is cut to 123 bytes. Only
  // the first close (from any side) counts.
  void close(uint16_t code = kWsCloseNormal, std::string reason = "");

  // False once a close has started.
  [[nodiscard]] bool isOpen() const;

 private:
  friend class Server;
  struct Io;  // the Beast stream, timers and strand-only state; defined in websocket.cc
  struct Outbound {
    std::string data;                           // owned, or
    std::shared_ptr<const std::string> shared;  // shared with other connections
    bool binary = false;
    [[nodiscard]] std::string_view bytes() const {
      return shared ? std::string_view(*shared) : std::string_view(data);
    }
  };

  // Takes over `stream` (the connection's socket, on its strand). `config` and `metrics`
  // must outlive the connection (the Server owns them).
  static std::shared_ptr<WsConnection> create(uint64_t id, std::string client_address,
                                              boost::beast::tcp_stream&& stream,
                                              std::shared_ptr<WsHandler> handler,
                                              const ServerConfig& config, WsMetrics& metrics);
  WsConnection(uint64_t id, std::string client_address, std::shared_ptr<WsHandler> handler,
               const ServerConfig& config, WsMetrics& metrics);

  // Server calls these on the connection's strand, in this order.
  // The handshake: answers 101 (with X-Request-Id). False when it failed.
  boost::asio::awaitable<bool> accept(const Request& req);
  // The handler's onOpen (one that throws closes the connection with 1011).
  boost::asio::awaitable<void> open();
  // Starts reading, writing and the watchdog and returns: from here on the connection runs on
  // completion handlers (each holds a reference to it), not on a coroutine, so an idle one
  // holds only its pending read and timer. `finished` runs on the strand once it is gone,
  // after onClose.
  void start(std::function<void()> finished);
  // Server::drain: close with 1001 "server shutting down" after the queued messages.
  // Thread-safe.
  void shutdown();
  // Cuts the socket now (drain deadline). On the strand.
  void abort();

  // The machinery, all on the strand. Reading: one message at a time, assembled from frames,
  // then handed to the handler; the next read starts when the handler is done.
  void startRead();
  void onRead(boost::system::error_code ec, size_t old_size, size_t n);
  void dispatch(std::string message, bool binary);
  boost::asio::awaitable<void> callHandler(std::string message, bool binary, bool allowed);
  void afterHandler(const std::exception_ptr& error);
  void readingDone();
  // Writing: one message, ping or close frame at a time, from the queue.
  void writeNext();
  void onWritten(boost::system::error_code ec, size_t n, bool message);
  void writingDone();
  // The watchdog (idle timeout, keep-alive pings, stalled writes): a timer that re-plans its
  // deadline each time it fires or is cancelled.
  void armWatchdog();
  void onWatch();
  // Once reading and writing are done and the timer is idle: onClose, metrics, `finished`.
  void finishIfDone();
  void finish();
  bool enqueue(Outbound message);
  // Decides the close (first caller wins) and wakes the writer. Thread-safe.
  bool requestClose(uint16_t code, std::string reason, WsCloseCause cause, bool drop_queued);
  void wakeWriterLocked();  // requires mu_
  void teardown();          // on the strand: closes the socket, every pending op fails
  WsCloseInfo closeInfo();  // on the strand, after the loops ended

  // const after construction
  const uint64_t id_;
  const std::string client_address_;
  const ServerConfig& config_;
  WsMetrics& metrics_;

  std::unique_ptr<Io> io_;              // strand only; reset when run() ends
  std::shared_ptr<WsHandler> handler_;  // strand only; released after onClose

  mutable std::mutex mu_;
  std::deque<Outbound> queue_;                  // guarded by mu_; not yet handed to the writer
  size_t queued_bytes_ = 0;                     // guarded by mu_
  bool writer_waiting_ = false;  // guarded by mu_; the writer is idle: enqueue posts writeNext
  bool close_requested_ = false;                // guarded by mu_
  uint16_t close_code_ = kWsCloseNormal;        // guarded by mu_
  std::string close_reason_;                    // guarded by mu_
  WsCloseCause cause_ = WsCloseCause::kNormal;  // guarded by mu_; valid when close_requested_
  bool finished_ = false;  // guarded by mu_; run() ended, nothing is posted any more
  boost::asio::any_io_executor executor_;  // guarded by mu_; the strand; released when finished
};

}  // namespace startales::net
