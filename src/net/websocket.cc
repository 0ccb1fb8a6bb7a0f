#include "net/websocket.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <exception>

#include "common/log.h"
#include "net/security_headers.h"
#include "net/server.h"
#include "net/token_bucket.h"
#include "net/ws_metrics.h"

namespace startales::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t kReadChunk = size_t{16} << 10;  // bytes per read_some while assembling a message
constexpr size_t kFirstReadChunk = 1024;         // ... for its first frame
constexpr size_t kMaxCloseReason = 123;          // a close frame's payload is at most 125 bytes

bool validCloseCode(uint16_t code) { return code == 1000 || (code >= 3000 && code <= 4999); }

}  // namespace

std::string_view toString(WsCloseCause cause) {
  switch (cause) {
    case WsCloseCause::kNormal:
      return "normal";
    case WsCloseCause::kShutdown:
      return "shutdown";
    case WsCloseCause::kSlowConsumer:
      return "slow_consumer";
    case WsCloseCause::kTooBig:
      return "too_big";
    case WsCloseCause::kIdle:
      return "idle";
    case WsCloseCause::kProtocolError:
      return "protocol_error";
    case WsCloseCause::kHandlerError:
      return "handler_error";
    case WsCloseCause::kNetworkError:
      return "network_error";
  }
  return "unknown";
}

asio::awaitable<void> WsHandler::onOpen(std::shared_ptr<WsConnection> /*conn*/) { co_return; }

// Everything only the connection's strand touches.
struct WsConnection::Io {
  Io(beast::tcp_stream&& stream, const ServerConfig& config, Clock::time_point now)
      : ws(std::move(stream)),
        wake(ws.get_executor()),
        watch(ws.get_executor()),
        bucket(config.ws_rate_per_second, config.ws_rate_burst, now),
        opened(now),
        last_received(now) {}

  websocket::stream<beast::tcp_stream> ws;
  asio::steady_timer wake;   // the writer sleeps on it; cancel() wakes it
  asio::steady_timer watch;  // the watchdog sleeps on it until its next deadline
  TokenBucket bucket;        // inbound messages
  Clock::time_point opened;
  Clock::time_point last_received;  // last frame from the client, or end of a handler call
  Clock::time_point pinged_for{};   // the last_received a keep-alive ping was sent for
  Clock::time_point write_started{};
  bool writing = false;     // a message, ping or close frame is being written
  bool ping_due = false;    // the watchdog asks the writer for a ping
  bool in_handler = false;  // a handler callback is running (the idle clock stops)
  bool close_sent = false;  // the writer started the close handshake
  bool reading_done = false;
  bool writing_done = false;
  uint64_t messages_in = 0;
  uint64_t messages_out = 0;
};

std::shared_ptr<WsConnection> WsConnection::create(uint64_t id, std::string client_address,
                                                   beast::tcp_stream&& stream,
                                                   std::shared_ptr<WsHandler> handler,
                                                   const ServerConfig& config, WsMetrics& metrics) {
  std::shared_ptr<WsConnection> conn(
      new WsConnection(id, std::move(client_address), std::move(handler), config, metrics));
  conn->executor_ = stream.get_executor();
  conn->io_ = std::make_unique<Io>(std::move(stream), config, Clock::now());
  return conn;
}

WsConnection::WsConnection(uint64_t id, std::string client_address,
                           std::shared_ptr<WsHandler> handler, const ServerConfig& config,
                           WsMetrics& metrics)
    : id_(id),
      client_address_(std::move(client_address)),
      config_(config),
      metrics_(metrics),
      handler_(std::move(handler)) {}

WsConnection::~WsConnection() = default;

bool WsConnection::sendText(std::string message) {
  return enqueue(Outbound{std::move(message), nullptr, false});
}

bool WsConnection::sendText(std::shared_ptr<const std::string> message) {
  if (!message) return false;
  return enqueue(Outbound{std::string(), std::move(message), false});
}

bool WsConnection::sendBinary(std::string message) {
  return enqueue(Outbound{std::move(message), nullptr, true});
}

void WsConnection::close(uint16_t code, std::string reason) {
  if (!validCloseCode(code)) code = kWsCloseNormal;
  if (reason.size() > kMaxCloseReason) reason.resize(kMaxCloseReason);
  requestClose(code, std::move(reason), WsCloseCause::kNormal, false);
}

bool WsConnection::isOpen() const {
  std::lock_guard lock(mu_);
  return !close_requested_ && !finished_;
}

bool WsConnection::enqueue(Outbound message) {
  const size_t size = message.bytes().size();
  {
    std::lock_guard lock(mu_);
    if (close_requested_ || finished_) return false;
    if (queue_.size() < config_.ws_outbound_max_messages &&
        queued_bytes_ + size <= config_.ws_outbound_max_bytes) {
      queued_bytes_ += size;
      queue_.push_back(std::move(message));
      wakeWriterLocked();
      return true;
    }
  }
  if (requestClose(kWsCloseSlowConsumer, "too slow: outbound queue full",
                   WsCloseCause::kSlowConsumer, true)) {
    logging::warn("websocket consumer too slow; closing",
                  {{"connection", id_}, {"client", client_address_}});
  }
  return false;
}

bool WsConnection::requestClose(uint16_t code, std::string reason, WsCloseCause cause,
                                bool drop_queued) {
  std::lock_guard lock(mu_);
  if (close_requested_ || finished_) return false;
  close_requested_ = true;
  close_code_ = code;
  close_reason_ = std::move(reason);
  cause_ = cause;
  if (drop_queued) {
    queue_.clear();
    queued_bytes_ = 0;
  }
  wakeWriterLocked();
  return true;
}

void WsConnection::wakeWriterLocked() {
  if (!writer_waiting_ || finished_) return;
  writer_waiting_ = false;
  asio::post(executor_, [self = shared_from_this()] {
    if (self->io_) self->io_->wake.cancel();
  });
}

void WsConnection::teardown() {
  if (io_) beast::get_lowest_layer(io_->ws).close();
}

void WsConnection::shutdown() {
  requestClose(kWsCloseGoingAway, "server shutting down", WsCloseCause::kShutdown, false);
}

void WsConnection::abort() {
  requestClose(kWsCloseGoingAway, "server shutting down", WsCloseCause::kShutdown, true);
  teardown();
}

asio::awaitable<bool> WsConnection::accept(const Request& req) {
  Io& io = *io_;
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = milliseconds(config_.read_timeout_ms);  // opening and closing
  timeouts.idle_timeout = websocket::stream_base::none();  // the watchdog does it, with reasons
  timeouts.keep_alive_pings = false;
  io.ws.set_option(timeouts);
  io.ws.set_option(websocket::stream_base::decorator(
      [id = req.request_id](websocket::response_type& res) {
        res.set("X-Request-Id", id);
        addSecurityHeaders(res);
      }));
  io.ws.read_message_max(0);  // readLoop enforces ws_max_message_bytes and closes with a reason
  io.ws.auto_fragment(false);
  beast::get_lowest_layer(io.ws).expires_never();
  // Pings, pongs and close frames count as activity; data frames are counted by readLoop.
  io.ws.control_callback(
      [this](websocket::frame_type, beast::string_view) { io_->last_received = Clock::now(); });
  auto [ec] = co_await io.ws.async_accept(req.http, kTuple);
  if (ec) {
    logging::debug("websocket handshake failed", {{"connection", id_}, {"error", ec.message()}});
    teardown();
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> WsConnection::run() {
  auto self = shared_from_this();
  Io& io = *io_;
  io.opened = io.last_received = Clock::now();
  metrics_.connectionsOpen().Increment();
  try {
    co_await handler_->onOpen(self);
  } catch (const std::exception& e) {
    logging::error("websocket handler threw", {{"connection", id_}, {"error", e.what()}});
    requestClose(kWsCloseInternal, "internal error", WsCloseCause::kHandlerError, false);
  }
  try {
    using namespace asio::experimental::awaitable_operators;
    co_await (readLoop() && writeLoop() && watchdog());
  } catch (const std::exception& e) {
    logging::error("websocket session failed", {{"connection", id_}, {"error", e.what()}});
    requestClose(kWsCloseInternal, "internal error", WsCloseCause::kHandlerError, true);
    teardown();
  }
  WsCloseInfo info = closeInfo();
  {
    std::lock_guard lock(mu_);
    finished_ = true;  // from now on nothing is posted to executor_
    queue_.clear();
    queued_bytes_ = 0;
    executor_ = {};  // a closed connection holds no io objects and may outlive the io_context
  }
  metrics_.connectionsOpen().Decrement();
  metrics_.closed(info.cause);
  auto lifetime = std::chrono::duration_cast<milliseconds>(Clock::now() - io.opened);
  logging::info("websocket closed", {{"connection", id_},
                                     {"client", client_address_},
                                     {"cause", toString(info.cause)},
                                     {"code", info.code},
                                     {"reason", info.reason},
                                     {"messages_in", io.messages_in},
                                     {"messages_out", io.messages_out},
                                     {"duration_ms", static_cast<int64_t>(lifetime.count())}});
  try {
    handler_->onClose(info);
  } catch (const std::exception& e) {
    logging::error("websocket onClose threw", {{"connection", id_}, {"error", e.what()}});
  }
  handler_.reset();  // breaks a handler ↔ connection cycle
  io_.reset();
}

WsCloseInfo WsConnection::closeInfo() {
  std::lock_guard lock(mu_);
  WsCloseInfo info;
  info.cause = cause_;
  info.code = close_code_;
  info.reason = close_reason_;
  // A close decided by this side whose frame never went out (the socket was cut).
  if (!io_->close_sent && info.cause != WsCloseCause::kNormal &&
      info.cause != WsCloseCause::kProtocolError && info.cause != WsCloseCause::kNetworkError) {
    info.code = kWsCloseAbnormal;
  }
  return info;
}

asio::awaitable<void> WsConnection::readLoop() {
  Io& io = *io_;
  const size_t limit = config_.ws_max_message_bytes;
  std::string message;
  for (;;) {
    message.clear();
    boost::system::error_code ec;
    bool too_big = false;
    // Assemble one message from as many frames as it takes, at most limit + 1 bytes.
    for (;;) {
      // Small first (most messages are a few hundred bytes, and resize() zero-fills), then
      // doubling up to kReadChunk.
      size_t old = message.size();
      size_t chunk = std::min({limit + 1 - old, kReadChunk, std::max(kFirstReadChunk, old)});
      message.resize(old + chunk);
      auto [rec, n] =
          co_await io.ws.async_read_some(asio::buffer(message.data() + old, chunk), kTuple);
      message.resize(old + n);
      if (rec) {
        ec = rec;
        break;
      }
      io.last_received = Clock::now();
      if (message.size() > limit) {
        too_big = true;
        break;
      }
      if (io.ws.is_message_done()) break;
    }
    if (too_big) {
      // Stop reading: the close handshake discards the rest of the message.
      requestClose(kWsCloseTooBig, "message too big", WsCloseCause::kTooBig, true);
      break;
    }
    if (ec) {
      if (ec == websocket::error::closed) {  // the client's close frame (Beast answered it)
        auto reason = io.ws.reason();
        uint16_t code = reason.code == websocket::close_code::none ? 1005 : reason.code;
        requestClose(code, std::string(reason.reason.data(), reason.reason.size()),
                     WsCloseCause::kNormal, true);
      } else if (ec.category() == websocket::make_error_code(websocket::error::closed).category()) {
        // Invalid frames: Beast failed the connection with 1002 (1007 for bad UTF-8).
        uint16_t code = ec == websocket::error::bad_frame_payload ? 1007 : 1002;
        requestClose(code, ec.message(), WsCloseCause::kProtocolError, true);
      } else {
        requestClose(kWsCloseAbnormal, ec.message(), WsCloseCause::kNetworkError, true);
      }
      break;
    }
    if (!isOpen()) continue;  // closing: read on until the close reply, deliver nothing
    bool binary = io.ws.got_binary();
    ++io.messages_in;
    metrics_.received(message.size());
    if (!co_await dispatch(std::move(message), binary)) break;
  }
  io.reading_done = true;
  {
    std::lock_guard lock(mu_);
    wakeWriterLocked();
  }
  io.watch.cancel();
}

asio::awaitable<bool> WsConnection::dispatch(std::string message, bool binary) {
  Io& io = *io_;
  auto now = Clock::now();
  bool ok = true;
  io.in_handler = true;
  try {
    if (io.bucket.take(now)) {
      if (binary) {
        co_await handler_->onBinary(std::move(message));
      } else {
        co_await handler_->onText(std::move(message));
      }
    } else {
      metrics_.rateLimited();
      WsRefusedMessage refused{std::move(message), binary, io.bucket.retryAfter(now)};
      co_await handler_->onRateLimited(std::move(refused));
    }
  } catch (const std::exception& e) {
    logging::error("websocket handler threw", {{"connection", id_}, {"error", e.what()}});
    requestClose(kWsCloseInternal, "internal error", WsCloseCause::kHandlerError, false);
    ok = false;
  }
  io.in_handler = false;
  io.last_received = Clock::now();  // the idle clock restarts when reading resumes
  // The watchdog skipped the idle deadline while the handler ran; wake it if it sleeps longer.
  if (io.watch.expiry() > io.last_received + milliseconds(config_.ws_idle_timeout_ms) / 2) {
    io.watch.cancel();
  }
  co_return ok;
}

asio::awaitable<void> WsConnection::writeLoop() {
  Io& io = *io_;
  const auto stall = milliseconds(config_.read_timeout_ms);
  enum class Next { kWait, kMessage, kPing, kClose };
  Outbound out{};
  websocket::close_reason close_reason;
  while (io.ws.is_open()) {
    Next next = Next::kWait;
    {
      std::lock_guard lock(mu_);
      if (io.ping_due) {
        next = Next::kPing;
      } else if (!queue_.empty()) {
        next = Next::kMessage;
        out = std::move(queue_.front());
        queue_.pop_front();
        queued_bytes_ -= out.bytes().size();
      } else if (close_requested_) {
        next = Next::kClose;
        close_reason =
            websocket::close_reason(static_cast<websocket::close_code>(close_code_), close_reason_);
      } else {
        writer_waiting_ = true;
      }
    }
    if (next == Next::kWait) {
      io.wake.expires_at(Clock::time_point::max());
      co_await io.wake.async_wait(kTuple);
      continue;
    }
    io.writing = true;
    io.write_started = Clock::now();
    if (io.watch.expiry() > io.write_started + stall) io.watch.cancel();  // re-plan deadlines
    boost::system::error_code ec;
    if (next == Next::kMessage) {
      io.ws.binary(out.binary);
      const std::string_view bytes = out.bytes();
      auto [wec, n] = co_await io.ws.async_write(asio::buffer(bytes.data(), bytes.size()), kTuple);
      ec = wec;
      if (!ec) {
        ++io.messages_out;
        metrics_.sent(n);
      }
      out = Outbound{};
    } else if (next == Next::kPing) {
      io.ping_due = false;
      auto [pec] = co_await io.ws.async_ping({}, kTuple);
      ec = pec;
    } else {
      io.close_sent = true;
      // Sends the close frame, waits for the client's (bounded by handshake_timeout), and
      // shuts the socket down. Errors here mean the client left first: nothing to do.
      (void)co_await io.ws.async_close(close_reason, kTuple);
      io.writing = false;
      break;
    }
    io.writing = false;
    if (ec) {
      requestClose(kWsCloseAbnormal, ec.message(), WsCloseCause::kNetworkError, true);
      teardown();  // the read loop ends too
      break;
    }
  }
  io.writing_done = true;
  io.watch.cancel();
}

asio::awaitable<void> WsConnection::watchdog() {
  Io& io = *io_;
  const auto idle = milliseconds(config_.ws_idle_timeout_ms);
  const auto stall = milliseconds(config_.read_timeout_ms);
  bool cut = false;
  while (!(io.reading_done && io.writing_done)) {
    auto now = Clock::now();
    auto next = Clock::time_point::max();
    if (io.writing && !cut) {
      auto stalled_at = io.write_started + stall;
      if (now >= stalled_at) {
        // The client stopped reading mid-message: no close frame can get through.
        if (requestClose(kWsCloseSlowConsumer, "too slow: write stalled",
                         WsCloseCause::kSlowConsumer, true)) {
          logging::warn("websocket write stalled; closing",
                        {{"connection", id_}, {"client", client_address_}});
        }
        teardown();
        cut = true;
      } else {
        next = std::min(next, stalled_at);
      }
    }
    if (idle.count() > 0 && !io.in_handler && isOpen()) {
      auto idle_at = io.last_received + idle;
      auto ping_at = io.last_received + idle / 2;
      if (now >= idle_at) {
        requestClose(kWsCloseIdle, "idle timeout", WsCloseCause::kIdle, true);
      } else if (now >= ping_at && io.pinged_for != io.last_received) {
        io.pinged_for = io.last_received;
        io.ping_due = true;
        std::lock_guard lock(mu_);
        wakeWriterLocked();
      }
      next = std::min(next, io.pinged_for == io.last_received ? idle_at : ping_at);
    }
    io.watch.expires_at(next);
    co_await io.watch.async_wait(kTuple);
  }
}

}  // namespace startales::net
