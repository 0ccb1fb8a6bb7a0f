#pragma once

// Shared helpers for the LLM backend tests: an io_context run by two threads (so strands
// matter), a synchronous call() for awaitables, and wire-format builders that reproduce what
// Ollama and OpenAI-compatible servers send.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "llm/llm.h"
#include "llm/llm_metrics.h"
#include "metrics/metrics.h"
#include "support/fake_llm_server.h"

namespace startales::llm::testing {

using startales::testing::FakeLlmServer;
using startales::testing::FakeReply;

template <typename R>
boost::asio::awaitable<std::optional<R>> wrapOptional(boost::asio::awaitable<R> op) {
  co_return co_await std::move(op);
}

// Collects deltas (written on the call's strand, read after the call returned).
struct Deltas {
  std::mutex mu;
  std::vector<std::string> parts;
  DeltaFn fn() {
    return [this](std::string_view d) {
      std::lock_guard lock(mu);
      parts.emplace_back(d);
    };
  }
  std::string joined() {
    std::lock_guard lock(mu);
    std::string out;
    for (auto& p : parts) out += p;
    return out;
  }
  size_t size() {
    std::lock_guard lock(mu);
    return parts.size();
  }
};

class LlmTest : public ::testing::Test {
 protected:
  LlmTest() : work_(io_.get_executor()), llm_metrics_(metrics_.registry()) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    config_.model = "llama3.2:3b";
    config_.embed_model = "nomic-embed-text";
    config_.connect_timeout_ms = 2'000;
    config_.first_token_ms = 5'000;
    config_.idle_timeout_ms = 5'000;
    config_.total_timeout_ms = 10'000;
    config_.max_retries = 2;
    config_.backoff_base_ms = 5;
    config_.backoff_max_ms = 20;
    config_.jitter_seed = 42;
    config_.breaker_failures = 3;
    config_.breaker_open_ms = 1'000;
    config_.max_concurrent = 4;
  }
  ~LlmTest() override {
    server_.stop();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }

  // Runs an awaitable on the io_context and waits for its result.
  template <typename R>
  R call(boost::asio::awaitable<R> op) {
    auto wrapped = wrapOptional(std::move(op));
    auto future = boost::asio::co_spawn(io_, std::move(wrapped), boost::asio::use_future);
    return std::move(*future.get());
  }
  template <typename R>
  std::future<std::optional<R>> start(boost::asio::awaitable<R> op) {
    auto wrapped = wrapOptional(std::move(op));
    return boost::asio::co_spawn(io_, std::move(wrapped), boost::asio::use_future);
  }

  std::unique_ptr<LlmBackend> backend(const std::string& spec) {
    auto made = makeBackend(spec, config_, &llm_metrics_, &clock_);
    EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
    return std::move(*made);
  }

  static ChatRequest simpleRequest() {
    ChatRequest req;
    req.messages.push_back({ChatMessage::Role::kSystem, "You are the treasury advisor."});
    req.messages.push_back({ChatMessage::Role::kUser, "How are our finances?"});
    return req;
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  metrics::Metrics metrics_;
  LlmMetrics llm_metrics_;
  ManualClock clock_;
  LlmConfig config_;
  FakeLlmServer server_;
};

// ---- Ollama wire format (docs/api.md, "Generate a chat completion", streaming) -------------

inline std::string ollamaDelta(const std::string& content) {
  boost::json::object line{
      {"model", "llama3.2:3b"},
      {"created_at", "2025-05-27T22:54:57.641643Z"},
      {"message", boost::json::object{{"role", "assistant"}, {"content", content}}},
      {"done", false}};
  return boost::json::serialize(line) + "\n";
}

inline std::string ollamaToolCall(const std::string& name, const std::string& arguments_json) {
  boost::json::object fn{{"name", name}, {"arguments", boost::json::parse(arguments_json)}};
  boost::json::object line{
      {"model", "llama3.2:3b"},
      {"created_at", "2025-05-27T22:54:58.100000Z"},
      {"message", boost::json::object{{"role", "assistant"},
                                      {"content", ""},
                                      {"tool_calls",
                                       boost::json::array{boost::json::object{{"function", fn}}}}}},
      {"done", false}};
  return boost::json::serialize(line) + "\n";
}

inline std::string ollamaDone(const std::string& reason = "stop") {
  return R"({"model":"llama3.2:3b","created_at":"2025-05-27T22:54:59.000000Z",)"
         R"("message":{"role":"assistant","content":""},"done_reason":")" +
         reason +
         R"(","done":true,"total_duration":4883583458,"load_duration":1334875,)"
         R"("prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":282,)"
         R"("eval_duration":4535599000})"
         "\n";
}

// ---- OpenAI wire format (chat.completion.chunk events) -------------------------------------

inline std::string sse(const std::string& data) { return "data: " + data + "\n\n"; }

inline std::string openAiChunk(const boost::json::object& delta,
                               const std::string& finish_reason = "") {
  boost::json::object choice{{"index", 0}, {"delta", delta}, {"logprobs", nullptr}};
  if (finish_reason.empty()) {
    choice["finish_reason"] = nullptr;
  } else {
    choice["finish_reason"] = finish_reason;
  }
  boost::json::object chunk{{"id", "chatcmpl-7a1"},
                            {"object", "chat.completion.chunk"},
                            {"created", 1'732'600'000},
                            {"model", "qwen2.5-7b-instruct"},
                            {"system_fingerprint", "b4100-abc"},
                            {"choices", boost::json::array{choice}}};
  return sse(boost::json::serialize(chunk));
}

inline std::string openAiContent(const std::string& text) {
  return openAiChunk(boost::json::object{{"content", text}});
}

inline std::string openAiUsage(int prompt, int completion) {
  return sse(R"({"id":"chatcmpl-7a1","object":"chat.completion.chunk","created":1732600000,)"
             R"("model":"qwen2.5-7b-instruct","choices":[],"usage":{"prompt_tokens":)" +
             std::to_string(prompt) + R"(,"completion_tokens":)" + std::to_string(completion) +
             R"(,"total_tokens":)" + std::to_string(prompt + completion) + "}}");
}

inline std::string openAiDone() { return "data: [DONE]\n\n"; }

}  // namespace startales::llm::testing
