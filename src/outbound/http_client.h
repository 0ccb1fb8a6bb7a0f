#pragma once

// The one outbound HTTP/1.1 client of the remote engines (LLM servers, remote STT and TTS), on
// Boost.Beast: one connection per attempt, timeouts (connect per attempt, first byte, idle
// between reads, total), bounded retries with exponential backoff + jitter, cancellation.
//
// Retried — only before any byte of a 2xx body, and only while the total deadline allows the
// wait: the name does not resolve, the connection is refused or times out, the request cannot
// be sent, the server closes before its status line; HTTP 503 and 429, waiting
// max(backoff, Retry-After) capped at Policy::backoff_max_ms. Never retried: other statuses
// (they are responses), a timeout once connected, a reply that is not HTTP, a cut or oversize
// body, a sink's error, a cancel.
//
// Errors (codes from Service): <code>_unavailable (cannot connect / closed without replying,
// after the retries), <code>_timeout, <code>_protocol, Service::cancelled_code.
//
// Each call runs on its own strand made from the caller's executor; a cancel posts to it and
// cancels the resolver, socket or backoff timer there. call() is thread-safe; the client must
// outlive its calls.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "outbound/cancel_token.h"
#include "outbound/url.h"

namespace startales::outbound {

// Which engine a client speaks to: names its errors and messages.
struct Service {
  std::string_view code;            // "llm" → llm_unavailable, llm_timeout, llm_protocol
  std::string_view name;            // "LLM" → "The LLM server at host:port ..."
  std::string_view cancelled_code;  // the error of a cancelled call ("cancelled")
};

struct Policy {
  int connect_timeout_ms = 2'000;  // resolve + TCP connect, per attempt (ms)
  int first_byte_timeout_ms = 0;   // call start → the reply has started (BodyReader::started)
                                   // (ms); 0: only the total deadline
  int idle_timeout_ms = 0;         // longest wait for more bytes once started (ms); 0: none
  int total_timeout_ms = 30'000;   // the whole call, retries and backoff included (ms)
  int max_retries = 2;             // extra attempts after a retryable failure
  int backoff_base_ms = 100;       // first retry delay (ms), doubled each retry, × jitter [0.5, 1]
  int backoff_max_ms = 2'000;      // cap of one delay, Retry-After included (ms)
  size_t max_body_bytes = 32u << 20;  // a buffered 2xx body beyond this is <code>_protocol
};

// Every problem of `policy`, one sentence each (empty: valid).
std::vector<std::string> validatePolicy(const Policy& policy);

struct Request {
  std::string method = "GET";  // GET | POST | PUT | DELETE (any other: "internal")
  std::string target;          // path + query, already encoded, Endpoint::base_path included
  std::string content_type;    // of body (any method but GET)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Accept, Authorization
};

struct Response {
  int status = 0;
  std::string content_type;
  std::string body;       // a 2xx body without a sink; else the first 4 KiB of a non-2xx one
  int retry_after_s = 0;  // Retry-After (seconds) when present
  int attempts = 0;       // 1 + retries used
};

// How the body of a 2xx response is read.
struct BodyReader {
  // Each piece as it arrives, in order, on the call's strand; an error ends the call with it.
  // Empty: the body is buffered into Response::body (at most Policy::max_body_bytes).
  std::function<Result<void>(std::string_view bytes)> sink;
  // True once the reply has started, which ends the first-byte deadline and starts the idle
  // one (the LLM: a first token). Empty: the first byte of the body.
  std::function<bool()> started;
  std::string_view started_name = "first byte";  // in the message: "(first byte timeout)"
};

// Before each retry wait, on the call's strand: why the attempt failed and the wait.
using RetryFn = std::function<void(const Error& why, std::chrono::milliseconds delay)>;

class HttpClient {
 public:
  // jitter_seed seeds the backoff jitter (0: random), for reproducible tests.
  HttpClient(Endpoint endpoint, Service service, uint64_t jitter_seed = 0, RetryFn on_retry = {});
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any HTTP status is a response (503/429 once the retries are used up).
  boost::asio::awaitable<Result<Response>> call(Request request, Policy policy,
                                                BodyReader reader = {},
                                                CancelToken cancel = {}) const;

  // The same call, blocking the calling thread (a worker, never a network thread) on a private
  // io_context.
  Result<Response> callBlocking(Request request, Policy policy, BodyReader reader = {},
                                CancelToken cancel = {}) const;

  [[nodiscard]] const Endpoint& endpoint() const { return endpoint_; }

 private:
  struct CallState;
  struct Call;

  boost::asio::awaitable<Result<void>> execute(Call& call) const;
  boost::asio::awaitable<Result<void>> attempt(Call& call, bool& retryable) const;
  std::chrono::milliseconds backoff(int retry, const Policy& policy, int retry_after_s) const;
  Error error(std::string_view kind, const std::string& message) const;

  // const after construction
  const Endpoint endpoint_;
  const Service service_;
  const RetryFn on_retry_;
  const std::string where_;  // "The LLM server at host:port"

  mutable std::mutex rng_mu_;
  mutable std::mt19937_64 rng_;  // guarded by rng_mu_
};

}  // namespace startales::outbound
