#include "account/session_store.h"

#include <charconv>
#include <cstdio>

#include "kv/kv.h"
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

Result<std::vector<bool>> SessionStore::exist(const std::vector<std::string>& token_hashes) {
  std::vector<bool> out;
  out.reserve(token_hashes.size());
  for (const auto& hash : token_hashes) {
    auto found = find(hash);
    if (!found) return found.error();
    out.push_back(found->has_value());
  }
  return out;
}

namespace {

constexpr std::string_view kSessionPrefix = "st:session:";

std::string sessionKey(const std::string& token_hash) {
  return std::string(kSessionPrefix) + token_hash;
}

// "<user id> <created ms> <expires ms>"
std::optional<Session> decodeSession(const std::string& token_hash, const std::string& value) {
  Session s;
  s.token_hash = token_hash;
  const char* p = value.data();
  const char* end = value.data() + value.size();
  for (int64_t* field : {&s.user_id, &s.created_at_ms, &s.expires_at_ms}) {
    while (p < end && *p == ' ') ++p;
    auto [next, ec] = std::from_chars(p, end, *field);
    if (ec != std::errc()) return std::nullopt;
    p = next;
  }
  if (p != end) return std::nullopt;
  return s;
}

}  // namespace

Result<void> KvSessionStore::create(const Session& s) {
  const int64_t ttl_ms = s.expires_at_ms - clock_.nowMs();
  if (ttl_ms <= 0) return {};  // born expired: nothing to keep
  std::string value = std::to_string(s.user_id) + " " + std::to_string(s.created_at_ms) + " " +
                      std::to_string(s.expires_at_ms);
  return kv::blockingCall(kv_, [&](kv::Kv& k) {
    return k.set(sessionKey(s.token_hash), std::move(value), std::chrono::milliseconds(ttl_ms));
  });
}

Result<std::optional<Session>> KvSessionStore::find(const std::string& token_hash) {
  auto value = kv::blockingCall(kv_, [&](kv::Kv& k) { return k.get(sessionKey(token_hash)); });
  if (!value) return value.error();
  if (!value->has_value()) return std::optional<Session>();
  auto session = decodeSession(token_hash, **value);
  // A value this code did not write is no session: refuse it rather than guess.
  if (!session) {
    return makeInternalError("internal", "A stored session value cannot be read.");
  }
  return session;
}

Result<void> KvSessionStore::revoke(const std::string& token_hash) {
  auto removed = kv::blockingCall(kv_, [&](kv::Kv& k) { return k.del(sessionKey(token_hash)); });
  if (!removed) return removed.error();
  return {};
}

Result<int64_t> KvSessionStore::purgeExpired(int64_t) { return int64_t{0}; }

Result<std::vector<bool>> KvSessionStore::exist(const std::vector<std::string>& token_hashes) {
  std::vector<std::string> keys;
  keys.reserve(token_hashes.size());
  for (const auto& hash : token_hashes) keys.push_back(sessionKey(hash));
  return kv::blockingCall(kv_, [&](kv::Kv& k) { return k.exists(std::move(keys)); });
}

}  // namespace startales::account
