// The web client's static files: path safety, Content-Type, ETag/304, cache headers, the
// index.html fallback for client routes, and routing next to API routes on a real Server.

#include "net/static_files.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "metrics/metrics.h"
#include "net/http_metrics.h"
#include "net/router.h"
#include "net/server.h"
#include "support/http_client.h"

namespace startales::net {
namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;

constexpr const char* kIndex = "<!doctype html><title>StarTales</title>";
constexpr const char* kScript = "console.log('app');";
constexpr const char* kSecret = "the secret outside the web root";

// A temporary tree: <tmp>/secret.txt beside <tmp>/dist/{index.html, assets/app-4KX2B7QZ.js,
// favicon.svg, .env}.
class WebDir {
 public:
  WebDir() {
    std::random_device rd;
    base_ = fs::temp_directory_path() / ("startales_static_" + std::to_string(rd()));
    fs::create_directories(base_ / "dist" / "assets");
    write(base_ / "secret.txt", kSecret);
    write(base_ / "dist" / "index.html", kIndex);
    write(base_ / "dist" / "assets" / "app-4KX2B7QZ.js", kScript);
    write(base_ / "dist" / "favicon.svg", "<svg/>");
    write(base_ / "dist" / ".env", "TOKEN=hidden");
  }
  ~WebDir() {
    std::error_code ec;
    fs::remove_all(base_, ec);
  }
  std::string root() const { return (base_ / "dist").string(); }

 private:
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  fs::path base_;
};

Request get(const std::string& path, const std::string& if_none_match = "") {
  Request req;
  req.http.method(http::verb::get);
  req.http.target(path);
  req.path = path;
  if (!if_none_match.empty()) req.http.set(http::field::if_none_match, if_none_match);
  return req;
}

TEST(StaticFilesTest, SafePathsRefuseEverythingThatCouldLeaveTheRoot) {
  EXPECT_EQ(safeStaticPath("/assets/app.js"), "/assets/app.js");
  EXPECT_EQ(safeStaticPath("/a%20b.txt"), "/a b.txt");
  EXPECT_EQ(safeStaticPath("/../secret.txt"), std::nullopt);
  EXPECT_EQ(safeStaticPath("/assets/../../secret.txt"), std::nullopt);
  EXPECT_EQ(safeStaticPath("/%2e%2e/secret.txt"), std::nullopt);
  EXPECT_EQ(safeStaticPath("/%2E%2E%2fsecret.txt"), std::nullopt);  // decodes to "/../secret.txt"
  EXPECT_EQ(safeStaticPath("/./index.html"), std::nullopt);
  EXPECT_EQ(safeStaticPath("/.env"), std::nullopt);
  EXPECT_EQ(safeStaticPath("/..%5csecret.txt"), std::nullopt);
  EXPECT_EQ(safeStaticPath("/a%00.js"), std::nullopt);
  EXPECT_EQ(safeStaticPath("/bad%2"), std::nullopt);
  EXPECT_EQ(safeStaticPath("/bad%zz"), std::nullopt);
  EXPECT_EQ(safeStaticPath("relative.js"), std::nullopt);
}

TEST(StaticFilesTest, ContentTypesAndHashedNames) {
  EXPECT_EQ(contentTypeFor("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(contentTypeFor("/assets/app-4KX2B7QZ.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(contentTypeFor("/assets/app-4KX2B7QZ.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(contentTypeFor("/favicon.svg"), "image/svg+xml");
  EXPECT_EQ(contentTypeFor("/blob"), "application/octet-stream");
  EXPECT_EQ(contentTypeFor("/dir.d/blob"), "application/octet-stream");
  EXPECT_TRUE(isContentHashed("/assets/app-4KX2B7QZ.js"));
  EXPECT_TRUE(isContentHashed("/assets/main-ABCDEFGH.css"));
  EXPECT_FALSE(isContentHashed("/index.html"));
  EXPECT_FALSE(isContentHashed("/assets/app-4KX2.js"));  // too short to be a hash
  EXPECT_FALSE(isContentHashed("/assets/app-4KX2B7Q!.js"));
}

TEST(StaticFilesTest, LoadFailsClearlyForAMissingDirectory) {
  auto missing = StaticFiles::load("/nonexistent/startales/web/dist");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "web_dir");
  EXPECT_NE(missing.error().message.find("/nonexistent/startales/web/dist"), std::string::npos);
}

TEST(StaticFilesTest, LoadRefusesADirectoryOverTheSizeLimit) {
  WebDir dir;
  auto big = StaticFiles::load(dir.root(), 10);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, "web_dir");
}

TEST(StaticFilesTest, ServesFilesWithTypeEtagAndCacheHeaders) {
  WebDir dir;
  auto files = StaticFiles::load(dir.root());
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ((*files)->fileCount(), 3u);  // .env is hidden, never loaded

  auto script = (*files)->serve(get("/assets/app-4KX2B7QZ.js"));
  EXPECT_EQ(script.result(), http::status::ok);
  EXPECT_EQ(script.body(), kScript);
  EXPECT_EQ(script[http::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(script[http::field::cache_control], "public, max-age=31536000, immutable");
  EXPECT_EQ(script["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(script[http::field::content_length], std::to_string(std::string(kScript).size()));
  const std::string etag(script[http::field::etag]);
  ASSERT_EQ(etag.size(), 18u);
  EXPECT_EQ(etag.front(), '"');

  auto index = (*files)->serve(get("/"));
  EXPECT_EQ(index.result(), http::status::ok);
  EXPECT_EQ(index.body(), kIndex);
  EXPECT_EQ(index[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(index[http::field::cache_control], "no-cache");
  EXPECT_NE(index[http::field::etag], etag);
  EXPECT_EQ((*files)->serve(get("/favicon.svg"))[http::field::cache_control], "no-cache");
}

TEST(StaticFilesTest, IfNoneMatchAnswers304WithNoBody) {
  WebDir dir;
  auto files = StaticFiles::load(dir.root());
  ASSERT_TRUE(files);
  const std::string etag((*files)->serve(get("/index.html"))[http::field::etag]);

  for (const std::string& header : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    auto again = (*files)->serve(get("/index.html", header));
    EXPECT_EQ(again.result(), http::status::not_modified) << header;
    EXPECT_TRUE(again.body().empty());
    EXPECT_EQ(again[http::field::etag], etag);
    EXPECT_EQ(again[http::field::cache_control], "no-cache");
  }
  auto stale = (*files)->serve(get("/index.html", "\"0000000000000000\""));
  EXPECT_EQ(stale.result(), http::status::ok);
  EXPECT_EQ(stale.body(), kIndex);
}

TEST(StaticFilesTest, ClientRoutesFallBackToIndexButApiAndAssetsDoNot) {
  WebDir dir;
  auto files = StaticFiles::load(dir.root());
  ASSERT_TRUE(files);
  for (const char* route : {"/lobby", "/play/3", "/play/3/map", "/unknown/page"}) {
    auto page = (*files)->serve(get(route));
    EXPECT_EQ(page.result(), http::status::ok) << route;
    EXPECT_EQ(page.body(), kIndex) << route;
    EXPECT_EQ(page[http::field::cache_control], "no-cache") << route;
  }
  for (const char* path : {"/api/nothing", "/api", "/ws/x", "/metrics/x", "/assets/gone-12345678.js",
                           "/../secret.txt", "/%2e%2e/secret.txt", "/.env"}) {
    auto missing = (*files)->serve(get(path));
    EXPECT_EQ(missing.result(), http::status::not_found) << path;
    EXPECT_EQ(missing[http::field::content_type], "application/json") << path;
    EXPECT_EQ(missing.body().find(kSecret), std::string::npos);
    EXPECT_EQ(missing.body().find("TOKEN"), std::string::npos);
  }
}

// A real server: the API route keeps its 404/405 answers, the client routes and files are
// served, and traversal over the wire is refused.
TEST(StaticFilesTest, RoutedNextToApiRoutesOnARealServer) {
  WebDir dir;
  auto files = StaticFiles::load(dir.root());
  ASSERT_TRUE(files);
  metrics::Metrics metrics;
  HttpMetrics http_metrics(metrics.registry());
  Router router;
  router.add(http::verb::get, "/api/health", [](Request&) -> asio::awaitable<Response> {
    co_return jsonResponse(http::status::ok, {{"status", "ok"}});
  });
  addStaticRoutes(router, std::shared_ptr<const StaticFiles>(std::move(*files)));
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  ServerConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.access_log = false;
  auto server = Server::create(io, config, router, http_metrics);
  ASSERT_TRUE(server);
  (*server)->start();
  std::thread runner([&] { io.run(); });

  testing::HttpClient client((*server)->port());
  auto index = client.get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, kIndex);
  auto script = client.get("/assets/app-4KX2B7QZ.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.header("cache-control"), "public, max-age=31536000, immutable");
  auto cached = client.request("GET", "/assets/app-4KX2B7QZ.js", "",
                               {{"If-None-Match", script.header("etag")}});
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
  EXPECT_EQ(client.get("/play/7/map").body, kIndex);
  EXPECT_EQ(client.get("/api/health").json().at("status").as_string(), "ok");

  auto unknown_api = client.get("/api/no/such/thing");
  EXPECT_EQ(unknown_api.status, 404);
  EXPECT_EQ(unknown_api.header("content-type"), "application/json");
  auto wrong_method = client.request("DELETE", "/api/health");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.header("allow"), "GET");
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt",
                           "/.env"}) {
    auto refused = client.get(path);
    EXPECT_EQ(refused.status, 404) << path;
    EXPECT_EQ(refused.body.find(kSecret), std::string::npos) << path;
    EXPECT_EQ(refused.body.find("TOKEN"), std::string::npos) << path;
  }

  work.reset();
  io.stop();
  runner.join();
}

}  // namespace
}  // namespace startales::net
