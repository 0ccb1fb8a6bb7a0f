#pragma once

// What a character has remembered, without the vectors: each memory's scope, kind, text,
// tick and importance, in the order they were formed. The memory stream keeps one whatever
// vector index it searches with (ai/vector_index.h): reflection bookkeeping and recaps read
// it, and a remote index (Qdrant) takes its recency candidates and result texts from it.
//
// Threading: not synchronised; owned and serialised by its MemoryStream.
// Memory: the Memory records without embeddings (~150 bytes + the text each).

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ai/memory_types.h"

namespace startales::ai {

class MemoryLedger {
 public:
  static constexpr int kImportanceLevels = 10;

  // One scope's memories (positions in the ledger, insertion order).
  struct Scope {
    std::vector<uint32_t> members;
    bool ticks_ascending = true;  // every member's tick >= the previous member's
    // members by importance - 1, insertion order (so the tail is the most recent)
    std::array<std::vector<uint32_t>, kImportanceLevels> by_importance;
    int importance_since_reflection = 0;
    size_t reflection_mark = 0;  // members[reflection_mark..] came after the last reflection
  };

  // Records a memory (its embedding is not kept). The caller has validated it (scope,
  // kind, importance 1..10).
  void add(const Memory& memory);

  [[nodiscard]] size_t size() const { return memories_.size(); }
  [[nodiscard]] const Memory& at(uint32_t pos) const { return memories_[pos]; }
  // The position of memory `id`, or nullopt.
  [[nodiscard]] std::optional<uint32_t> find(int64_t id) const;
  // nullptr when the scope has no memory.
  [[nodiscard]] const Scope* scope(std::string_view name) const;

  // Scopes that have memories, sorted.
  [[nodiscard]] std::vector<std::string> scopes() const;
  // The summed importance of observations after the scope's latest reflection, and those
  // observations (oldest first).
  [[nodiscard]] int importanceSinceReflection(std::string_view scope) const;
  [[nodiscard]] std::vector<const Memory*> observationsSinceReflection(
      std::string_view scope) const;
  // Memories formed after game tick `after` that `viewer` may see (campaign-wide, and the
  // viewer's private ones), the most important first (ties: newer tick, then higher id), at
  // most `limit`; embeddings left out. A plain scan: for recaps, not for every reply.
  [[nodiscard]] std::vector<Memory> since(int32_t after, std::optional<int64_t> viewer,
                                          size_t limit) const;

 private:
  std::vector<Memory> memories_;  // insertion order, embeddings empty
  std::map<std::string, Scope, std::less<>> scopes_;
  std::unordered_map<int64_t, uint32_t> by_id_;
};

}  // namespace startales::ai
