// Drives the real startales binary on a real port.

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <thread>

#include "support/http_client.h"
#include "support/postgres_server.h"
#include "support/server_process.h"

namespace startales::testing {
namespace {

using namespace std::chrono_literals;

// Cheap argon2id so the suite stays fast; the defaults are exercised by the account tests.
const std::vector<std::string> kFastHashing = {"--password-mem-kib", "1024", "--password-ops",
                                               "1"};

std::vector<std::string> withFastHashing(std::vector<std::string> extra) {
  extra.insert(extra.end(), kFastHashing.begin(), kFastHashing.end());
  return extra;
}

std::string credentials(const std::string& user, const std::string& pass) {
  return boost::json::serialize(boost::json::object{{"username", user}, {"password", pass}});
}

void expectErrorShape(const HttpResult& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  // Every answer, refusals before routing (413, 431) included (net/security_headers.h).
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << status;
  EXPECT_EQ(r.header("referrer-policy"), "no-referrer") << status;
  EXPECT_EQ(r.header("content-security-policy"), "default-src 'none'; frame-ancestors 'none'")
      << status;
  auto json = r.json();
  ASSERT_TRUE(json.is_object()) << r.body;
  auto* error = json.as_object().if_contains("error");
  ASSERT_TRUE(error != nullptr && error->is_object()) << r.body;
  EXPECT_EQ(error->as_object().at("code").as_string(), code) << r.body;
  auto message = error->as_object().at("message").as_string();
  EXPECT_GT(message.size(), 10u) << "the message should be a sentence: " << r.body;
}

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess(withFastHashing({"--header-timeout-ms", "800",
                                                 "--max-body-bytes", "4096",
                                                 "--cors-origins", "http://game.example",
                                                 "--auth-rate-address-burst", "1000"}));
    ASSERT_TRUE(server_->waitReady()) << server_->log();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static uint16_t port() { return server_->port(); }
  static ServerProcess* server_;
};
ServerProcess* ServerTest::server_ = nullptr;

TEST_F(ServerTest, HealthIsJson) {
  HttpClient client(port());
  auto r = client.get("/api/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.json().at("status").as_string(), "ok");
  EXPECT_FALSE(r.header("x-request-id").empty());
}

TEST_F(ServerTest, ReadyChecksTheDatabase) {
  HttpClient client(port());
  auto r = client.get("/api/ready");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("checks").at("database").as_string(), "sqlite");
}

TEST_F(ServerTest, RequestIdIsEchoedWhenValid) {
  HttpClient client(port());
  auto r = client.request("GET", "/api/health", "", {{"X-Request-Id", "abc-123"}});
  EXPECT_EQ(r.header("x-request-id"), "abc-123");
  auto bad = client.request("GET", "/api/health", "", {{"X-Request-Id", "has spaces\tand tabs"}});
  EXPECT_NE(bad.header("x-request-id"), "has spaces\tand tabs");
  EXPECT_EQ(bad.header("x-request-id").size(), 16u);
}

TEST_F(ServerTest, RegisterLoginMeLogout) {
  HttpClient client(port());
  auto reg = client.postJson("/api/auth/register", credentials("Captain_Vega", "correct horse 1"));
  ASSERT_EQ(reg.status, 201) << reg.body;
  EXPECT_EQ(reg.json().at("user").at("username").as_string(), "Captain_Vega");

  auto again = client.postJson("/api/auth/register", credentials("captain_vega", "another pass 2"));
  expectErrorShape(again, 409, "username_taken");

  auto login = client.postJson("/api/auth/login", credentials("Captain_Vega", "correct horse 1"));
  ASSERT_EQ(login.status, 200) << login.body;
  std::string token(login.json().at("token").as_string());
  EXPECT_EQ(token.size(), 43u);  // 256 bits, base64url
  EXPECT_FALSE(login.json().at("expires_at").as_string().empty());

  auto me = client.get("/api/me", token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json().at("user").at("username").as_string(), "Captain_Vega");

  auto refreshed = client.request("POST", "/api/auth/refresh", "",
                                  {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  std::string token2(refreshed.json().at("token").as_string());
  EXPECT_NE(token2, token);
  expectErrorShape(client.get("/api/me", token), 401, "unauthorized");  // rotated out
  EXPECT_EQ(client.get("/api/me", token2).status, 200);

  auto logout = client.request("POST", "/api/auth/logout", "",
                               {{"Authorization", "Bearer " + token2}});
  EXPECT_EQ(logout.status, 204) << logout.body;
  auto after = client.get("/api/me", token2);
  expectErrorShape(after, 401, "unauthorized");
  EXPECT_EQ(after.header("www-authenticate"), "Bearer");
}

TEST_F(ServerTest, FailedLoginDoesNotSayWhichPartWasWrong) {
  HttpClient client(port());
  ASSERT_EQ(client.postJson("/api/auth/register", credentials("nova_one", "starlight 42")).status,
            201);
  auto wrong_pass = client.postJson("/api/auth/login", credentials("nova_one", "wrong password"));
  auto no_user = client.postJson("/api/auth/login", credentials("nobody_here", "wrong password"));
  expectErrorShape(wrong_pass, 401, "invalid_credentials");
  expectErrorShape(no_user, 401, "invalid_credentials");
  EXPECT_EQ(wrong_pass.json().at("error").at("message"), no_user.json().at("error").at("message"));
}

TEST_F(ServerTest, RegistrationValidatesInput) {
  HttpClient client(port());
  expectErrorShape(client.postJson("/api/auth/register", credentials("ab", "long enough pw")), 400,
                   "invalid_username");
  expectErrorShape(client.postJson("/api/auth/register", credentials("bad name!", "long enough")),
                   400, "invalid_username");
  expectErrorShape(client.postJson("/api/auth/register", credentials("okname", "short")), 400,
                   "weak_password");
  expectErrorShape(client.postJson("/api/auth/register", R"({"username": 5, "password": "x"})"),
                   400, "invalid_field");
}

TEST_F(ServerTest, MalformedJsonIs400) {
  HttpClient client(port());
  expectErrorShape(client.postJson("/api/auth/login", R"({"username": "a", )"), 400,
                   "invalid_json");
  expectErrorShape(client.postJson("/api/auth/login", "[1, 2, 3]"), 400, "invalid_body");
}

TEST_F(ServerTest, OversizedBodyIs413) {
  HttpClient client(port());
  std::string big(8192, 'x');
  expectErrorShape(client.postJson("/api/auth/register", big), 413, "body_too_large");
  // The server still answers on a new connection.
  EXPECT_EQ(client.get("/api/health").status, 200);
}

TEST_F(ServerTest, UnknownRouteIs404AndWrongMethodIs405) {
  HttpClient client(port());
  expectErrorShape(client.get("/api/no/such/thing"), 404, "not_found");
  auto r = client.request("DELETE", "/api/health");
  expectErrorShape(r, 405, "method_not_allowed");
  EXPECT_EQ(r.header("allow"), "GET");
}

TEST_F(ServerTest, CorsForConfiguredOriginsOnly) {
  HttpClient client(port());
  auto allowed = client.request("GET", "/api/health", "", {{"Origin", "http://game.example"}});
  EXPECT_EQ(allowed.header("access-control-allow-origin"), "http://game.example");
  auto other = client.request("GET", "/api/health", "", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(other.header("access-control-allow-origin"), "");
  auto preflight = client.request("OPTIONS", "/api/auth/login", "",
                                  {{"Origin", "http://game.example"},
                                   {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_NE(preflight.header("access-control-allow-methods").find("POST"), std::string::npos);
}

TEST_F(ServerTest, BurstOfWrongLoginsIsRateLimited) {
  HttpClient client(port());
  ASSERT_EQ(client.postJson("/api/auth/register", credentials("target_acct", "real password 1"))
                .status,
            201);
  int limited_at = -1;
  HttpResult last;
  for (int i = 0; i < 10; ++i) {
    last = client.postJson("/api/auth/login", credentials("target_acct", "guess number " +
                                                                             std::to_string(i)));
    if (last.status == 429) {
      limited_at = i;
      break;
    }
    EXPECT_EQ(last.status, 401);
  }
  ASSERT_GE(limited_at, 1) << "no 429 within 10 wrong logins";
  expectErrorShape(last, 429, "rate_limited");
  EXPECT_GE(std::stoi(last.header("retry-after")), 1);
  // Everyone else is still served.
  EXPECT_EQ(client.get("/api/health").status, 200);
}

TEST_F(ServerTest, MetricsExposeRequestsByRouteAndStatus) {
  HttpClient client(port());
  client.get("/api/health");
  // Not on the main port (no --metrics-token here): only on the metrics listener.
  expectErrorShape(client.get("/metrics"), 404, "not_found");
  HttpClient scraper(server_->metricsPort());
  auto r = scraper.get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("http_requests_total{"), std::string::npos);
  EXPECT_NE(r.body.find("route=\"/api/health\""), std::string::npos);
  EXPECT_NE(r.body.find("http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(r.body.find("process_resident_memory_bytes"), std::string::npos);
  EXPECT_NE(r.body.find("process_cpu_seconds_total"), std::string::npos);
  EXPECT_NE(r.body.find("worker_pool_rejected_total 0"), std::string::npos);
  EXPECT_NE(r.body.find("log_lines_dropped_total"), std::string::npos);
}

TEST_F(ServerTest, TricklingHeadersAreCutOffWhileOthersAreServed) {
  RawConnection slow(port());
  ASSERT_TRUE(slow.send("GET /api/health HTTP/1.1\r\nHost: x\r\n"));
  auto start = std::chrono::steady_clock::now();
  // Keep trickling one header byte at a time; the header timeout (800 ms) counts from the
  // first byte, so trickling does not keep the connection alive.
  HttpClient other(port());
  bool closed = false;
  for (int i = 0; i < 40 && !closed; ++i) {
    slow.send("X");
    EXPECT_EQ(other.get("/api/health").status, 200);
    slow.readUntilClose(100ms, closed);
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(closed) << "the trickling connection was not closed";
  EXPECT_LT(elapsed, 3s);
  EXPECT_EQ(other.get("/api/health").status, 200);
}

TEST_F(ServerTest, OversizedHeadersAre431) {
  HttpClient client(port());
  auto r = client.request("GET", "/api/health", "", {{"X-Filler", std::string(20000, 'a')}});
  expectErrorShape(r, 431, "headers_too_large");
  EXPECT_EQ(client.get("/api/health").status, 200);
}

TEST_F(ServerTest, GarbageIsABadRequest) {
  RawConnection raw(port());
  ASSERT_TRUE(raw.send("THIS IS NOT HTTP\r\n\r\n"));
  bool closed = false;
  std::string reply = raw.readUntilClose(2s, closed);
  EXPECT_NE(reply.find("400"), std::string::npos) << reply;
  EXPECT_TRUE(closed);
}

TEST(ServerRateLimitTest, AuthRoutesAreLimitedPerClientAddress) {
  ServerProcess server(withFastHashing({"--auth-rate-address-burst", "3"}));
  ASSERT_TRUE(server.waitReady()) << server.log();
  HttpClient client(server.port());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(client.postJson("/api/auth/register",
                              credentials("pilot" + std::to_string(i), "long password"))
                  .status,
              201);
  }
  auto limited = client.postJson("/api/auth/register", credentials("pilot9", "long password"));
  expectErrorShape(limited, 429, "rate_limited");
  EXPECT_FALSE(limited.header("retry-after").empty());
}

// The same binary on a real PostgreSQL; readiness follows the database.
TEST(ServerPostgresTest, AccountsWorkOnPostgresAndReadinessFollowsTheDatabase) {
  auto pg = PostgresServer::start();
  ASSERT_TRUE(pg.ok()) << pg.error().message;
  ServerProcess server(withFastHashing({"--db", (*pg)->url(), "--db-pool-size", "2"}));
  ASSERT_TRUE(server.waitReady()) << server.log();
  HttpClient client(server.port());
  auto ready = client.get("/api/ready");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json().at("checks").at("database").as_string(), "postgres");
  ASSERT_EQ(client.postJson("/api/auth/register", credentials("pg_pilot", "elephant memory"))
                .status,
            201);
  auto login = client.postJson("/api/auth/login", credentials("pg_pilot", "elephant memory"));
  ASSERT_EQ(login.status, 200) << login.body;
  std::string token(login.json().at("token").as_string());
  EXPECT_EQ(client.get("/api/me", token).status, 200);

  pg->reset();  // stop PostgreSQL under the running server
  auto not_ready = client.get("/api/ready");
  expectErrorShape(not_ready, 503, "not_ready");
  EXPECT_FALSE(not_ready.header("retry-after").empty());
  // A generic reason for the client; the driver's own words (hosts, ports, users) go to the log.
  EXPECT_EQ(not_ready.json().at("error").at("message").as_string(), "The database is unreachable.");
  EXPECT_TRUE(server.waitForLine(R"("msg":"not ready","dependency":"database")", 5s))
      << server.log();
  EXPECT_EQ(client.get("/api/health").status, 200);
  // A request that needs the database fails with a clear 503, not a hang or a crash.
  auto me = client.get("/api/me", token);
  expectErrorShape(me, 503, "db_unavailable");
}

// A separate process: SIGTERM while a request is in flight.
TEST(ServerShutdownTest, SigtermLetsTheInFlightRequestFinishThenExitsZero) {
  ServerProcess server(withFastHashing({}));
  ASSERT_TRUE(server.waitReady()) << server.log();
  std::string body = credentials("late_arrival", "patient password");
  RawConnection raw(server.port());
  // Headers and half the body now; the rest after SIGTERM.
  ASSERT_TRUE(raw.send("POST /api/auth/register HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/json\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10)));
  std::this_thread::sleep_for(200ms);
  HttpClient idle(server.port());
  ASSERT_EQ(idle.get("/api/health").status, 200);  // an idle keep-alive connection too
  server.signal(SIGTERM);
  ASSERT_TRUE(server.waitForLine("shutting down", 5s)) << server.log();
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(server.running()) << "exited before the in-flight request finished";
  ASSERT_TRUE(raw.send(body.substr(10)));
  bool closed = false;
  std::string reply = raw.readUntilClose(5s, closed);
  EXPECT_NE(reply.find("HTTP/1.1 201"), std::string::npos) << reply;
  EXPECT_NE(reply.find("Connection: close"), std::string::npos) << reply;
  EXPECT_EQ(server.waitExit(10s), 0) << server.log();
}

}  // namespace
}  // namespace startales::testing
