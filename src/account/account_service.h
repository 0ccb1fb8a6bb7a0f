#pragma once

// Registration, login, logout, token refresh and authentication.
// Blocking (database + argon2id): call from a worker pool. Thread-safe.
//
// Error codes: invalid_username, weak_password, username_taken, invalid_credentials (login:
// never says which part was wrong), unauthorized (missing, unknown or expired token), plus
// the store's db_* codes.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "account/crypto.h"
#include "account/session_store.h"
#include "account/user_store.h"
#include "common/clock.h"
#include "common/result.h"

namespace startales::account {

struct AccountConfig {
  int64_t session_ttl_s = int64_t{7} * 24 * 3600;  // a token's lifetime, seconds
  PasswordHashConfig password;            // argon2id cost
};

struct LoginResult {
  std::string token;  // shown to the client once; only its hash is stored
  int64_t expires_at_ms = 0;
  User user;
};

// A valid token's session: who, which token (by hash) and until when.
struct AuthSession {
  User user;
  std::string token_hash;
  int64_t expires_at_ms = 0;
};

class AccountService {
 public:
  // Fails with "crypto_unavailable" when libsodium cannot initialise.
  static Result<std::unique_ptr<AccountService>> create(const AccountConfig& config,
                                                        UserStore& users, SessionStore& sessions,
                                                        const Clock& clock);

  Result<User> registerUser(const std::string& username, const std::string& password);
  Result<LoginResult> login(const std::string& username, const std::string& password);
  Result<void> logout(const std::string& token);
  // Issues a new token for a valid one and revokes the old one (rotation).
  Result<LoginResult> refresh(const std::string& token);
  Result<User> authenticate(const std::string& token);
  // The same check, with the session's token hash and expiry (a /ws socket closes with it).
  Result<AuthSession> authenticateSession(const std::string& token);
  // Deletes every expired session; returns how many.
  Result<int64_t> purgeExpiredSessions();
  // Whether each session (by token hash) still exists: a session revoked on another node
  // reads false. One round trip on a Kv store. For the /ws session check.
  Result<std::vector<bool>> sessionsExist(const std::vector<std::string>& token_hashes);

 private:
  AccountService(const AccountConfig& config, UserStore& users, SessionStore& sessions,
                 const Clock& clock, std::string dummy_hash);
  Result<LoginResult> startSession(const User& user);

  // const after construction
  AccountConfig config_;
  UserStore& users_;
  SessionStore& sessions_;
  const Clock& clock_;
  // Verified against when the username does not exist, so a failed login takes as long
  // either way and does not reveal which usernames exist.
  std::string dummy_hash_;
};

// Username: 3–32 characters of [A-Za-z0-9_-]. Password: at least 10 characters, at most 1024.
Result<void> validateUsername(const std::string& username);
Result<void> validatePassword(const std::string& password);

}  // namespace startales::account
