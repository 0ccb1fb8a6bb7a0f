// Two `startales serve --redis` nodes on one PostgreSQL and one Redis, as a cluster shares
// sessions and rate limits (issue 15): a token from A works on B, a logout on B ends it on A
// (HTTP at once, an open /ws socket on A at its next session check), a login flood spread
// over A and B drains one bucket, and a Redis restart is survived as documented (503 with
// Retry-After during the outage, never access or a crash; sessions kept by the AOF).

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include "support/http_client.h"
#include "support/postgres_server.h"
#include "support/redis_server.h"
#include "support/server_process.h"
#include "support/ws_client.h"

namespace startales::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string creds(const std::string& user, const std::string& pass = "a long secret") {
  return json::serialize(json::object{{"username", user}, {"password", pass}});
}

class RedisClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto pg = PostgresServer::start();
    if (!pg) {
      pg_error_ = new std::string(pg.error().message);
      return;
    }
    pg_ = pg->release();
  }
  static void TearDownTestSuite() {
    delete pg_;
    pg_ = nullptr;
    delete pg_error_;
    pg_error_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(pg_, nullptr) << *pg_error_;
    auto redis = RedisServer::start();
    ASSERT_TRUE(redis) << redis.error().message;
    redis_ = std::move(*redis);
  }

  // A node; `extra` adds flags. Started one after the other (each migrates the database).
  std::unique_ptr<ServerProcess> node(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--db",           pg_->url(),
                                     "--redis",        redis_->url(),
                                     "--session-check-s", "1",
                                     "--trust-proxy",  "true",
                                     "--password-mem-kib", "1024",
                                     "--password-ops", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto p = std::make_unique<ServerProcess>(args);
    EXPECT_TRUE(p->waitReady()) << p->log();
    return p;
  }

  std::string loginOn(uint16_t port, const std::string& user) {
    HttpClient http(port);
    auto reg = http.postJson("/api/auth/register", creds(user));
    EXPECT_TRUE(reg.status == 201 || reg.status == 409) << reg.body;
    auto login = http.postJson("/api/auth/login", creds(user));
    EXPECT_EQ(login.status, 200) << login.body;
    auto j = login.json();
    if (!j.is_object()) return "";
    return std::string(j.at("token").as_string());
  }

  static PostgresServer* pg_;
  static std::string* pg_error_;
  std::unique_ptr<RedisServer> redis_;
};

PostgresServer* RedisClusterTest::pg_ = nullptr;
std::string* RedisClusterTest::pg_error_ = nullptr;

void expectUnavailable(const HttpResult& r) {
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_FALSE(r.header("retry-after").empty()) << r.body;
  auto j = r.json();
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_EQ(j.at("error").at("code").as_string(), "kv_unavailable") << r.body;
  EXPECT_EQ(j.at("error").at("message").as_string(),
            "Sign-in and rate checks are unavailable for a moment; try again in a few seconds.");
}

TEST_F(RedisClusterTest, ATokenFromOneNodeWorksOnTheOtherAndALogoutThereEndsItHereToo) {
  auto a = node();
  auto b = node();
  const std::string token = loginOn(a->port(), "alice");
  ASSERT_FALSE(token.empty());
  HttpClient on_a(a->port()), on_b(b->port());
  auto me = on_b.get("/api/me", token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json().at("user").at("username").as_string(), "alice");

  WsClient::Options o;
  o.headers = {{"Authorization", "Bearer " + token}};
  WsClient socket(a->port(), o);
  ASSERT_TRUE(socket.connected()) << socket.error();
  auto welcome = socket.receive();
  ASSERT_TRUE(welcome);
  EXPECT_NE(welcome->data.find("welcome"), std::string::npos);

  auto out = on_b.postJson("/api/auth/logout", "", token);
  ASSERT_EQ(out.status, 204) << out.body;
  const auto logged_out = std::chrono::steady_clock::now();
  EXPECT_EQ(on_a.get("/api/me", token).status, 401);  // HTTP on A: at once
  // The socket on A: at A's next session check (--session-check-s 1).
  ASSERT_TRUE(socket.waitClose(seconds(5)));
  const auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() -
                                                              logged_out);
  EXPECT_EQ(socket.closeCode(), 4003);
  EXPECT_EQ(socket.closeReason(), "session ended: logged out");
  std::printf("socket on A closed %lld ms after the logout on B\n",
              static_cast<long long>(took.count()));
  // And a new socket with the dead token is refused on either node.
  WsClient again(b->port(), o);
  EXPECT_FALSE(again.connected());
  EXPECT_EQ(again.response().status, 401);
}

TEST_F(RedisClusterTest, ALoginFloodSpreadOverBothNodesDrainsOneBucket) {
  const std::vector<std::string> strict = {"--auth-rate-address-burst", "6",
                                           "--auth-rate-address-per-min", "1"};
  auto a = node(strict);
  auto b = node(strict);
  HttpClient on_a(a->port()), on_b(b->port());
  int answered = 0, limited = 0;
  for (int i = 0; i < 20; ++i) {
    auto r = (i % 2 == 0 ? on_a : on_b)
                 .request("POST", "/api/auth/login", creds("nobody_" + std::to_string(i)),
                          {{"Content-Type", "application/json"}, {"X-Forwarded-For", "10.7.7.7"}});
    if (r.status == 429) {
      ++limited;
      EXPECT_FALSE(r.header("retry-after").empty());
    } else {
      EXPECT_EQ(r.status, 401) << r.body;  // wrong credentials, but it got through
      ++answered;
    }
  }
  EXPECT_EQ(answered, 6);  // not 6 per node
  EXPECT_EQ(limited, 14);
  // Another address has its own bucket, on both nodes.
  auto other = on_b.request("POST", "/api/auth/login", creds("nobody"),
                            {{"Content-Type", "application/json"}, {"X-Forwarded-For", "10.8.8.8"}});
  EXPECT_EQ(other.status, 401) << other.body;
}

TEST_F(RedisClusterTest, ARedisRestartIsA503NeverAccessAndSessionsSurviveIt) {
  auto a = node();
  auto b = node();
  const std::string token = loginOn(a->port(), "carol");
  ASSERT_FALSE(token.empty());
  HttpClient on_a(a->port()), on_b(b->port());
  ASSERT_EQ(on_b.get("/api/ready").status, 200);

  redis_->stop();
  expectUnavailable(on_a.get("/api/me", token));
  expectUnavailable(on_b.get("/api/me", token));
  expectUnavailable(on_b.get("/api/me", "a-token-nobody-ever-issued"));  // not 401 nor 200
  expectUnavailable(on_a.postJson("/api/auth/login", creds("carol")));
  auto ready = on_b.get("/api/ready");
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("Redis is unreachable."), std::string::npos) << ready.body;
  WsClient::Options o;
  o.headers = {{"Authorization", "Bearer " + token}};
  WsClient refused(a->port(), o);
  EXPECT_FALSE(refused.connected());
  EXPECT_EQ(refused.response().status, 503);
  EXPECT_TRUE(a->running());
  EXPECT_TRUE(b->running());

  ASSERT_TRUE(redis_->restart());
  HttpResult back;
  for (int i = 0; i < 100; ++i) {  // the nodes reconnect on their next calls (backoff <= 2 s)
    back = on_b.get("/api/me", token);
    if (back.status == 200) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_EQ(back.status, 200) << back.body;  // the append-only file kept the session
  EXPECT_EQ(on_a.get("/api/me", token).status, 200);
  EXPECT_EQ(on_a.get("/api/ready").status, 200);

  redis_->kill();  // a crash this time: fsync-always AOF keeps it too
  ASSERT_TRUE(redis_->restart());
  for (int i = 0; i < 100; ++i) {
    back = on_a.get("/api/me", token);
    if (back.status == 200) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(back.status, 200) << back.body;

  HttpClient metrics(a->metricsPort());
  auto text = metrics.get("/metrics").body;
  EXPECT_NE(text.find("kv_reconnects_total"), std::string::npos);
  EXPECT_EQ(text.find("kv_reconnects_total 0"), std::string::npos) << "no reconnect counted";
  EXPECT_NE(text.find("kv_requests_total{op=\"get\",outcome=\"unavailable\"}"), std::string::npos);
  EXPECT_NE(text.find("kv_request_seconds_bucket{op=\"take\""), std::string::npos);
}

}  // namespace
}  // namespace startales::testing
