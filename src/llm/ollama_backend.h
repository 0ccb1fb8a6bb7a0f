#pragma once

// Ollama (https://github.com/ollama/ollama/blob/main/docs/api.md):
//   POST /api/chat  {"model","messages","tools","stream":true,"options":{...}} → NDJSON lines
//     {"message":{"role":"assistant","content":"..","tool_calls":[{"function":{"name":..,
//      "arguments":{..}}}]},"done":false} ... and a last line {"done":true,"done_reason":..,
//      "prompt_eval_count":N,"eval_count":M,"total_duration":ns,...}; a failure mid-stream is
//      a line {"error":"..."}.
//   POST /api/embed {"model","input":[..]} → {"embeddings":[[..],..]}

#include <memory>

#include "llm/remote_backend.h"

namespace startales::llm {

class OllamaBackend final : public RemoteBackend {
 public:
  // base_url: "http://HOST:11434". metrics and clock may be null; they must outlive this.
  static Result<std::unique_ptr<OllamaBackend>> create(std::string_view base_url,
                                                       const LlmConfig& config,
                                                       LlmMetrics* metrics = nullptr,
                                                       const Clock* clock = nullptr);

 protected:
  [[nodiscard]] std::string chatPath() const override { return "/api/chat"; }
  [[nodiscard]] std::string streamAccept() const override { return "application/x-ndjson"; }
  [[nodiscard]] boost::json::object chatBody(const ChatRequest& request,
                                             const std::string& model) const override;
  [[nodiscard]] std::unique_ptr<StreamDecoder> makeDecoder(
      DeltaFn on_delta, std::chrono::steady_clock::time_point start) const override;
  [[nodiscard]] std::string embedPath() const override { return "/api/embed"; }
  [[nodiscard]] Result<std::vector<std::vector<float>>> parseEmbed(std::string_view body,
                                                                   size_t expected) const override;

 private:
  using RemoteBackend::RemoteBackend;
};

// Reads a JSON array of numbers into floats; false if it is anything else.
bool readVector(const boost::json::value& value, std::vector<float>& out);

}  // namespace startales::llm
