#include "api/socket_registry.h"

#include <unordered_set>
#include <vector>

namespace startales::api {

SocketRegistry::Slot::~Slot() { registry_->release(key_, user_id_); }

bool SocketRegistry::Slot::attach(std::weak_ptr<net::WsConnection> conn) {
  return registry_->attach(key_, std::move(conn));
}

Result<std::unique_ptr<SocketRegistry::Slot>> SocketRegistry::reserve(
    int64_t user_id, const std::string& token_hash) {
  std::lock_guard lock(mu_);
  if (closed_.contains(token_hash)) {
    return makeError("unauthorized", "Your session is missing, invalid or expired; log in again.");
  }
  size_t& count = per_account_[user_id];
  if (count >= max_per_account_) {
    if (count == 0) per_account_.erase(user_id);
    Error e = makeError("too_many_websockets",
                        "This account already has " + std::to_string(max_per_account_) +
                            " WebSockets open, the limit per account "
                            "(--max-websockets-per-account); close one first.");
    e.retry_after_s = 1;
    return e;
  }
  ++count;
  const uint64_t key = next_key_++;
  entries_.emplace(key, Entry{user_id, token_hash, {}, false});
  return std::make_unique<Slot>(*this, key, user_id);
}

void SocketRegistry::release(uint64_t key, int64_t user_id) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
  auto it = per_account_.find(user_id);
  if (it != per_account_.end() && --it->second == 0) per_account_.erase(it);
}

bool SocketRegistry::attach(uint64_t key, std::weak_ptr<net::WsConnection> conn) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.closed) return false;
  it->second.conn = std::move(conn);
  return true;
}

size_t SocketRegistry::closeToken(const std::string& token_hash, uint16_t code,
                                  const std::string& reason) {
  std::vector<std::shared_ptr<net::WsConnection>> doomed;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, entry] : entries_) {
      if (entry.token_hash != token_hash) continue;
      entry.closed = true;  // not attached yet: attach() will say so
      if (auto conn = entry.conn.lock()) doomed.push_back(std::move(conn));
    }
    if (closed_.insert(token_hash).second) {
      closed_order_.push_back(token_hash);
      if (closed_order_.size() > kRecentlyClosed) {
        closed_.erase(closed_order_.front());
        closed_order_.pop_front();
      }
    }
  }
  // close() is thread-safe and never blocks; outside mu_ (it may run onClose elsewhere).
  for (auto& conn : doomed) conn->close(code, reason);
  return doomed.size();
}

size_t SocketRegistry::openCount() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

std::vector<std::string> SocketRegistry::openTokens() const {
  std::lock_guard lock(mu_);
  std::unordered_set<std::string> seen;
  std::vector<std::string> out;
  for (const auto& [key, entry] : entries_) {
    if (!entry.closed && seen.insert(entry.token_hash).second) out.push_back(entry.token_hash);
  }
  return out;
}

}  // namespace startales::api
