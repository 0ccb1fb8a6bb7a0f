#include "net/http.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse_query.hpp>
#include <cctype>

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

Response errorResponse(http::status status, std::string_view code, std::string_view message) {
  boost::json::object error;
  error["code"] = code;
  error["message"] = message;
  return jsonResponse(status, boost::json::object{{"error", std::move(error)}});
}

namespace {
bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
}  // namespace

http::status statusFor(const Error& error) {
  std::string_view code = error.code;
  if (code == "unauthorized" || code == "invalid_credentials") return http::status::unauthorized;
  // A game command the rules refuse, or a lobby action at the wrong moment.
  if (code == "invalid_state" || code == "already_joined" || code == "campaign_full") {
    return http::status::conflict;
  }
  if (code == "not_owner" || code == "insufficient_resources" || code == "prerequisite_missing" ||
      code == "out_of_range" || code == "no_slots" || code == "diplomacy" || code == "eliminated") {
    return http::status::unprocessable_entity;
  }
  if (code == "stopped") return http::status::service_unavailable;
  // Audio and speech engines (voice/).
  if (code == "audio_too_large") return http::status::payload_too_large;
  if (code == "audio_too_long") return http::status::bad_request;
  if (code == "no_speech") return http::status::unprocessable_entity;
  if (endsWith(code, "_unavailable")) return http::status::service_unavailable;
  if (endsWith(code, "_timeout")) return http::status::gateway_timeout;
  if (startsWith(code, "invalid_") || endsWith(code, "_required") || startsWith(code, "bad_") ||
      code == "weak_password") {
    return http::status::bad_request;
  }
  if (code == "forbidden") return http::status::forbidden;
  if (code == "not_found") return http::status::not_found;
  if (endsWith(code, "_taken") || code == "conflict") return http::status::conflict;
  if (code == "rate_limited") return http::status::too_many_requests;
  // Abuse limits: a rate (429 + Retry-After) or a count held at once (409).
  if (code == "too_many_connections" || code == "too_many_websockets") {
    return http::status::too_many_requests;
  }
  if (code == "too_many_campaigns") return http::status::conflict;
  if (code == "card_too_large") return http::status::payload_too_large;
  if (code == "overloaded" || code == "db_unavailable" || code == "db_busy" || code == "db_full") {
    return http::status::service_unavailable;
  }
  return http::status::internal_server_error;
}

std::string publicMessage(const Error& error) {
  if (!error.internal) return error.message;
  if (error.code == "db_unavailable") return "The database cannot be reached; try again in a moment.";
  if (error.code == "db_busy") return "The database is busy; try again in a moment.";
  if (error.code == "db_full") return "The server's storage is full; try again later.";
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
