#include "voice/remote/http_call.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace startales::voice {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr milliseconds kSlice{10};  // the caller's thread re-checks cancel/deadline this often

enum class Failure { kNone, kConnect, kClosed, kTimeout, kProtocol, kCancelled };

struct Outcome {
  Failure failure = Failure::kNone;
  std::string detail;
  HttpResponse response;
};

struct Attempt {
  // Owned here (not in the coroutine frame) so the caller's thread can cancel them between
  // io_context slices; touched only on the caller's thread. Must die before its io_context.
  explicit Attempt(asio::io_context& ioc) : resolver(ioc), stream(ioc) {}
  tcp::resolver resolver;
  beast::tcp_stream stream;
  bool done = false;
  Outcome outcome;
};

asio::awaitable<void> run(Attempt& a, const HttpEndpoint& ep, const HttpRequest& req,
                          const HttpPolicy& policy, Steady::time_point deadline) {
  auto fail = [&a](Failure f, const std::string& detail) {
    a.outcome.failure = f;
    a.outcome.detail = detail;
  };
  auto [rec, results] = co_await a.resolver.async_resolve(ep.host, ep.port, kTuple);
  if (rec) {
    fail(Failure::kConnect, "cannot resolve " + ep.host + ": " + rec.message());
    co_return;
  }
  a.stream.expires_at(std::min(deadline, Steady::now() + milliseconds(policy.connect_timeout_ms)));
  auto [cec, endpoint] = co_await a.stream.async_connect(results, kTuple);
  if (cec) {
    fail(Failure::kConnect, "cannot connect to " + ep.host + ":" + ep.port + ": " +
                                (cec == beast::error::timeout ? "timed out" : cec.message()));
    co_return;
  }
  a.stream.expires_at(deadline);
  http::request<http::string_body> msg{req.method == "POST" ? http::verb::post : http::verb::get,
                                       req.target, 11};
  msg.set(http::field::host, ep.host + ":" + ep.port);
  msg.set(http::field::user_agent, "startales-tts");
  msg.set(http::field::connection, "close");
  for (const auto& [name, value] : req.headers) msg.set(name, value);
  if (req.method == "POST") {
    msg.set(http::field::content_type, req.content_type);
    msg.body() = req.body;
  }
  msg.prepare_payload();
  auto [wec, written] = co_await http::async_write(a.stream, msg, kTuple);
  if (wec) {
    fail(wec == beast::error::timeout ? Failure::kTimeout : Failure::kClosed,
         "sending the request failed: " + wec.message());
    co_return;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(policy.max_response_bytes);
  parser.header_limit(64 * 1024);
  auto [ec, read] = co_await http::async_read(a.stream, buffer, parser, kTuple);
  if (ec == beast::error::timeout) {
    fail(Failure::kTimeout, "no complete reply in time");
  } else if (ec == http::error::end_of_stream ||
             (ec && !parser.got_some() && ec != http::error::body_limit)) {
    fail(Failure::kClosed, "the server closed the connection without replying");
  } else if (ec) {
    fail(Failure::kProtocol, "unreadable reply: " + ec.message());
  } else {
    auto& res = parser.get();
    HttpResponse& out = a.outcome.response;
    out.status = static_cast<int>(res.result_int());
    out.content_type = std::string(res[http::field::content_type]);
    out.body = std::move(res.body());
    auto retry_after = res[http::field::retry_after];
    if (!retry_after.empty()) out.retry_after_s = std::atoi(std::string(retry_after).c_str());
  }
  beast::error_code ignored;
  a.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

// One attempt on a private io_context, driven from this thread in short slices so a cancel or
// the hard deadline (which also covers name resolution) can stop it.
Outcome runAttempt(const HttpEndpoint& ep, const HttpRequest& req, const HttpPolicy& policy,
                   const CancelToken& cancel) {
  asio::io_context ioc;
  Attempt a(ioc);
  const auto deadline = Steady::now() + milliseconds(policy.total_timeout_ms);
  asio::co_spawn(ioc, run(a, ep, req, policy, deadline), [&a](const std::exception_ptr& e) {
    if (e && a.outcome.failure == Failure::kNone) {
      a.outcome.failure = Failure::kProtocol;
      a.outcome.detail = "internal error";
    }
    a.done = true;
  });
  Failure forced = Failure::kNone;
  // Bounded: after the deadline or a cancel the operations are aborted and finish promptly.
  for (int spins = 0; !a.done && spins < 1'000'000; ++spins) {
    ioc.run_for(kSlice);
    if (a.done) break;
    if (ioc.stopped()) ioc.restart();
    if (forced == Failure::kNone && (cancel.cancelled() || Steady::now() >= deadline)) {
      forced = cancel.cancelled() ? Failure::kCancelled : Failure::kTimeout;
      beast::error_code ignored;
      a.resolver.cancel();
      a.stream.socket().close(ignored);
    }
  }
  if (forced != Failure::kNone) {
    a.outcome.failure = forced;
    a.outcome.detail = forced == Failure::kCancelled ? "cancelled" : "no complete reply in time";
  }
  return std::move(a.outcome);
}

// Sleeps `ms` in slices; false when cancelled.
bool sleepCancellable(int ms, const CancelToken& cancel) {
  const auto until = Steady::now() + milliseconds(ms);
  while (Steady::now() < until) {
    if (cancel.cancelled()) return false;
    std::this_thread::sleep_for(std::min<Steady::duration>(kSlice, until - Steady::now()));
  }
  return !cancel.cancelled();
}

}  // namespace

Result<HttpEndpoint> parseEndpoint(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return makeError("invalid_config", "'" + std::string(url) + "' is not a URL.");
  if (parsed->scheme() != "http") {
    return makeError("invalid_config", "Only http:// TTS URLs are supported ('" + std::string(url) +
                                           "'); put a TLS-terminating proxy in front for https.");
  }
  HttpEndpoint ep;
  ep.host = std::string(parsed->host_address());
  if (ep.host.empty()) return makeError("invalid_config", "The TTS URL has no host.");
  ep.port = parsed->has_port() ? std::string(parsed->port()) : "80";
  ep.base_path = std::string(parsed->encoded_path());
  while (!ep.base_path.empty() && ep.base_path.back() == '/') ep.base_path.pop_back();
  return ep;
}

std::vector<std::string> validatePolicy(const HttpPolicy& p) {
  std::vector<std::string> problems;
  if (p.connect_timeout_ms <= 0) problems.emplace_back("connect_timeout_ms must be > 0.");
  if (p.total_timeout_ms <= 0) problems.emplace_back("total_timeout_ms must be > 0.");
  if (p.max_retries < 0 || p.max_retries > 10) problems.emplace_back("max_retries must be 0..10.");
  if (p.backoff_ms <= 0) problems.emplace_back("backoff_ms must be > 0.");
  if (p.max_backoff_ms < p.backoff_ms)
    problems.emplace_back("max_backoff_ms must be >= backoff_ms.");
  if (p.max_response_bytes < 1024) problems.emplace_back("max_response_bytes must be >= 1024.");
  return problems;
}

Result<HttpResponse> httpCall(const HttpEndpoint& endpoint, const HttpRequest& request,
                              const HttpPolicy& policy, const RemoteService& service,
                              const CancelToken& cancel) {
  const std::string code(service.code);
  auto cancelled = [&] {
    return makeError("cancelled", "The call to the " + std::string(service.name) +
                                      " server was cancelled.");
  };
  int delay_ms = policy.backoff_ms;
  for (int attempt = 0;; ++attempt) {  // bounded by max_retries
    if (cancel.cancelled()) return cancelled();
    Outcome a = runAttempt(endpoint, request, policy, cancel);
    a.response.attempts = attempt + 1;
    const bool last = attempt >= policy.max_retries;
    const std::string where =
        "The " + std::string(service.name) + " server at " + endpoint.host + ":" + endpoint.port;
    switch (a.failure) {
      case Failure::kNone:
        if (a.response.status != 503 || last) return std::move(a.response);
        break;
      case Failure::kConnect:
      case Failure::kClosed:
        if (last) {
          Error e = makeError(code + "_unavailable", where + " is unavailable: " + a.detail + ".");
          e.retry_after_s = 1;
          return e;
        }
        break;
      case Failure::kTimeout:
        return makeError(code + "_timeout", where + " timed out: " + a.detail + ".");
      case Failure::kProtocol:
        return makeError(code + "_protocol", where + " sent an " + a.detail + ".");
      case Failure::kCancelled:
        return cancelled();
    }
    int wait = std::min(policy.max_backoff_ms, std::max(delay_ms, a.response.retry_after_s * 1000));
    if (!sleepCancellable(wait, cancel)) return cancelled();
    delay_ms = std::min(policy.max_backoff_ms, delay_ms * 2);
  }
}

std::string urlEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

}  // namespace startales::voice
