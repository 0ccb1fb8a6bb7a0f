#pragma once

// The subcommands. Each returns the process exit code.

#include <cstdint>
#include <string>

#include "app/config.h"

namespace startales::app {

// `serve` (all-in-one) and `api` (the API role of a distributed deployment) both run the HTTP
// server; `serve` will also host the embedded speech engines and the web client.
enum class Role { kServe, kApi };

// With `list_routes` (`startales routes`): wires everything as `role` would with this
// configuration, prints the routes and /ws message types as one JSON line on stdout and exits
// 0 without listening or resuming campaigns.
int runServer(const Config& config, Role role, bool list_routes = false);

// `startales stt` / `startales tts`: one speech service with /health, /ready, /metrics.
enum class SpeechRole { kStt, kTts };
int runSpeechService(const Config& config, SpeechRole role);
int runMigrate(const Config& config);

// `startales sim`: a headless campaign of AI empires.
struct SimOptions {
  uint64_t seed = 1;
  int systems = 100;
  int civs = 8;
  int ticks = 1000;
  int hash_every = 0;  // also print the state hash every this many ticks (0: only at the end)
  bool json = false;
};
int runSim(const SimOptions& options);

// `startales replay`: rebuild a campaign from its command log alone and compare hashes.
struct ReplayOptions {
  int64_t campaign = 0;
  int32_t tick = -1;  // replay up to this tick; -1: the latest snapshot's tick
};
int runReplay(const Config& config, const ReplayOptions& options);

// `startales healthcheck URL`: GET URL; 0 on 2xx, 1 otherwise (one line on stderr why), 2 on
// a URL it cannot use. For container HEALTHCHECKs (the images have no curl).
struct HealthcheckOptions {
  std::string url;
  int timeout_ms = 3000;  // connect + reply, ms
};
int runHealthcheck(const HealthcheckOptions& options);

// `startales rules`: prints every rule table and constant as Markdown (docs/game-rules.md).
int runRules();

}  // namespace startales::app
