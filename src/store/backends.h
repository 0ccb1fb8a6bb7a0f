#pragma once

// Factories Database::open dispatches to, and URL helpers shared by the backends.

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "store/database.h"

namespace startales::store {

// `path` is a filesystem path, or empty for a private in-memory database.
// Precondition: `config` passed validation in Database::open.
Result<std::unique_ptr<Database>> openSqlite(const DatabaseConfig& config, std::string path);

// Precondition: `config.url` starts with postgres:// or postgresql:// and passed validation.
Result<std::unique_ptr<Database>> openPostgres(const DatabaseConfig& config);

// The URL with the password of its user-info (scheme://user:password@host) replaced by "***",
// safe to put in logs and error messages.
std::string redactUrl(std::string_view url);

// The password of the URL's user-info exactly as written (still percent-encoded), or "".
std::string urlPassword(std::string_view url);

}  // namespace startales::store
