#pragma once

// A small synchronous HTTP/1.1 client for the remote speech engines, STT and TTS alike
// (Boost.Beast): one connection per attempt, a connect timeout and a total timeout per attempt,
// bounded retries with exponential backoff on connection errors and HTTP 503 (honouring
// Retry-After, capped), and cancellation. Blocks the calling thread (a speech worker); each
// call owns a private io_context, so calls share nothing and are thread-safe.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "voice/remote/cancel_token.h"

namespace startales::voice {

// Where an engine listens: "http://HOST[:PORT][/base]".
struct HttpEndpoint {
  std::string host;
  std::string port;
  std::string base_path;  // without a trailing '/', e.g. "" or "/v1"
};

// Error: invalid_config (not an http:// URL; https needs a TLS-terminating proxy).
Result<HttpEndpoint> parseEndpoint(std::string_view url);

struct HttpPolicy {
  int connect_timeout_ms = 2000;          // resolve + TCP connect, per attempt (ms)
  int total_timeout_ms = 30000;           // one attempt, connect to last body byte (ms)
  int max_retries = 2;                    // extra attempts after a connect error or a 503
  int backoff_ms = 100;                   // first retry delay (ms), doubled each retry
  int max_backoff_ms = 2000;              // cap of one delay, Retry-After included (ms)
  size_t max_response_bytes = 32u << 20;  // a longer body is <service>_protocol (bytes)
};

std::vector<std::string> validatePolicy(const HttpPolicy& policy);

struct HttpRequest {
  std::string method = "GET";  // GET | POST
  std::string target;          // path + query, already encoded, base_path included
  std::string content_type;    // of body (POST)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;
  int retry_after_s = 0;  // Retry-After in seconds when present
  int attempts = 0;       // 1 + retries used
};

// Which engine a call is for: names its errors ("tts" → tts_unavailable...) and messages
// ("The TTS server at host:port ...").
struct RemoteService {
  std::string_view code;  // "stt" | "tts"
  std::string_view name;  // "STT" | "TTS"
};
inline constexpr RemoteService kSttService{"stt", "STT"};
inline constexpr RemoteService kTtsService{"tts", "TTS"};

// Sends `request`; any HTTP status is a response (a 503 only once retries are used up).
// Errors: <code>_unavailable (cannot connect, or the server closed without replying, after
// retries), <code>_timeout, <code>_protocol (not HTTP, body too large), cancelled.
Result<HttpResponse> httpCall(const HttpEndpoint& endpoint, const HttpRequest& request,
                              const HttpPolicy& policy, const RemoteService& service,
                              const CancelToken& cancel = {});

// application/x-www-form-urlencoded / query-string encoding of one value.
std::string urlEncode(std::string_view value);

}  // namespace startales::voice
