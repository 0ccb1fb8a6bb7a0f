#pragma once

// The open /ws sockets, by login token and by account: a socket dies with its token (logout,
// refresh rotation and expiry close it) and one account holds at most `max_per_account`.
//
// Close codes (docs/protocol.md): 4003 "session ended" (logout, or the token was rotated by
// refresh: reconnect with the current token), 4004 "session expired" (log in again).
//
// Thread-safe. Bounded by construction: an entry exists only while its socket is open (or
// between the upgrade's acceptance and its close), and each account has at most
// max_per_account of them. In a cluster, a logout closes the sockets on the node that
// served it; the others close theirs at their next session check (api/session_watcher.h).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/result.h"
#include "net/websocket.h"

namespace startales::api {

inline constexpr uint16_t kWsCloseSessionEnded = 4003;    // logout or refresh rotated the token
inline constexpr uint16_t kWsCloseSessionExpired = 4004;  // the token's lifetime ended

class SocketRegistry {
 public:
  explicit SocketRegistry(size_t max_per_account) : max_per_account_(max_per_account) {}

  // A slot for one socket of `user_id` with the token `token_hash`, released by its
  // destructor. Errors: "too_many_websockets" (429) when the account already has
  // max_per_account; "unauthorized" when the token was closed a moment ago (a logout that ran
  // between the upgrade's token check and this call).
  class Slot {
   public:
    Slot(SocketRegistry& registry, uint64_t key, int64_t user_id)
        : registry_(&registry), key_(key), user_id_(user_id) {}
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    // The socket behind the slot, once it is open; logout/refresh close it through here.
    // False when its token was closed since reserve(): close the socket (4003).
    [[nodiscard]] bool attach(std::weak_ptr<net::WsConnection> conn);

   private:
    SocketRegistry* registry_;
    uint64_t key_;
    int64_t user_id_;
  };
  Result<std::unique_ptr<Slot>> reserve(int64_t user_id, const std::string& token_hash);

  // Closes every open socket of the token (by its hash) with `code` and `reason`; returns how
  // many were told to close.
  size_t closeToken(const std::string& token_hash, uint16_t code, const std::string& reason);

  size_t openCount() const;
  // The token hashes of the sockets open now, each once.
  std::vector<std::string> openTokens() const;

 private:
  struct Entry {
    int64_t user_id = 0;
    std::string token_hash;
    std::weak_ptr<net::WsConnection> conn;  // empty until attached
    bool closed = false;                    // its token was closed before it attached
  };
  void release(uint64_t key, int64_t user_id);
  bool attach(uint64_t key, std::weak_ptr<net::WsConnection> conn);

  // Tokens closed lately, remembered so an upgrade in flight cannot slip past a logout.
  static constexpr size_t kRecentlyClosed = 4096;

  // const after construction
  const size_t max_per_account_;

  mutable std::mutex mu_;
  uint64_t next_key_ = 1;                            // guarded by mu_
  std::unordered_map<uint64_t, Entry> entries_;      // guarded by mu_
  std::unordered_map<int64_t, size_t> per_account_;  // guarded by mu_; no zero counts
  std::deque<std::string> closed_order_;             // guarded by mu_; <= kRecentlyClosed
  std::unordered_set<std::string> closed_;           // guarded by mu_; the same hashes
};

}  // namespace startales::api
