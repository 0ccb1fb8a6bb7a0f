#include "net/cors.h"

#include <algorithm>

namespace startales::net {

bool originAllowed(const std::vector<std::string>& allowed, std::string_view origin) {
  if (origin.empty()) return false;
  return std::any_of(allowed.begin(), allowed.end(),
                     [&](const std::string& a) { return a == "*" || a == origin; });
}

void addCorsHeaders(const std::vector<std::string>& allowed, const Request& req, Response& res) {
  auto it = req.http.find(http::field::origin);
  if (it == req.http.end() || !originAllowed(allowed, it->value())) return;
  res.set(http::field::access_control_allow_origin, it->value());
  res.set(http::field::vary, "Origin");
  res.set(http::field::access_control_expose_headers, "X-Request-Id, Retry-After");
}

Response preflightResponse(const std::vector<http::verb>& methods) {
  Response res{http::status::no_content, 11};
  std::string list;
  for (auto m : methods) {
    if (!list.empty()) list += ", ";
    list += std::string(http::to_string(m));
  }
  res.set(http::field::access_control_allow_methods, list);
  res.set(http::field::access_control_allow_headers, "Authorization, Content-Type, X-Request-Id");
  res.set(http::field::access_control_max_age, "600");
  res.prepare_payload();
  return res;
}

}  // namespace startales::net
