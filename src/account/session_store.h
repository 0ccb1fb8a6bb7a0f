#pragma once

// Login sessions. Only the token's hash is stored. The interface lets Redis hold sessions in
// distributed mode; DbSessionStore keeps them in the database (the embedded default).
// Blocking: call from a worker pool.

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"

namespace startales::store {
class Database;
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

}  // namespace startales::account
