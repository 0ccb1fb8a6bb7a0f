#include "account/session_store.h"

#include "store/database.h"

namespace startales::account {

Result<void> DbSessionStore::create(const Session& s) {
  auto r = db_.query(
      "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
      {s.token_hash, s.user_id, s.created_at_ms, s.expires_at_ms});
  if (!r) return r.error();
  return {};
}

Result<std::optional<Session>> DbSessionStore::find(const std::string& token_hash) {
  auto r = db_.query(
      "SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = $1",
      {token_hash});
  if (!r) return r.error();
  if (r->empty()) return std::optional<Session>();
  const auto& row = r->rows.front();
  return std::optional<Session>(
      Session{row.getText(0), row.getInt(1), row.getInt(2), row.getInt(3)});
}

Result<void> DbSessionStore::revoke(const std::string& token_hash) {
  auto r = db_.query("DELETE FROM sessions WHERE token_hash = $1", {token_hash});
  if (!r) return r.error();
  return {};
}

Result<int64_t> DbSessionStore::purgeExpired(int64_t now_ms) {
  auto r = db_.query("DELETE FROM sessions WHERE expires_at <= $1", {now_ms});
  if (!r) return r.error();
  return r->affected;
}

}  // namespace startales::account
