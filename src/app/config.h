#pragma once

// Every setting of the binary: an environment variable with a matching flag and a default.
// Loaded once in main, validated all at once (one line per problem), then passed by const&.

#include <CLI/App.hpp>
#include <string>
#include <vector>

#include "account/account_service.h"
#include "account/rate_limiter.h"
#include "bus/nats_bus.h"
#include "llm/llm.h"
#include "net/server.h"
#include "objects/objects_config.h"
#include "kv/redis_kv.h"
#include "store/database.h"
#include "vectors/qdrant_client.h"

namespace startales::app {

struct Config {
  std::string data_dir = "./data";     // where embedded data lives (SQLite file, indexes)
  std::string log_level = "info";      // debug | info | warn | error
  int threads = 0;                     // network threads; 0 = one per core
  int workers = 0;                     // blocking-work threads; 0 = 2 per core, at least 4
  int max_pending_work = 1024;         // queued blocking calls before answering 503
  int sim_threads = 0;                 // threads of the campaigns' own; 0 = the network threads
  int snapshot_every = 60;             // ticks between campaign snapshots
  int suspend_after_s = 300;           // seconds a watched-by-nobody paused campaign stays loaded
  int shutdown_timeout_ms = 10'000;    // SIGTERM: how long in-flight requests may take
  std::string web_dir;                 // browser client served at / by `serve`; empty = none
  // GET /metrics on a listener of its own (--metrics-listen HOST:PORT, "off" = none).
  bool metrics_listen = true;
  std::string metrics_host = "127.0.0.1";
  uint16_t metrics_port = 9464;  // 0 picks a free port (tests)
  // Non-empty: the main port serves GET /metrics too, to "Authorization: Bearer <this>" only.
  // Empty: the main port has no /metrics.
  std::string metrics_token;
  net::ServerConfig server;
  store::DatabaseConfig database;
  account::AccountConfig account;
  account::BucketConfig auth_rate_per_address{20, 30};
  account::BucketConfig auth_rate_per_account{5, 5};
  std::string llm_spec = "builtin";   // builtin | ollama:URL | openai:URL (llm/llm.h)
  llm::LlmConfig llm;                 // model, embed_model (empty: built-in embedder), timeouts
  account::BucketConfig llm_quota{10, 20};  // model replies per player
  std::string tts_url;  // "[openai:]URL" | "coqui:URL"; empty: espeak-ng in process
  std::string stt_url;  // "whisper.cpp:URL" | "openai:URL"; empty: pocketsphinx in process

  // Abuse limits: what one account, one address or one socket may use (docs/operations.md).
  bool speech_role = false;     // set by main before load(): `stt`/`tts` need speech_token
  std::string speech_token;     // standalone stt/tts: the Bearer token every caller sends;
                                // serve/api: sent to a remote --stt-url/--tts-url. Default ""
  int speech_workers = 0;       // speech threads (decoding, synthesis); 0 = one per core, >= 2
  int speech_max_pending = 32;  // speech jobs queued or running before 503 (default 32)
  size_t tts_max_text_bytes = 4000;  // bytes of text per synthesis (default 4000)
  size_t tts_max_sentences = 100;    // sentences per synthesis (default 100)
  int session_purge_every_s = 3600;  // seconds between purges of expired sessions (default 1 h)
  size_t auth_rate_max_keys = 100'000;  // buckets per auth limiter (LRU beyond; default 100k)
  int max_websockets_per_account = 8;   // open /ws sockets per account (default 8)
  int campaigns_per_hour = 20;          // campaigns one account may create per hour (default 20)
  int max_live_campaigns = 10;          // campaigns one account hosts at once (default 10)
  account::BucketConfig invite_rate{5, 5};  // invite-code attempts per account (5, 5/min)
  size_t card_max_text_bytes = 2000;    // a Character Card's longest persona field (default 2000)

  // Cluster mode (`startales api`; docs/operations.md "Running a cluster").
  bool cluster_role = false;    // set by main before load(): `api` needs PostgreSQL, NATS, Redis
  std::string node;             // this node's name, unique in the cluster (default: host name)
  int lease_ttl_ms = 6000;      // a campaign lease's lifetime; failover takes about this long
  std::string operator_token;   // Bearer token of GET /api/cluster (empty: that route says so)

  // Where voices and other shared files live: dir:<data-dir>/objects (default) or an S3 store
  // (objects/objects_config.h). Holds the S3 secret: never log it.
  objects::ObjectsSettings objects;

  // Character memories' index: "local" (default) or "qdrant:URL" (then `qdrant` is set).
  std::string vectors_spec = "local";
  vectors::QdrantConfig qdrant;

  bus::NatsConfig nats;  // --nats: urls empty = no NATS (the in-process bus); name set by main
  // Shared sessions and rate limits (--redis): off by default (sessions in the database,
  // buckets in process). The password stays out of logs (redis_url_shown).
  bool redis = false;
  kv::RedisConfig redis_config;   // from the URL, plus --redis-timeout-ms
  std::string redis_url_shown;    // the URL with its password as ***
  int session_check_s = 5;        // with --redis: seconds between /ws session checks (default 5)
};

// The raw text of every option, as given by flag, environment or default.
struct RawConfig;

class ConfigLoader {
 public:
  ConfigLoader();
  ~ConfigLoader();
  // Declares every option (with --flag, env var, default and help) on `app`.
  void declare(CLI::App& app);
  // Converts and checks the raw values. On failure returns one message per problem.
  bool load(Config& out, std::vector<std::string>& problems) const;

 private:
  std::unique_ptr<RawConfig> raw_;
};

}  // namespace startales::app
