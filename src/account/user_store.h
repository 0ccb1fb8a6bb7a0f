#pragma once

// Accounts in the database. Blocking: call from a worker pool.

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"

namespace startales::store {
class Database;
}

namespace startales::account {

struct User {
  int64_t id = 0;
  std::string username;  // as the user typed it at registration
  int64_t created_at_ms = 0;
};

struct UserWithHash {
  User user;
  std::string password_hash;
};

class UserStore {
 public:
  explicit UserStore(store::Database& db) : db_(db) {}
  // Error "username_taken" when the name exists in any letter case.
  Result<User> create(const std::string& username, const std::string& password_hash,
                      int64_t now_ms);
  Result<std::optional<UserWithHash>> findByUsername(const std::string& username);
  Result<std::optional<User>> findById(int64_t id);

 private:
  store::Database& db_;
};

// The case-insensitive key usernames are unique under.
std::string usernameKey(const std::string& username);

}  // namespace startales::account
