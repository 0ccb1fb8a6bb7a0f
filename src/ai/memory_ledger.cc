#include "ai/memory_ledger.h"

#include <algorithm>

namespace startales::ai {

void MemoryLedger::add(const Memory& memory) {
  const auto pos = static_cast<uint32_t>(memories_.size());
  Memory copy = memory;
  copy.embedding = {};
  auto it = scopes_.find(copy.scope);
  if (it == scopes_.end()) it = scopes_.emplace(copy.scope, Scope{}).first;
  Scope& s = it->second;
  if (!s.members.empty() && memories_[s.members.back()].tick > copy.tick) {
    s.ticks_ascending = false;
  }
  s.members.push_back(pos);
  s.by_importance[static_cast<size_t>(std::clamp(copy.importance, 1, kImportanceLevels) - 1)]
      .push_back(pos);
  if (copy.kind == kReflection) {
    s.importance_since_reflection = 0;
    s.reflection_mark = s.members.size();
  } else {
    s.importance_since_reflection += copy.importance;
  }
  by_id_[copy.id] = pos;
  memories_.push_back(std::move(copy));
}

std::optional<uint32_t> MemoryLedger::find(int64_t id) const {
  const auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

const MemoryLedger::Scope* MemoryLedger::scope(std::string_view name) const {
  const auto it = scopes_.find(name);
  return it == scopes_.end() ? nullptr : &it->second;
}

std::vector<std::string> MemoryLedger::scopes() const {
  std::vector<std::string> out;
  out.reserve(scopes_.size());
  for (const auto& [name, s] : scopes_) out.push_back(name);
  return out;
}

int MemoryLedger::importanceSinceReflection(std::string_view name) const {
  const Scope* s = scope(name);
  return s == nullptr ? 0 : s->importance_since_reflection;
}

std::vector<const Memory*> MemoryLedger::observationsSinceReflection(std::string_view name) const {
  std::vector<const Memory*> out;
  const Scope* s = scope(name);
  if (s == nullptr) return out;
  for (size_t i = s->reflection_mark; i < s->members.size(); ++i) {
    out.push_back(&memories_[s->members[i]]);
  }
  return out;
}

std::vector<Memory> MemoryLedger::since(int32_t after, std::optional<int64_t> viewer,
                                        size_t limit) const {
  const std::string mine = viewer ? playerScope(*viewer) : std::string();
  std::vector<const Memory*> found;
  for (const auto& m : memories_) {
    if (m.tick > after && (m.scope == kCampaignScope || (viewer && m.scope == mine))) {
      found.push_back(&m);
    }
  }
  std::sort(found.begin(), found.end(), [](const Memory* a, const Memory* b) {
    if (a->importance != b->importance) return a->importance > b->importance;
    if (a->tick != b->tick) return a->tick > b->tick;
    return a->id > b->id;
  });
  if (found.size() > limit) found.resize(limit);
  std::vector<Memory> out;
  out.reserve(found.size());
  for (const Memory* m : found) out.push_back(*m);
  return out;
}

}  // namespace startales::ai
