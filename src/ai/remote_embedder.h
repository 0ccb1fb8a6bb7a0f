#pragma once

// An Embedder over a remote LLM backend's embedding call (Ollama /api/embed, OpenAI-compatible
// /v1/embeddings). The dimension is whatever the model answers, learned by one probe call at
// start (open()), so a memory table written with another model is caught by MemoryStore's
// dimension check before anything is mixed.
//
// Threading: owns one I/O thread for its calls; embed() blocks the caller (a worker thread,
// never a network thread) until the answer or the backend's embed timeout. Thread-safe.

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <memory>
#include <string>
#include <thread>

#include "ai/embedder.h"
#include "llm/llm.h"

namespace startales::ai {

class RemoteEmbedder final : public Embedder {
 public:
  // Blocking. Errors: the backend's (llm_unavailable, llm_timeout...), or
  // "embedding_failed" when the model answers no vector.
  static Result<std::unique_ptr<RemoteEmbedder>> open(llm::LlmBackend& backend, std::string model);
  ~RemoteEmbedder() override;

  [[nodiscard]] int dimension() const override { return dimension_; }
  Result<std::vector<float>> embed(std::string_view text) override;

 private:
  RemoteEmbedder(llm::LlmBackend& backend, std::string model);
  Result<std::vector<float>> call(std::string_view text);

  llm::LlmBackend& backend_;
  const std::string model_;
  int dimension_ = 0;  // set once by open()
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace startales::ai
