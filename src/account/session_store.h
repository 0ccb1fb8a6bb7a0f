#pragma once

// Login sessions. Only the token's hash is stored. DbSessionStore keeps them in the database
// (serve); KvSessionStore in a Kv, Redis in a cluster (api).
// Blocking: call from a worker pool.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace startales::store {
class Database;
}
namespace startales::kv {
class Kv;
}

namespace startales::account {

struct Session {
  std::string token_hash;
  int64_t user_id = 0;
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  virtual Result<void> create(const Session& session) = 0;
  // The session with this token hash, if it exists (expired or not).
  virtual Result<std::optional<Session>> find(const std::string& token_hash) = 0;
  // Removes it; removing a missing session is not an error.
  virtual Result<void> revoke(const std::string& token_hash) = 0;
  // Removes every session expired at now_ms (expires_at <= now_ms); returns how many.
  virtual Result<int64_t> purgeExpired(int64_t now_ms) = 0;
  // Whether each of these sessions still exists (same order; expired ones may still count).
  // By default one find() each; a store may answer them all in one round trip.
  virtual Result<std::vector<bool>> exist(const std::vector<std::string>& token_hashes);
};

class DbSessionStore final : public SessionStore {
 public:
  explicit DbSessionStore(store::Database& db) : db_(db) {}
  Result<void> create(const Session& session) override;
  Result<std::optional<Session>> find(const std::string& token_hash) override;
  Result<void> revoke(const std::string& token_hash) override;
  Result<int64_t> purgeExpired(int64_t now_ms) override;

 private:
  store::Database& db_;
};

// Sessions in a Kv (Redis in `api`): every node sees the same ones, a revoke anywhere ends a
// session everywhere. Key "st:session:<token hash>", value "<user id> <created> <expires>"
// (ms), expiring with the session (the engine purges them itself: purgeExpired() is 0).
// Blocking (kv::blockingCall): call from a worker pool, like DbSessionStore. Thread-safe.
// `kv` outlives it and its clock is the one sessions are dated with.
class KvSessionStore final : public SessionStore {
 public:
  KvSessionStore(kv::Kv& kv, const Clock& clock) : kv_(kv), clock_(clock) {}
  Result<void> create(const Session& session) override;
  Result<std::optional<Session>> find(const std::string& token_hash) override;
  Result<void> revoke(const std::string& token_hash) override;
  Result<int64_t> purgeExpired(int64_t now_ms) override;
  Result<std::vector<bool>> exist(const std::vector<std::string>& token_hashes) override;

 private:
  kv::Kv& kv_;
  const Clock& clock_;
};

}  // namespace startales::account
