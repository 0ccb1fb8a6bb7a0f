#include "loadgen/http_pool.h"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>

namespace startales::loadgen {

namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using boost::system::error_code;

namespace {

constexpr size_t kMaxResponseBody = 8 << 20;  // a campaign description is a few KiB
constexpr int kNetworkRetries = 3;

std::chrono::milliseconds jitter(int max_ms) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  return std::chrono::milliseconds(std::uniform_int_distribution<int>(0, max_ms)(rng));
}

std::atomic<bool> g_rate_limit_noted{false};

void noteRateLimited(const HttpContext& context, const HttpReply& reply) {
  context.stats.http_rate_limited++;
  if (context.quiet || g_rate_limit_noted.exchange(true)) return;
  std::cerr << "startales-loadgen: note: the server rate-limits sign-up and login per client "
               "address (HTTP 429, Retry-After "
            << reply.retry_after_s
            << " s); waiting as told. For big runs start the server with "
               "--auth-rate-address-burst 1000000 --auth-rate-address-per-min 1000000 "
               "(STARTALES_AUTH_RATE_ADDRESS_BURST, STARTALES_AUTH_RATE_ADDRESS_PER_MIN).\n";
}

}  // namespace

Result<Target> resolveTarget(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    return makeError("invalid_url", "\"" + url + "\" is not a URL like http://127.0.0.1:4000");
  }
  if (parsed->scheme() != "http") {
    return makeError("invalid_url", "\"" + url +
                                        "\": only http:// URLs are supported (point the "
                                        "loadgen at the server itself, not at a TLS proxy)");
  }
  if (!parsed->has_authority() || parsed->host().empty()) {
    return makeError("invalid_url", "\"" + url + "\" has no host; expected http://host:port");
  }
  if (!parsed->encoded_path().empty() && parsed->encoded_path() != "/") {
    return makeError("invalid_url", "\"" + url + "\" has a path; give only http://host:port");
  }
  Target t;
  t.url = url;
  while (!t.url.empty() && t.url.back() == '/') t.url.pop_back();
  std::string host(parsed->host_name().empty() ? parsed->host() : parsed->host_name());
  if (parsed->host_type() == boost::urls::host_type::ipv6) {
    host = std::string(parsed->host_address());
  }
  const std::string port = parsed->has_port() ? std::string(parsed->port()) : "80";
  t.host = std::string(parsed->encoded_host_and_port());
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  error_code ec;
  t.endpoints = resolver.resolve(host, port, ec);
  if (ec) return makeError("unreachable", "cannot resolve \"" + host + "\": " + ec.message());
  return t;
}

json::value HttpReply::json() const {
  error_code ec;
  auto v = json::parse(body, ec);
  return ec ? json::value(nullptr) : v;
}

std::string HttpReply::errorCode() const {
  const auto v = json();
  if (!v.is_object()) return "";
  const auto* e = v.as_object().if_contains("error");
  if (!e || !e->is_object()) return "";
  const auto* c = e->as_object().if_contains("code");
  return c && c->is_string() ? std::string(c->as_string()) : "";
}

std::string HttpReply::describe() const {
  if (status == 0) return "no answer: " + error;
  std::string out = "HTTP " + std::to_string(status);
  const auto v = json();
  if (v.is_object()) {
    if (const auto* e = v.as_object().if_contains("error"); e && e->is_object()) {
      const auto& o = e->as_object();
      if (const auto* c = o.if_contains("code"); c && c->is_string()) {
        out += " " + std::string(c->as_string());
      }
      if (const auto* m = o.if_contains("message"); m && m->is_string()) {
        out += ": " + std::string(m->as_string());
      }
      return out;
    }
  }
  if (!body.empty()) out += ": " + body.substr(0, 200);
  return out;
}

HttpSession::HttpSession(asio::any_io_executor executor, HttpContext& context)
    : executor_(std::move(executor)), context_(context) {}

void HttpSession::close() {
  if (stream_) {
    error_code ec;
    stream_->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    stream_->close();
  }
  stream_.reset();
  buffer_.clear();
}

asio::awaitable<HttpReply> HttpSession::once(http::verb verb, const std::string& path,
                                             const std::string& body, const std::string& token,
                                             bool& reused) {
  HttpReply reply;
  error_code ec;
  reused = stream_.has_value();
  if (!stream_) {
    stream_.emplace(executor_);
    stream_->expires_after(kRequestTimeout);
    co_await stream_->async_connect(context_.target.endpoints,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      reply.error = "connect: " + ec.message();
      close();
      co_return reply;
    }
  }
  http::request<http::string_body> req{verb, path, 11};
  req.set(http::field::host, context_.target.host);
  req.set(http::field::user_agent, "startales-loadgen");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.keep_alive(true);
  req.prepare_payload();
  stream_->expires_after(kRequestTimeout);
  co_await http::async_write(*stream_, req, asio::redirect_error(asio::use_awaitable, ec));
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBody);
  if (!ec) {
    co_await http::async_read(*stream_, buffer_, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec) {
    reply.error = (ec == beast::error::timeout
                       ? "timed out after " + std::to_string(kRequestTimeout.count()) + " s"
                       : ec.message());
    close();
    co_return reply;
  }
  context_.stats.http_requests++;
  auto& res = parser.get();
  reply.status = static_cast<int>(res.result_int());
  reply.body = std::move(res.body());
  if (auto it = res.find(http::field::retry_after); it != res.end()) {
    const auto v = it->value();
    int s = 0;
    auto [end, perr] = std::from_chars(v.data(), v.data() + v.size(), s);
    if (perr == std::errc() && end == v.data() + v.size() && s >= 0) reply.retry_after_s = s;
  }
  if (!res.keep_alive()) close();
  co_return reply;
}

asio::awaitable<HttpReply> HttpSession::call(http::verb verb, std::string path, std::string body,
                                             std::string token, Clock::time_point deadline) {
  int network_retries = 0;
  bool retried_network = false;
  for (;;) {
    bool reused = false;
    HttpReply reply = co_await once(verb, path, body, token, reused);
    reply.retried_network = retried_network;
    Clock::duration wait{};
    if (reply.status == 0) {
      if (network_retries >= kNetworkRetries) co_return reply;
      // A kept-alive connection the server closed meanwhile: retry at once on a new one.
      wait = reused && network_retries == 0 ? Clock::duration{}
                                            : std::chrono::milliseconds(250 << network_retries);
      ++network_retries;
      retried_network = true;
    } else if (reply.status == 429 || reply.status == 503) {
      if (reply.status == 429) noteRateLimited(context_, reply);
      const auto told = std::chrono::seconds(reply.retry_after_s > 0 ? reply.retry_after_s : 1);
      wait = std::min<Clock::duration>(told, kMaxRetryAfter) + jitter(500);
    } else {
      co_return reply;
    }
    if (Clock::now() + wait > deadline) co_return reply;
    context_.stats.http_retries++;
    if (wait > Clock::duration{}) co_await sleepFor(wait);
  }
}

asio::awaitable<PoolResult> runPool(asio::io_context& io, HttpContext& context, size_t count,
                                    int concurrency, Task task, Clock::time_point deadline) {
  struct Shared {
    std::atomic<size_t> next{0};
    std::atomic<size_t> failed{0};
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::optional<std::string> first;  // guarded by mu
  };
  auto shared = std::make_shared<Shared>();
  const size_t workers = std::min(count, static_cast<size_t>(std::max(1, concurrency)));
  auto done = Latch::create(io, workers);
  for (size_t w = 0; w < workers; ++w) {
    auto worker = [&context, shared, task, count, done]() -> asio::awaitable<void> {
      HttpSession session(co_await asio::this_coro::executor, context);
      while (!shared->stop.load()) {
        const size_t i = shared->next.fetch_add(1);
        if (i >= count) break;
        auto op = task(session, i);
        auto error = co_await std::move(op);
        if (error) {
          shared->failed++;
          shared->stop = true;
          std::lock_guard lock(shared->mu);
          if (!shared->first) shared->first = std::move(*error);
        }
      }
    };
    asio::co_spawn(asio::make_strand(io), std::move(worker),
                   [done](const std::exception_ptr&) { done->countDown(); });
  }
  // Every request is bounded by kRequestTimeout and every retry by `deadline`; the extra
  // margin only matters if something in between hangs.
  auto wait_op = done->wait(deadline + 2 * kRequestTimeout);
  const bool finished = co_await std::move(wait_op);
  PoolResult result;
  std::lock_guard lock(shared->mu);
  result.failed = shared->failed.load();
  result.first = shared->first;
  if (!finished) {
    shared->stop = true;
    if (!result.first) result.first = "the setup did not finish in time";
    result.failed = std::max<size_t>(result.failed, 1);
  }
  co_return result;
}

std::shared_ptr<Latch> Latch::create(asio::io_context& io, size_t count) {
  return std::shared_ptr<Latch>(new Latch(asio::make_strand(io), count));
}

Latch::Latch(asio::strand<asio::io_context::executor_type> strand, size_t count)
    : strand_(strand), timer_(strand, Clock::time_point::max()), count_(count) {}

void Latch::countDown() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->count_ > 0 && --self->count_ == 0) self->timer_.cancel();
  });
}

asio::awaitable<bool> Latch::wait(Clock::time_point deadline) {
  auto body = [self = shared_from_this(), deadline]() -> asio::awaitable<bool> {
    while (self->count_ > 0 && Clock::now() < deadline) {
      self->timer_.expires_at(deadline);
      error_code ec;
      co_await self->timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return self->count_ == 0;
  };
  // Runs on the latch's strand; the caller resumes on its own executor.
  auto op = asio::co_spawn(strand_, std::move(body), asio::use_awaitable);
  co_return co_await std::move(op);
}

asio::awaitable<void> sleepFor(Clock::duration d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace startales::loadgen
