#include "kv/memory_kv.h"

#include <algorithm>
#include <cmath>

namespace startales::kv {

Error unavailable() {
  Error e = makeError("kv_unavailable",
                      "Sign-in and rate checks are unavailable for a moment; try again in a few "
                      "seconds.");
  e.retry_after_s = 2;
  return e;
}

Taken takeFromBucket(double& tokens, int64_t& updated_ms, int64_t now_ms, BucketSpec spec,
                     int64_t& full_in_ms) {
  const double per_ms = spec.per_minute / 60'000.0;
  if (now_ms > updated_ms) {
    tokens = std::min(spec.burst, tokens + static_cast<double>(now_ms - updated_ms) * per_ms);
    updated_ms = now_ms;
  }
  Taken taken;
  if (tokens >= 1.0) {
    tokens -= 1.0;
    taken.allowed = true;
  } else {
    taken.retry_after_ms = std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - tokens) / per_ms)));
  }
  full_in_ms = std::max<int64_t>(1, static_cast<int64_t>(std::ceil((spec.burst - tokens) / per_ms)));
  return taken;
}

MemoryKv::MemoryKv(const Clock& clock, size_t max_keys)
    : clock_(clock), max_keys_(std::max<size_t>(1, max_keys)) {}

MemoryKv::~MemoryKv() { pool_.join(); }

MemoryKv::Entry* MemoryKv::find(const std::string& key, int64_t now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (it->second.expires_ms <= now) {
    entries_.erase(it);
    return nullptr;
  }
  return &it->second;
}

MemoryKv::Entry& MemoryKv::insert(const std::string& key, int64_t now) {
  if (entries_.size() >= max_keys_ && !entries_.contains(key)) {
    std::erase_if(entries_, [now](const auto& e) { return e.second.expires_ms <= now; });
    if (entries_.size() >= max_keys_) entries_.erase(entries_.begin());
  }
  return entries_[key];
}

std::optional<std::string> MemoryKv::getNow(const std::string& key) {
  std::lock_guard lock(mu_);
  Entry* e = find(key, clock_.nowMs());
  if (e == nullptr) return std::nullopt;
  return e->value;
}

void MemoryKv::setNow(const std::string& key, std::string value, std::chrono::milliseconds ttl) {
  const int64_t now = clock_.nowMs();
  std::lock_guard lock(mu_);
  Entry& e = insert(key, now);
  e = Entry{std::move(value), now + std::max<int64_t>(1, ttl.count())};
}

bool MemoryKv::delNow(const std::string& key) {
  std::lock_guard lock(mu_);
  const bool live = find(key, clock_.nowMs()) != nullptr;
  entries_.erase(key);
  return live;
}

Taken MemoryKv::takeNow(const std::string& key, BucketSpec spec) {
  const int64_t now = clock_.nowMs();
  std::lock_guard lock(mu_);
  Entry* e = find(key, now);
  if (e == nullptr) {
    e = &insert(key, now);
    *e = Entry{{}, now + 1, spec.burst, now};
  }
  int64_t full_in_ms = 0;
  Taken taken = takeFromBucket(e->tokens, e->updated_ms, now, spec, full_in_ms);
  e->expires_ms = now + full_in_ms;
  return taken;
}

size_t MemoryKv::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

boost::asio::awaitable<Result<std::optional<std::string>>> MemoryKv::get(std::string key) {
  co_return getNow(key);
}

boost::asio::awaitable<Result<std::vector<bool>>> MemoryKv::exists(std::vector<std::string> keys) {
  std::vector<bool> out;
  out.reserve(keys.size());
  const int64_t now = clock_.nowMs();
  std::lock_guard lock(mu_);
  for (const auto& k : keys) out.push_back(find(k, now) != nullptr);
  co_return out;
}

boost::asio::awaitable<Result<void>> MemoryKv::set(std::string key, std::string value,
                                                   std::chrono::milliseconds ttl) {
  setNow(key, std::move(value), ttl);
  co_return Result<void>();
}

boost::asio::awaitable<Result<bool>> MemoryKv::del(std::string key) { co_return delNow(key); }

boost::asio::awaitable<Result<Taken>> MemoryKv::take(std::string key, BucketSpec spec) {
  co_return takeNow(key, spec);
}

boost::asio::awaitable<Result<void>> MemoryKv::ping() { co_return Result<void>(); }

}  // namespace startales::kv
