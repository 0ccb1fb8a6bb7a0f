#include "vectors/qdrant_index.h"

#include <algorithm>
#include <unordered_map>

#include "common/log.h"

namespace startales::vectors {

namespace {

using ai::Memory;
using ai::MemoryConfig;
using ai::MemoryLedger;
using ai::ScoredMemory;
using ai::SearchMode;

constexpr size_t kExactCoverage = 16;  // as MemoryIndex: past n/16 neighbours, fetch all

class QdrantVectorIndex final : public ai::VectorIndex {
 public:
  QdrantVectorIndex(QdrantClient& client, VectorsMetrics* metrics, int64_t campaign,
                    int64_t character, int dimension, const MemoryConfig& config,
                    const MemoryLedger& ledger)
      : client_(client),
        metrics_(metrics),
        campaign_(campaign),
        character_(character),
        dimension_(dimension),
        config_(config),
        ledger_(ledger) {}

  Result<void> rebuild(std::vector<Memory> memories) override {
    unverified_ = std::move(memories);
    verify_ = true;
    if (auto ok = sync(); !ok) {
      // The stream opens anyway (the database has every memory); the check runs again
      // before the next call, and until it succeeds searches fail with this error.
      logging::warn(
          "memory index not verified",
          {{"character", character_}, {"error", ok.error().code}, {"reason", ok.error().message}});
    }
    return {};
  }

  Result<void> add(Memory memory) override {
    queued_.push_back(std::move(memory));
    if (queued_.size() > QdrantVectorBackend::kMaxQueued) {
      queued_.pop_front();
      if (metrics_ != nullptr) metrics_->requeueDropped(1);
      logging::warn("memory index queue full: oldest memory dropped until the stream reopens",
                    {{"character", character_}});
    }
    auto ok = sync();
    if (!ok) {
      if (metrics_ != nullptr) metrics_->requeued(1);
      logging::warn("memory not indexed yet: queued", {{"character", character_},
                                                       {"queued", queued_.size()},
                                                       {"error", ok.error().code},
                                                       {"reason", ok.error().message}});
    }
    return ok;
  }

  Result<std::vector<ScoredMemory>> search(std::span<const float> query, int32_t tick,
                                           std::optional<int64_t> viewer, int k,
                                           SearchMode mode) override;

 private:
  // Sends what Qdrant may lack: the open-time check, then the queued memories.
  Result<void> sync();
  Result<void> upsertAll(std::span<const Memory> memories);

  QdrantClient& client_;
  VectorsMetrics* metrics_;
  const int64_t campaign_;
  const int64_t character_;
  const int dimension_;
  const MemoryConfig config_;
  const MemoryLedger& ledger_;

  bool verify_ = false;             // the open-time count check has not succeeded yet
  std::vector<Memory> unverified_;  // what the check may have to upsert (with embeddings)
  std::deque<Memory> queued_;       // recorded, not yet in Qdrant; at most kMaxQueued
};

Result<void> QdrantVectorIndex::upsertAll(std::span<const Memory> memories) {
  for (size_t i = 0; i < memories.size(); i += QdrantVectorBackend::kUpsertBatch) {
    const size_t n = std::min(QdrantVectorBackend::kUpsertBatch, memories.size() - i);
    if (auto ok = client_.upsert(memories.subspan(i, n)); !ok) return ok;
  }
  return {};
}

Result<void> QdrantVectorIndex::sync() {
  if (verify_) {
    auto have = client_.count(QdrantClient::filter(campaign_, character_, {}));
    if (!have) return have.error();
    if (*have != static_cast<int64_t>(unverified_.size())) {
      logging::info(
          "memory index rebuilt in qdrant",
          {{"character", character_}, {"points", *have}, {"memories", unverified_.size()}});
      if (auto ok = upsertAll(unverified_); !ok) return ok;
    }
    verify_ = false;
    unverified_ = {};
  }
  if (!queued_.empty()) {
    std::vector<Memory> batch(queued_.begin(), queued_.end());
    if (auto ok = upsertAll(batch); !ok) return ok;
    queued_.clear();
  }
  return {};
}

Result<std::vector<ScoredMemory>> QdrantVectorIndex::search(std::span<const float> query,
                                                            int32_t tick,
                                                            std::optional<int64_t> viewer, int k,
                                                            SearchMode mode) {
  std::vector<ScoredMemory> out;
  if (static_cast<int>(query.size()) != dimension_ || k <= 0) return out;
  if (auto ok = sync(); !ok) return ok.error();

  std::vector<std::string> scopes{std::string(ai::kCampaignScope)};
  if (viewer) scopes.push_back(ai::playerScope(*viewer));
  std::vector<const MemoryLedger::Scope*> parts;
  size_t n = 0;
  for (const auto& name : scopes) {
    if (const auto* s = ledger_.scope(name)) {
      parts.push_back(s);
      n += s->members.size();
    }
  }
  if (n == 0) return out;
  const auto visible = [&](std::string_view scope) {
    return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
  };
  const boost::json::object filter = QdrantClient::filter(campaign_, character_, scopes);

  auto ann = static_cast<size_t>(config_.ann_candidates);
  auto recent = static_cast<size_t>(config_.recent_per_importance);
  std::unordered_map<uint32_t, double> relevance;  // ledger position -> cosine, 0..1
  for (;;) {
    const bool exact = mode == SearchMode::kExact || ann * kExactCoverage >= n;
    std::vector<QdrantClient::Search> searches{{filter, exact ? n : ann}};
    // The newest `recent` of each importance level of each scope, and the bound's recency
    // part: the newest memory of the level left out (1 when ticks are not ascending).
    std::vector<int64_t> recent_ids;
    std::vector<std::pair<int, double>> left_out;  // (level, its best possible recency)
    if (!exact) {
      for (const auto* p : parts) {
        for (size_t level = 0; level < p->by_importance.size(); ++level) {
          const auto& members = p->by_importance[level];
          const size_t take = std::min(recent, members.size());
          for (size_t i = members.size() - take; i < members.size(); ++i) {
            recent_ids.push_back(ledger_.at(members[i]).id);
          }
          if (take == members.size()) continue;
          const int32_t newest_left = ledger_.at(members[members.size() - take - 1]).tick;
          left_out.emplace_back(
              static_cast<int>(level) + 1,
              p->ticks_ascending ? ai::memoryRecency(config_, tick, newest_left) : 1.0);
        }
      }
      if (!recent_ids.empty()) {
        searches.push_back(
            {QdrantClient::filter(campaign_, character_, scopes, recent_ids), recent_ids.size()});
      }
    }
    auto hits = client_.search(query, searches);
    if (!hits) return hits.error();
    relevance.clear();
    for (const auto& list : *hits) {
      for (const auto& h : list) {
        const auto pos = ledger_.find(h.id);
        // Points the ledger does not know (another database's) or may not show are dropped.
        if (!pos || !visible(ledger_.at(*pos).scope) || (!h.scope.empty() && !visible(h.scope))) {
          continue;
        }
        relevance[*pos] = std::clamp(h.score, 0.0, 1.0);
      }
    }
    const auto& nearest = hits->front();
    if (exact || nearest.size() < ann) break;  // every visible point was returned
    const double farthest = std::clamp(nearest.back().score, 0.0, 1.0);
    double bound = -1;
    for (const auto& [level, best_recency] : left_out) {
      bound = std::max(bound, config_.recency_weight * best_recency +
                                  config_.importance_weight * level / 10.0 +
                                  config_.relevance_weight * farthest);
    }
    if (relevance.size() >= static_cast<size_t>(k)) {
      std::vector<double> scores;
      scores.reserve(relevance.size());
      for (const auto& [pos, rel] : relevance) {
        const Memory& m = ledger_.at(pos);
        scores.push_back(ai::memoryScore(config_, tick, m.tick, m.importance, rel));
      }
      const auto kth = scores.begin() + (k - 1);
      std::nth_element(scores.begin(), kth, scores.end(), std::greater<>());
      if (*kth >= bound) break;
    }
    if (mode == SearchMode::kApproximate) break;
    ann *= 4;
    recent *= 4;
  }

  struct Scored {
    double score;
    uint32_t pos;
  };
  std::vector<Scored> all;
  all.reserve(relevance.size());
  for (const auto& [pos, rel] : relevance) {
    const Memory& m = ledger_.at(pos);
    all.push_back({ai::memoryScore(config_, tick, m.tick, m.importance, rel), pos});
  }
  const size_t count = std::min(all.size(), static_cast<size_t>(k));
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(count), all.end(),
                    [this](const Scored& a, const Scored& b) {
                      return ai::ranksBefore(a.score, ledger_.at(a.pos), b.score,
                                             ledger_.at(b.pos));
                    });
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const Memory& m = ledger_.at(all[i].pos);
    ScoredMemory s;
    s.memory = m;
    s.score = all[i].score;
    s.recency = ai::memoryRecency(config_, tick, m.tick);
    s.importance = m.importance / 10.0;
    s.relevance = relevance[all[i].pos];
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

QdrantVectorBackend::QdrantVectorBackend(std::unique_ptr<QdrantClient> client, int dimension,
                                         VectorsMetrics* metrics)
    : client_(std::move(client)), dimension_(dimension), metrics_(metrics) {}

Result<std::unique_ptr<QdrantVectorBackend>> QdrantVectorBackend::open(QdrantConfig config,
                                                                       int dimension,
                                                                       VectorsMetrics* metrics) {
  auto client = QdrantClient::create(std::move(config), metrics);
  if (!client) return client.error();
  if (auto ok = (*client)->ensureCollection(dimension); !ok) return ok.error();
  return std::unique_ptr<QdrantVectorBackend>(
      new QdrantVectorBackend(std::move(*client), dimension, metrics));
}

Result<std::unique_ptr<ai::VectorIndex>> QdrantVectorBackend::open(
    int64_t campaign_id, int64_t character_id, int dimension, const MemoryConfig& config,
    const MemoryLedger& ledger, bool persisted) {
  if (!persisted) {
    return makeError("invalid_config",
                     "The Qdrant memory index needs memories stored in the database (their "
                     "ids are the points' ids).");
  }
  if (dimension != dimension_) {
    return makeError("invalid_config", "The Qdrant collection was checked for dimension " +
                                           std::to_string(dimension_) + ", not " +
                                           std::to_string(dimension) + ".");
  }
  return std::unique_ptr<ai::VectorIndex>(std::make_unique<QdrantVectorIndex>(
      *client_, metrics_, campaign_id, character_id, dimension, config, ledger));
}

}  // namespace startales::vectors
