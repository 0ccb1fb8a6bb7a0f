#include "net/http.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse_query.hpp>
#include <cctype>

#include "common/error_codes.h"

namespace startales::net {

std::string_view Request::param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

std::string Request::queryParam(std::string_view name) const {
  auto parsed = boost::urls::parse_query(query);
  if (!parsed) return {};
  for (const auto& p : *parsed) {
    if (p.key.decode() == name) return p.value.decode();
  }
  return {};
}

std::string_view Request::bearerToken() const {
  auto it = http.find(http::field::authorization);
  if (it == http.end()) return {};
  std::string_view value = it->value();
  constexpr std::string_view kPrefix = "Bearer ";
  if (value.size() <= kPrefix.size()) return {};
  // The scheme is case-insensitive.
  for (size_t i = 0; i < kPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) !=
        std::tolower(static_cast<unsigned char>(kPrefix[i]))) {
      return {};
    }
  }
  return value.substr(kPrefix.size());
}

Result<boost::json::object> Request::jsonBody() const {
  if (http.body().empty()) {
    return makeError("invalid_json", "The request body is empty; send a JSON object.");
  }
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(http.body(), ec);
  if (ec) {
    return makeError("invalid_json", "The request body is not valid JSON: " + ec.message() + ".");
  }
  if (!value.is_object()) {
    return makeError("invalid_body", "The request body must be a JSON object.");
  }
  return std::move(value.as_object());
}

Response jsonResponse(http::status status, const boost::json::value& body) {
  Response res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

namespace {
// `s` with every byte that is not part of a well-formed UTF-8 sequence (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF) replaced by U+FFFD. Error messages quote what
// the client sent (a path parameter, a name), and Boost.JSON writes string bytes as they are:
// without this, a path with raw bytes >= 0x80 made the error body invalid JSON.
std::string validUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (b < 0x80) {
      len = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    }
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      ok = k == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xBF);
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}
}  // namespace

Response errorResponse(http::status status, std::string_view code, std::string_view message) {
  boost::json::object error;
  error["code"] = validUtf8(code);
  error["message"] = validUtf8(message);
  return jsonResponse(status, boost::json::object{{"error", std::move(error)}});
}

http::status statusFor(const Error& error) {
  switch (categoryOf(error.code)) {
    case ErrorCategory::kBadInput: return http::status::bad_request;
    case ErrorCategory::kUnauthorized: return http::status::unauthorized;
    case ErrorCategory::kForbidden: return http::status::forbidden;
    case ErrorCategory::kNotFound: return http::status::not_found;
    case ErrorCategory::kMethodNotAllowed: return http::status::method_not_allowed;
    case ErrorCategory::kConflict: return http::status::conflict;
    case ErrorCategory::kTooLarge: return http::status::payload_too_large;
    case ErrorCategory::kHeadersTooLarge: return http::status::request_header_fields_too_large;
    case ErrorCategory::kUpgradeRequired: return http::status::upgrade_required;
    case ErrorCategory::kRefused: return http::status::unprocessable_entity;
    case ErrorCategory::kRateLimited: return http::status::too_many_requests;
    case ErrorCategory::kInternal: return http::status::internal_server_error;
    case ErrorCategory::kUnavailable: return http::status::service_unavailable;
    case ErrorCategory::kTimeout: return http::status::gateway_timeout;
  }
  return http::status::internal_server_error;
}

std::string publicMessage(const Error& error) {
  if (!error.internal) return error.message;
  if (error.code == "db_unavailable") return "The database cannot be reached; try again in a moment.";
  if (error.code == "db_busy") return "The database is busy; try again in a moment.";
  if (error.code == "db_full") return "The server's storage is full; try again later.";
  if (error.code == "objects_unavailable") {
    return "The server's file store cannot be reached; try again in a moment.";
  }
  return "The server could not complete this request; try again in a moment.";
}

Response errorResponse(const Error& error) {
  http::status status = statusFor(error);
  if (status == http::status::internal_server_error) {
    return errorResponse(status, "internal", "Something went wrong on the server; it was logged.");
  }
  Response res = errorResponse(status, error.code, publicMessage(error));
  if (error.retry_after_s > 0) {
    res.set(http::field::retry_after, std::to_string(error.retry_after_s));
  } else if (status == http::status::service_unavailable ||
             status == http::status::too_many_requests) {
    res.set(http::field::retry_after, "1");
  }
  return res;
}

Result<std::string> requireString(const boost::json::object& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end()) {
    return makeError("invalid_field", "The field \"" + std::string(field) + "\" is required.");
  }
  if (!it->value().is_string()) {
    return makeError("invalid_field",
                     "The field \"" + std::string(field) + "\" must be a string.");
  }
  return std::string(it->value().as_string());
}

}  // namespace startales::net
