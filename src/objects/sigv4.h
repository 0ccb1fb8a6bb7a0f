#pragma once

// AWS Signature Version 4 (AWS4-HMAC-SHA256), as the AWS General Reference specifies it:
// canonical request → string to sign → signing key (HMAC chain over date, region, service,
// "aws4_request") → signature, and the Authorization header. SHA-256 and HMAC-SHA256 from
// libsodium. Pure functions, thread-safe.
//
// Path handling is S3's: each path segment is URI-encoded once (RFC 3986 unreserved bytes
// kept, '/' kept), with no dot-segment normalisation (object keys never hold "." or "..").

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace startales::objects::sigv4 {

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;  // never logged
};

struct Scope {
  std::string amz_date;  // "20150830T123600Z" (UTC); the date part opens the credential scope
  std::string region;    // "us-east-1"
  std::string service;   // "s3"
};

struct Request {
  std::string method;  // "GET", "PUT"...
  std::string path;    // not encoded: "/bucket/voices/a.json"
  std::vector<std::pair<std::string, std::string>> query;  // not encoded, any order
  // Every header to sign (host and x-amz-date included), names in any case; a name given
  // twice is signed as its values joined by ',' in order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_hash;  // hex SHA-256 of the body, or kUnsignedPayload
};

struct Signed {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-content-sha256;x-amz-date"
  std::string signature;       // 64 hex digits
  std::string authorization;   // the Authorization header's value
};

Signed sign(const Request& request, const Credentials& credentials, const Scope& scope);

// The signing key (32 raw bytes) for a date "YYYYMMDD", region and service.
std::string signingKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service);

std::string sha256Hex(std::string_view data);
std::string hmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string hex(std::string_view bytes);
// RFC 3986 percent-encoding, upper-case hex; '/' kept when keep_slash.
std::string uriEncode(std::string_view value, bool keep_slash);
// "YYYYMMDDTHHMMSSZ" of a UTC time.
std::string amzDate(std::chrono::system_clock::time_point when);

}  // namespace startales::objects::sigv4
