#include "account/account_service.h"

#include <algorithm>
#include <cctype>

namespace startales::account {

namespace {
constexpr size_t kMinPassword = 10;
constexpr size_t kMaxPassword = 1024;  // argon2 accepts more; this bounds CPU per request

Error invalidCredentials() {
  return makeError("invalid_credentials", "The username or password is incorrect.");
}
Error unauthorized() {
  return makeError("unauthorized", "Your session is missing, invalid or expired; log in again.");
}
}  // namespace

Result<void> validateUsername(const std::string& username) {
  bool chars_ok = std::all_of(username.begin(), username.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  if (username.size() < 3 || username.size() > 32 || !chars_ok) {
    return makeError("invalid_username",
                     "A username is 3 to 32 characters: letters, digits, '_' or '-'.");
  }
  return {};
}

Result<void> validatePassword(const std::string& password) {
  if (password.size() < kMinPassword) {
    return makeError("weak_password", "A password needs at least 10 characters.");
  }
  if (password.size() > kMaxPassword) {
    return makeError("weak_password", "A password can have at most 1024 characters.");
  }
  return {};
}

Result<std::unique_ptr<AccountService>> AccountService::create(const AccountConfig& config,
                                                               UserStore& users,
                                                               SessionStore& sessions,
                                                               const Clock& clock) {
  if (!initCrypto()) return makeError("crypto_unavailable", "libsodium failed to initialise.");
  auto dummy = hashPassword(newToken(), config.password);
  if (!dummy) return dummy.error();
  return std::unique_ptr<AccountService>(
      new AccountService(config, users, sessions, clock, std::move(*dummy)));
}

AccountService::AccountService(const AccountConfig& config, UserStore& users,
                               SessionStore& sessions, const Clock& clock, std::string dummy_hash)
    : config_(config), users_(users), sessions_(sessions), clock_(clock),
      dummy_hash_(std::move(dummy_hash)) {}

Result<User> AccountService::registerUser(const std::string& username,
                                          const std::string& password) {
  if (auto v = validateUsername(username); !v) return v.error();
  if (auto v = validatePassword(password); !v) return v.error();
  auto hash = hashPassword(password, config_.password);
  if (!hash) return hash.error();
  return users_.create(username, *hash, clock_.nowMs());
}

Result<LoginResult> AccountService::login(const std::string& username,
                                          const std::string& password) {
  if (password.size() > kMaxPassword) return invalidCredentials();
  auto found = users_.findByUsername(username);
  if (!found) return found.error();
  if (!found->has_value()) {
    (void)verifyPassword(dummy_hash_, password);
    return invalidCredentials();
  }
  if (!verifyPassword((*found)->password_hash, password)) return invalidCredentials();
  return startSession((*found)->user);
}

Result<LoginResult> AccountService::startSession(const User& user) {
  int64_t now = clock_.nowMs();
  LoginResult result{newToken(), now + config_.session_ttl_s * 1000, user};
  if (auto r = sessions_.create(Session{tokenHash(result.token), user.id, now,
                                        result.expires_at_ms});
      !r) {
    return r.error();
  }
  return result;
}

Result<void> AccountService::logout(const std::string& token) {
  if (auto user = authenticate(token); !user) return user.error();
  return sessions_.revoke(tokenHash(token));
}

Result<LoginResult> AccountService::refresh(const std::string& token) {
  auto user = authenticate(token);
  if (!user) return user.error();
  auto next = startSession(*user);
  if (!next) return next.error();
  if (auto r = sessions_.revoke(tokenHash(token)); !r) return r.error();
  return next;
}

Result<User> AccountService::authenticate(const std::string& token) {
  auto session = authenticateSession(token);
  if (!session) return session.error();
  return std::move(session->user);
}

Result<AuthSession> AccountService::authenticateSession(const std::string& token) {
  if (token.empty() || token.size() > 256) return unauthorized();
  std::string hash = tokenHash(token);
  auto session = sessions_.find(hash);
  if (!session) return session.error();
  if (!session->has_value() || (*session)->expires_at_ms <= clock_.nowMs()) return unauthorized();
  auto user = users_.findById((*session)->user_id);
  if (!user) return user.error();
  if (!user->has_value()) return unauthorized();
  return AuthSession{std::move(**user), std::move(hash), (*session)->expires_at_ms};
}

Result<std::vector<bool>> AccountService::sessionsExist(
    const std::vector<std::string>& token_hashes) {
  return sessions_.exist(token_hashes);
}

Result<int64_t> AccountService::purgeExpiredSessions() {
  return sessions_.purgeExpired(clock_.nowMs());
}

}  // namespace startales::account
