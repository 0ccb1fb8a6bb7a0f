#pragma once

// The subcommands. Each returns the process exit code.

#include "app/config.h"

namespace startales::app {

// `serve` (all-in-one) and `api` (the API role of a distributed deployment) both run the HTTP
// server; `serve` will also host the embedded speech engines and the web client.
enum class Role { kServe, kApi };

int runServer(const Config& config, Role role);
int runMigrate(const Config& config);

}  // namespace startales::app
