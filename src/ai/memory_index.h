#pragma once

// The in-memory index of one character's memories: scored retrieval with a scope filter.
//
// Memories are partitioned by scope. A query for viewer V searches only the "campaign"
// partition and the "player:V" partition, so another player's private memories are never
// even candidates, on either search path:
//   - exact: every memory of a partition is scored (partitions below hnsw_threshold, or
//     SearchMode::kExact);
//   - hnswlib: a partition that reaches hnsw_threshold gets its own HNSW graph (inner
//     product on normalised vectors). Its candidates are the ann_candidates nearest by
//     relevance plus the recent_per_importance most recent memories of each importance
//     level, scored exactly like the exact path. Any other memory's score is bounded (its
//     relevance is at most the farthest neighbour's, its recency at most the newest
//     non-candidate's of its level); while the k-th best candidate does not beat that bound,
//     the search widens (x4), and once it would fetch 1/16 of the partition (where a graph
//     search costs about as much as a scan) it scores the partition exactly. So the result
//     equals the exact one up to the graph's recall. SearchMode::kApproximate stops after
//     the first round.
// One graph per scope (rather than one graph with over-fetch-and-filter) keeps privacy
// structural, gives a full candidate list however the memories are spread over players,
// and costs nothing extra: every memory is in exactly one graph.
//
// Threading: not synchronised. const methods may run concurrently with each other; add()
// needs exclusive access (the owner serialises it, e.g. on the character's strand).
// Memory: ~4 bytes x dimension per memory, plus about as much again plus ~150 bytes of
// links per memory in a partition that has an HNSW graph (measured: ~5 KB per memory in
// all at dimension 384, see docs/benchmarks.md).

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ai/memory_types.h"
#include "common/result.h"

namespace startales::ai {

struct ScoredMemory {
  Memory memory;  // embedding left empty
  double score = 0;
  // The normalised components (0..1), before weighting.
  double recency = 0;
  double importance = 0;
  double relevance = 0;
};

enum class SearchMode : uint8_t {
  // hnswlib for partitions that have a graph (widened until the bound holds, see above),
  // exact for the others. Same results as kExact up to the graph's recall.
  kAuto,
  // As kAuto but one round of candidates, never widened: faster, but among many equally
  // relevant memories it can miss one that wins on recency and importance.
  kApproximate,
  kExact,  // score every visible memory (benchmarks and tests compare against it)
};

class MemoryIndex {
 public:
  // config: validated (validateConfig); copied.
  MemoryIndex(int dimension, const MemoryConfig& config);
  ~MemoryIndex();
  MemoryIndex(MemoryIndex&&) noexcept;
  MemoryIndex& operator=(MemoryIndex&&) noexcept;
  MemoryIndex(const MemoryIndex&) = delete;
  MemoryIndex& operator=(const MemoryIndex&) = delete;

  [[nodiscard]] int dimension() const { return dimension_; }
  [[nodiscard]] size_t size() const { return memories_.size(); }
  [[nodiscard]] size_t size(std::string_view scope) const;
  // Scopes that have memories, sorted.
  [[nodiscard]] std::vector<std::string> scopes() const;
  // True when the scope's partition is searched through an HNSW graph.
  [[nodiscard]] bool usesHnsw(std::string_view scope) const;

  // Adds a memory (its embedding must have dimension() floats). Errors: "invalid_field"
  // (scope, importance 1..10, kind, dimension), "internal" (hnswlib failed).
  // Cost: O(1) below the threshold; O(log n) graph insertion above it; building the graph
  // when a partition reaches the threshold costs O(n log n) once.
  Result<void> add(Memory memory);

  // The k best memories visible to `viewer` (nullopt: campaign-wide memories only) for a
  // normalised query vector at game tick `tick`, best first (ties: newer tick, then higher
  // id). Embeddings are left out of the results.
  [[nodiscard]] std::vector<ScoredMemory> search(std::span<const float> query, int32_t tick,
                                                 std::optional<int64_t> viewer, int k,
                                                 SearchMode mode = SearchMode::kAuto) const;

  // How graph-backed partitions were searched, since construction. Thread-safe.
  struct SearchStats {
    std::atomic<uint64_t> graph_searches{0};   // hnswlib searches (one per widening round)
    std::atomic<uint64_t> exact_fallbacks{0};  // partitions scored exactly instead
  };
  [[nodiscard]] const SearchStats& stats() const { return *stats_ptr_; }


 private:
  struct Partition;
  struct Candidate {
    double score;
    uint32_t pos;
  };

  // Appends candidates of one partition that include its k best (see search paths above).
  void scoreInto(const Partition& p, std::span<const float> query, int32_t tick, size_t k,
                 SearchMode mode, std::vector<Candidate>& out) const;
  [[nodiscard]] Candidate score(uint32_t pos, std::span<const float> query, int32_t tick) const;
  Result<void> buildGraph(Partition& p) const;

  // const after construction
  int dimension_;
  MemoryConfig config_;

  std::vector<Memory> memories_;  // in insertion order; embeddings moved into vectors_
  std::vector<float> vectors_;    // memories_.size() x dimension_
  std::map<std::string, std::unique_ptr<Partition>, std::less<>> partitions_;
  std::unique_ptr<SearchStats> stats_ptr_ = std::make_unique<SearchStats>();  // movable
};

}  // namespace startales::ai
