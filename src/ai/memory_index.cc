#include "ai/memory_index.h"

// hnswlib 0.6.2 (Debian 12) prefetches through the entry one past the end of a link list: a
// 4-byte read inside the same malloc block, used only as a prefetch address, so harmless,
// but AddressSanitizer rightly reports it. Sanitizer builds take hnswlib's plain C++ paths.
// (hnswlib.h also defines non-inline functions: include it from this file only.)
#if defined(__SANITIZE_ADDRESS__)
#define NO_MANUAL_VECTORIZATION
#endif
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>

#include "ai/embedder.h"

namespace startales::ai {

namespace {
constexpr int kImportanceLevels = 10;
constexpr size_t kMinGraphCapacity = 1024;
constexpr size_t kExactCoverage = 16;
}  // namespace

struct MemoryIndex::Partition {
  std::vector<uint32_t> members;  // positions in memories_, insertion order
  bool ticks_ascending = true;    // every member's tick >= the previous member's
  // members by importance - 1, insertion order (so the tail is the most recent).
  std::array<std::vector<uint32_t>, kImportanceLevels> by_importance;
  // Present once the partition reaches hnsw_threshold. Labels are positions in memories_.
  std::unique_ptr<hnswlib::InnerProductSpace> space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
};

MemoryIndex::MemoryIndex(int dimension, const MemoryConfig& config)
    : dimension_(dimension), config_(config) {}
MemoryIndex::~MemoryIndex() = default;
MemoryIndex::MemoryIndex(MemoryIndex&&) noexcept = default;
MemoryIndex& MemoryIndex::operator=(MemoryIndex&&) noexcept = default;

size_t MemoryIndex::size(std::string_view scope) const {
  const auto it = partitions_.find(scope);
  return it == partitions_.end() ? 0 : it->second->members.size();
}

std::vector<std::string> MemoryIndex::scopes() const {
  std::vector<std::string> out;
  for (const auto& [scope, p] : partitions_) out.push_back(scope);
  return out;
}

bool MemoryIndex::usesHnsw(std::string_view scope) const {
  const auto it = partitions_.find(scope);
  return it != partitions_.end() && it->second->graph != nullptr;
}

Result<void> MemoryIndex::buildGraph(Partition& p) const {
  try {
    const size_t capacity = std::max(kMinGraphCapacity, p.members.size() * 2);
    p.space = std::make_unique<hnswlib::InnerProductSpace>(static_cast<size_t>(dimension_));
    p.graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        p.space.get(), capacity, static_cast<size_t>(config_.hnsw_m),
        static_cast<size_t>(config_.hnsw_ef_construction));
    p.graph->setEf(static_cast<size_t>(std::max(config_.hnsw_ef_search, config_.ann_candidates)));
    for (const uint32_t pos : p.members) {
      p.graph->addPoint(&vectors_[static_cast<size_t>(pos) * dimension_], pos);
    }
  } catch (const std::exception& e) {
    p.graph.reset();
    p.space.reset();
    return makeError("internal", std::string("Building the memory graph failed: ") + e.what());
  }
  return {};
}

Result<void> MemoryIndex::add(Memory memory) {
  if (static_cast<int>(memory.embedding.size()) != dimension_) {
    return makeError("invalid_field", "The memory's embedding has dimension " +
                                          std::to_string(memory.embedding.size()) +
                                          " but the index holds dimension " +
                                          std::to_string(dimension_) + ".");
  }
  if (memory.importance < 1 || memory.importance > kImportanceLevels) {
    return makeError("invalid_field", "A memory's importance is 1 to 10.");
  }
  if (memory.kind != kObservation && memory.kind != kReflection) {
    return makeError("invalid_field", R"(A memory's kind is "observation" or "reflection".)");
  }
  if (auto ok = validateScope(memory.scope); !ok) return ok;

  auto it = partitions_.find(memory.scope);
  if (it == partitions_.end()) {
    it = partitions_.emplace(memory.scope, std::make_unique<Partition>()).first;
  }
  Partition& p = *it->second;
  const auto pos = static_cast<uint32_t>(memories_.size());
  if (!p.members.empty() && memories_[p.members.back()].tick > memory.tick) {
    p.ticks_ascending = false;
  }
  vectors_.insert(vectors_.end(), memory.embedding.begin(), memory.embedding.end());
  memory.embedding = {};
  p.members.push_back(pos);
  p.by_importance[static_cast<size_t>(memory.importance - 1)].push_back(pos);
  memories_.push_back(std::move(memory));

  if (p.graph) {
    try {
      // hnswlib 0.6 exposes these as public fields.
      if (p.graph->cur_element_count == p.graph->max_elements_) {
        p.graph->resizeIndex(p.graph->max_elements_ * 2);
      }
      p.graph->addPoint(&vectors_[static_cast<size_t>(pos) * dimension_], pos);
    } catch (const std::exception& e) {
      // The memory stays searchable: without a graph the partition is searched exactly.
      p.graph.reset();
      p.space.reset();
      return makeError("internal", std::string("Indexing the memory failed: ") + e.what());
    }
  } else if (static_cast<int64_t>(p.members.size()) >= config_.hnsw_threshold) {
    return buildGraph(p);
  }
  return {};
}

MemoryIndex::Candidate MemoryIndex::score(uint32_t pos, std::span<const float> query,
                                          int32_t tick) const {
  const Memory& m = memories_[pos];
  const double relevance = std::max(
      0.0F, dot(query.data(), &vectors_[static_cast<size_t>(pos) * dimension_], dimension_));
  return Candidate{memoryScore(config_, tick, m.tick, m.importance, std::min(1.0, relevance)),
                   pos};
}

void MemoryIndex::scoreInto(const Partition& p, std::span<const float> query, int32_t tick,
                            size_t k, SearchMode mode, std::vector<Candidate>& out) const {
  const auto exact = [&]() {
    for (const uint32_t pos : p.members) out.push_back(score(pos, query, tick));
  };
  if (mode == SearchMode::kExact || !p.graph) return exact();

  // Candidates: the `ann` nearest by relevance plus the `recent` newest of each importance
  // level. Any other memory scores at most `bound` (its relevance is at most the farthest
  // neighbour's, its recency at most that of the newest non-candidate of its level). When
  // the partition's k-th best candidate does not beat that bound, widen and search again;
  // once the graph would return most of the partition, score it exactly instead.
  auto ann = static_cast<size_t>(config_.ann_candidates);
  auto recent = static_cast<size_t>(config_.recent_per_importance);
  std::vector<uint32_t> candidates;
  std::vector<Candidate> local;
  for (;;) {
    // Past ~n/16 neighbours a graph search costs about as much as scoring everything.
    if (ann * kExactCoverage >= p.members.size()) {
      stats_ptr_->exact_fallbacks.fetch_add(1, std::memory_order_relaxed);
      return exact();
    }
    stats_ptr_->graph_searches.fetch_add(1, std::memory_order_relaxed);
    candidates.clear();
    auto nearest = p.graph->searchKnn(query.data(), ann);
    // The queue's top is the farthest neighbour (hnswlib's inner-product distance: 1 - dot).
    const double farthest_relevance = std::clamp(1.0 - nearest.top().first, 0.0, 1.0);
    while (!nearest.empty()) {
      candidates.push_back(static_cast<uint32_t>(nearest.top().second));
      nearest.pop();
    }
    double bound = -1;
    for (size_t level = 0; level < p.by_importance.size(); ++level) {
      const auto& members = p.by_importance[level];
      const size_t n = std::min(recent, members.size());
      candidates.insert(candidates.end(), members.end() - static_cast<std::ptrdiff_t>(n),
                        members.end());
      if (members.size() == n) continue;  // the whole level is a candidate
      const double newest_left =
          p.ticks_ascending
              ? std::exp2(-std::max(0, tick - memories_[members[members.size() - n - 1]].tick) /
                          config_.recency_half_life_ticks)
              : 1.0;
      bound = std::max(bound, config_.recency_weight * newest_left +
                                  config_.importance_weight * static_cast<double>(level + 1) /
                                      kImportanceLevels +
                                  config_.relevance_weight * farthest_relevance);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    local.clear();
    for (const uint32_t pos : candidates) local.push_back(score(pos, query, tick));
    if (local.size() >= k) {
      const auto kth = local.begin() + static_cast<std::ptrdiff_t>(k - 1);
      std::nth_element(local.begin(), kth, local.end(),
                       [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
      if (kth->score >= bound) break;
    }
    if (mode == SearchMode::kApproximate) break;
    ann *= 4;
    recent *= 4;
  }
  out.insert(out.end(), local.begin(), local.end());
}

std::vector<ScoredMemory> MemoryIndex::search(std::span<const float> query, int32_t tick,
                                              std::optional<int64_t> viewer, int k,
                                              SearchMode mode) const {
  std::vector<ScoredMemory> out;
  if (static_cast<int>(query.size()) != dimension_ || k <= 0) return out;

  std::vector<Candidate> scored;
  const auto visit = [&](std::string_view scope) {
    const auto it = partitions_.find(scope);
    if (it != partitions_.end()) {
      scoreInto(*it->second, query, tick, static_cast<size_t>(k), mode, scored);
    }
  };
  visit(kCampaignScope);
  if (viewer) visit(playerScope(*viewer));

  const auto better = [this](const Candidate& a, const Candidate& b) {
    return ranksBefore(a.score, memories_[a.pos], b.score, memories_[b.pos]);
  };
  const size_t n = std::min(scored.size(), static_cast<size_t>(k));
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(n), scored.end(),
                    better);

  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t pos = scored[i].pos;
    const Memory& m = memories_[pos];
    ScoredMemory s;
    s.memory = m;
    s.score = scored[i].score;
    s.recency = memoryRecency(config_, tick, m.tick);
    s.importance = m.importance / 10.0;
    s.relevance =
        std::clamp(static_cast<double>(dot(
                       query.data(), &vectors_[static_cast<size_t>(pos) * dimension_], dimension_)),
                   0.0, 1.0);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace startales::ai
