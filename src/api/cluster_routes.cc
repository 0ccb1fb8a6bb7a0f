#include "api/cluster_routes.h"

#include <boost/json.hpp>
#include <map>

#include "account/crypto.h"
#include "common/log.h"

namespace startales::api {

namespace asio = boost::asio;
namespace http = net::http;
namespace json = boost::json;
using net::Request;
using net::Response;

namespace {

struct ClusterView {
  std::vector<cluster::NodeInfo> nodes;
  std::vector<cluster::LeaseGrant> leases;
  int64_t now_ms = 0;
};

json::object render(const ClusterView& v) {
  std::map<std::string, json::array> owns;
  for (const auto& g : v.leases) {
    if (g.expires_at_ms > v.now_ms) owns[g.holder].push_back(g.campaign);
  }
  json::array nodes;
  for (const auto& n : v.nodes) {
    json::object o{{"name", n.name},
                   {"address", n.address},
                   {"live", n.live},
                   {"draining", n.draining},
                   {"campaigns", n.campaigns},
                   {"players", n.players},
                   {"heartbeat_age_ms", v.now_ms - n.heartbeat_at_ms},
                   {"started_at_ms", n.started_at_ms}};
    auto it = owns.find(n.name);
    o["owns"] = it == owns.end() ? json::array() : it->second;
    nodes.push_back(std::move(o));
  }
  return json::object{{"nodes", std::move(nodes)}, {"now_ms", v.now_ms}};
}

}  // namespace

void addClusterRoutes(net::Router& router, const ClusterDeps& deps) {
  // Only the token's hash is kept; comparing hashes leaks nothing about the token.
  const std::string token_hash =
      deps.operator_token.empty() ? "" : account::tokenHash(deps.operator_token);
  router.add(http::verb::get, "/api/cluster",
             [deps, token_hash](Request& req) -> asio::awaitable<Response> {
               if (token_hash.empty()) {
                 co_return net::errorResponse(
                     http::status::forbidden, "forbidden",
                     "GET /api/cluster is for operators: start the node with "
                     "STARTALES_OPERATOR_TOKEN set and send it as a Bearer token.");
               }
               if (account::tokenHash(req.bearerToken()) != token_hash) {
                 Response res = net::errorResponse(
                     http::status::unauthorized, "unauthorized",
                     "GET /api/cluster needs \"Authorization: Bearer <operator token>\".");
                 res.set(http::field::www_authenticate, "Bearer");
                 co_return res;
               }
               ClusterView view;
               auto read = [&]() -> Result<void> {
                 auto nodes = deps.registry.nodes(deps.live_window_ms);
                 if (!nodes) return nodes.error();
                 auto leases = deps.lease.all();
                 if (!leases) return leases.error();
                 auto now = deps.lease.now();
                 if (!now) return now.error();
                 view = ClusterView{std::move(*nodes), std::move(*leases), *now};
                 return {};
               };
               auto op = deps.workers.run(read);
               auto done = co_await std::move(op);
               if (!done) {
                 logging::warn("cluster view failed", {{"error", done.error().message}});
                 Response res = net::errorResponse(http::status::service_unavailable,
                                                   "db_unavailable",
                                                   "The cluster's database cannot be read now.");
                 res.set(http::field::retry_after, "5");
                 co_return res;
               }
               co_return net::jsonResponse(http::status::ok, render(view));
             });
}

}  // namespace startales::api
