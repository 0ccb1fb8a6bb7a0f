#include "api/socket_registry.h"

#include <vector>

namespace startales::api {

SocketRegistry::Slot::~Slot() { registry_->release(key_, user_id_); }

void SocketRegistry::Slot::attach(const std::string& token_hash,
                                  std::weak_ptr<net::WsConnection> conn) {
  registry_->attach(key_, token_hash, std::move(conn));
}

Result<std::unique_ptr<SocketRegistry::Slot>> SocketRegistry::reserve(int64_t user_id) {
  std::lock_guard lock(mu_);
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
  entries_.emplace(key, Entry{user_id, {}, {}});
  return std::make_unique<Slot>(*this, key, user_id);
}

void SocketRegistry::release(uint64_t key, int64_t user_id) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
  auto it = per_account_.find(user_id);
  if (it != per_account_.end() && --it->second == 0) per_account_.erase(it);
}

void SocketRegistry::attach(uint64_t key, const std::string& token_hash,
                            std::weak_ptr<net::WsConnection> conn) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  it->second.token_hash = token_hash;
  it->second.conn = std::move(conn);
}

size_t SocketRegistry::closeToken(const std::string& token_hash, uint16_t code,
                                  const std::string& reason) {
  std::vector<std::shared_ptr<net::WsConnection>> doomed;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, entry] : entries_) {
      if (entry.token_hash != token_hash) continue;
      if (auto conn = entry.conn.lock()) doomed.push_back(std::move(conn));
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

}  // namespace startales::api
