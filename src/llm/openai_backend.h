#pragma once

// OpenAI-compatible servers (llama.cpp server, vLLM, Ollama's /v1, OpenAI):
//   POST {base}/chat/completions {"model","messages","tools","stream":true,
//     "stream_options":{"include_usage":true},...} → Server-Sent Events:
//     data: {"choices":[{"index":0,"delta":{"content":".."},"finish_reason":null}]}
//     data: {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function",
//            "function":{"name":"f","arguments":""}}]}}]}          (then argument fragments:)
//     data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a"}}]}}]}
//     data: {"choices":[{"delta":{},"finish_reason":"tool_calls"}]}
//     data: {"choices":[],"usage":{"prompt_tokens":N,"completion_tokens":M}}
//     data: [DONE]
//   POST {base}/embeddings {"model","input":[..]} → {"data":[{"embedding":[..],"index":0},..]}
// The base URL includes the version path: "http://HOST:8080/v1".

#include <memory>

#include "llm/remote_backend.h"

namespace startales::llm {

class OpenAiBackend final : public RemoteBackend {
 public:
  // base_url: "http://HOST:PORT/v1". metrics and clock may be null; they must outlive this.
  static Result<std::unique_ptr<OpenAiBackend>> create(std::string_view base_url,
                                                       const LlmConfig& config,
                                                       LlmMetrics* metrics = nullptr,
                                                       const Clock* clock = nullptr);

 protected:
  [[nodiscard]] std::string chatPath() const override { return "/chat/completions"; }
  [[nodiscard]] std::string streamAccept() const override { return "text/event-stream"; }
  [[nodiscard]] boost::json::object chatBody(const ChatRequest& request,
                                             const std::string& model) const override;
  [[nodiscard]] std::unique_ptr<StreamDecoder> makeDecoder(
      DeltaFn on_delta, std::chrono::steady_clock::time_point start) const override;
  [[nodiscard]] std::string embedPath() const override { return "/embeddings"; }
  [[nodiscard]] Result<std::vector<std::vector<float>>> parseEmbed(std::string_view body,
                                                                   size_t expected) const override;

 private:
  using RemoteBackend::RemoteBackend;
};

}  // namespace startales::llm
