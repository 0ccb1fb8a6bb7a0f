#pragma once

// The setup's HTTP side: a parsed server URL, one keep-alive connection per worker coroutine,
// retries that honour Retry-After, and a pool that runs N tasks with bounded concurrency.
// Every request has a timeout (kRequestTimeout); every retry wait is bounded by a deadline.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "loadgen/stats.h"

namespace startales::loadgen {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

inline constexpr std::chrono::seconds kRequestTimeout{30};  // connect, write, read: each
inline constexpr std::chrono::seconds kMaxRetryAfter{60};   // longest single wait we honour

// Where the server is. Only http:// (the loadgen talks to the server, not to a TLS proxy).
struct Target {
  std::string url;   // as given, without a trailing slash
  std::string host;  // for the Host header and the WebSocket handshake: host[:port]
  asio::ip::tcp::resolver::results_type endpoints;  // resolved once, at start
};

// Parses and resolves `url` (blocking: call once at start). Errors: "invalid_url",
// "unreachable".
Result<Target> resolveTarget(const std::string& url);

struct HttpReply {
  int status = 0;  // 0: no answer; `error` says why
  std::string body;
  std::string error;             // network error text when status is 0
  int retry_after_s = -1;        // Retry-After, seconds, when the server sent one
  bool retried_network = false;  // a network error was retried: a POST may have run twice

  [[nodiscard]] boost::json::value json() const;  // null when the body is not JSON
  // The server's error code ("username_taken"), or "" when the body has none.
  [[nodiscard]] std::string errorCode() const;
  // One line for messages: "HTTP 409 username_taken: The username is taken." or
  // "no answer: Connection refused".
  [[nodiscard]] std::string describe() const;
};

// Shared by every session of a run.
struct HttpContext {
  const Target& target;
  Stats& stats;
  bool quiet = false;  // no "rate limited" note on stderr
};

// One keep-alive connection, used by one coroutine at a time. Must be used on a strand (its
// executor) when the io_context has several threads.
class HttpSession {
 public:
  HttpSession(asio::any_io_executor executor, HttpContext& context);

  // One request with retries: 429 and 503 wait for Retry-After (at most kMaxRetryAfter each),
  // network errors are retried 3 times; nothing waits past `deadline`. The last reply is
  // returned either way. `token` may be empty.
  asio::awaitable<HttpReply> call(boost::beast::http::verb verb, std::string path, std::string body,
                                  std::string token, Clock::time_point deadline);

 private:
  asio::awaitable<HttpReply> once(boost::beast::http::verb verb, const std::string& path,
                                  const std::string& body, const std::string& token, bool& reused);
  void close();

  asio::any_io_executor executor_;
  HttpContext& context_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

// A task: set up item `index` using `session`; an error message, or nullopt on success.
using TaskResult = asio::awaitable<std::optional<std::string>>;
using Task = std::function<TaskResult(HttpSession&, size_t)>;

struct PoolResult {
  size_t failed = 0;                 // tasks that returned an error
  std::optional<std::string> first;  // the first error
};

// Runs task(session, i) for every i in [0, count) on min(concurrency, count) coroutines, each
// on its own strand with its own connection. After the first failure no new task starts (the
// setup is over; running ones finish). Completes when every started task has finished (or,
// if something hangs, shortly after `deadline`: then it reports a failure).
asio::awaitable<PoolResult> runPool(asio::io_context& io, HttpContext& context, size_t count,
                                    int concurrency, Task task, Clock::time_point deadline);

// Counts down from any thread; a coroutine on any executor waits for zero or a deadline.
// Shared: handlers posted by countDown() keep it alive.
class Latch : public std::enable_shared_from_this<Latch> {
 public:
  static std::shared_ptr<Latch> create(asio::io_context& io, size_t count);
  void countDown();
  // True when the count reached zero; false at the deadline.
  asio::awaitable<bool> wait(Clock::time_point deadline);

 private:
  Latch(asio::strand<asio::io_context::executor_type> strand, size_t count);

  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer timer_;  // on strand_
  size_t count_;              // on strand_
};

// Sleeps on the calling coroutine's executor.
asio::awaitable<void> sleepFor(Clock::duration d);

}  // namespace startales::loadgen
