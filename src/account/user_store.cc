#include "account/user_store.h"

#include <algorithm>
#include <cctype>

#include "store/database.h"

namespace startales::account {

std::string usernameKey(const std::string& username) {
  std::string key = username;
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return key;
}

Result<User> UserStore::create(const std::string& username, const std::string& password_hash,
                               int64_t now_ms) {
  auto r = db_.query(
      "INSERT INTO users (username, username_key, password_hash, created_at) "
      "VALUES ($1, $2, $3, $4) RETURNING id",
      {username, usernameKey(username), password_hash, now_ms});
  if (!r) {
    if (r.error().code == "db_constraint") {
      return makeError("username_taken", "The username \"" + username + "\" is already taken.");
    }
    return r.error();
  }
  return User{r->rows.front().getInt(0), username, now_ms};
}

Result<std::optional<UserWithHash>> UserStore::findByUsername(const std::string& username) {
  auto r = db_.query(
      "SELECT id, username, created_at, password_hash FROM users WHERE username_key = $1",
      {usernameKey(username)});
  if (!r) return r.error();
  if (r->empty()) return std::optional<UserWithHash>();
  const auto& row = r->rows.front();
  return std::optional<UserWithHash>(
      UserWithHash{User{row.getInt(0), row.getText(1), row.getInt(2)}, row.getText(3)});
}

Result<std::optional<User>> UserStore::findById(int64_t id) {
  auto r = db_.query("SELECT id, username, created_at FROM users WHERE id = $1", {id});
  if (!r) return r.error();
  if (r->empty()) return std::optional<User>();
  const auto& row = r->rows.front();
  return std::optional<User>(User{row.getInt(0), row.getText(1), row.getInt(2)});
}

}  // namespace startales::account
