#pragma once

// A character's memory stream (issue 5, "Memory"): everything the character observed or
// concluded, each memory with a scope (campaign-wide or private to one player), a game
// tick, an importance (1..10) and an embedding. Retrieval ranks memories by recency,
// importance and relevance (see MemoryConfig); reflections summarise a scope once enough
// importance has accumulated in it since the last one.
//
// Reflections are per scope: a summary of player A's private memories is itself private to
// player A, so reflecting can never leak one player's secrets into another's view.
//
// Storage: the database (store) holds every memory; the stream keeps a ledger of them (no
// vectors) for reflections and recaps, and searches a VectorIndex (ai/vector_index.h): the
// in-process MemoryIndex, or a remote one (Qdrant) shared by every node.
//
// Threading: not synchronised. remember(), retrieve() and addReflection() embed text (and,
// with a store, write to the database; with a remote index, call it), so they may block: run
// them on a worker pool, one call at a time per stream (e.g. from the character's strand
// hopping to the pool).
// Ownership: the stream borrows the embedder, the store, the clock and the vector backend;
// they outlive it.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ai/embedder.h"
#include "ai/memory_index.h"
#include "ai/memory_ledger.h"
#include "ai/memory_store.h"
#include "ai/memory_types.h"
#include "ai/vector_index.h"
#include "common/clock.h"
#include "common/result.h"

namespace startales::ai {

// True for an error of a remote vector index (codes "vectors_*": unreachable, slow, refusing).
// From remember() / addReflection() it means the memory was stored and will be indexed later
// (callers go on); from retrieve(), that no memories could be fetched this time.
bool isVectorIndexError(const Error& error);

class MemoryStream {
 public:
  // Opens the stream of one character. With a store, loads its memories and rebuilds the
  // index (error "embedding_dimension_mismatch" when they were embedded with another
  // dimension than the embedder's); without one (nullptr), the stream lives in memory only.
  // vectors: where the index lives (nullptr: in this process, LocalVectorBackend).
  // Errors: "invalid_config" (validateConfig), the store's and the vector backend's errors.
  static Result<std::unique_ptr<MemoryStream>> open(int64_t campaign_id, int64_t character_id,
                                                    Embedder& embedder, MemoryStore* store,
                                                    const Clock& clock,
                                                    const MemoryConfig& config = {},
                                                    VectorBackend* vectors = nullptr);

  // Records an observation. scope: kCampaignScope or playerScope(user); importance 1..10.
  // When the database took the memory but a remote index did not (error vectors_*), the
  // memory is kept (database and ledger) and indexed again later (see the backend): the
  // error says the index is behind, not that the memory is lost.
  Result<Memory> remember(std::string scope, std::string text, int32_t tick, int importance);

  // The best memories for `query` at game tick `tick`, as seen by `viewer` (a user id; its
  // private memories and the campaign-wide ones; nullopt: campaign-wide only). k <= 0 means
  // config.top_k.
  Result<std::vector<ScoredMemory>> retrieve(std::string_view query, int32_t tick,
                                             std::optional<int64_t> viewer, int k = 0,
                                             SearchMode mode = SearchMode::kAuto);

  // Reflection: a scope needs one once the importance of its observations since its last
  // reflection reaches config.reflection_threshold.
  [[nodiscard]] bool needsReflection(std::string_view scope) const;
  [[nodiscard]] std::vector<std::string> scopesNeedingReflection() const;
  // The built-in, deterministic reflection text for a scope: "I have noted: A; B; C." quoting
  // the config.reflection_sources most important observations since its last reflection
  // (ties: the most recent). Empty when there is nothing to reflect on. (An LLM writes
  // better ones; that comes with the dialogue layer.)
  [[nodiscard]] std::string reflectionSummary(std::string_view scope) const;
  // Records a reflection in `scope`; resets that scope's accumulated importance.
  Result<Memory> addReflection(std::string scope, std::string text, int importance, int32_t tick);

  // What the stream remembers (texts, scopes, ticks; no vectors).
  [[nodiscard]] const MemoryLedger& ledger() const { return ledger_; }
  // The in-process index, or nullptr when the index is remote.
  [[nodiscard]] const MemoryIndex* localIndex() const { return index_->local(); }
  [[nodiscard]] int64_t characterId() const { return character_id_; }

 private:
  MemoryStream(int64_t campaign_id, int64_t character_id, Embedder& embedder, MemoryStore* store,
               const Clock& clock, const MemoryConfig& config);
  Result<Memory> record(std::string scope, std::string_view kind, std::string text, int32_t tick,
                        int importance);

  // const after construction
  int64_t campaign_id_;
  int64_t character_id_;
  Embedder& embedder_;
  MemoryStore* store_;  // nullable
  const Clock& clock_;
  MemoryConfig config_;

  MemoryLedger ledger_;
  std::unique_ptr<VectorIndex> index_;  // set by open()
  int64_t next_local_id_ = 1;  // ids when there is no store
};

}  // namespace startales::ai
