// The authorization matrix (issue 14) on the real binary: every route `startales routes` lists
// and every /ws message type × {anonymous, stranger, observer, player, other player, host} ×
// {public, private campaign}, with the table in authz_rows.cc. A listed route or message
// type without a row fails, and so does a row whose route is gone. A stranger's answer about a
// private campaign must be byte for byte the answer about a campaign id nobody created (the
// id itself aside), over REST and /ws. Every answer carries the security headers.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "integration/authz_matrix.h"
#include "support/game_client.h"
#include "support/http_client.h"
#include "support/run_binary.h"
#include "support/server_process.h"
#include "support/ws_client.h"

namespace startales::testing {
namespace {

namespace json = boost::json;
using namespace authz;
using std::chrono::milliseconds;

constexpr int64_t kNoSuchCampaign = 987654321;
const std::string kMetricsToken = "matrix-metrics-token-0123456789";

std::vector<std::string> serverArgs() {
  // The host creates a campaign per cell that changes the game: far more than a player would.
  return {"--metrics-token",      kMetricsToken, "--password-mem-kib", "1024",
          "--password-ops",       "1",           "--max-live-campaigns", "10000",
          "--campaigns-per-hour", "10000",       "--invite-rate-burst", "10000",
          "--invite-rate-per-min", "10000"};
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string where(const Row& row, Role role, bool priv) {
  return row.method + " " + row.pattern + (row.listener == "main" ? "" : " (metrics listener)") +
         " as " + kRoleNames[role] + (row.state == State::kNone ? "" : priv ? ", private" : ", public");
}

void expectSecurityHeaders(const HttpResult& r, const std::string& what) {
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << what;
  EXPECT_EQ(r.header("referrer-policy"), "no-referrer") << what;
  EXPECT_EQ(r.header("x-frame-options"), "DENY") << what;
  const bool html = r.header("content-type").starts_with("text/html");
  EXPECT_EQ(r.header("content-security-policy"), html ? kClientCsp : kApiCsp) << what;
}

// A campaign of the fixture's five users.
struct Campaign {
  int64_t id = 0;
  int64_t science = 0;   // the player's science advisor (0 until asked for)
  int64_t proposal = 0;  // a pending proposal made to the player (0: none yet)
};

class AuthzMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess(serverArgs(), kFastAuth);
    ASSERT_TRUE(server_->waitReady()) << server_->log();
    ASSERT_NE(server_->metricsPort(), 0) << server_->log();
    http_ = new HttpClient(server_->port());
    for (const char* name : {"host", "player", "other", "observer", "stranger"}) {
      users_[name] = signUp(*http_, std::string("mx_") + name);
    }
  }
  static void TearDownTestSuite() {
    delete http_;
    delete server_;
    http_ = nullptr;
    server_ = nullptr;
    shared_.clear();
  }
  void TearDown() override {
    if (HasFailure()) {
      auto lines = server_->lines();
      for (size_t i = lines.size() > 30 ? lines.size() - 30 : 0; i < lines.size(); ++i) {
        std::cerr << "server: " << lines[i] << "\n";
      }
    }
  }

  static const Player& user(Role role) {
    static const std::array<const char*, kRoleCount> names = {"", "stranger", "observer",
                                                              "player", "other", "host"};
    return users_.at(names[role]);
  }
  static std::string token(Role role) { return role == kAnonymous ? "" : user(role).token; }

  // A new campaign in `state` with the five roles in their seats.
  static Campaign makeCampaign(bool priv, State state) {
    auto c = post(*http_, "/api/campaigns",
                  std::string(R"({"name":"Matrix","systems":20,"ai_empires":0,"max_players":4,)") +
                      R"("tick_ms":60000,"visibility":")" + (priv ? "private" : "public") + "\"}",
                  user(kHost), 201);
    const int64_t id = c.at("id").as_int64();
    const std::string code =
        c.contains("invite_code") ? std::string(c.at("invite_code").as_string()) : "";
    const std::string path = "/api/campaigns/" + std::to_string(id);
    for (Role r : {kPlayer, kOther}) {
      post(*http_, path + "/join", R"({"invite_code":")" + code + "\"}", user(r));
      post(*http_, path + "/ready", "{}", user(r));
    }
    post(*http_, path + "/join", R"({"role":"observer","invite_code":")" + code + "\"}",
         user(kObserver));
    if (state == State::kRunning || state == State::kPaused) post(*http_, path + "/start", "", user(kHost));
    if (state == State::kPaused) post(*http_, path + "/pause", "", user(kHost));
    return Campaign{id, 0};
  }

  static Campaign& shared(bool priv, State state) {
    auto key = std::pair{priv, state};
    auto it = shared_.find(key);
    if (it == shared_.end()) it = shared_.emplace(key, makeCampaign(priv, state)).first;
    return it->second;
  }

  static int64_t science(Campaign& c) {
    if (c.science != 0) return c.science;
    auto r = http_->get("/api/campaigns/" + std::to_string(c.id) + "/characters", token(kPlayer));
    EXPECT_EQ(r.status, 200) << r.body;
    const auto cast = r.json();
    for (const auto& ch : cast.at("characters").as_array()) {
      if (ch.at("role").as_string() == "science") c.science = ch.at("id").as_int64();
    }
    EXPECT_NE(c.science, 0) << r.body;
    return c.science;
  }

  // A pending proposal made to the player: the science advisor, asked what to research,
  // proposes a technology. Talks are limited per player (20 a minute), so one is reused until
  // the player decides it.
  static int64_t propose(Campaign& c) {
    if (c.proposal != 0) return c.proposal;
    const std::string path = "/api/campaigns/" + std::to_string(c.id) + "/characters/" +
                             std::to_string(science(c)) + "/messages";
    auto r = http_->postJson(path, R"({"text":"What should we research?"})", token(kPlayer));
    EXPECT_EQ(r.status, 200) << r.body;
    const size_t done = r.body.find("event: done\ndata: ");
    if (done == std::string::npos) {
      ADD_FAILURE() << "no done event: " << r.body;
      return 0;
    }
    const size_t start = done + 18;
    auto data = json::parse(r.body.substr(start, r.body.find('\n', start) - start));
    const auto& proposals = data.at("proposals").as_array();
    if (proposals.empty()) {
      ADD_FAILURE() << "no proposal: " << r.body;
      return 0;
    }
    c.proposal = proposals[0].at("id").as_int64();
    return c.proposal;
  }

  static HttpResult send(const Row& row, const std::string& target, const std::string& bearer) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
    if (!row.body.empty()) headers.emplace_back("Content-Type", "application/json");
    if (row.listener == "metrics") {
      HttpClient metrics(server_->metricsPort());
      return metrics.request(row.method, target, row.body, headers);
    }
    HttpClient client(server_->port());  // one per request: some answers close the connection
    return client.request(row.method, target, row.body, headers);
  }

  static ServerProcess* server_;
  static HttpClient* http_;
  static std::map<std::string, Player> users_;
  static std::map<std::pair<bool, State>, Campaign> shared_;
};
ServerProcess* AuthzMatrixTest::server_ = nullptr;
HttpClient* AuthzMatrixTest::http_ = nullptr;
std::map<std::string, Player> AuthzMatrixTest::users_;
std::map<std::pair<bool, State>, Campaign> AuthzMatrixTest::shared_;

// `startales routes` with the server's options: the routes and /ws message types it serves.
struct Listing {
  std::set<std::tuple<std::string, std::string, std::string>> routes;  // method, pattern, listener
  std::vector<std::string> static_targets;
  bool websocket = false;
  std::vector<std::string> ws_messages;
};

Listing listRoutes() {
  Listing out;
  const std::string dir = makeTempDir("startales-routes-");
  std::string args = "routes --data-dir " + dir;
  for (const auto& a : serverArgs()) args += " " + a;
  auto run = runBinary(args);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(run.code, 0) << run.output;
  const size_t at = run.output.find("{\"routes\":");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no route list: " << run.output;
    return out;
  }
  auto listing = json::parse(run.output.substr(at, run.output.find('\n', at) - at)).as_object();
  for (const auto& r : listing.at("routes").as_array()) {
    const std::string kind(r.at("kind").as_string());
    std::string pattern(r.at("pattern").as_string());
    if (kind == "static") {
      out.static_targets.push_back(replaceAll(
          replaceAll(replaceAll(pattern, "{campaign}", "1"), "{screen}", "map"), "{item}", "2"));
    } else if (kind == "websocket") {
      out.websocket = true;
      EXPECT_EQ(pattern, "/ws");
    } else {
      out.routes.emplace(r.at("method").as_string(), pattern, r.at("listener").as_string());
    }
  }
  for (const auto& t : listing.at("ws_messages").as_array()) {
    out.ws_messages.emplace_back(t.as_string());
  }
  return out;
}

TEST_F(AuthzMatrixTest, EveryRouteAndWebSocketMessageHasARow) {
  const Listing listed = listRoutes();
  std::set<std::tuple<std::string, std::string, std::string>> rows;
  for (const auto& r : restRows()) {
    EXPECT_TRUE(rows.emplace(r.method, r.pattern, r.listener).second)
        << "two rows for " << r.method << " " << r.pattern;
  }
  for (const auto& [method, pattern, listener] : listed.routes) {
    EXPECT_TRUE(rows.contains({method, pattern, listener}))
        << method << " " << pattern << " (" << listener
        << ") has no row in tests/integration/authz_rows.cc";
  }
  for (const auto& [method, pattern, listener] : rows) {
    EXPECT_TRUE(listed.routes.contains({method, pattern, listener}))
        << "the row " << method << " " << pattern << " (" << listener << ") names no route";
  }
  EXPECT_TRUE(listed.websocket);
  std::set<std::string> ws;
  for (const auto& r : wsRows()) ws.insert(r.type);
  for (const auto& t : listed.ws_messages) {
    EXPECT_TRUE(ws.contains(t)) << "the /ws message " << t << " has no row";
  }
  EXPECT_EQ(ws.size(), listed.ws_messages.size()) << "a /ws row names no message type";
  EXPECT_FALSE(listed.static_targets.empty()) << "no web client: is web/dist built?";
}

TEST_F(AuthzMatrixTest, RestRoutes) {
  int unique = 0;
  for (const Row& row : restRows()) {
    for (const bool priv : {false, true}) {
      if (row.state == State::kNone && priv) continue;
      for (int r = 0; r < kRoleCount; ++r) {
        const Role role = static_cast<Role>(r);
        const std::string what = where(row, role, priv);
        const int expected = priv ? row.priv[role] : row.pub[role];
        const bool succeeds = expected >= 200 && expected < 300;
        // A fresh row's request changes the campaign when it succeeds: those cells get a new
        // one; a refused request must leave the shared one as it was.
        Campaign scratch;
        Campaign* c = nullptr;
        if (row.state != State::kNone) {
          if (row.fresh && succeeds) {
            scratch = makeCampaign(priv, row.state);
            c = &scratch;
          } else {
            c = &shared(priv, row.state);
          }
        }
        std::string bearer = token(role);
        if (row.own_session && role != kAnonymous) {
          auto login = http_->postJson("/api/auth/login", R"({"username":")" + user(role).name +
                                                              R"(","password":"a long secret"})");
          ASSERT_EQ(login.status, 200) << login.body;
          bearer = std::string(login.json().at("token").as_string());
        }
        std::string target = row.target.empty() ? row.pattern : row.target;
        target = replaceAll(target, "{n}", std::to_string(++unique));
        if (target.find("{cid}") != std::string::npos) {
          target = replaceAll(target, "{cid}", std::to_string(science(*c)));
        }
        if (row.proposal) target = replaceAll(target, "{pid}", std::to_string(propose(*c)));
        Row sent = row;
        sent.body = replaceAll(row.body, "{n}", std::to_string(unique));
        const std::string real = c ? replaceAll(target, "{id}", std::to_string(c->id)) : target;
        auto answer = send(sent, real, bearer);
        if (row.proposal && succeeds) c->proposal = 0;  // decided
        EXPECT_EQ(answer.status, expected) << what << ": " << answer.body;
        expectSecurityHeaders(answer, what);
        if (c && role == kStranger && priv) {
          auto nobody = send(sent, replaceAll(target, "{id}", std::to_string(kNoSuchCampaign)), bearer);
          EXPECT_EQ(answer.status, nobody.status) << what;
          EXPECT_EQ(answer.body, replaceAll(nobody.body, std::to_string(kNoSuchCampaign),
                                            std::to_string(c->id)))
              << what << ": a private campaign must answer a stranger as a missing one";
        }
        if (row.method == "GET" && row.pattern == "/api/campaigns" && answer.status == 200) {
          // The list shows a private campaign to its members only.
          const auto& priv_campaign = shared(true, State::kRunning);
          bool listed = false;
          const auto list = answer.json();
          for (const auto& e : list.at("campaigns").as_array()) {
            listed |= e.at("id").as_int64() == priv_campaign.id;
          }
          EXPECT_EQ(listed, role != kStranger) << what << ": " << answer.body;
        }
      }
    }
  }
}

TEST_F(AuthzMatrixTest, MetricsOnTheMainPortNeedTheMetricsToken) {
  HttpClient client(server_->port());
  auto scraped = client.request("GET", "/metrics", "", {{"Authorization", "Bearer " + kMetricsToken}});
  EXPECT_EQ(scraped.status, 200) << scraped.body;
  EXPECT_NE(scraped.body.find("http_requests_total"), std::string::npos);
  expectSecurityHeaders(scraped, "GET /metrics with the token");
  auto wrong = client.request("GET", "/metrics", "", {{"Authorization", "Bearer not-the-token"}});
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  EXPECT_EQ(wrong.header("www-authenticate"), "Bearer");
}

TEST_F(AuthzMatrixTest, StaticFilesAreForEveryoneUnderTheClientsPolicy) {
  const Listing listed = listRoutes();
  HttpClient client(server_->port());
  for (const auto& target : listed.static_targets) {
    auto r = client.get(target);
    EXPECT_EQ(r.status, 200) << target;
    expectSecurityHeaders(r, "GET " + target);
  }
  // A revalidated page keeps its policy: a 304 carries the client's too.
  auto page = client.get("/");
  auto again = client.request("GET", "/", "", {{"If-None-Match", page.header("etag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.header("content-security-policy"), kClientCsp);
}

// One /ws connection as `role` sending every row's message in order; the replies, as
// "type" / "error:code" outcomes and as their JSON (ping's time left out).
struct WsTranscript {
  std::vector<std::string> outcomes;
  std::vector<std::string> replies;
};

WsTranscript playWs(uint16_t port, const std::string& bearer, int64_t campaign, int64_t science) {
  WsTranscript out;
  WsClient ws(port, WsClient::Options{"/ws", {{"Authorization", "Bearer " + bearer}}});
  if (!ws.connected()) {
    ADD_FAILURE() << ws.error();
    return out;
  }
  auto welcome = ws.receive();
  EXPECT_TRUE(welcome.has_value());
  int64_t id = 100;
  static const std::set<std::string> kReplies = {"ack", "error", "joined", "pong", "left", "recap"};
  for (const auto& row : wsRows()) {
    auto msg = json::parse(replaceAll(replaceAll(row.message, "{id}", std::to_string(campaign)),
                                      "{cid}", std::to_string(science)))
                   .as_object();
    msg["id"] = ++id;
    EXPECT_TRUE(ws.sendText(json::serialize(msg)));
    std::string outcome = "(no reply)", reply;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      auto m = ws.receive(milliseconds(1000));
      if (!m) {
        if (ws.closed()) break;
        continue;
      }
      if (m->binary) continue;
      auto j = json::parse(m->data).as_object();
      if (!j.contains("id") || !j.at("id").is_int64() || j.at("id").as_int64() != id) continue;
      const std::string type(j.at("type").as_string());
      if (!kReplies.contains(type)) continue;
      outcome = type == "error" ? "error:" + std::string(j.at("code").as_string()) : type;
      j.erase("time");
      reply = json::serialize(j);
      break;
    }
    out.outcomes.push_back(outcome);
    out.replies.push_back(reply);
  }
  ws.close();
  return out;
}

TEST_F(AuthzMatrixTest, WebSocketMessages) {
  WsClient anonymous(server_->port());
  EXPECT_FALSE(anonymous.connected());
  EXPECT_EQ(anonymous.response().status, 401) << anonymous.response().body;
  expectSecurityHeaders(anonymous.response(), "GET /ws as anonymous");

  const auto rows = wsRows();
  for (const bool priv : {false, true}) {
    Campaign& c = shared(priv, State::kRunning);
    const int64_t advisor = science(c);
    for (int r = kStranger; r < kRoleCount; ++r) {
      const Role role = static_cast<Role>(r);
      const auto t = playWs(server_->port(), token(role), c.id, advisor);
      ASSERT_EQ(t.outcomes.size(), rows.size());
      for (size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(t.outcomes[i], priv ? rows[i].priv[role] : rows[i].pub[role])
            << "/ws " << rows[i].type << " as " << kRoleNames[role]
            << (priv ? ", private: " : ", public: ") << t.replies[i];
      }
      if (role != kStranger || !priv) continue;
      const auto nobody = playWs(server_->port(), token(role), kNoSuchCampaign, advisor);
      ASSERT_EQ(nobody.replies.size(), rows.size());
      for (size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(t.replies[i], replaceAll(nobody.replies[i], std::to_string(kNoSuchCampaign),
                                           std::to_string(c.id)))
            << "/ws " << rows[i].type << ": a private campaign must answer a stranger as a "
            << "missing one";
      }
    }
  }
}

}  // namespace
}  // namespace startales::testing
