#pragma once

// Every error code a client can see (Error::code, the "code" of an error answer), declared once
// with its category: the category, not the code's words, decides the HTTP status
// (net::statusFor). A code missing from the table is internal (500). The test
// tests/error_codes/check_error_codes.py fails when code in src/ produces a code the table does
// not declare, or the table declares one nothing produces.

#include <cstdint>
#include <span>
#include <string_view>

namespace startales {

enum class ErrorCategory : uint8_t {
  kBadInput,          // 400: the request is malformed or a value is out of its allowed form
  kUnauthorized,      // 401: no valid credentials
  kForbidden,         // 403: known caller, not allowed
  kNotFound,          // 404: no such thing (or not visible to the caller)
  kMethodNotAllowed,  // 405: the route exists, not with this method
  kConflict,          // 409: valid, but the thing is in the wrong state for it
  kTooLarge,          // 413: the body or a field is larger than allowed
  kHeadersTooLarge,   // 431: the request's headers are larger than allowed
  kUpgradeRequired,   // 426: WebSocket handshakes that are not ones
  kRefused,           // 422: well-formed, but the rules refuse it (the game, speech with no words)
  kRateLimited,       // 429: too many; Retry-After says when to try again
  kInternal,          // 500: a defect or an internal failure; details are logged, not answered
  kUnavailable,       // 503: a dependency is down, busy or full; Retry-After says when to retry
  kTimeout,           // 504: a dependency did not answer in time
};

struct ErrorCodeInfo {
  std::string_view code;
  ErrorCategory category;
  std::string_view meaning;  // for docs and reviewers
};

// The table, in code order.
std::span<const ErrorCodeInfo> errorCodes();
// The category of `code`; kInternal for a code the table does not declare.
ErrorCategory categoryOf(std::string_view code);

}  // namespace startales
