// AI characters on the real binary: a conversation streamed as Server-Sent Events and over
// /ws (with talk.cancel), the fallback to the built-in engine when the model server fails,
// and start-up refusals for a bad engine spec and a changed embedding dimension. The model
// server is FakeLlmServer replaying Ollama's NDJSON wire format.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include "support/fake_llm_server.h"
#include "support/game_client.h"
#include "support/run_binary.h"
#include "support/server_process.h"

namespace startales::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

struct SseEvent {
  std::string event;
  json::value data;
};

// Parses a text/event-stream body: "event: NAME\ndata: JSON\n\n"...
std::vector<SseEvent> parseEvents(const std::string& body) {
  std::vector<SseEvent> out;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find("\n\n", start);
    if (end == std::string::npos) end = body.size();
    std::string block = body.substr(start, end - start);
    SseEvent e;
    std::string data;
    size_t line_start = 0;
    while (line_start < block.size()) {
      size_t nl = block.find('\n', line_start);
      if (nl == std::string::npos) nl = block.size();
      const std::string line = block.substr(line_start, nl - line_start);
      if (line.rfind("event: ", 0) == 0) e.event = line.substr(7);
      if (line.rfind("data: ", 0) == 0) data += line.substr(6);
      line_start = nl + 1;
    }
    if (!e.event.empty()) {
      boost::system::error_code ec;
      e.data = json::parse(data, ec);
      out.push_back(std::move(e));
    }
    start = end + 2;
  }
  return out;
}

std::string ollamaLine(const std::string& content, bool done) {
  json::object line{{"model", "llama3.2:3b"},
                    {"created_at", "2025-05-27T22:54:57.641643Z"},
                    {"message", {{"role", "assistant"}, {"content", content}}},
                    {"done", done}};
  if (done) line["done_reason"] = "stop";
  return json::serialize(line) + "\n";
}

class CharacterIntegrationTest : public ::testing::Test {
 protected:
  void start(std::vector<std::string> env = {}, std::vector<std::string> args = {}) {
    for (const auto& e : kFastAuth) env.push_back(e);
    server_ = std::make_unique<ServerProcess>(std::move(args), std::move(env));
    ASSERT_TRUE(server_->waitReady()) << server_->log();
    http_ = std::make_unique<HttpClient>(server_->port());
  }

  void TearDown() override {
    if (HasFailure() && server_) {
      auto lines = server_->lines();
      const size_t from = lines.size() > 40 ? lines.size() - 40 : 0;
      for (size_t i = from; i < lines.size(); ++i) std::cerr << "server: " << lines[i] << "\n";
    }
  }

  // A running campaign with `players` (the first hosts); returns its id.
  int64_t startCampaign(const std::vector<Player>& players) {
    auto c = post(*http_, "/api/campaigns",
                  R"({"name":"Cabinet","systems":40,"ai_empires":1,"max_players":2,"tick_ms":100})",
                  players[0], 201);
    const int64_t id = c.at("id").as_int64();
    for (size_t i = 1; i < players.size(); ++i) {
      post(*http_, path(id, "/join"), R"({"civ_name":")" + players[i].name + R"("})", players[i]);
      post(*http_, path(id, "/ready"), "{}", players[i]);
    }
    post(*http_, path(id, "/start"), "", players[0]);
    return id;
  }

  static std::string path(int64_t id, const std::string& rest) {
    return "/api/campaigns/" + std::to_string(id) + rest;
  }

  // The caller's character of `role`.
  json::object characterOf(int64_t id, const Player& p, const std::string& role) {
    auto r = http_->get(path(id, "/characters"), p.token);
    EXPECT_EQ(r.status, 200) << r.body;
    const auto body = r.json();
    for (const auto& c : body.at("characters").as_array()) {
      if (c.at("role").as_string() == role) return c.as_object();
    }
    ADD_FAILURE() << "no " << role << " in " << r.body;
    return {};
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> http_;
};

TEST_F(CharacterIntegrationTest, ConversationStreamsAsServerSentEventsAndIsStored) {
  start();
  auto alice = signUp(*http_, "alice"), bob = signUp(*http_, "bob");
  const int64_t id = startCampaign({alice, bob});
  const auto treasury = characterOf(id, alice, "treasury");
  const std::string talk = path(id, "/characters/" + std::to_string(treasury.at("id").as_int64()) +
                                        "/messages");

  auto r = http_->postJson(talk, R"({"text":"How are our finances?"})", alice.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/event-stream; charset=utf-8");
  auto events = parseEvents(r.body);
  ASSERT_GE(events.size(), 2u) << r.body;
  std::string streamed;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    EXPECT_EQ(events[i].event, "delta");
    streamed += events[i].data.at("text").as_string();
  }
  ASSERT_EQ(events.back().event, "done") << r.body;
  const auto& done = events.back().data.as_object();
  EXPECT_EQ(done.at("message").at("text").as_string(), streamed);
  EXPECT_NE(streamed.find("credits"), std::string::npos) << streamed;
  EXPECT_EQ(done.at("usage").at("engine").as_string(), "builtin");
  EXPECT_FALSE(done.contains("notice"));  // no model configured: nothing to apologise for
  EXPECT_EQ(http_->get("/api/ready").json().at("checks").at("llm").at("engine").as_string(),
            "builtin");

  // The conversation is stored: the player's line, then the reply.
  auto history = http_->get(talk, alice.token);
  ASSERT_EQ(history.status, 200) << history.body;
  const auto history_json = history.json();
  const auto& messages = history_json.at("messages").as_array();
  ASSERT_EQ(messages.size(), 2u) << history.body;
  EXPECT_EQ(messages[0].at("speaker").as_string(), "player");
  EXPECT_EQ(messages[0].at("text").as_string(), "How are our finances?");
  EXPECT_EQ(messages[1].at("text").as_string(), streamed);

  // Errors before the stream are ordinary JSON answers.
  auto empty = http_->postJson(talk, R"({"text":""})", alice.token);
  EXPECT_EQ(empty.status, 400) << empty.body;
  EXPECT_EQ(empty.json().at("error").at("code").as_string(), "invalid_text");
  auto not_json = http_->postJson(talk, R"({"text":)", alice.token);
  EXPECT_EQ(not_json.status, 400) << not_json.body;
  auto foreign = http_->postJson(talk, R"({"text":"hello"})", bob.token);
  EXPECT_EQ(foreign.status, 403) << foreign.body;
  EXPECT_EQ(foreign.json().at("error").at("code").as_string(), "forbidden");
  EXPECT_EQ(http_->get(talk, bob.token).status, 403);  // nor read someone else's cabinet
  auto anonymous = http_->postJson(talk, R"({"text":"hello"})");
  EXPECT_EQ(anonymous.status, 401);
}

TEST_F(CharacterIntegrationTest, CardExportAndImportChangeThePersonaNotTheSeat) {
  start();
  auto alice = signUp(*http_, "alice");
  const int64_t id = startCampaign({alice});
  const auto science = characterOf(id, alice, "science");
  const std::string card_path =
      path(id, "/characters/" + std::to_string(science.at("id").as_int64()) + "/card");
  auto card = http_->get(card_path, alice.token);
  ASSERT_EQ(card.status, 200) << card.body;
  auto j = card.json().as_object();
  EXPECT_EQ(j.at("spec").as_string(), "chara_card_v2");
  EXPECT_EQ(j.at("data").at("extensions").at("startales").at("role").as_string(), "science");
  j["data"].as_object()["name"] = "Ada Sterling";
  auto imported = http_->request("PUT", card_path, json::serialize(j),
                                 {{"Authorization", "Bearer " + alice.token},
                                  {"Content-Type", "application/json"}});
  ASSERT_EQ(imported.status, 200) << imported.body;
  EXPECT_EQ(imported.json().at("name").as_string(), "Ada Sterling");
  EXPECT_EQ(imported.json().at("role").as_string(), "science");
  EXPECT_EQ(characterOf(id, alice, "science").at("name").as_string(), "Ada Sterling");
  auto bad = http_->request("PUT", card_path, R"({"spec":"something else"})",
                            {{"Authorization", "Bearer " + alice.token},
                             {"Content-Type", "application/json"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.json().at("error").at("code").as_string(), "invalid_card");
}

TEST_F(CharacterIntegrationTest, WsTalkStreamsAndTalkCancelInterruptsTheModel) {
  FakeLlmServer llm;
  // A slow model: one piece, then a long pause the cancel cuts short.
  llm.enqueue(FakeReply::stream("application/x-ndjson")
                  .chunk(ollamaLine("Our stores ", false))
                  .pause(200)
                  .chunk(ollamaLine("are full. ", false))
                  .waitForClientClose(10'000));
  start({"STARTALES_LLM=ollama:" + llm.url()});
  auto alice = signUp(*http_, "alice");
  const int64_t id = startCampaign({alice});
  const int64_t interior = characterOf(id, alice, "interior").at("id").as_int64();

  Gamer gamer(server_->port(), alice);
  gamer.join(id);
  const int64_t talk_id = gamer.nextId();
  gamer.send({{"type", "talk"}, {"id", talk_id}, {"character", interior}, {"text", "Food?"}});
  auto first = gamer.waitFor("character.delta", talk_id);
  ASSERT_EQ(first.at("type").as_string(), "character.delta") << json::serialize(first);
  EXPECT_EQ(first.at("text").as_string(), "Our stores ");
  auto second = gamer.waitFor("character.delta", talk_id);
  EXPECT_EQ(second.at("text").as_string(), "are full. ");
  // A second talk while one runs is refused, not queued.
  const int64_t busy_id = gamer.nextId();
  gamer.send({{"type", "talk"}, {"id", busy_id}, {"character", interior}, {"text", "Hello?"}});
  auto busy = gamer.waitFor("error", busy_id);
  EXPECT_EQ(busy.at("code").as_string(), "talk_in_progress");

  const int64_t cancel_id = gamer.nextId();
  gamer.send({{"type", "talk.cancel"}, {"id", cancel_id}});
  auto done = gamer.waitFor("character.done", talk_id);
  ASSERT_EQ(done.at("type").as_string(), "character.done") << json::serialize(done);
  EXPECT_EQ(done.at("notice").as_string(), "Interrupted.");
  EXPECT_EQ(done.at("message").at("text").as_string(), "Our stores are full. ");
  EXPECT_EQ(done.at("usage").at("engine").as_string(), "ollama");
  auto ack = gamer.waitFor("ack", talk_id);
  EXPECT_EQ(ack.at("type").as_string(), "ack");
  EXPECT_TRUE(llm.waitForClientCloses(1, 5000));  // the model call was really abandoned

  // What was said before the interruption is kept.
  auto history = http_->get(path(id, "/characters/" + std::to_string(interior) + "/messages"),
                            alice.token);
  const auto history_json = history.json();
  const auto& messages = history_json.at("messages").as_array();
  ASSERT_EQ(messages.size(), 2u) << history.body;
  EXPECT_EQ(messages[1].at("text").as_string(), "Our stores are full. ");
  EXPECT_EQ(messages[1].at("notice").as_string(), "Interrupted.");
}

TEST_F(CharacterIntegrationTest, AModelServerThatFailsIsReplacedByTheBuiltinEngineWithANotice) {
  FakeLlmServer llm;
  for (int i = 0; i < 3; ++i) {  // the first try and two retries
    llm.enqueue(FakeReply::full(503, "application/json", R"({"error":"loading model"})"));
  }
  start({"STARTALES_LLM=ollama:" + llm.url()});
  auto alice = signUp(*http_, "alice");
  const int64_t id = startCampaign({alice});
  const int64_t treasury = characterOf(id, alice, "treasury").at("id").as_int64();
  auto r = http_->postJson(path(id, "/characters/" + std::to_string(treasury) + "/messages"),
                           R"({"text":"How are our finances?"})", alice.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto events = parseEvents(r.body);
  ASSERT_FALSE(events.empty());
  ASSERT_EQ(events.back().event, "done") << r.body;
  const auto& done = events.back().data.as_object();
  EXPECT_EQ(done.at("usage").at("engine").as_string(), "builtin");
  EXPECT_NE(done.at("notice").as_string().find("unavailable"), std::string::npos) << r.body;
  EXPECT_NE(done.at("message").at("text").as_string().find("credits"), std::string::npos);
  EXPECT_EQ(llm.requestCount(), 3u);

  // Readiness reports the remote engine without failing on it (the built-in one stands in).
  auto ready = http_->get("/api/ready");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json().at("checks").at("llm").at("engine").as_string(), "ollama") << ready.body;
  EXPECT_EQ(ready.json().at("checks").at("llm").at("circuit").as_string(), "closed") << ready.body;
}

TEST_F(CharacterIntegrationTest, ABadEngineSpecStopsTheStartWithOneClearLine) {
  auto run = runBinary("serve --port 0 --llm gpt-please");
  EXPECT_NE(run.code, 0);
  EXPECT_NE(run.output.find("--llm (STARTALES_LLM): \"gpt-please\" is not builtin"),
            std::string::npos)
      << run.output;
}

TEST_F(CharacterIntegrationTest, AnEmbeddingModelOfAnotherDimensionIsRefusedAtStart) {
  // Memories written with the built-in embedder (384 floats)...
  const std::string dir = ::testing::TempDir() + "startales-dim-" + std::to_string(::getpid());
  {
    start({}, {"--data-dir", dir});
    auto alice = signUp(*http_, "alice");
    const int64_t id = startCampaign({alice});
    const int64_t treasury = characterOf(id, alice, "treasury").at("id").as_int64();
    auto r = http_->postJson(path(id, "/characters/" + std::to_string(treasury) + "/messages"),
                             R"({"text":"Remember the tithe."})", alice.token);
    ASSERT_EQ(r.status, 200);
    server_->signal(SIGTERM);
    EXPECT_EQ(server_->waitExit(), 0);
  }
  // ...then a remote embedding model that answers 3 floats.
  FakeLlmServer llm;
  llm.enqueue(FakeReply::full(200, "application/json",
                              R"({"model":"tiny-embed","embeddings":[[0.1,0.2,0.3]]})"));
  ServerProcess refused({"--data-dir", dir},
                        {"STARTALES_LLM=ollama:" + llm.url(), "STARTALES_LLM_EMBED_MODEL=tiny-embed"});
  EXPECT_FALSE(refused.waitReady(std::chrono::seconds(10)));
  EXPECT_NE(refused.log().find("embedding_dimension_mismatch"), std::string::npos) << refused.log();
  EXPECT_NE(refused.log().find("dimension 384 but the embedder gives 3"), std::string::npos)
      << refused.log();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace startales::testing
