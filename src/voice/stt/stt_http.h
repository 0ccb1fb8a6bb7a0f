#pragma once

// A small synchronous HTTP/1.1 client for the remote STT engines (Boost.Beast): one connection
// per attempt, a connect timeout and a total timeout per attempt, bounded retries with
// exponential backoff on connection errors and HTTP 503 (honouring Retry-After, capped).
// Blocks the calling thread (a transcription worker); each call owns a private io_context, so
// calls share nothing and are thread-safe. A copy of voice/tts/http_call.* without
// cancellation (stt must not depend on tts); its own namespace keeps the two apart.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace startales::voice::stt_http {

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
  size_t max_response_bytes = 32u << 20;  // a longer body is stt_protocol (bytes)
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

// Sends `request`; any HTTP status is a response (a 503 only once retries are used up).
// Errors: stt_unavailable (cannot connect, or the server closed without replying, after
// retries), stt_timeout, stt_protocol (not HTTP, body too large).
Result<HttpResponse> httpCall(const HttpEndpoint& endpoint, const HttpRequest& request,
                              const HttpPolicy& policy);

// application/x-www-form-urlencoded / query-string encoding of one value.
std::string urlEncode(std::string_view value);

}  // namespace startales::voice::stt_http
