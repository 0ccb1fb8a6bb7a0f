#pragma once

// The LLM backend interface: a streaming chat call with tools and an embedding call, spoken to
// a remote engine (Ollama's /api/chat + /api/embed, or an OpenAI-compatible
// /v1/chat/completions + /v1/embeddings). The built-in dialogue engine is not an LlmBackend;
// the dialogue layer picks it when STARTALES_LLM is "builtin" or when a backend fails.
//
// Errors (Error::code), stable, one metric label each:
//   llm_unavailable      cannot connect, HTTP 503 or 429 after the retries (Retry-After
//                        honoured up to backoff_max_ms), or the circuit breaker is open (fail fast)
//   llm_timeout          connect, first-token, idle-between-chunks or total timeout
//   llm_protocol         the stream was cut (truncated line, no final "done"/[DONE]), a line is
//                        not JSON, or a tool call's arguments are not a JSON object
//   cancelled        the CancelToken fired (barge-in)
//   llm_request_failed   the server refused the request (4xx, 5xx other than 503/429, or an error
//                        object in the stream), e.g. an unknown model
//   overloaded           this backend already runs LlmConfig::max_concurrent calls (no queue)

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "outbound/cancel_token.h"

namespace startales {
class Clock;
}
namespace startales::llm {

class LlmMetrics;

struct ToolCall {
  std::string id;                 // server-given id ("call_abc"); may be empty (older Ollama)
  std::string name;               // function name
  boost::json::object arguments;  // parsed arguments (always an object)
};

struct ChatMessage {
  enum class Role { kSystem, kUser, kAssistant, kTool };
  Role role = Role::kUser;
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant messages that called tools
  std::string tool_call_id;          // tool messages: the id of the call answered
  std::string tool_name;             // tool messages: the function answered (Ollama uses it)
};

std::string_view roleName(ChatMessage::Role role);

struct ToolSpec {
  std::string name;
  std::string description;
  boost::json::object parameters;  // JSON schema of the arguments ({"type":"object",...})
};

struct ChatRequest {
  std::string model;  // empty: LlmConfig::model
  std::vector<ChatMessage> messages;
  std::vector<ToolSpec> tools;
  double temperature = -1;  // < 0: the server's default
  int max_tokens = 0;       // <= 0: the server's default
};

struct ChatUsage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;  // server count, or the number of streamed chunks if absent
  int64_t first_token_ms = -1;    // call start → first delta or tool call; -1: none
  int64_t total_ms = 0;           // call start → end of stream, retries included
};

struct ChatResult {
  std::string text;  // the concatenation of every delta passed to on_delta
  std::vector<ToolCall> tool_calls;
  ChatUsage usage;
  std::string finish_reason;  // "stop", "length", "tool_calls"... as the server said
};

// Cancels a call in flight (barge-in): copies share one state, cancel() is thread-safe.
using CancelToken = outbound::CancelToken;

// Called with each piece of text as it arrives, in order, never twice at once. Runs on the
// call's internal strand (or the caller's executor for a last line without its newline) while
// the caller's coroutine is suspended in chat(); must not block. May call cancel().
using DeltaFn = std::function<void(std::string_view delta)>;

class LlmBackend {
 public:
  virtual ~LlmBackend() = default;

  // Streams one chat completion. Every delta reaches on_delta before the call returns; on an
  // error, ChatResult is lost but the deltas already delivered stay delivered (the caller
  // keeps what it showed). Thread-safe: calls may run concurrently.
  virtual boost::asio::awaitable<Result<ChatResult>> chat(const ChatRequest& request,
                                                          DeltaFn on_delta, CancelToken cancel) = 0;

  // One embedding per text, in order. model empty: LlmConfig::embed_model.
  virtual boost::asio::awaitable<Result<std::vector<std::vector<float>>>> embed(
      std::string model, std::vector<std::string> texts) = 0;

  // "ollama" or "openai".
  [[nodiscard]] virtual std::string_view name() const = 0;

  // True while the circuit breaker fails calls fast (half-open counts as closed).
  [[nodiscard]] virtual bool isOpen() const = 0;
};

struct LlmConfig {
  std::string model;        // chat model when ChatRequest::model is empty, e.g. "llama3.2:3b"
  std::string embed_model;  // embedding model when embed() gets none, e.g. "nomic-embed-text"
  std::string api_key;      // OpenAI-compatible only: "Authorization: Bearer <key>"; empty: none

  int connect_timeout_ms = 2'000;  // resolve + TCP connect, per attempt
  int first_token_ms = 30'000;     // call start → first delta/tool call (model load, prompt)
  int idle_timeout_ms = 15'000;    // longest gap between two chunks once streaming
  int total_timeout_ms = 120'000;  // whole call, retries and backoff included
  int embed_timeout_ms = 30'000;   // whole embed call, retries included

  int max_retries = 2;         // extra attempts on connect errors / 503 / 429, before any
                               // byte of a 200 response; never after
  int backoff_base_ms = 100;   // first backoff; doubles per retry
  int backoff_max_ms = 2'000;  // backoff cap, before jitter
  uint64_t jitter_seed = 0;    // seeds the jitter RNG (×[0.5, 1.0]); 0: random

  int breaker_failures = 5;      // consecutive failed calls (unavailable/timeout) → open
  int breaker_open_ms = 30'000;  // open → half-open after this long (one probe call)

  int max_concurrent = 8;                // calls in flight per backend; beyond → "overloaded" at
                                         // once (no wait queue: the caller falls back instead)
  size_t max_response_bytes = 16 << 20;  // non-streamed body (embeddings) / one stream line cap
};

// Every problem of `config`, one sentence each (empty: valid). makeBackend refuses an invalid
// config with Error{"invalid_llm_config"} listing them.
std::vector<std::string> validateConfig(const LlmConfig& config);

// Builds a backend from STARTALES_LLM: "ollama:http://HOST:11434" or "openai:http://HOST/v1".
// "builtin" is answered with Error{"llm_builtin"} (the dialogue layer makes that engine);
// anything else with Error{"invalid_llm_spec"}. `metrics` may be null (no metrics); `clock`
// may be null (system clock) and drives the circuit breaker. Both must outlive the backend.
Result<std::unique_ptr<LlmBackend>> makeBackend(std::string_view spec, const LlmConfig& config,
                                                LlmMetrics* metrics = nullptr,
                                                const Clock* clock = nullptr);

}  // namespace startales::llm
