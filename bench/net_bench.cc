// Micro-benchmarks of the per-request work that is ours (routing, error shaping).
// The whole-server load run is bench/http_load.sh (wrk).

#include <benchmark/benchmark.h>

#include "net/http.h"
#include "net/router.h"

namespace startales::net {
namespace {

Router makeRouter() {
  Router router;
  auto noop = [](Request&) -> boost::asio::awaitable<Response> { co_return Response{}; };
  for (const char* p : {"/api/health", "/api/ready", "/metrics", "/api/auth/register",
                        "/api/auth/login", "/api/auth/logout", "/api/auth/refresh", "/api/me",
                        "/api/campaigns", "/api/campaigns/{id}", "/api/campaigns/{id}/join",
                        "/api/campaigns/{id}/commands", "/api/campaigns/{id}/state"}) {
    router.add(http::verb::get, p, noop);
  }
  return router;
}

void BM_RouteMatchParam(benchmark::State& state) {
  Router router = makeRouter();
  for (auto _ : state) {
    auto m = router.match(http::verb::get, "/api/campaigns/12345/commands");
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_RouteMatchParam);

void BM_ErrorResponse(benchmark::State& state) {
  for (auto _ : state) {
    auto res = errorResponse(http::status::not_found, "not_found", "There is no route GET /x.");
    benchmark::DoNotOptimize(res);
  }
}
BENCHMARK(BM_ErrorResponse);

}  // namespace
}  // namespace startales::net
