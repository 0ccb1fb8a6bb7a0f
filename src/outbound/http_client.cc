#include "outbound/http_client.h"

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <exception>
#include <memory>
#include <optional>

namespace startales::outbound {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t kErrorBodyCap = 4096;  // bytes of a non-2xx body kept for the caller

struct OnExit {
  std::function<void()> fn;
  ~OnExit() { fn(); }
};

int retryAfterSeconds(std::string_view value) {  // delta-seconds only; an HTTP date counts 0
  int seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  return ec == std::errc() && end == value.data() + value.size() ? std::max(0, seconds) : 0;
}

}  // namespace

std::vector<std::string> validatePolicy(const Policy& p) {
  std::vector<std::string> problems;
  if (p.connect_timeout_ms <= 0) problems.emplace_back("connect_timeout_ms must be > 0.");
  if (p.first_byte_timeout_ms < 0) problems.emplace_back("first_byte_timeout_ms must be >= 0.");
  if (p.idle_timeout_ms < 0) problems.emplace_back("idle_timeout_ms must be >= 0.");
  if (p.total_timeout_ms <= 0) problems.emplace_back("total_timeout_ms must be > 0.");
  if (p.max_retries < 0 || p.max_retries > 10) problems.emplace_back("max_retries must be 0..10.");
  if (p.backoff_base_ms <= 0) problems.emplace_back("backoff_base_ms must be > 0.");
  if (p.backoff_max_ms < p.backoff_base_ms) {
    problems.emplace_back("backoff_max_ms must be >= backoff_base_ms.");
  }
  if (p.max_body_bytes < 1024) problems.emplace_back("max_body_bytes must be >= 1024.");
  return problems;
}

// Per-call state shared with the cancel hook. Touched only on `strand`.
struct HttpClient::CallState {
  explicit CallState(asio::strand<asio::any_io_executor> s) : strand(std::move(s)) {}
  asio::strand<asio::any_io_executor> strand;
  bool cancelled = false;
  // The operation in flight, if any (owned by the attempt/backoff frames; nulled before they
  // die).
  tcp::resolver* resolver = nullptr;
  beast::tcp_stream* stream = nullptr;
  asio::steady_timer* timer = nullptr;
  int attempt = 0;                 // the attempt in flight, so a late resolve timer is ignored
  bool resolve_timed_out = false;  // of `attempt`

  void cancelOps() {
    cancelled = true;
    if (resolver) resolver->cancel();
    if (stream) stream->cancel();
    if (timer) timer->cancel();
  }
};

struct HttpClient::Call {
  Request request;
  Policy policy;
  BodyReader reader;
  CancelToken cancel;
  Steady::time_point start;
  Steady::time_point deadline;  // total
  std::shared_ptr<CallState> state;
  Response response;

  [[nodiscard]] bool cancelled() const { return (state && state->cancelled) || cancel.cancelled(); }
};

HttpClient::HttpClient(Endpoint endpoint, Service service, uint64_t jitter_seed, RetryFn on_retry)
    : endpoint_(std::move(endpoint)),
      service_(service),
      on_retry_(std::move(on_retry)),
      where_("The " + std::string(service_.name) + " server at " + endpoint_.hostPort()),
      rng_(jitter_seed ? jitter_seed : std::random_device{}()) {}

Error HttpClient::error(std::string_view kind, const std::string& message) const {
  return makeError(std::string(service_.code) + "_" + std::string(kind), message);
}

milliseconds HttpClient::backoff(int retry, const Policy& policy, int retry_after_s) const {
  const int64_t base = std::max(1, policy.backoff_base_ms);
  const int64_t delay = std::min<int64_t>(base << std::min(retry, 20), policy.backoff_max_ms);
  double jitter = 1.0;
  {
    std::lock_guard lock(rng_mu_);
    jitter = std::uniform_real_distribution<double>(0.5, 1.0)(rng_);
  }
  const int64_t wait = std::max<int64_t>(static_cast<int64_t>(static_cast<double>(delay) * jitter),
                                         int64_t{retry_after_s} * 1000);
  return milliseconds(std::min<int64_t>(wait, policy.backoff_max_ms));
}

asio::awaitable<Result<Response>> HttpClient::call(Request request, Policy policy,
                                                   BodyReader reader, CancelToken cancel) const {
  if (http::string_to_verb(request.method) == http::verb::unknown) {
    co_return makeError("internal", "Unknown HTTP method \"" + request.method + "\".");
  }
  auto executor = co_await asio::this_coro::executor;
  Call call;
  call.request = std::move(request);
  call.policy = policy;
  call.reader = std::move(reader);
  call.cancel = std::move(cancel);
  call.start = Steady::now();
  call.deadline = call.start + milliseconds(policy.total_timeout_ms);
  call.state = std::make_shared<CallState>(asio::make_strand(executor));
  std::shared_ptr<CallState> state = call.state;
  auto hook = [state] {
    auto cancel_ops = [state] { state->cancelOps(); };
    asio::post(state->strand, std::move(cancel_ops));
  };
  call.cancel.setHook(std::move(hook));
  Result<void> outcome;
  try {
    auto inner = execute(call);
    auto op = asio::co_spawn(state->strand, std::move(inner), asio::use_awaitable);
    outcome = co_await std::move(op);
  } catch (const std::exception& e) {
    outcome = error("protocol", where_ + " call failed: " + e.what());
  }
  call.cancel.clearHook();
  if (!outcome.ok()) co_return outcome.error();
  co_return std::move(call.response);
}

namespace {
asio::awaitable<void> storeInto(asio::awaitable<Result<Response>> op,
                                std::optional<Result<Response>>& out) {
  out.emplace(co_await std::move(op));
}
}  // namespace

Result<Response> HttpClient::callBlocking(Request request, Policy policy, BodyReader reader,
                                          CancelToken cancel) const {
  asio::io_context ioc;
  std::optional<Result<Response>> out;
  auto op = call(std::move(request), policy, std::move(reader), std::move(cancel));
  auto body = storeInto(std::move(op), out);
  asio::co_spawn(ioc, std::move(body), asio::detached);
  ioc.run();
  if (!out) return error("protocol", where_ + " call failed: internal error.");
  return std::move(*out);
}

asio::awaitable<Result<void>> HttpClient::execute(Call& call) const {
  for (int retry = 0;; ++retry) {  // bounded by max_retries
    if (call.cancelled()) {
      co_return makeError(std::string(service_.cancelled_code), "The call was cancelled.");
    }
    bool retryable = false;
    call.response = Response{};
    Result<void> outcome = co_await attempt(call, retryable);
    call.response.attempts = retry + 1;
    const int status = call.response.status;
    const bool busy = outcome.ok() && (status == 503 || status == 429);
    if ((outcome.ok() && !busy) || (!outcome.ok() && !retryable)) co_return outcome;
    const Error why =
        outcome.ok()
            ? error("unavailable", where_ + " is busy (HTTP " + std::to_string(status) + ").")
            : outcome.error();
    const milliseconds delay = backoff(retry, call.policy, call.response.retry_after_s);
    if (retry >= call.policy.max_retries || Steady::now() + delay >= call.deadline) {
      if (busy) co_return outcome;  // the caller reads the status
      Error last = outcome.error();
      if (last.retry_after_s == 0) last.retry_after_s = 1;
      co_return last;
    }
    if (on_retry_) on_retry_(why, delay);
    asio::steady_timer timer(call.state->strand, delay);
    call.state->timer = &timer;
    co_await timer.async_wait(kTuple);
    call.state->timer = nullptr;
  }
}

asio::awaitable<Result<void>> HttpClient::attempt(Call& call, bool& retryable) const {
  retryable = false;
  CallState& state = *call.state;
  const Policy& policy = call.policy;
  auto cancelled = [&] {
    return makeError(std::string(service_.cancelled_code), "The call was cancelled.");
  };
  const Steady::time_point connect_deadline =
      std::min(Steady::now() + milliseconds(policy.connect_timeout_ms), call.deadline);

  // Name resolution has no timeout of its own: a timer cancels it at the connect deadline.
  tcp::resolver resolver(state.strand);
  state.resolver = &resolver;
  state.resolve_timed_out = false;
  const int this_attempt = ++state.attempt;
  asio::steady_timer resolve_timer(state.strand, connect_deadline);
  std::shared_ptr<CallState> shared = call.state;
  auto on_resolve_timeout = [shared, this_attempt](const boost::system::error_code& ec) {
    if (ec || shared->resolver == nullptr || shared->attempt != this_attempt) return;
    shared->resolve_timed_out = true;
    shared->resolver->cancel();
  };
  resolve_timer.async_wait(std::move(on_resolve_timeout));
  auto [rec, results] = co_await resolver.async_resolve(endpoint_.host, endpoint_.port, kTuple);
  state.resolver = nullptr;
  resolve_timer.cancel();
  if (call.cancelled()) co_return cancelled();
  if (rec) {
    retryable = true;
    if (state.resolve_timed_out) {
      co_return error("timeout", where_ + " did not resolve in time (connect timeout).");
    }
    co_return error("unavailable", where_ + " is unavailable: cannot resolve " + endpoint_.host +
                                       ": " + rec.message() + ".");
  }

  beast::tcp_stream stream(state.strand);
  state.stream = &stream;
  OnExit clear{[&state] { state.stream = nullptr; }};
  stream.expires_at(connect_deadline);
  auto [cec, ep] = co_await stream.async_connect(results, kTuple);
  (void)ep;
  if (call.cancelled()) co_return cancelled();
  if (cec == beast::error::timeout) {
    retryable = true;
    co_return error("timeout", "Connecting to " + where_ + " timed out (connect timeout).");
  }
  if (cec) {
    retryable = true;
    co_return error("unavailable",
                    where_ + " is unavailable: cannot connect: " + cec.message() + ".");
  }

  const Request& req = call.request;
  // Request::method is checked by call() before any attempt.
  http::request<http::string_body> msg{http::string_to_verb(req.method), req.target, 11};
  msg.set(http::field::host, endpoint_.hostPort());
  msg.set(http::field::user_agent, "startales");
  msg.set(http::field::connection, "close");
  for (const auto& [name, value] : req.headers) msg.set(name, value);
  if (req.method != "GET") {
    msg.set(http::field::content_type, req.content_type);
    msg.body() = req.body;
  }
  msg.prepare_payload();

  // Until the reply has started, every wait is bounded by the first-byte deadline (from the
  // call's start); after it, by the idle timeout; always by the total deadline.
  bool started = false;
  auto hasStarted = [&] { return call.reader.started ? call.reader.started() : started; };
  const Steady::time_point first_byte_deadline =
      policy.first_byte_timeout_ms > 0 ? call.start + milliseconds(policy.first_byte_timeout_ms)
                                       : call.deadline;
  std::string phase;
  auto arm = [&] {
    Steady::time_point d = call.deadline;
    phase = "total";
    const bool now_started = hasStarted();
    if (!now_started && first_byte_deadline < d) {
      d = first_byte_deadline;
      phase = std::string(call.reader.started_name);
    } else if (now_started && policy.idle_timeout_ms > 0) {
      Steady::time_point idle = Steady::now() + milliseconds(policy.idle_timeout_ms);
      if (idle < d) {
        d = idle;
        phase = "idle between chunks";
      }
    }
    stream.expires_at(d);
  };
  auto timedOut = [&] {
    return error("timeout", where_ + " did not answer in time (" + phase + " timeout).");
  };

  arm();
  auto [wec, written] = co_await http::async_write(stream, msg, kTuple);
  (void)written;
  if (call.cancelled()) co_return cancelled();
  if (wec == beast::error::timeout) co_return timedOut();
  if (wec) {
    retryable = true;
    co_return error("unavailable",
                    where_ + " is unavailable: sending the request failed: " + wec.message() + ".");
  }

  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  parser.header_limit(64 * 1024);
  arm();
  auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, kTuple);
  (void)hn;
  if (call.cancelled()) co_return cancelled();
  if (hec == beast::error::timeout) co_return timedOut();
  if (hec && (hec == http::error::end_of_stream || !parser.got_some())) {
    retryable = true;
    co_return error("unavailable",
                    where_ + " closed the connection before answering: " + hec.message() + ".");
  }
  if (hec)
    co_return error("protocol", where_ + " sent an unreadable reply: " + hec.message() + ".");

  Response& out = call.response;
  const auto& head = parser.get();
  out.status = static_cast<int>(head.result_int());
  out.content_type = std::string(head[http::field::content_type]);
  out.retry_after_s = retryAfterSeconds(head[http::field::retry_after]);
  const bool success = out.status >= 200 && out.status <= 299;

  std::array<char, 8192> chunk{};
  bool streamed_any = false;
  while (!parser.is_done()) {
    arm();
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, kTuple);
    (void)n;
    if (ec == http::error::need_buffer) ec = {};
    const size_t got = chunk.size() - parser.get().body().size;
    if (got > 0) {
      std::string_view bytes(chunk.data(), got);
      if (success) {
        streamed_any = true;
        started = true;
        if (call.reader.sink) {
          Result<void> fed = call.reader.sink(bytes);
          if (!fed) co_return fed;
        } else if (out.body.size() + bytes.size() > policy.max_body_bytes) {
          co_return error("protocol", where_ + " sent a reply larger than the limit (" +
                                          std::to_string(policy.max_body_bytes) + " bytes).");
        } else {
          out.body.append(bytes);
        }
      } else if (out.body.size() < kErrorBodyCap) {
        out.body.append(bytes.substr(0, kErrorBodyCap - out.body.size()));
      }
    }
    if (call.cancelled()) co_return cancelled();
    if (ec == beast::error::timeout) co_return timedOut();
    if (ec) {
      if (!success) break;  // the status says enough
      co_return error("protocol", where_ + " cut the reply before its end (" +
                                      (streamed_any ? "after" : "before") +
                                      " the first bytes): " + ec.message() + ".");
    }
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return Result<void>{};
}

}  // namespace startales::outbound
