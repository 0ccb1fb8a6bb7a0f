#include "net/router.h"

namespace startales::net {

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

void Router::add(http::verb method, std::string_view pattern, Handler handler, Kind kind) {
  Route route{method, std::string(pattern), {}, std::move(handler), {}, {}, kind};
  for (auto part : splitPath(pattern)) route.segments.emplace_back(part);
  routes_.push_back(std::move(route));
}

void Router::websocket(std::string_view pattern, WsAcceptor acceptor) {
  Route route{http::verb::get, std::string(pattern), {}, {}, std::move(acceptor), {},
              Kind::kWebSocket};
  for (auto part : splitPath(pattern)) route.segments.emplace_back(part);
  routes_.push_back(std::move(route));
}

bool Router::matchSegments(const Route& route, const std::vector<std::string_view>& parts,
                           std::vector<std::pair<std::string, std::string>>* params) {
  if (route.segments.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& segment = route.segments[i];
    bool is_param = segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
    if (is_param) {
      if (params != nullptr) params->emplace_back(segment.substr(1, segment.size() - 2), parts[i]);
    } else if (segment != parts[i]) {
      return false;
    }
  }
  return true;
}

void Router::events(http::verb method, std::string_view pattern, EventHandler handler) {
  Route route{method, std::string(pattern), {}, {}, {}, std::move(handler), Kind::kEvents};
  for (auto part : splitPath(pattern)) route.segments.emplace_back(part);
  routes_.push_back(std::move(route));
}

Router::Match Router::match(http::verb method, std::string_view path) const {
  Match result;
  auto parts = splitPath(path);
  for (const Route& route : routes_) {
    if (!matchSegments(route, parts, nullptr)) continue;
    if (route.method == method) {
      matchSegments(route, parts, &result.params);
      if (route.acceptor) {
        result.websocket = &route.acceptor;
      } else if (route.events) {
        result.events = &route.events;
      } else {
        result.handler = &route.handler;
      }
      result.route = route.pattern;
      result.allowed.clear();
      return result;
    }
    result.allowed.push_back(route.method);
    if (result.route.empty()) result.route = route.pattern;
  }
  return result;
}

std::vector<Router::RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& route : routes_) out.push_back({route.method, route.pattern, route.kind});
  return out;
}

std::string_view kindName(Router::Kind kind) {
  switch (kind) {
    case Router::Kind::kHttp: return "http";
    case Router::Kind::kEvents: return "events";
    case Router::Kind::kWebSocket: return "websocket";
    case Router::Kind::kStatic: return "static";
  }
  return "http";
}

}  // namespace startales::net
