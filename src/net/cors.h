#pragma once

// CORS for configured origins. Allowed origins get Access-Control-Allow-Origin (echoing the
// origin, with Vary: Origin); preflight OPTIONS requests are answered with 204 and the
// methods the path supports. Other origins get no CORS headers, so browsers refuse them.

#include <string>
#include <vector>

#include "net/http.h"

namespace startales::net {

bool originAllowed(const std::vector<std::string>& allowed, std::string_view origin);

// Adds the CORS response headers when the request's Origin is allowed.
void addCorsHeaders(const std::vector<std::string>& allowed, const Request& req, Response& res);

// The 204 answer to a preflight for a path that supports `methods`.
Response preflightResponse(const std::vector<http::verb>& methods);

}  // namespace startales::net
