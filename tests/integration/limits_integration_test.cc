// Abuse limits on the real binary (issue 14): what one account, one address or one socket may
// use. Each test is named for what broke on main.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <memory>
#include <thread>

#include "support/game_client.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/ws_client.h"

namespace startales::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

const std::vector<std::string> kFastHashing = {"--password-mem-kib", "1024", "--password-ops", "1"};
const std::string kSpeechToken = "limits-speech-token-0123456789";

std::vector<std::string> args(std::vector<std::string> extra) {
  extra.insert(extra.end(), kFastHashing.begin(), kFastHashing.end());
  return extra;
}

void expectError(const HttpResult& r, int status, const std::string& code,
                 const std::string& says = "") {
  EXPECT_EQ(r.status, status) << r.body;
  auto j = r.json();
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_EQ(j.at("error").at("code").as_string(), code) << r.body;
  const std::string message(j.at("error").at("message").as_string());
  EXPECT_GT(message.size(), 15u) << r.body;
  if (!says.empty()) {
    EXPECT_NE(message.find(says), std::string::npos) << message;
  }
  if (status == 429) {
    EXPECT_FALSE(r.header("retry-after").empty()) << r.body;
  }
  if (status == 401) {
    EXPECT_EQ(r.header("www-authenticate"), "Bearer");
  }
}

std::string creds(const std::string& user, const std::string& pass = "a long secret") {
  return json::serialize(json::object{{"username", user}, {"password", pass}});
}

HttpResult postFrom(HttpClient& http, const std::string& address, const std::string& target,
                    const std::string& body) {
  return http.request("POST", target, body,
                      {{"Content-Type", "application/json"}, {"X-Forwarded-For", address}});
}

std::unique_ptr<WsClient> socketFor(uint16_t port, const std::string& token,
                                    const std::string& address = "") {
  WsClient::Options o;
  o.headers = {{"Authorization", "Bearer " + token}};
  if (!address.empty()) o.headers.emplace_back("X-Forwarded-For", address);
  return std::make_unique<WsClient>(port, o);
}

// --- Speech ---------------------------------------------------------------------------------

TEST(LimitsSpeechTest, StandaloneSpeechServiceRefusesToStartWithoutAToken) {
  ServerProcess tts({}, {}, "tts");
  EXPECT_EQ(tts.waitExit(seconds(20)), 2) << tts.log();
  EXPECT_NE(tts.log().find("--speech-token (STARTALES_SPEECH_TOKEN)"), std::string::npos)
      << tts.log();
}

TEST(LimitsSpeechTest, StandaloneSpeechRoutesNeedTheServiceToken) {
  ServerProcess tts({"--speech-token", kSpeechToken}, {}, "tts");
  ASSERT_TRUE(tts.waitReady(seconds(60))) << tts.log();
  HttpClient http(tts.port());
  const std::string body = R"({"text":"Hello there."})";
  expectError(http.postJson("/synthesize", body), 401, "unauthorized", "--speech-token");
  expectError(http.postJson("/synthesize", body, "not-the-token"), 401, "unauthorized");
  expectError(http.postJson("/v1/audio/speech", R"({"input":"Hello."})"), 401, "unauthorized");
  expectError(http.get("/voices"), 401, "unauthorized");
  EXPECT_EQ(http.postJson("/synthesize", body, kSpeechToken).status, 200);
  EXPECT_EQ(http.get("/health").status, 200);  // probes need no token
}

TEST(LimitsSpeechTest, ServeSpeechRoutesNeedAnAccount) {
  ServerProcess server(args({}), kFastAuth);
  ASSERT_TRUE(server.waitReady(seconds(90))) << server.log();
  HttpClient http(server.port());
  const std::vector<std::pair<std::string, std::string>> wav = {{"Content-Type", "audio/wav"}};
  expectError(http.postJson("/api/tts/synthesize", R"({"text":"Hello."})"), 401, "unauthorized");
  expectError(http.postJson("/api/tts/v1/audio/speech", R"({"input":"Hello."})"), 401,
              "unauthorized");
  expectError(http.request("POST", "/api/tts/clone-voice", "RIFF", wav), 401, "unauthorized");
  expectError(http.get("/api/tts/voices"), 401, "unauthorized");
  expectError(http.request("POST", "/api/stt/transcribe", "RIFF", wav), 401, "unauthorized");
  expectError(http.request("POST", "/api/stt/v1/audio/transcriptions", "RIFF", wav), 401,
              "unauthorized");
  expectError(http.get("/api/stt/models"), 401, "unauthorized");
  expectError(http.postJson("/api/tts/synthesize", R"({"text":"Hello."})", "made-up-token"), 401,
              "unauthorized");
  auto vega = signUp(http, "vega");
  EXPECT_EQ(http.postJson("/api/tts/synthesize", R"({"text":"Hello."})", vega.token).status, 200);
  EXPECT_EQ(http.get("/api/stt/models", vega.token).status, 200);
}

TEST(LimitsSpeechTest, TtsTextIsBoundedInSentences) {
  ServerProcess server(args({"--tts-max-sentences", "5"}), kFastAuth);
  ASSERT_TRUE(server.waitReady(seconds(90))) << server.log();
  HttpClient http(server.port());
  auto vega = signUp(http, "vega");
  const std::string six = R"({"text":"One. Two. Three. Four. Five. Six."})";
  expectError(http.postJson("/api/tts/synthesize", six, vega.token), 400, "invalid_text",
              "the limit is 5 sentences");
  EXPECT_EQ(http.postJson("/api/tts/synthesize", R"({"text":"One. Two."})", vega.token).status,
            200);
}

// Main ran synthesis on the pool that checks tokens and talks to the database: with that pool
// busy speaking, every login and /api/me got 503.
TEST(LimitsSpeechTest, SpeechWorkRunsOnItsOwnPoolNotTheDatabasePool) {
  ServerProcess server(args({"--workers", "1", "--max-pending-work", "1", "--speech-workers", "1"}),
                       kFastAuth);
  ASSERT_TRUE(server.waitReady(seconds(90))) << server.log();
  HttpClient http(server.port());
  auto vega = signUp(http, "vega");
  std::string text;
  for (int i = 0; i < 99; ++i) text += "The fleet sails on. ";  // 99 sentences, 1980 bytes
  std::atomic<int> spoken{0};
  std::thread speaker([&] {
    HttpClient other(server.port());
    spoken = other
                 .postJson("/api/tts/synthesize", json::serialize(json::object{{"text", text}}),
                           vega.token)
                 .status;
  });
  // Wait until the synthesis holds the speech pool.
  bool busy = false;
  HttpClient scraper(server.metricsPort());  // /metrics has its own listener
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (!busy && spoken == 0 && std::chrono::steady_clock::now() < deadline) {
    busy = scraper.get("/metrics").body.find("\nspeech_pool_pending 1") != std::string::npos;
    if (!busy) std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_TRUE(busy) << "the synthesis never showed on the speech pool";
  if (busy) {
    // The one database worker is free: token checks go on while the speech pool is busy.
    EXPECT_EQ(http.get("/api/me", vega.token).status, 200);
  }
  speaker.join();
  EXPECT_EQ(spoken.load(), 200);
}

// --- A WebSocket dies with its token ----------------------------------------------------------

TEST(LimitsSessionTest, WebSocketClosesWhenItsTokenLogsOut) {
  ServerProcess server(args({}), kFastAuth);
  ASSERT_TRUE(server.waitReady(seconds(60))) << server.log();
  HttpClient http(server.port());
  auto vega = signUp(http, "vega");
  auto ws = socketFor(server.port(), vega.token);
  ASSERT_TRUE(ws->connected()) << ws->error();
  ASSERT_TRUE(ws->receive().has_value());  // welcome
  EXPECT_EQ(
      http.request("POST", "/api/auth/logout", "", {{"Authorization", "Bearer " + vega.token}})
          .status,
      204);
  ASSERT_TRUE(ws->waitClose(seconds(10)));
  EXPECT_EQ(ws->closeCode(), 4003);
  EXPECT_NE(ws->closeReason().find("logged out"), std::string::npos) << ws->closeReason();
  // And the token opens no new socket.
  auto again = socketFor(server.port(), vega.token);
  EXPECT_FALSE(again->connected());
  EXPECT_EQ(again->response().status, 401);
}

TEST(LimitsSessionTest, WebSocketClosesWhenItsTokenIsRefreshed) {
  ServerProcess server(args({}), kFastAuth);
  ASSERT_TRUE(server.waitReady(seconds(60))) << server.log();
  HttpClient http(server.port());
  auto vega = signUp(http, "vega");
  auto ws = socketFor(server.port(), vega.token);
  ASSERT_TRUE(ws->connected()) << ws->error();
  auto refreshed = http.postJson("/api/auth/refresh", "", vega.token);
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  ASSERT_TRUE(ws->waitClose(seconds(10)));
  EXPECT_EQ(ws->closeCode(), 4003);
  const std::string fresh(refreshed.json().at("token").as_string());
  auto next = socketFor(server.port(), fresh);
  EXPECT_TRUE(next->connected()) << next->error();
}

TEST(LimitsSessionTest, WebSocketClosesWhenItsSessionExpiresAndExpiredSessionsArePurged) {
  ServerProcess server(args({"--session-ttl-s", "2", "--session-purge-every-s", "1"}), kFastAuth);
  ASSERT_TRUE(server.waitReady(seconds(60))) << server.log();
  HttpClient http(server.port());
  auto vega = signUp(http, "vega");
  auto ws = socketFor(server.port(), vega.token);
  ASSERT_TRUE(ws->connected()) << ws->error();
  ASSERT_TRUE(ws->waitClose(seconds(20)));
  EXPECT_EQ(ws->closeCode(), 4004);
  EXPECT_TRUE(server.waitForLine("expired sessions purged", seconds(20))) << server.log();
}

// --- Login limiter ----------------------------------------------------------------------------

// Main keyed login attempts by username alone: five wrong guesses from anywhere locked the
// owner out everywhere.
TEST(LimitsLoginTest, LoginLimiterCannotLockOutAnotherAddress) {
  ServerProcess server(args({"--trust-proxy", "true", "--auth-rate-address-burst", "1000"}));
  ASSERT_TRUE(server.waitReady(seconds(60))) << server.log();
  HttpClient http(server.port());
  ASSERT_EQ(postFrom(http, "10.0.0.2", "/api/auth/register", creds("vega")).status, 201);
  HttpResult last;
  for (int i = 0; i < 10 && last.status != 429; ++i) {
    last =
        postFrom(http, "10.0.0.66", "/api/auth/login", creds("vega", "guess " + std::to_string(i)));
  }
  expectError(last, 429, "rate_limited");
  // The stranger stays throttled, even with the right password...
  EXPECT_EQ(postFrom(http, "10.0.0.66", "/api/auth/login", creds("vega")).status, 429);
  // ...and the owner, elsewhere, is not.
  EXPECT_EQ(postFrom(http, "10.0.0.2", "/api/auth/login", creds("vega")).status, 200);
}

// --- Connection caps --------------------------------------------------------------------------

TEST(LimitsConnectionTest, ConnectionsPerAddressAreCappedWithAClearRefusal) {
  ServerProcess server(args({"--max-connections-per-address", "3"}));
  ASSERT_TRUE(server.waitReady(seconds(60))) << server.log();
  std::vector<std::unique_ptr<HttpClient>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<HttpClient>(server.port()));
    ASSERT_EQ(open.back()->get("/api/health").status, 200);  // kept alive
  }
  HttpClient fourth(server.port());
  expectError(fourth.get("/api/health"), 429, "too_many_connections",
              "--max-connections-per-address");
  open.pop_back();  // one closes: room again
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    HttpClient again(server.port());
    status = again.get("/api/health").status;
    if (status != 200) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(status, 200);
}

// Defaults: 32 WebSockets per address, 8 per account.
TEST(LimitsConnectionTest, WebSocketsPerAddressAndPerAccountAreCapped) {
  ServerProcess server(args({"--trust-proxy", "true"}), kFastAuth);
  ASSERT_TRUE(server.waitReady(seconds(60))) << server.log();
  HttpClient http(server.port());
  std::vector<Player> players;
  for (int i = 0; i < 5; ++i) players.push_back(signUp(http, "player" + std::to_string(i)));
  // Per address: 32 from 10.0.0.1, whoever they are (four accounts, eight each).
  std::vector<std::unique_ptr<WsClient>> open;
  for (int i = 0; i < 32; ++i) {
    open.push_back(socketFor(server.port(), players[i / 8].token, "10.0.0.1"));
    ASSERT_TRUE(open.back()->connected()) << i << ": " << open.back()->response().body;
  }
  auto over_address = socketFor(server.port(), players[4].token, "10.0.0.1");
  EXPECT_FALSE(over_address->connected());
  expectError(over_address->response(), 429, "too_many_websockets", "--max-websockets-per-address");
  // Per account: player0 has 8 open; a ninth, from a fresh address, is refused.
  auto over_account = socketFor(server.port(), players[0].token, "10.0.0.2");
  EXPECT_FALSE(over_account->connected());
  expectError(over_account->response(), 429, "too_many_websockets", "--max-websockets-per-account");
  // Another account elsewhere is not affected; a closed socket frees its place.
  auto other = socketFor(server.port(), players[4].token, "10.0.0.2");
  EXPECT_TRUE(other->connected()) << other->error();
  ASSERT_TRUE(open.front()->close());
  bool reopened = false;
  for (int i = 0; i < 100 && !reopened; ++i) {
    reopened = socketFor(server.port(), players[0].token, "10.0.0.3")->connected();
    if (!reopened) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(reopened);
}

// --- Campaigns ---------------------------------------------------------------------------------

const char* kSmallCampaign = R"({"name":"Tiny","systems":20,"ai_empires":1,"max_players":1})";

// Defaults: 20 created per hour, 10 hosted at once.
TEST(LimitsCampaignTest, CampaignsCreatedPerHourAreCapped) {
  ServerProcess server(args({}), kFastAuth);
  ASSERT_TRUE(server.waitReady(seconds(60))) << server.log();
  HttpClient http(server.port());
  auto vega = signUp(http, "vega");
  for (int i = 0; i < 20; ++i) {
    auto c = post(http, "/api/campaigns", kSmallCampaign, vega, 201);
    ASSERT_TRUE(c.contains("id"));
    // Deleting does not give the creation back.
    EXPECT_EQ(http.request("DELETE", "/api/campaigns/" + std::to_string(c.at("id").as_int64()), "",
                           {{"Authorization", "Bearer " + vega.token}})
                  .status,
              204);
  }
  expectError(http.postJson("/api/campaigns", kSmallCampaign, vega.token), 429, "rate_limited",
              "--campaigns-per-hour");
  auto altair = signUp(http, "altair");
  post(http, "/api/campaigns", kSmallCampaign, altair, 201);  // per account
}

TEST(LimitsCampaignTest, LiveCampaignsPerAccountAreCapped) {
  ServerProcess server(args({}), kFastAuth);
  ASSERT_TRUE(server.waitReady(seconds(60))) << server.log();
  HttpClient http(server.port());
  auto vega = signUp(http, "vega");
  auto first = post(http, "/api/campaigns", kSmallCampaign, vega, 201);
  for (int i = 1; i < 10; ++i) post(http, "/api/campaigns", kSmallCampaign, vega, 201);
  expectError(http.postJson("/api/campaigns", kSmallCampaign, vega.token), 409,
              "too_many_campaigns", "--max-live-campaigns");
  ASSERT_EQ(http.request("DELETE", "/api/campaigns/" + std::to_string(first.at("id").as_int64()),
                         "", {{"Authorization", "Bearer " + vega.token}})
                .status,
            204);
  post(http, "/api/campaigns", kSmallCampaign, vega, 201);
}

// Main compared every guess at once, as fast as the client could send them.
// Default: 5 attempts in a burst, then 5 a minute.
TEST(LimitsCampaignTest, WrongInviteCodesAreThrottled) {
  ServerProcess server(args({}), kFastAuth);
  ASSERT_TRUE(server.waitReady(seconds(60))) << server.log();
  HttpClient http(server.port());
  auto vega = signUp(http, "vega");
  auto c = post(
      http, "/api/campaigns",
      R"({"name":"Secret","visibility":"private","systems":40,"max_players":4,"ai_empires":1})",
      vega, 201);
  const std::string join = "/api/campaigns/" + std::to_string(c.at("id").as_int64()) + "/join";
  const std::string code(c.at("invite_code").as_string());
  auto guesser = signUp(http, "guesser");
  for (int i = 0; i < 5; ++i) {
    expectError(http.postJson(join, R"({"invite_code":"WRONG00)" + std::to_string(i) + "\"}",
                              guesser.token),
                404, "not_found");  // a private campaign without its code does not exist
  }
  // Throttled: even the right code is not looked at now.
  expectError(http.postJson(join, R"({"invite_code":")" + code + "\"}", guesser.token), 429,
              "rate_limited", "invite");
  auto friendly = signUp(http, "friendly");
  EXPECT_EQ(http.postJson(join, R"({"invite_code":")" + code + "\"}", friendly.token).status, 200);
}

}  // namespace
}  // namespace startales::testing
