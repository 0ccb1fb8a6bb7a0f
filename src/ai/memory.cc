#include "ai/memory.h"

#include <algorithm>
#include <charconv>

namespace startales::ai {

std::string playerScope(int64_t user_id) { return "player:" + std::to_string(user_id); }

bool isVectorIndexError(const Error& error) { return error.code.starts_with("vectors_"); }

Result<void> validateScope(std::string_view scope) {
  if (scope == kCampaignScope) return {};
  constexpr std::string_view kPrefix = "player:";
  if (scope.starts_with(kPrefix)) {
    const std::string_view digits = scope.substr(kPrefix.size());
    int64_t user = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), user);
    if (!digits.empty() && ec == std::errc() && end == digits.data() + digits.size() && user > 0 &&
        digits.front() != '0') {
      return {};
    }
  }
  return makeError("invalid_field",
                   R"(A memory's scope is "campaign" or "player:<user id>", not ")" +
                       std::string(scope) + R"(".)");
}

Result<void> validateConfig(const MemoryConfig& c) {
  std::string problems;
  const auto check = [&](bool ok, const char* sentence) {
    if (ok) return;
    if (!problems.empty()) problems += ' ';
    problems += sentence;
  };
  check(c.recency_weight >= 0 && c.importance_weight >= 0 && c.relevance_weight >= 0,
        "Memory score weights must not be negative.");
  check(c.recency_weight + c.importance_weight + c.relevance_weight > 0,
        "At least one memory score weight must be positive.");
  check(c.recency_half_life_ticks > 0, "The memory recency half-life must be positive.");
  check(c.top_k >= 1, "Memory top_k must be at least 1.");
  check(c.hnsw_threshold >= 1, "The hnswlib threshold must be at least 1.");
  check(c.hnsw_m >= 2, "hnsw_m must be at least 2.");
  check(c.hnsw_ef_construction >= 1 && c.hnsw_ef_search >= 1, "hnswlib beams must be positive.");
  check(c.ann_candidates >= 1, "ann_candidates must be at least 1.");
  check(c.recent_per_importance >= 0, "recent_per_importance must not be negative.");
  check(c.reflection_threshold >= 1, "The reflection threshold must be at least 1.");
  check(c.reflection_sources >= 1, "reflection_sources must be at least 1.");
  if (problems.empty()) return {};
  return makeError("invalid_config", problems);
}

MemoryStream::MemoryStream(int64_t campaign_id, int64_t character_id, Embedder& embedder,
                           MemoryStore* store, const Clock& clock, const MemoryConfig& config)
    : campaign_id_(campaign_id),
      character_id_(character_id),
      embedder_(embedder),
      store_(store),
      clock_(clock),
      config_(config) {}

Result<std::unique_ptr<MemoryStream>> MemoryStream::open(int64_t campaign_id, int64_t character_id,
                                                         Embedder& embedder, MemoryStore* store,
                                                         const Clock& clock,
                                                         const MemoryConfig& config,
                                                         VectorBackend* vectors) {
  if (auto ok = validateConfig(config); !ok) return ok.error();
  std::unique_ptr<MemoryStream> stream(
      new MemoryStream(campaign_id, character_id, embedder, store, clock, config));
  LocalVectorBackend local;
  VectorBackend& backend = vectors != nullptr ? *vectors : local;
  std::vector<Memory> loaded;
  if (store != nullptr) {
    auto rows = store->loadForCharacter(character_id, embedder.dimension());
    if (!rows) return rows.error();
    loaded = std::move(*rows);
    for (const auto& m : loaded) {
      stream->next_local_id_ = std::max(stream->next_local_id_, m.id + 1);
      stream->ledger_.add(m);
    }
  }
  auto index = backend.open(campaign_id, character_id, embedder.dimension(), config,
                            stream->ledger_, store != nullptr);
  if (!index) return index.error();
  stream->index_ = std::move(*index);
  if (auto ok = stream->index_->rebuild(std::move(loaded)); !ok) return ok.error();
  return stream;
}

Result<Memory> MemoryStream::record(std::string scope, std::string_view kind, std::string text,
                                    int32_t tick, int importance) {
  if (auto ok = validateScope(scope); !ok) return ok.error();
  if (importance < 1 || importance > 10) {
    return makeError("invalid_field", "A memory's importance is 1 to 10.");
  }
  auto embedding = embedder_.embed(text);
  if (!embedding) return embedding.error();
  if (static_cast<int>(embedding->size()) != embedder_.dimension()) {
    return dimensionMismatch(character_id_, static_cast<int>(embedding->size()),
                             embedder_.dimension());
  }
  Memory m;
  m.character_id = character_id_;
  m.campaign_id = campaign_id_;
  m.scope = std::move(scope);
  m.kind = std::string(kind);
  m.text = std::move(text);
  m.tick = tick;
  m.importance = importance;
  m.embedding = std::move(*embedding);
  m.created_at_ms = clock_.nowMs();
  if (store_ != nullptr) {
    auto id = store_->add(m);
    if (!id) return id.error();
    m.id = *id;
  } else {
    m.id = next_local_id_++;
  }
  Memory result = m;
  result.embedding = {};
  ledger_.add(result);
  if (auto ok = index_->add(std::move(m)); !ok) return ok.error();
  return result;
}

Result<Memory> MemoryStream::remember(std::string scope, std::string text, int32_t tick,
                                      int importance) {
  return record(std::move(scope), kObservation, std::move(text), tick, importance);
}

Result<Memory> MemoryStream::addReflection(std::string scope, std::string text, int importance,
                                           int32_t tick) {
  return record(std::move(scope), kReflection, std::move(text), tick, importance);
}

Result<std::vector<ScoredMemory>> MemoryStream::retrieve(std::string_view query, int32_t tick,
                                                         std::optional<int64_t> viewer, int k,
                                                         SearchMode mode) {
  auto embedding = embedder_.embed(query);
  if (!embedding) return embedding.error();
  return index_->search(*embedding, tick, viewer, k > 0 ? k : config_.top_k, mode);
}

bool MemoryStream::needsReflection(std::string_view scope) const {
  return ledger_.importanceSinceReflection(scope) >= config_.reflection_threshold;
}

std::vector<std::string> MemoryStream::scopesNeedingReflection() const {
  std::vector<std::string> out;
  for (auto& scope : ledger_.scopes()) {
    if (needsReflection(scope)) out.push_back(std::move(scope));
  }
  return out;
}

std::string MemoryStream::reflectionSummary(std::string_view scope) const {
  auto sources = ledger_.observationsSinceReflection(scope);
  if (sources.empty()) return "";
  // Most important first; among equals the most recent (later in the stream) first.
  std::reverse(sources.begin(), sources.end());
  std::stable_sort(sources.begin(), sources.end(), [](const Memory* a, const Memory* b) {
    if (a->importance != b->importance) return a->importance > b->importance;
    return a->tick > b->tick;
  });
  sources.resize(std::min(sources.size(), static_cast<size_t>(config_.reflection_sources)));
  std::string text = "I have noted: ";
  for (size_t i = 0; i < sources.size(); ++i) {
    if (i > 0) text += "; ";
    std::string_view t = sources[i]->text;
    while (!t.empty() && (t.back() == '.' || t.back() == ' ')) t.remove_suffix(1);
    text += t;
  }
  text += '.';
  return text;
}

}  // namespace startales::ai
