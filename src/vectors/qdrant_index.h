#pragma once

// Character memories indexed in Qdrant (STARTALES_VECTORS=qdrant:http://HOST:6333): one
// collection for the deployment, one point per memory (point id = the memory's database id,
// so an upsert is idempotent: a rebuild or a retry never duplicates), payload {campaign,
// character, scope, kind, tick, importance, created_at, memory_id}.
//
// Search, and why it equals the local index's result up to recall: Qdrant only finds
// candidates; the stream scores them with the project's rule (ai::memoryScore), exactly as
// MemoryIndex does. Every search filters `must` campaign + character + scope in ("campaign",
// "player:V"), so another player's private memories are never candidates (and a returned
// point whose scope the viewer may not see is dropped). Small visible sets (fewer than 16 x
// ann_candidates, or SearchMode::kExact) are fetched whole and scored exactly. Larger ones
// follow MemoryIndex's rounds: the ann_candidates nearest by relevance plus the
// recent_per_importance newest memories of each importance level per scope (their ids come
// from the stream's ledger; one batch call returns both lists with their cosines); any other
// memory scores at most the bound built from the farthest neighbour's relevance and the
// newest non-candidate of each level; while the k-th best candidate does not beat the bound
// the round widens x4 until it would fetch 1/16 of the set, which is then fetched whole.
//
// Failures: a memory the database took but Qdrant did not is queued (at most kMaxQueued per
// stream; beyond, the oldest are dropped and counted) and sent again before the next call;
// when a stream opens, the character's point count is compared with its database rows and
// every memory is upserted again when they differ (so dropped ones come back then). If
// Qdrant cannot be reached at open, the check is retried before the next call.
//
// Threading: an index is used by one call at a time (its MemoryStream's), on a worker
// thread; each call blocks for at most the client's timeout. The backend is thread-safe.

#include <cstddef>
#include <deque>
#include <memory>

#include "ai/vector_index.h"
#include "vectors/qdrant_client.h"
#include "vectors/vectors_metrics.h"

namespace startales::vectors {

class QdrantVectorBackend final : public ai::VectorBackend {
 public:
  static constexpr size_t kMaxQueued = 256;  // memories per stream waiting to be re-sent
  static constexpr size_t kUpsertBatch = 256;

  // Blocking (at start): checks the collection, creating it when missing. Errors: the
  // client's (vectors_dimension_mismatch when it holds another dimension).
  // metrics: nullable; outlives the backend.
  static Result<std::unique_ptr<QdrantVectorBackend>> open(QdrantConfig config, int dimension,
                                                           VectorsMetrics* metrics);

  [[nodiscard]] std::string_view name() const override { return "qdrant"; }
  // "invalid_config" when the stream is not persisted: its ids are process-local and would
  // collide in the shared collection.
  Result<std::unique_ptr<ai::VectorIndex>> open(int64_t campaign_id, int64_t character_id,
                                                int dimension, const ai::MemoryConfig& config,
                                                const ai::MemoryLedger& ledger,
                                                bool persisted) override;

  [[nodiscard]] QdrantClient& client() { return *client_; }

 private:
  QdrantVectorBackend(std::unique_ptr<QdrantClient> client, int dimension, VectorsMetrics* metrics);

  // const after construction
  std::unique_ptr<QdrantClient> client_;
  int dimension_;
  VectorsMetrics* metrics_;
};

}  // namespace startales::vectors
