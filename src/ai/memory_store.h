#pragma once

// Characters' memories in the database (table character_memories, migration 0003).
// Blocking: call from a worker pool, never from a network thread or a campaign strand.
// Thread-safe (the Database is).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ai/memory_types.h"
#include "common/result.h"

namespace startales::store {
class Database;
}

namespace startales::ai {

// base64 of the floats as IEEE-754 float32, little-endian, whatever the host's byte order.
std::string encodeEmbedding(std::span<const float> embedding);
// nullopt unless `text` is valid base64 of exactly `dimension` floats.
std::optional<std::vector<float>> decodeEmbedding(std::string_view text, int dimension);

class MemoryStore {
 public:
  // db: outlives the store.
  explicit MemoryStore(store::Database& db) : db_(db) {}

  // Inserts the memory (its id is ignored) and returns the id the database gave it.
  Result<int64_t> add(const Memory& memory);

  // Every memory of a character, oldest first (tick, then id), embeddings included.
  // Error "embedding_dimension_mismatch" when a memory was stored with a dimension other
  // than `dimension` (the embedder's); "db_error" when a stored embedding is corrupt.
  Result<std::vector<Memory>> loadForCharacter(int64_t character_id, int dimension);

  // Memories of a character.
  Result<int64_t> count(int64_t character_id);

  // Start-up check over the whole table: the same "embedding_dimension_mismatch" error,
  // naming the first character whose memories were embedded with another dimension.
  Result<void> checkDimension(int dimension);

 private:
  store::Database& db_;
};

// The error both checks give.
Error dimensionMismatch(int64_t character_id, int stored, int embedder);

}  // namespace startales::ai
