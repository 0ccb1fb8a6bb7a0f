#pragma once

// The shared machinery of the remote backends (Ollama, OpenAI-compatible): the HTTP calls go
// through outbound::HttpClient (timeouts: connect, first token, idle, total; retries with
// backoff + jitter on connection errors, 503 and 429 before any byte of a 200 body;
// cancellation); this adds a circuit breaker, a concurrency limit and metrics. Subclasses only
// say how to write the request bodies and how to read the replies (a StreamDecoder).

#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "llm/circuit_breaker.h"
#include "llm/llm.h"
#include "outbound/http_client.h"

namespace startales::llm {

using outbound::Endpoint;

// Parses an engine's http:// URL (outbound::parseUrl). Error: "invalid_llm_spec".
Result<Endpoint> parseHttpUrl(std::string_view url);

// Turns the body of a 200 chat response into text deltas, tool calls and usage. One per call;
// runs on the call's strand. Errors: llm_protocol, llm_request_failed.
class StreamDecoder {
 public:
  explicit StreamDecoder(DeltaFn on_delta, std::chrono::steady_clock::time_point start)
      : on_delta_(std::move(on_delta)), start_(start) {}
  virtual ~StreamDecoder() = default;

  // Body bytes as they arrive (any split).
  virtual Result<void> feed(std::string_view bytes) = 0;
  // The body ended cleanly: checks the stream was complete and finishes result().
  virtual Result<void> finish() = 0;

  [[nodiscard]] bool sawToken() const { return result_.usage.first_token_ms >= 0; }
  ChatResult& result() { return result_; }
  [[nodiscard]] int64_t chunks() const { return chunks_; }

 protected:
  void emitText(std::string_view text);
  void markToken();  // a tool call or reasoning text counts as the first token too

  ChatResult result_;
  int64_t chunks_ = 0;  // content deltas seen

 private:
  DeltaFn on_delta_;
  std::chrono::steady_clock::time_point start_;
};

// Splits a byte stream into lines ('\n', a trailing '\r' removed). A line longer than
// `max_line` is an error (llm_protocol).
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line) : max_line_(max_line) {}
  // Calls fn(line) for each complete line; stops at the first error fn returns.
  template <typename Fn>
  Result<void> feed(std::string_view bytes, Fn&& fn) {
    buffer_.append(bytes);
    size_t begin = 0;
    for (size_t nl; (nl = buffer_.find('\n', begin)) != std::string::npos; begin = nl + 1) {
      std::string_view line(buffer_.data() + begin, nl - begin);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      Result<void> r = fn(line);
      if (!r) return r;
    }
    buffer_.erase(0, begin);
    if (buffer_.size() > max_line_) {
      return makeError("llm_protocol", "The LLM server sent a line longer than the limit.");
    }
    return {};
  }
  // What is left after the last newline (a truncated line when not blank).
  [[nodiscard]] const std::string& rest() const { return buffer_; }

 private:
  size_t max_line_;
  std::string buffer_;
};

class RemoteBackend : public LlmBackend {
 public:
  ~RemoteBackend() override;

  boost::asio::awaitable<Result<ChatResult>> chat(const ChatRequest& request, DeltaFn on_delta,
                                                  CancelToken cancel) final;
  boost::asio::awaitable<Result<std::vector<std::vector<float>>>> embed(
      std::string model, std::vector<std::string> texts) final;
  [[nodiscard]] std::string_view name() const final { return name_; }
  [[nodiscard]] bool isOpen() const final { return breaker_.isOpen(); }
  [[nodiscard]] CircuitBreaker::State breakerState() const { return breaker_.state(); }
  [[nodiscard]] int inFlight() const { return in_flight_.load(); }

 protected:
  RemoteBackend(std::string name, Endpoint endpoint, LlmConfig config, LlmMetrics* metrics,
                const Clock* clock);

  [[nodiscard]] const LlmConfig& config() const { return config_; }

  // Protocol specifics.
  [[nodiscard]] virtual std::string chatPath() const = 0;      // e.g. "/api/chat"
  [[nodiscard]] virtual std::string streamAccept() const = 0;  // Accept header of chat
  [[nodiscard]] virtual boost::json::object chatBody(const ChatRequest& request,
                                                     const std::string& model) const = 0;
  [[nodiscard]] virtual std::unique_ptr<StreamDecoder> makeDecoder(
      DeltaFn on_delta, std::chrono::steady_clock::time_point start) const = 0;
  [[nodiscard]] virtual std::string embedPath() const = 0;
  // {model, input: [texts]}: what both Ollama's /api/embed and OpenAI's /v1/embeddings take.
  [[nodiscard]] static boost::json::object embedBody(const std::string& model,
                                                     const std::vector<std::string>& texts);
  [[nodiscard]] virtual Result<std::vector<std::vector<float>>> parseEmbed(
      std::string_view body, size_t expected) const = 0;

 private:
  // POST `body` to `path`; maps a non-2xx reply to llm_unavailable (503, 429) or
  // llm_request_failed.
  boost::asio::awaitable<Result<void>> post(std::string path, std::string body, std::string accept,
                                            outbound::Policy policy, outbound::BodyReader reader,
                                            CancelToken cancel);
  // Breaker accounting + error metric for a finished call.
  void account(const Result<void>& outcome);
  Error fail(Error error);  // counts the error metric and returns it

  // const after construction
  const std::string name_;
  const LlmConfig config_;
  LlmMetrics* const metrics_;  // may be null
  SystemClock system_clock_;
  const outbound::HttpClient client_;

  CircuitBreaker breaker_;
  std::atomic<int> in_flight_{0};
};

// Extracts a readable message from an error body: {"error":"..."} (Ollama),
// {"error":{"message":"..."}} (OpenAI) or the raw text (cut to 200 bytes).
std::string errorMessageFromBody(std::string_view body);

}  // namespace startales::llm
