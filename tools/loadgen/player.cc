#include "loadgen/player.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <random>

namespace startales::loadgen {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using boost::system::error_code;
using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::nanoseconds;

namespace {

// The tick of a delta as the server writes it ({"type":"delta","campaign":N,"tick":T,...}),
// read without parsing the whole message: deltas are most of what players receive, and a
// full parse of each made the load generator's own thread the bottleneck of its
// measurements. Anything else (or another key order) returns nullopt and is parsed.
std::optional<int64_t> deltaTick(std::string_view text) {
  constexpr std::string_view kPrefix = R"({"type":"delta","campaign":)";
  constexpr std::string_view kTick = R"(,"tick":)";
  if (!text.starts_with(kPrefix)) return std::nullopt;
  size_t at = kPrefix.size();
  while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
  if (text.substr(at, kTick.size()) != kTick) return std::nullopt;
  at += kTick.size();
  int64_t tick = 0;
  const size_t digits = at;
  while (at < text.size() && text[at] >= '0' && text[at] <= '9') tick = tick * 10 + (text[at++] - '0');
  if (at == digits || at >= text.size() || text[at] != ',') return std::nullopt;
  return tick;
}

int64_t sinceEpochNs(Clock::time_point t) {
  return duration_cast<nanoseconds>(t.time_since_epoch()).count();
}

Clock::duration randomOffset(int interval_ms) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  return std::chrono::microseconds(
      std::uniform_int_distribution<int64_t>(0, int64_t{interval_ms} * 1000 - 1)(rng));
}

// Commands the server accepts nearly always: tax changes and one-unit trades (sell, then buy
// back), so a long run neither drains nor piles up the civilization's stock.
constexpr std::string_view kCommands[] = {
    R"({"type":"set_policy","tax_rate":20})",
    R"({"type":"trade","resource":"minerals","amount":-1})",
    R"({"type":"set_policy","tax_rate":25})",
    R"({"type":"trade","resource":"minerals","amount":1})",
};

}  // namespace

std::shared_ptr<Player> Player::create(asio::io_context& io, RunContext& context, size_t index,
                                       Account account) {
  return std::shared_ptr<Player>(new Player(io, context, index, std::move(account)));
}

Player::Player(asio::io_context& io, RunContext& context, size_t index, Account account)
    : context_(context),
      index_(index),
      account_(std::move(account)),
      id_base_(static_cast<int64_t>(index + 1) * 1'000'000'000),
      offset_(randomOffset(context.options.command_interval_ms)),
      strand_(asio::make_strand(io)),
      ws_(strand_),
      wake_(strand_) {}

asio::awaitable<bool> Player::connect() {
  auto body = [self = shared_from_this()]() -> asio::awaitable<bool> {
    auto op = self->connectOnStrand();
    co_return co_await std::move(op);
  };
  auto op = asio::co_spawn(strand_, std::move(body), asio::use_awaitable);
  co_return co_await std::move(op);
}

asio::awaitable<bool> Player::connectOnStrand() {
  Stats& stats = context_.stats;
  const Options& o = context_.options;
  error_code ec;
  auto& tcp = beast::get_lowest_layer(ws_);
  tcp.expires_after(kConnectTimeout);
  const Target& node = context_.sockets != nullptr && !context_.sockets->empty()
                           ? (*context_.sockets)[index_ % context_.sockets->size()]
                           : context_.target;
  co_await tcp.async_connect(node.endpoints,
                             asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    stats.connect_failures.add(ec == beast::error::timeout ? "connect: timed out"
                                                           : "connect: " + ec.message());
    co_return false;
  }
  tcp.expires_never();  // the websocket's own timeouts take over
  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = kConnectTimeout;  // also bounds the close handshake
  timeouts.idle_timeout =
      std::max<Clock::duration>(std::chrono::seconds(30), std::chrono::milliseconds(4 * o.tick_ms));
  timeouts.keep_alive_pings = true;  // a ping at half the idle timeout keeps a quiet link alive
  ws_.set_option(timeouts);
  ws_.set_option(
      websocket::stream_base::decorator([token = account_.token](websocket::request_type& req) {
        req.set(beast::http::field::authorization, "Bearer " + token);
        req.set(beast::http::field::user_agent, "startales-loadgen");
      }));
  ws_.read_message_max(kMaxMessageBytes);
  websocket::response_type res;
  co_await ws_.async_handshake(res, node.host, "/ws",
                               asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    const unsigned status = res.result_int();
    stats.connect_failures.add(status != 0 && status != 101
                                   ? "handshake: HTTP " + std::to_string(status)
                                   : "handshake: " + ec.message());
    error_code ignored;
    tcp.socket().close(ignored);
    co_return false;
  }
  stats.connected++;
  open_ = true;
  auto reader = [self = shared_from_this()]() -> asio::awaitable<void> {
    auto op = self->readLoop();
    co_await std::move(op);
  };
  asio::co_spawn(strand_, std::move(reader), asio::detached);

  const std::string join = R"({"type":"join","campaign":)" + std::to_string(account_.campaign) +
                           R"(,"id":)" + std::to_string(id_base_) + "}";
  auto sent = send(join);
  if (!co_await std::move(sent)) {
    stats.join_errors.add("not_sent");
    co_return false;
  }
  const auto deadline = Clock::now() + kJoinTimeout;
  while (open_ && !joined_ && !join_failed_ && Clock::now() < deadline) {
    wake_.expires_at(deadline);
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (!joined_) {
    if (!join_failed_) stats.join_errors.add(open_ ? "timeout" : "disconnected");
    if (open_) {
      closing_ = true;
      co_await ws_.async_close(websocket::close_code::normal,
                               asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return false;
  }
  co_return true;
}

void Player::run(Clock::time_point start, Clock::time_point end, Clock::time_point drain_deadline,
                 std::shared_ptr<Latch> done) {
  auto body = [self = shared_from_this(), start, end, drain_deadline]() -> asio::awaitable<void> {
    auto op = self->commandLoop(start, end, drain_deadline);
    co_await std::move(op);
  };
  asio::co_spawn(strand_, std::move(body),
                 [done = std::move(done)](const std::exception_ptr&) { done->countDown(); });
}

asio::awaitable<void> Player::commandLoop(Clock::time_point start, Clock::time_point end,
                                          Clock::time_point drain_deadline) {
  Stats& stats = context_.stats;
  const auto interval = std::chrono::milliseconds(context_.options.command_interval_ms);
  error_code ec;
  if (open_ && joined_) {
    asio::steady_timer timer(strand_);
    auto next = start + offset_;
    while (open_ && next < end) {
      timer.expires_at(next);
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (!open_) break;
      if (pending_.size() >= kMaxPending) {
        stats.skipped_sends++;
      } else {
        const int64_t id = id_base_ + ++seq_;
        std::string text = nextCommand(id);
        pending_[id] = Clock::now();
        stats.commands_sent++;
        auto op = send(std::move(text));
        (void)co_await std::move(op);  // a failed write ends the reader, which counts it
      }
      next += interval;
      if (const auto now = Clock::now(); next < now) next = now;  // behind: no burst
    }
    draining_ = true;
    while (open_ && !pending_.empty() && Clock::now() < drain_deadline) {
      wake_.expires_at(drain_deadline);
      co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    stats.unanswered += pending_.size();
    pending_.clear();
  }
  if (open_) {
    closing_ = true;
    co_await ws_.async_close(websocket::close_code::normal,
                             asio::redirect_error(asio::use_awaitable, ec));
  }
  error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

std::string Player::nextCommand(int64_t id) {
  const auto command = kCommands[static_cast<size_t>(id % std::size(kCommands))];
  std::string text;
  text.reserve(command.size() + 48);
  text += R"({"type":"command","id":)";
  text += std::to_string(id);
  text += R"(,"command":)";
  text += command;
  text += "}";
  return text;
}

asio::awaitable<bool> Player::send(std::string text) {
  if (!open_) co_return false;
  trace(">", text);
  write_started_ns_ = sinceEpochNs(Clock::now());
  error_code ec;
  ws_.text(true);
  co_await ws_.async_write(asio::buffer(text), asio::redirect_error(asio::use_awaitable, ec));
  write_started_ns_ = 0;
  co_return !ec;
}

void Player::checkStuck(Clock::time_point now) {
  const int64_t started = write_started_ns_.load();
  if (started == 0 ||
      sinceEpochNs(now) - started < duration_cast<nanoseconds>(kWriteTimeout).count()) {
    return;
  }
  asio::post(strand_, [self = shared_from_this(), started] {
    if (self->write_started_ns_.load() != started || !self->open_) return;
    self->cut_ = true;
    error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
}

asio::awaitable<void> Player::readLoop() {
  error_code ec;
  for (;;) {
    co_await ws_.async_read(buffer_, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    const auto data = buffer_.cdata();
    onMessage(std::string_view(static_cast<const char*>(data.data()), data.size()));
    buffer_.consume(buffer_.size());
    if (buffer_.capacity() > (256u << 10)) buffer_.shrink_to_fit();  // after a big snapshot
  }
  onReadEnd(ec);
}

void Player::onMessage(std::string_view text) {
  Stats& stats = context_.stats;
  const auto now = Clock::now();
  const int64_t now_ns = sinceEpochNs(now);
  const bool in_window =
      now_ns >= context_.window_start_ns.load() && now_ns < context_.window_end_ns.load();
  if (in_window) {
    stats.messages_received++;
    stats.bytes_received += text.size();
  }
  trace("<", text);
  if (const auto tick = deltaTick(text)) {
    onDelta(*tick, now, in_window);
    return;
  }
  error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return;
  const json::object& msg = parsed.as_object();
  const json::value* type = msg.if_contains("type");
  if (!type || !type->is_string()) return;
  const std::string_view t = type->as_string();
  const json::value* id = msg.if_contains("id");
  const int64_t request = id && id->is_int64() ? id->as_int64() : -1;

  if (t == "delta") {
    const json::value* tick = msg.if_contains("tick");
    if (tick && tick->is_int64()) onDelta(tick->as_int64(), now, in_window);
  } else if (t == "ack") {
    onAnswer(request, true, "");
  } else if (t == "error") {
    const json::value* code = msg.if_contains("code");
    const std::string_view c = code && code->is_string() ? std::string_view(code->as_string())
                                                         : std::string_view("unknown");
    if (request == id_base_ && !joined_) {
      join_failed_ = true;
      stats.join_errors.add(std::string(c));
      wake_.cancel();
      return;
    }
    onAnswer(request, false, c);
  } else if (t == "joined") {
    if (request == id_base_ && !joined_) {
      joined_ = true;
      stats.joined++;
      wake_.cancel();
    }
  } else if (t == "snapshot") {
    stats.snapshots_received++;
  } else if (t == "event") {
    if (in_window) stats.events_received++;
  }
  // welcome, chat, pong, left: nothing to measure.
}

void Player::onDelta(int64_t tick, Clock::time_point now, bool in_window) {
  const int64_t offset_us = duration_cast<microseconds>(now.time_since_epoch()).count() -
                            tick * context_.options.tick_ms * 1000;
  if (!best_offset_us_ || offset_us < *best_offset_us_) best_offset_us_ = offset_us;
  if (!in_window) return;
  context_.stats.deltas_received++;
  context_.stats.delta_lag.record(offset_us - *best_offset_us_);
}

void Player::onAnswer(int64_t id, bool ok, std::string_view code) {
  Stats& stats = context_.stats;
  auto it = pending_.find(id);
  if (it == pending_.end()) {
    stats.unmatched_answers++;
    return;
  }
  stats.ack_latency.record(duration_cast<microseconds>(Clock::now() - it->second).count());
  pending_.erase(it);
  if (ok) {
    stats.acks++;
  } else {
    stats.errors++;
    stats.errors_by_code.add(std::string(code));
  }
  if (draining_ && pending_.empty()) wake_.cancel();
}

void Player::onReadEnd(const error_code& ec) {
  open_ = false;
  wake_.cancel();
  Stats& stats = context_.stats;
  if (!closing_) {
    stats.disconnects++;
    std::string code;
    if (cut_) {
      code = "write_timeout";
    } else if (ec == websocket::error::closed) {
      code = std::to_string(ws_.reason().code);
    } else if (ec == beast::error::timeout) {
      code = "timeout";
    } else {
      code = "1006";  // dropped without a close frame
    }
    stats.disconnect_codes.add(code);
    if (index_ == 0 && context_.options.trace) {
      trace("x", "disconnected: " + code + " (" + ec.message() + ")");
    }
  }
  stats.unanswered += pending_.size();
  pending_.clear();
}

void Player::trace(const char* direction, std::string_view text) {
  if (index_ != 0 || !context_.options.trace) return;
  const double t = std::chrono::duration<double>(Clock::now() - context_.started).count();
  std::lock_guard lock(context_.trace_mu);
  std::fprintf(stderr, "[%9.3f] %s %.*s\n", t, direction, static_cast<int>(text.size()),
               text.data());
}

}  // namespace startales::loadgen
