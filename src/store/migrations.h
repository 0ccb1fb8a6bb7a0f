#pragma once

// Schema migrations compiled into the binary from src/store/migrations/<backend>/NNNN_name.sql
// (see embed_migrations.cmake).

#include <span>
#include <string_view>

namespace startales::store {

struct Migration {
  std::string_view backend;  // "sqlite" or "postgres"
  int version;               // NNNN from the file name
  std::string_view name;     // the file name after NNNN_, without .sql
  std::string_view sql;      // the file's contents; ';'-separated statements
};

// Every embedded migration for every backend, sorted by backend then version.
std::span<const Migration> embeddedMigrations();

}  // namespace startales::store
