#include "ai/vector_index.h"

namespace startales::ai {

namespace {

class LocalVectorIndex final : public VectorIndex {
 public:
  LocalVectorIndex(int dimension, const MemoryConfig& config) : index_(dimension, config) {}

  Result<void> rebuild(std::vector<Memory> memories) override {
    for (auto& m : memories) {
      if (auto ok = index_.add(std::move(m)); !ok) return ok;
    }
    return {};
  }
  Result<void> add(Memory memory) override { return index_.add(std::move(memory)); }
  Result<std::vector<ScoredMemory>> search(std::span<const float> query, int32_t tick,
                                           std::optional<int64_t> viewer, int k,
                                           SearchMode mode) override {
    return index_.search(query, tick, viewer, k, mode);
  }
  [[nodiscard]] const MemoryIndex* local() const override { return &index_; }

 private:
  MemoryIndex index_;
};

}  // namespace

Result<std::unique_ptr<VectorIndex>> LocalVectorBackend::open(
    int64_t /*campaign_id*/, int64_t /*character_id*/, int dimension, const MemoryConfig& config,
    const MemoryLedger& /*ledger*/, bool /*persisted*/) {
  return std::unique_ptr<VectorIndex>(std::make_unique<LocalVectorIndex>(dimension, config));
}

}  // namespace startales::ai
