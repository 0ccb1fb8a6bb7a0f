#pragma once

// Text embedders for the memory stream: text -> fixed-size, L2-normalised float vector, so
// that the inner product of two embeddings is their cosine similarity.
//
// `BuiltinEmbedder` needs no model: it hashes words and character 3-grams into the vector
// (signed feature hashing). It captures shared vocabulary ("fleet", "Vega", "attack" in
// "attacked"), not meaning; remote embedders (Ollama /api/embed, OpenAI /v1/embeddings) come
// with the LLM backends and implement the same interface.

#include <string_view>
#include <vector>

#include "common/result.h"

namespace startales::ai {

class Embedder {
 public:
  virtual ~Embedder() = default;
  // Floats per embedding; constant for the embedder's lifetime.
  [[nodiscard]] virtual int dimension() const = 0;
  // dimension() floats, L2-normalised (all zeros when the text has no usable word).
  // May block (remote embedders): call from a worker pool. Implementations are thread-safe.
  virtual Result<std::vector<float>> embed(std::string_view text) = 0;
};

// Deterministic on every platform (FNV-1a hashing, no RNG, no locale). Stateless and
// thread-safe. Cost: linear in the text length (~a few microseconds per sentence).
class BuiltinEmbedder final : public Embedder {
 public:
  static constexpr int kDefaultDimension = 384;
  // dimension: at least 16.
  explicit BuiltinEmbedder(int dimension = kDefaultDimension);

  [[nodiscard]] int dimension() const override { return dimension_; }
  Result<std::vector<float>> embed(std::string_view text) override;

 private:
  int dimension_;  // const after construction
};

// Dot product of two equally long vectors (the cosine when both are normalised).
float dot(const float* a, const float* b, int n);

}  // namespace startales::ai
