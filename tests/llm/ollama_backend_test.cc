// OllamaBackend against a fake server replaying Ollama's /api/chat NDJSON stream and
// /api/embed reply, including its failure modes.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "llm_test_util.h"

namespace startales::llm::testing {
namespace {

namespace json = boost::json;
constexpr const char* kNdjson = "application/x-ndjson";

class OllamaBackendTest : public LlmTest {
 protected:
  std::unique_ptr<LlmBackend> ollama() { return backend("ollama:" + server_.url()); }
};

TEST_F(OllamaBackendTest, StreamsDeltasInOrderWithUsage) {
  server_.enqueue(FakeReply::stream(kNdjson)
                      .chunk(ollamaDelta("The "))
                      .chunk(ollamaDelta("treasury "))
                      .chunk(ollamaDelta("holds 1,200 credits."))
                      .chunk(ollamaDone())
                      .end());
  auto llm = ollama();
  Deltas deltas;
  ChatRequest req = simpleRequest();
  req.temperature = 0.5;
  req.max_tokens = 128;
  req.tools.push_back(
      {"build", "Build a structure", json::parse(R"({"type":"object"})").as_object()});
  Result<ChatResult> result = call(llm->chat(req, deltas.fn(), CancelToken()));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(deltas.parts, (std::vector<std::string>{"The ", "treasury ", "holds 1,200 credits."}));
  EXPECT_EQ(result->text, "The treasury holds 1,200 credits.");
  EXPECT_EQ(result->finish_reason, "stop");
  EXPECT_EQ(result->usage.prompt_tokens, 26);
  EXPECT_EQ(result->usage.completion_tokens, 282);
  EXPECT_GE(result->usage.first_token_ms, 0);
  EXPECT_TRUE(result->tool_calls.empty());

  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/api/chat");
  json::object body = json::parse(requests[0].body).as_object();
  EXPECT_EQ(body["model"], "llama3.2:3b");
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["messages"].as_array().size(), 2u);
  EXPECT_EQ(body["messages"].as_array()[0].as_object().at("role"), "system");
  EXPECT_EQ(body["tools"].as_array()[0].as_object().at("type"), "function");
  EXPECT_EQ(body["tools"].as_array()[0].as_object().at("function").as_object().at("name"), "build");
  EXPECT_EQ(body["options"].as_object().at("num_predict"), 128);
}

TEST_F(OllamaBackendTest, ToolCallArgumentsArriveAsObject) {
  server_.enqueue(
      FakeReply::stream(kNdjson)
          .chunk(ollamaDelta("Building it."))
          .chunk(ollamaToolCall("build_structure", R"({"planet":"Mars","structure":"shipyard"})"))
          .chunk(ollamaDone())
          .end());
  auto llm = ollama();
  Result<ChatResult> result = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->tool_calls.size(), 1u);
  EXPECT_EQ(result->tool_calls[0].name, "build_structure");
  EXPECT_EQ(result->tool_calls[0].arguments.at("planet"), "Mars");
  EXPECT_EQ(result->tool_calls[0].arguments.at("structure"), "shipyard");
  EXPECT_EQ(result->finish_reason, "tool_calls");
}

TEST_F(OllamaBackendTest, LinesSplitAcrossChunksAreJoined) {
  std::string stream = ollamaDelta("Hel") + ollamaDelta("lo") + ollamaDone();
  FakeReply reply = FakeReply::stream(kNdjson);
  for (size_t i = 0; i < stream.size(); i += 7) reply.chunk(stream.substr(i, 7));
  server_.enqueue(reply.end());
  auto llm = ollama();
  Deltas deltas;
  Result<ChatResult> result = call(llm->chat(simpleRequest(), deltas.fn(), CancelToken()));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(deltas.parts, (std::vector<std::string>{"Hel", "lo"}));
}

TEST_F(OllamaBackendTest, TruncatedChunkedStreamIsProtocolErrorKeepingDeltas) {
  std::string line = ollamaDelta("never finished");
  server_.enqueue(FakeReply::stream(kNdjson)
                      .chunk(ollamaDelta("First "))
                      .chunk(ollamaDelta("second."))
                      .raw("40\r\n" + line.substr(0, 20)));  // half a chunk, then close
  auto llm = ollama();
  Deltas deltas;
  Result<ChatResult> result = call(llm->chat(simpleRequest(), deltas.fn(), CancelToken()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "llm_protocol");
  EXPECT_EQ(deltas.joined(), "First second.");
  EXPECT_EQ(server_.requestCount(), 1u);  // never retried after deltas
}

TEST_F(OllamaBackendTest, ConnectionClosedMidJsonLineIsProtocolError) {
  std::string line = ollamaDelta("cut here");
  server_.enqueue(FakeReply::streamUntilClose(kNdjson)
                      .raw(ollamaDelta("Kept."))
                      .raw(line.substr(0, line.size() / 2)));
  auto llm = ollama();
  Deltas deltas;
  Result<ChatResult> result = call(llm->chat(simpleRequest(), deltas.fn(), CancelToken()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "llm_protocol");
  EXPECT_NE(result.error().message.find("cut"), std::string::npos) << result.error().message;
  EXPECT_EQ(deltas.joined(), "Kept.");
}

TEST_F(OllamaBackendTest, StreamWithoutDoneLineIsProtocolError) {
  server_.enqueue(FakeReply::stream(kNdjson).chunk(ollamaDelta("Half an answer")).end());
  auto llm = ollama();
  Result<ChatResult> result = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "llm_protocol");
}

TEST_F(OllamaBackendTest, BadJsonLineIsProtocolError) {
  server_.enqueue(FakeReply::stream(kNdjson).chunk(ollamaDelta("ok")).chunk("{not json\n").end());
  auto llm = ollama();
  Result<ChatResult> result = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "llm_protocol");
}

TEST_F(OllamaBackendTest, ErrorLineAndUnknownModelAreRequestFailures) {
  server_.enqueue(FakeReply::stream(kNdjson)
                      .chunk(ollamaDelta("Partial"))
                      .chunk(R"({"error":"an error was encountered while running the model"})"
                             "\n")
                      .end());
  server_.enqueue(FakeReply::full(404, "application/json",
                                  R"({"error":"model 'llama9' not found, try pulling it first"})"));
  auto llm = ollama();
  Result<ChatResult> mid = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_FALSE(mid.ok());
  EXPECT_EQ(mid.error().code, "llm_request_failed");
  Result<ChatResult> missing = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "llm_request_failed");
  EXPECT_NE(missing.error().message.find("not found"), std::string::npos);
  EXPECT_EQ(server_.requestCount(), 2u);  // 404 is not retried
  EXPECT_FALSE(llm->isOpen());
}

TEST_F(OllamaBackendTest, SlowFirstTokenTimesOut) {
  config_.first_token_ms = 200;
  server_.enqueue(FakeReply::stream(kNdjson).pause(5'000).chunk(ollamaDelta("late")).end());
  auto llm = ollama();
  Result<ChatResult> result = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "llm_timeout");
  EXPECT_NE(result.error().message.find("first token"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(server_.requestCount(), 1u);  // a timeout is not retried
}

TEST_F(OllamaBackendTest, ThinkingKeepsTheFirstTokenTimerAtBay) {
  config_.first_token_ms = 1'000;
  auto thinking = [](const std::string& text) {
    return R"({"model":"qwen3","created_at":"2025-05-27T22:54:57Z","message":{"role":)"
           R"("assistant","content":"","thinking":")" +
           text + R"("},"done":false})" + "\n";
  };
  FakeReply reply = FakeReply::stream(kNdjson);
  for (int i = 0; i < 4; ++i) reply.chunk(thinking("hmm")).pause(400);  // 1.6 s in all
  server_.enqueue(reply.chunk(ollamaDelta("Answer.")).chunk(ollamaDone()).end());
  auto llm = ollama();
  Deltas deltas;
  Result<ChatResult> result = call(llm->chat(simpleRequest(), deltas.fn(), CancelToken()));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(deltas.joined(), "Answer.");  // reasoning is not shown
}

TEST_F(OllamaBackendTest, StallBetweenChunksTimesOutKeepingDeltas) {
  config_.idle_timeout_ms = 200;
  server_.enqueue(FakeReply::stream(kNdjson).chunk(ollamaDelta("Hello")).pause(5'000).end());
  auto llm = ollama();
  Deltas deltas;
  Result<ChatResult> result = call(llm->chat(simpleRequest(), deltas.fn(), CancelToken()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "llm_timeout");
  EXPECT_NE(result.error().message.find("idle"), std::string::npos) << result.error().message;
  EXPECT_EQ(deltas.joined(), "Hello");
}

TEST_F(OllamaBackendTest, Busy503IsRetriedThenSucceeds) {
  server_.enqueue(FakeReply::full(503, "application/json", R"({"error":"server busy"})"));
  server_.enqueue(FakeReply::full(503, "application/json", R"({"error":"server busy"})"));
  server_.enqueue(
      FakeReply::stream(kNdjson).chunk(ollamaDelta("Ready.")).chunk(ollamaDone()).end());
  auto llm = ollama();
  Result<ChatResult> result = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->text, "Ready.");
  EXPECT_EQ(server_.requestCount(), 3u);
  EXPECT_NE(metrics_.render().find("llm_retries_total{backend=\"ollama\"} 2"), std::string::npos);
}

TEST_F(OllamaBackendTest, Busy503ExhaustsRetries) {
  for (int i = 0; i < 3; ++i) {
    server_.enqueue(FakeReply::full(503, "application/json", R"({"error":"server busy"})"));
  }
  auto llm = ollama();
  Result<ChatResult> result = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "llm_unavailable");
  EXPECT_EQ(server_.requestCount(), 3u);  // 1 + max_retries
}

TEST_F(OllamaBackendTest, DisconnectMidStreamIsNotRetried) {
  server_.enqueue(FakeReply::stream(kNdjson).chunk(ollamaDelta("Our fleet ")));  // then close
  server_.enqueue(
      FakeReply::stream(kNdjson).chunk(ollamaDelta("DUPLICATE")).chunk(ollamaDone()).end());
  auto llm = ollama();
  Deltas deltas;
  Result<ChatResult> result = call(llm->chat(simpleRequest(), deltas.fn(), CancelToken()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "llm_protocol");
  EXPECT_EQ(deltas.joined(), "Our fleet ");
  EXPECT_EQ(server_.requestCount(), 1u);
}

TEST_F(OllamaBackendTest, EmbeddingsParse) {
  server_.enqueue(FakeReply::full(
      200, "application/json",
      R"({"model":"nomic-embed-text","embeddings":[[0.010071029,-0.0017594862,0.05007221],)"
      R"([0.5,0.25,-1]],"total_duration":14143917,"load_duration":1019500,)"
      R"("prompt_eval_count":8})"));
  auto llm = ollama();
  auto result = call(llm->embed("", {"a fleet under attack", "a deficit"}));
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->size(), 2u);
  EXPECT_FLOAT_EQ((*result)[0][0], 0.010071029f);
  EXPECT_FLOAT_EQ((*result)[1][2], -1.0f);
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/api/embed");
  json::object body = json::parse(requests[0].body).as_object();
  EXPECT_EQ(body["model"], "nomic-embed-text");
  EXPECT_EQ(body["input"].as_array().size(), 2u);
}

TEST_F(OllamaBackendTest, EmbeddingCountMismatchIsProtocolError) {
  server_.enqueue(FakeReply::full(200, "application/json", R"({"embeddings":[[0.1]]})"));
  auto llm = ollama();
  auto result = call(llm->embed("", {"one", "two"}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "llm_protocol");
}

}  // namespace
}  // namespace startales::llm::testing
