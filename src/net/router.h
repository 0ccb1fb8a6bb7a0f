#pragma once

// Maps (method, path) to a handler. Patterns are literal segments and {name} parameters:
// "/api/campaigns/{id}/join". Built once at start-up, then read-only (safe from any thread).
// WebSocket endpoints are GET routes with an acceptor instead of a handler (net/websocket.h).

#include <string>
#include <string_view>
#include <vector>

#include "net/event_stream.h"
#include "net/http.h"
#include "net/websocket.h"

namespace startales::net {

class Router {
 public:
  // What kind of answer a route gives; `kStatic` marks the web client's files (net/static_files.h).
  enum class Kind { kHttp, kEvents, kWebSocket, kStatic };

  void add(http::verb method, std::string_view pattern, Handler handler, Kind kind = Kind::kHttp);
  // A WebSocket endpoint: GET upgrade requests to `pattern` run `acceptor` (net/websocket.h).
  void websocket(std::string_view pattern, WsAcceptor acceptor);
  // A Server-Sent Events endpoint (net/event_stream.h).
  void events(http::verb method, std::string_view pattern, EventHandler handler);

  struct Match {
    const Handler* handler = nullptr;       // null when nothing matched, or for a WebSocket route
    const WsAcceptor* websocket = nullptr;  // set when a WebSocket route matched
    const EventHandler* events = nullptr;   // set when an event-stream route matched
    std::string route;                 // pattern of the matched route
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<http::verb> allowed;   // when the path matched but not the method (405)
  };
  [[nodiscard]] Match match(http::verb method, std::string_view path) const;

  // Every registered route, in registration order (`startales routes` prints them).
  struct RouteInfo {
    http::verb method;
    std::string pattern;
    Kind kind;
  };
  [[nodiscard]] std::vector<RouteInfo> routes() const;

 private:
  struct Route {
    http::verb method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" marks a parameter
    Handler handler;
    WsAcceptor acceptor;  // set for WebSocket routes (then handler is empty)
    EventHandler events;  // set for event-stream routes (then handler is empty)
    Kind kind = Kind::kHttp;
  };
  static bool matchSegments(const Route& route, const std::vector<std::string_view>& parts,
                            std::vector<std::pair<std::string, std::string>>* params);

  std::vector<Route> routes_;
};

// Splits "/a/b/c" into {"a","b","c"}; a trailing slash is ignored.
std::vector<std::string_view> splitPath(std::string_view path);

// "http", "events", "websocket", "static".
std::string_view kindName(Router::Kind kind);

}  // namespace startales::net
