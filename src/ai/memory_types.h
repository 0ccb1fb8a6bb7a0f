#pragma once

// The records and settings of a character's memory stream (see ai/memory.h).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace startales::ai {

// Scopes: who may see a memory. "campaign" is known to the character in front of everyone;
// "player:<user_id>" was formed in private with that player and is only ever retrieved for
// that player.
inline constexpr std::string_view kCampaignScope = "campaign";
std::string playerScope(int64_t user_id);
// "invalid_field" unless `scope` is "campaign" or "player:<positive integer>".
Result<void> validateScope(std::string_view scope);

inline constexpr std::string_view kObservation = "observation";
inline constexpr std::string_view kReflection = "reflection";

struct Memory {
  int64_t id = 0;  // database id; a process-local sequence when the stream is not persisted
  int64_t character_id = 0;
  int64_t campaign_id = 0;
  std::string scope = std::string(kCampaignScope);
  std::string kind = std::string(kObservation);  // observation | reflection
  std::string text;
  int32_t tick = 0;        // game tick at which the memory was formed
  int32_t importance = 1;  // 1 (mundane) .. 10 (momentous)
  // Embedder::dimension() floats, L2-normalised. Left empty in retrieval results.
  std::vector<float> embedding;
  int64_t created_at_ms = 0;  // wall clock, ms since the Unix epoch
};

// Retrieval: score = recency_weight * recency + importance_weight * importance +
//                    relevance_weight * relevance, each in 0..1:
//   recency    = 0.5 ^ (max(0, query tick - memory tick) / recency_half_life_ticks)
//   importance = importance / 10
//   relevance  = max(0, cosine(query, memory))
struct MemoryConfig {
  double recency_weight = 1.0;     // default 1
  double importance_weight = 1.0;  // default 1
  // Default 2: relevance decides *which* memories matter; recency and importance order them.
  double relevance_weight = 2.0;
  // Game ticks after which recency halves; default 1000 (~17 min at the default 1 s tick).
  double recency_half_life_ticks = 1000;
  int top_k = 8;  // memories returned when the query does not say; default 8

  // A scope holding at least this many memories is searched through an hnswlib index
  // instead of exactly; default 5000.
  int hnsw_threshold = 5000;
  int hnsw_m = 16;                 // graph degree; default 16
  int hnsw_ef_construction = 200;  // build-time beam; default 200
  int hnsw_ef_search = 128;        // query-time beam (raised to ann_candidates); default 128
  // Large scopes: the nearest `ann_candidates` by relevance, plus the `recent_per_importance`
  // most recent memories of each importance level, are re-scored exactly. Defaults 100, 10.
  int ann_candidates = 100;
  int recent_per_importance = 10;

  // A scope needs a reflection once the importance of its observations since its last
  // reflection reaches this; default 30.
  int reflection_threshold = 30;
  int reflection_sources = 3;  // memories the builtin summary quotes; default 3
};

// Every problem at once, one sentence each, as one "invalid_config" error.
Result<void> validateConfig(const MemoryConfig& config);

// recency = 0.5 ^ (max(0, now - tick) / half-life)
inline double memoryRecency(const MemoryConfig& c, int32_t now, int32_t tick) {
  return std::exp2(-static_cast<double>(std::max(0, now - tick)) / c.recency_half_life_ticks);
}

// The score of a memory formed at `tick` with `importance` (1..10) and `relevance` (the
// cosine with the query, clamped to 0..1) for a query at game tick `now`.
inline double memoryScore(const MemoryConfig& c, int32_t now, int32_t tick, int32_t importance,
                          double relevance) {
  return c.recency_weight * memoryRecency(c, now, tick) +
         c.importance_weight * (importance / 10.0) + c.relevance_weight * relevance;
}

// Result order: higher score, then newer tick, then higher id.
inline bool ranksBefore(double score_a, const Memory& a, double score_b, const Memory& b) {
  if (score_a != score_b) return score_a > score_b;
  if (a.tick != b.tick) return a.tick > b.tick;
  return a.id > b.id;
}

}  // namespace startales::ai
