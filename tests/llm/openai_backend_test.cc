// OpenAiBackend against a fake server replaying the OpenAI-compatible SSE stream of
// /v1/chat/completions (as llama.cpp server and vLLM send it) and /v1/embeddings.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "llm_test_util.h"

namespace startales::llm::testing {
namespace {

namespace json = boost::json;
constexpr const char* kSse = "text/event-stream";

class OpenAiBackendTest : public LlmTest {
 protected:
  std::unique_ptr<LlmBackend> openai() { return backend("openai:" + server_.url("/v1")); }
};

TEST_F(OpenAiBackendTest, StreamsDeltasInOrderWithUsage) {
  config_.api_key = "sk-test-123";
  server_.enqueue(FakeReply::stream(kSse)
                      .chunk(openAiChunk(json::object{{"role", "assistant"}, {"content", ""}}))
                      .chunk(openAiContent("Our "))
                      .chunk(openAiContent("fleet "))
                      .chunk(openAiContent("holds."))
                      .chunk(openAiChunk(json::object{}, "stop"))
                      .chunk(openAiUsage(31, 4))
                      .chunk(openAiDone())
                      .end());
  auto llm = openai();
  Deltas deltas;
  ChatRequest req = simpleRequest();
  ChatMessage assistant{ChatMessage::Role::kAssistant, ""};
  assistant.tool_calls.push_back({"call_1", "scan", json::object{{"sector", 7}}});
  req.messages.push_back(assistant);
  ChatMessage tool{ChatMessage::Role::kTool, R"({"found":"nothing"})"};
  tool.tool_call_id = "call_1";
  req.messages.push_back(tool);
  Result<ChatResult> result = call(llm->chat(req, deltas.fn(), CancelToken()));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(deltas.parts, (std::vector<std::string>{"Our ", "fleet ", "holds."}));
  EXPECT_EQ(result->text, "Our fleet holds.");
  EXPECT_EQ(result->finish_reason, "stop");
  EXPECT_EQ(result->usage.prompt_tokens, 31);
  EXPECT_EQ(result->usage.completion_tokens, 4);

  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/v1/chat/completions");
  EXPECT_EQ(requests[0].headers["authorization"], "Bearer sk-test-123");
  EXPECT_EQ(requests[0].headers["accept"], "text/event-stream");
  json::object body = json::parse(requests[0].body).as_object();
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"].as_object().at("include_usage"), true);
  const json::array& messages = body["messages"].as_array();
  ASSERT_EQ(messages.size(), 4u);
  const json::object& call0 = messages[2].as_object().at("tool_calls").as_array()[0].as_object();
  EXPECT_EQ(call0.at("id"), "call_1");
  EXPECT_TRUE(call0.at("function").as_object().at("arguments").is_string());  // a JSON string
  EXPECT_TRUE(messages[2].as_object().at("content").is_null());
  EXPECT_EQ(messages[3].as_object().at("tool_call_id"), "call_1");
}

TEST_F(OpenAiBackendTest, FragmentedToolCallsAreAssembled) {
  auto frag = [](int index, const std::string& id, const std::string& name,
                 const std::string& args) {
    json::object fn{{"arguments", args}};
    if (!name.empty()) fn["name"] = name;
    json::object fragment{{"index", index}, {"function", fn}};
    if (!id.empty()) {
      fragment["id"] = id;
      fragment["type"] = "function";
    }
    return openAiChunk(json::object{{"tool_calls", json::array{fragment}}});
  };
  std::string events =
      openAiChunk(json::object{{"role", "assistant"}, {"content", nullptr}}) +
      frag(0, "call_a", "build_structure", "") + frag(0, "", "", R"({"pla)") +
      frag(0, "", "", R"(net": "Ma)") + frag(1, "call_b", "set_tax", R"({"rate")") +
      frag(0, "", "", R"(rs", "structure": "shipyard"})") + frag(1, "", "", R"(: 0.25})") +
      openAiChunk(json::object{}, "tool_calls") + openAiDone();
  // Cut the byte stream anywhere, even inside "data:" lines.
  FakeReply reply = FakeReply::stream(kSse);
  for (size_t i = 0; i < events.size(); i += 13) reply.chunk(events.substr(i, 13));
  server_.enqueue(reply.end());
  auto llm = openai();
  Result<ChatResult> result = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->tool_calls.size(), 2u);
  EXPECT_EQ(result->tool_calls[0].id, "call_a");
  EXPECT_EQ(result->tool_calls[0].name, "build_structure");
  EXPECT_EQ(result->tool_calls[0].arguments.at("planet"), "Mars");
  EXPECT_EQ(result->tool_calls[0].arguments.at("structure"), "shipyard");
  EXPECT_EQ(result->tool_calls[1].id, "call_b");
  EXPECT_EQ(result->tool_calls[1].name, "set_tax");
  EXPECT_DOUBLE_EQ(result->tool_calls[1].arguments.at("rate").as_double(), 0.25);
  EXPECT_EQ(result->finish_reason, "tool_calls");
  EXPECT_TRUE(result->text.empty());
}

TEST_F(OpenAiBackendTest, InvalidToolArgumentsAreProtocolError) {
  json::object tool_call{
      {"index", 0},
      {"id", "call_x"},
      {"type", "function"},
      {"function", json::object{{"name", "set_tax"}, {"arguments", "{\"rate\": "}}}};
  server_.enqueue(FakeReply::stream(kSse)
                      .chunk(openAiChunk(json::object{{"tool_calls", json::array{tool_call}}}))
                      .chunk(openAiChunk(json::object{}, "tool_calls"))
                      .chunk(openAiDone())
                      .end());
  auto llm = openai();
  Result<ChatResult> result = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "llm_protocol");
  EXPECT_NE(result.error().message.find("set_tax"), std::string::npos) << result.error().message;
}

TEST_F(OpenAiBackendTest, TruncatedEventIsProtocolErrorKeepingDeltas) {
  std::string event = openAiContent("lost");
  server_.enqueue(FakeReply::stream(kSse)
                      .chunk(openAiContent("Kept "))
                      .chunk(openAiContent("both."))
                      .raw("80\r\n" + event.substr(0, 30)));
  auto llm = openai();
  Deltas deltas;
  Result<ChatResult> result = call(llm->chat(simpleRequest(), deltas.fn(), CancelToken()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "llm_protocol");
  EXPECT_EQ(deltas.joined(), "Kept both.");
  EXPECT_EQ(server_.requestCount(), 1u);
}

TEST_F(OpenAiBackendTest, StreamWithoutDoneIsProtocolError) {
  server_.enqueue(FakeReply::streamUntilClose(kSse).raw(openAiContent("Hi")));
  auto llm = openai();
  Result<ChatResult> result = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "llm_protocol");
}

TEST_F(OpenAiBackendTest, ErrorEventAndUnauthorizedAreRequestFailures) {
  server_.enqueue(FakeReply::stream(kSse)
                      .chunk(sse(R"({"error":{"message":"context length exceeded",)"
                                 R"("type":"invalid_request_error"}})"))
                      .end());
  server_.enqueue(FakeReply::full(401, "application/json",
                                  R"({"error":{"message":"Invalid API Key","type":)"
                                  R"("authentication_error","code":401}})"));
  auto llm = openai();
  Result<ChatResult> event = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_FALSE(event.ok());
  EXPECT_EQ(event.error().code, "llm_request_failed");
  EXPECT_NE(event.error().message.find("context length"), std::string::npos);
  Result<ChatResult> denied = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, "llm_request_failed");
  EXPECT_NE(denied.error().message.find("Invalid API Key"), std::string::npos);
}

TEST_F(OpenAiBackendTest, Busy503IsRetriedThenSucceeds) {
  server_.enqueue(FakeReply::full(503, "application/json",
                                  R"({"error":{"message":"Loading model","code":503}})"));
  server_.enqueue(FakeReply::stream(kSse)
                      .chunk(openAiContent("Ready."))
                      .chunk(openAiChunk(json::object{}, "stop"))
                      .chunk(openAiDone())
                      .end());
  auto llm = openai();
  Result<ChatResult> result = call(llm->chat(simpleRequest(), nullptr, CancelToken()));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->text, "Ready.");
  EXPECT_EQ(result->usage.completion_tokens, 1);  // no usage event: streamed chunks counted
  EXPECT_EQ(server_.requestCount(), 2u);
}

TEST_F(OpenAiBackendTest, EmbeddingsParseInIndexOrder) {
  server_.enqueue(FakeReply::full(
      200, "application/json",
      R"({"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.5,0.25]},)"
      R"({"object":"embedding","index":0,"embedding":[-0.125,1]}],)"
      R"("model":"nomic-embed-text","usage":{"prompt_tokens":6,"total_tokens":6}})"));
  auto llm = openai();
  auto result = call(llm->embed("nomic-embed-text", {"first", "second"}));
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->size(), 2u);
  EXPECT_EQ((*result)[0], (std::vector<float>{-0.125f, 1.0f}));
  EXPECT_EQ((*result)[1], (std::vector<float>{0.5f, 0.25f}));
  auto requests = server_.requests();
  EXPECT_EQ(requests[0].target, "/v1/embeddings");
  EXPECT_EQ(json::parse(requests[0].body).as_object().at("input").as_array().size(), 2u);
}

}  // namespace
}  // namespace startales::llm::testing
