#pragma once

// What a memory stream needs from its vector index, behind one interface with two
// implementations chosen by configuration (STARTALES_VECTORS):
//   - local: MemoryIndex in this process (exact + hnswlib), rebuilt from the database each
//     time a stream opens (an owner change loads the campaign's characters anew);
//   - qdrant: a Qdrant collection shared by every node (vectors/qdrant_index.h); the points
//     are already there when a stream opens, so opening only checks they are all present.
// Both score candidates with the same rule (memoryScore in ai/memory_types.h) and keep the
// same privacy: a search for viewer V only ever considers the "campaign" scope and
// "player:V", so another player's private memories are never candidates.
//
// Threading: an index is used by one call at a time (its MemoryStream serialises them) on a
// worker thread: a remote index blocks on the network, bounded by its timeouts.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "ai/memory_index.h"
#include "ai/memory_ledger.h"
#include "ai/memory_types.h"
#include "common/result.h"

namespace startales::ai {

class VectorIndex {
 public:
  virtual ~VectorIndex() = default;

  // Once, when the stream opens: every memory of the character from the database, oldest
  // first, embeddings included (already in the stream's ledger).
  virtual Result<void> rebuild(std::vector<Memory> memories) = 0;
  // A memory just recorded (in the database when the stream has a store, and in the ledger).
  // Errors: "invalid_field" (dimension...), "internal", the remote engine's (vectors_*).
  virtual Result<void> add(Memory memory) = 0;
  // The k best memories visible to `viewer` (nullopt: campaign-wide only) for a normalised
  // query at game tick `tick`, best first (ranksBefore), embeddings left out.
  virtual Result<std::vector<ScoredMemory>> search(std::span<const float> query, int32_t tick,
                                                   std::optional<int64_t> viewer, int k,
                                                   SearchMode mode) = 0;
  // The in-process index, when this is one (tests and benchmarks inspect it); else nullptr.
  [[nodiscard]] virtual const MemoryIndex* local() const { return nullptr; }
};

// Opens the index of one character's stream.
class VectorBackend {
 public:
  virtual ~VectorBackend() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;  // "local" | "qdrant"
  // `ledger` is the stream's: it outlives the index and holds every memory given to it.
  // Errors: the remote engine's; "invalid_config" when the backend cannot serve this stream.
  virtual Result<std::unique_ptr<VectorIndex>> open(int64_t campaign_id, int64_t character_id,
                                                    int dimension, const MemoryConfig& config,
                                                    const MemoryLedger& ledger, bool persisted) = 0;
};

// MemoryIndex behind the interface: exactly its behaviour and cost.
class LocalVectorBackend final : public VectorBackend {
 public:
  [[nodiscard]] std::string_view name() const override { return "local"; }
  Result<std::unique_ptr<VectorIndex>> open(int64_t campaign_id, int64_t character_id,
                                            int dimension, const MemoryConfig& config,
                                            const MemoryLedger& ledger, bool persisted) override;
};

}  // namespace startales::ai
