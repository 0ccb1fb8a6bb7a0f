#include "net/websocket.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
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
        watch(ws.get_executor()),
        bucket(config.ws_rate_per_second, config.ws_rate_burst, now),
        opened(now),
        last_received(now) {}

  websocket::stream<beast::tcp_stream> ws;
  asio::steady_timer watch;  // the watchdog's next deadline
  TokenBucket bucket;        // inbound messages
  std::string message;       // the inbound message being assembled
  Outbound out;              // the message being written (owns or shares its bytes)
  std::function<void()> finished;  // Server's, run once the connection is gone
  Clock::time_point opened;
  Clock::time_point last_received;  // last frame from the client, or end of a handler call
  Clock::time_point pinged_for{};   // the last_received a keep-alive ping was sent for
  Clock::time_point write_started{};
  bool writing = false;        // a message, ping or close frame is being written
  bool ping_due = false;       // the watchdog asks the writer for a ping
  bool in_handler = false;     // a handler callback is running (the idle clock stops)
  bool close_sent = false;     // the writer started the close handshake
  bool watch_pending = false;  // the watchdog's timer wait is outstanding
  bool cut = false;            // the watchdog cut a stalled write's socket
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
    if (self->io_) self->writeNext();
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

asio::awaitable<void> WsConnection::open() {
  Io& io = *io_;
  io.opened = io.last_received = Clock::now();
  metrics_.connectionsOpen().Increment();
  try {
    co_await handler_->onOpen(shared_from_this());
  } catch (const std::exception& e) {
    logging::error("websocket handler threw", {{"connection", id_}, {"error", e.what()}});
    requestClose(kWsCloseInternal, "internal error", WsCloseCause::kHandlerError, false);
  }
}

void WsConnection::start(std::function<void()> finished) {
  io_->finished = std::move(finished);
  startRead();
  writeNext();
  armWatchdog();
}

// ---- reading ------------------------------------------------------------------------------

void WsConnection::startRead() {
  Io& io = *io_;
  // Small first (most messages are a few hundred bytes, and resize() zero-fills), then
  // doubling up to kReadChunk, at most limit + 1 bytes in all.
  const size_t limit = config_.ws_max_message_bytes;
  const size_t old = io.message.size();
  const size_t chunk = std::min({limit + 1 - old, kReadChunk, std::max(kFirstReadChunk, old)});
  io.message.resize(old + chunk);
  io.ws.async_read_some(asio::buffer(io.message.data() + old, chunk),
                        [self = shared_from_this(), old](boost::system::error_code ec, size_t n) {
                          self->onRead(ec, old, n);
                        });
}

void WsConnection::onRead(boost::system::error_code ec, size_t old_size, size_t n) {
  Io& io = *io_;
  io.message.resize(old_size + n);
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
    readingDone();
    return;
  }
  io.last_received = Clock::now();
  if (io.message.size() > config_.ws_max_message_bytes) {
    // Stop reading: the close handshake discards the rest of the message.
    requestClose(kWsCloseTooBig, "message too big", WsCloseCause::kTooBig, true);
    readingDone();
    return;
  }
  if (!io.ws.is_message_done()) {
    startRead();
    return;
  }
  std::string message = std::move(io.message);
  io.message.clear();
  if (!isOpen()) {  // closing: read on until the close reply, deliver nothing
    startRead();
    return;
  }
  const bool binary = io.ws.got_binary();
  ++io.messages_in;
  metrics_.received(message.size());
  dispatch(std::move(message), binary);
}

void WsConnection::dispatch(std::string message, bool binary) {
  Io& io = *io_;
  io.in_handler = true;
  const bool allowed = io.bucket.take(Clock::now());
  // The handler is a coroutine; its frame lives only while it runs.
  asio::co_spawn(executor_, callHandler(std::move(message), binary, allowed),
                 [self = shared_from_this()](const std::exception_ptr& error) {
                   self->afterHandler(error);
                 });
}

asio::awaitable<void> WsConnection::callHandler(std::string message, bool binary, bool allowed) {
  if (!allowed) {
    metrics_.rateLimited();
    WsRefusedMessage refused{std::move(message), binary, io_->bucket.retryAfter(Clock::now())};
    co_await handler_->onRateLimited(std::move(refused));
  } else if (binary) {
    co_await handler_->onBinary(std::move(message));
  } else {
    co_await handler_->onText(std::move(message));
  }
}

void WsConnection::afterHandler(const std::exception_ptr& error) {
  Io& io = *io_;
  io.in_handler = false;
  io.last_received = Clock::now();  // the idle clock restarts when reading resumes
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      logging::error("websocket handler threw", {{"connection", id_}, {"error", e.what()}});
    } catch (...) {
      logging::error("websocket handler threw", {{"connection", id_}});
    }
    requestClose(kWsCloseInternal, "internal error", WsCloseCause::kHandlerError, false);
    readingDone();
    return;
  }
  // The watchdog skipped the idle deadline while the handler ran; wake it if it sleeps longer.
  if (io.watch.expiry() > io.last_received + milliseconds(config_.ws_idle_timeout_ms) / 2) {
    io.watch.cancel();
  }
  startRead();
}

void WsConnection::readingDone() {
  io_->reading_done = true;
  writeNext();  // the close decided by the reader goes out now
  finishIfDone();
}

// ---- writing ------------------------------------------------------------------------------

void WsConnection::writeNext() {
  Io& io = *io_;
  if (io.writing || io.writing_done) return;
  if (!io.ws.is_open()) {
    writingDone();
    return;
  }
  enum class Next { kWait, kMessage, kPing, kClose };
  Next next = Next::kWait;
  websocket::close_reason close_reason;
  {
    std::lock_guard lock(mu_);
    if (io.ping_due) {
      next = Next::kPing;
    } else if (!queue_.empty()) {
      next = Next::kMessage;
      io.out = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= io.out.bytes().size();
    } else if (close_requested_) {
      next = Next::kClose;
      close_reason =
          websocket::close_reason(static_cast<websocket::close_code>(close_code_), close_reason_);
    } else {
      writer_waiting_ = true;
    }
  }
  if (next == Next::kWait) return;
  io.writing = true;
  io.write_started = Clock::now();
  if (io.watch.expiry() > io.write_started + milliseconds(config_.read_timeout_ms)) {
    io.watch.cancel();  // re-plan the deadlines
  }
  auto self = shared_from_this();
  if (next == Next::kMessage) {
    io.ws.binary(io.out.binary);
    const std::string_view bytes = io.out.bytes();
    io.ws.async_write(asio::buffer(bytes.data(), bytes.size()),
                      [self](boost::system::error_code ec, size_t n) {
                        self->onWritten(ec, n, true);
                      });
  } else if (next == Next::kPing) {
    io.ping_due = false;
    io.ws.async_ping({}, [self](boost::system::error_code ec) { self->onWritten(ec, 0, false); });
  } else {
    io.close_sent = true;
    // Sends the close frame, waits for the client's (bounded by handshake_timeout), and
    // shuts the socket down. Errors here mean the client left first: nothing to do.
    io.ws.async_close(close_reason, [self](boost::system::error_code) {
      self->io_->writing = false;
      self->writingDone();
    });
  }
}

void WsConnection::onWritten(boost::system::error_code ec, size_t n, bool message) {
  Io& io = *io_;
  io.writing = false;
  io.out = Outbound{};
  if (ec) {
    requestClose(kWsCloseAbnormal, ec.message(), WsCloseCause::kNetworkError, true);
    teardown();  // the reader ends too
    writingDone();
    return;
  }
  if (message) {
    ++io.messages_out;
    metrics_.sent(n);
  }
  writeNext();
}

void WsConnection::writingDone() {
  io_->writing_done = true;
  finishIfDone();
}

// ---- watchdog -----------------------------------------------------------------------------

void WsConnection::armWatchdog() {
  Io& io = *io_;
  const auto idle = milliseconds(config_.ws_idle_timeout_ms);
  const auto stall = milliseconds(config_.read_timeout_ms);
  auto now = Clock::now();
  auto next = Clock::time_point::max();
  if (io.writing && !io.cut) {
    auto stalled_at = io.write_started + stall;
    if (now >= stalled_at) {
      // The client stopped reading mid-message: no close frame can get through.
      if (requestClose(kWsCloseSlowConsumer, "too slow: write stalled",
                       WsCloseCause::kSlowConsumer, true)) {
        logging::warn("websocket write stalled; closing",
                      {{"connection", id_}, {"client", client_address_}});
      }
      teardown();
      io.cut = true;
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
  io.watch_pending = true;
  io.watch.async_wait([self = shared_from_this()](boost::system::error_code) { self->onWatch(); });
}

void WsConnection::onWatch() {
  io_->watch_pending = false;
  if (io_->reading_done && io_->writing_done) {
    finish();
  } else {
    armWatchdog();
  }
}

// ---- the end ------------------------------------------------------------------------------

void WsConnection::finishIfDone() {
  if (!io_) return;  // finished already (readingDone's writeNext can get there first)
  Io& io = *io_;
  if (!io.reading_done || !io.writing_done) return;
  if (io.watch_pending) {
    io.watch.cancel();  // onWatch finishes
  } else {
    finish();
  }
}

void WsConnection::finish() {
  Io& io = *io_;
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
  auto finished = std::move(io.finished);
  io_.reset();
  if (finished) finished();
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

}  // namespace startales::net
