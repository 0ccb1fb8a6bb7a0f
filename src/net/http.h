#pragma once

// HTTP request/response types shared by the server, the router and the api/ handlers.

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace startales::net {

namespace http = boost::beast::http;
using Response = http::response<http::string_body>;

struct Request {
  http::request<http::string_body> http;
  std::string path;                                        // target without the query string
  std::string query;                                       // raw query string, no '?'
  std::vector<std::pair<std::string, std::string>> params;  // path parameters, e.g. {id}
  std::string route;       // the matched route pattern, e.g. "/api/campaigns/{id}"
  std::string request_id;  // from X-Request-Id when valid, otherwise generated
  std::string client_address;

  // Path parameter by name; empty when absent.
  [[nodiscard]] std::string_view param(std::string_view name) const;
  // Decoded query parameter by name; empty when absent.
  [[nodiscard]] std::string queryParam(std::string_view name) const;
  // The token of an "Authorization: Bearer <token>" header; empty when absent.
  [[nodiscard]] std::string_view bearerToken() const;
  // Parses the body as a JSON object. Errors: "invalid_json" (with the parser's position),
  // "invalid_body" (valid JSON but not an object).
  [[nodiscard]] Result<boost::json::object> jsonBody() const;
};

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

// A JSON response with Content-Type application/json.
Response jsonResponse(http::status status, const boost::json::value& body);

// The one error shape: {"error":{"code":"snake_case","message":"human sentence"}}.
Response errorResponse(http::status status, std::string_view code, std::string_view message);

// The HTTP status of an Error: its code's category (common/error_codes.h).
http::status statusFor(const Error& error);

// The sentence a client gets for `error`: its message, or for an internal one (a database's
// own text, see Error::internal) a sentence for its code.
std::string publicMessage(const Error& error);

// errorResponse(statusFor(error), ...). 5xx internal details are not echoed to the client.
Response errorResponse(const Error& error);

// Field readers for JSON bodies with user-readable errors ("invalid_field").
Result<std::string> requireString(const boost::json::object& body, std::string_view field);

}  // namespace startales::net
