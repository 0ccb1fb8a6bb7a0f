#include "app/config.h"

#include <unistd.h>

#include <charconv>
#include <thread>

#include "common/log.h"

#ifndef STARTALES_DEFAULT_WEB_DIR
#define STARTALES_DEFAULT_WEB_DIR "web/dist"
#endif

namespace startales::app {

struct RawConfig {
  std::string host = "0.0.0.0", port = "4000", data_dir = "./data", db, db_pool_size = "8",
              db_sync = "full";
  std::string log_level = "info", access_log = "true", threads = "0", workers = "0";
  std::string max_pending_work = "1024", max_header_bytes = "16384";
  std::string sim_threads = "0", snapshot_every = "60", suspend_after_s = "300";
  std::string max_body_bytes = "1048576", header_timeout_ms = "10000", read_timeout_ms = "30000";
  std::string idle_timeout_ms = "60000", shutdown_timeout_ms = "10000";
  std::string max_connections = "20000", cors_origins, trust_proxy = "false";
  std::string ws_max_message_bytes = "65536", ws_idle_timeout_ms = "60000";
  std::string ws_outbound_max_messages = "1024", ws_outbound_max_bytes = "4194304";
  std::string ws_rate_per_second = "20", ws_rate_burst = "40";
  std::string session_ttl_s = "604800", password_mem_kib = "65536", password_ops = "2";
  std::string rate_address_burst = "20", rate_address_per_min = "30";
  std::string rate_account_burst = "5", rate_account_per_min = "5";
  std::string llm = "builtin", llm_model = "llama3.2:3b", llm_embed_model, llm_api_key;
  std::string llm_max_concurrent = "8", llm_first_token_ms = "30000",
              llm_total_timeout_ms = "120000";
  std::string llm_quota_burst = "10", llm_quota_per_min = "20";
  std::string tts_url, stt_url;
  std::string speech_token, speech_workers = "0", speech_max_pending = "32";
  std::string tts_max_text_bytes = "4000", tts_max_sentences = "100";
  std::string session_purge_every_s = "3600", auth_rate_max_keys = "100000";
  std::string max_connections_per_address = "256", max_websockets_per_address = "32";
  std::string max_websockets_per_account = "8";
  std::string campaigns_per_hour = "20", max_live_campaigns = "10";
  std::string invite_rate_burst = "5", invite_rate_per_min = "5";
  std::string card_max_text_bytes = "2000";
  std::string nats;
  std::string web_dir = STARTALES_DEFAULT_WEB_DIR;
  std::string metrics_listen = "127.0.0.1:9464", metrics_token;
  std::string node, lease_ttl_ms = "6000", operator_token;
  std::string objects, s3_endpoint, s3_region = "us-east-1", s3_access_key_id,
      s3_access_key_id_file, s3_secret_access_key, s3_secret_access_key_file,
      objects_timeout_ms = "15000";
  std::string vectors = "local", qdrant_api_key, qdrant_collection = "startales_memories",
              qdrant_timeout_ms = "5000";
  std::string redis, redis_timeout_ms = "500", session_check_s = "5";
};

namespace {

struct Option {
  const char* flag;
  const char* env;
  std::string RawConfig::*field;
  const char* help;
};

const Option kOptions[] = {
    {"--host", "STARTALES_HOST", &RawConfig::host, "Address to listen on"},
    {"--port", "STARTALES_PORT", &RawConfig::port, "TCP port (0 = any free port)"},
    {"--data-dir", "STARTALES_DATA_DIR", &RawConfig::data_dir, "Directory for embedded data"},
    {"--db", "STARTALES_DB", &RawConfig::db,
     "Database URL: sqlite://<path> or postgres://user:pass@host:5432/db "
     "[default: sqlite://<data-dir>/startales.db]"},
    {"--nats", "STARTALES_NATS", &RawConfig::nats,
     "NATS servers of the cluster's message bus: nats://HOST:4222[,nats://HOST2:4222...] "
     "[default: none, the in-process bus]"},
    {"--web-dir", "STARTALES_WEB_DIR", &RawConfig::web_dir,
     "Directory of the built web client, served at / by `serve` (empty = none)"},
    {"--metrics-listen", "STARTALES_METRICS_LISTEN", &RawConfig::metrics_listen,
     "HOST:PORT of a separate listener serving only GET /metrics (off = none); keep it on a "
     "private address"},
    {"--metrics-token", "STARTALES_METRICS_TOKEN", &RawConfig::metrics_token,
     "Bearer token (16+ characters) that also opens GET /metrics on the main port (empty = the "
     "main port has no /metrics)"},
    {"--node", "STARTALES_NODE", &RawConfig::node,
     "api: this node's name, unique in the cluster [default: the host name]"},
    {"--lease-ttl-ms", "STARTALES_LEASE_TTL_MS", &RawConfig::lease_ttl_ms,
     "api: lifetime of a campaign lease, ms; renewed every sixth of it, and a node that cannot "
     "renew stops simulating after two thirds. A failed node's campaigns move after about this"},
    {"--operator-token", "STARTALES_OPERATOR_TOKEN", &RawConfig::operator_token,
     "Bearer token (16+ characters) for operators' routes (GET /api/cluster); empty = closed"},
    {"--db-pool-size", "STARTALES_DB_POOL_SIZE", &RawConfig::db_pool_size,
     "Database connections kept open"},
    {"--db-sync", "STARTALES_DB_SYNC", &RawConfig::db_sync,
     "SQLite: full = an acknowledged write survives a power cut (the WAL is synced at every "
     "commit); normal = it survives the server being killed, not a power cut (faster writes). "
     "PostgreSQL follows its own synchronous_commit"},
    {"--log-level", "STARTALES_LOG_LEVEL", &RawConfig::log_level, "debug | info | warn | error"},
    {"--access-log", "STARTALES_ACCESS_LOG", &RawConfig::access_log,
     "Log one JSON line per HTTP request (true/false)"},
    {"--threads", "STARTALES_THREADS", &RawConfig::threads, "Network threads (0 = one per core)"},
    {"--workers", "STARTALES_WORKERS", &RawConfig::workers,
     "Threads for blocking work: database, hashing (0 = 2 per core, at least 4)"},
    {"--max-pending-work", "STARTALES_MAX_PENDING_WORK", &RawConfig::max_pending_work,
     "Blocking calls queued or running before requests get 503"},
    {"--sim-threads", "STARTALES_SIM_THREADS", &RawConfig::sim_threads,
     "Threads simulating campaigns (0 = one per core)"},
    {"--snapshot-every", "STARTALES_SNAPSHOT_EVERY", &RawConfig::snapshot_every,
     "Ticks between campaign snapshots (the command log covers the rest)"},
    {"--suspend-after-s", "STARTALES_SUSPEND_AFTER_S", &RawConfig::suspend_after_s,
     "Seconds a paused campaign with nobody connected stays in memory"},
    {"--max-body-bytes", "STARTALES_MAX_BODY_BYTES", &RawConfig::max_body_bytes,
     "Largest accepted request body, bytes (413 beyond)"},
    {"--max-header-bytes", "STARTALES_MAX_HEADER_BYTES", &RawConfig::max_header_bytes,
     "Largest request line + headers, bytes (431 beyond)"},
    {"--header-timeout-ms", "STARTALES_HEADER_TIMEOUT_MS", &RawConfig::header_timeout_ms,
     "Time from a request's first byte to the end of its headers, ms"},
    {"--read-timeout-ms", "STARTALES_READ_TIMEOUT_MS", &RawConfig::read_timeout_ms,
     "Time to receive a request body or send a response, ms"},
    {"--idle-timeout-ms", "STARTALES_IDLE_TIMEOUT_MS", &RawConfig::idle_timeout_ms,
     "Keep-alive connection idle time before it is closed, ms"},
    {"--shutdown-timeout-ms", "STARTALES_SHUTDOWN_TIMEOUT_MS", &RawConfig::shutdown_timeout_ms,
     "On SIGTERM/SIGINT, how long in-flight requests may finish, ms"},
    {"--max-connections", "STARTALES_MAX_CONNECTIONS", &RawConfig::max_connections,
     "Open connections beyond which new ones are refused"},
    {"--cors-origins", "STARTALES_CORS_ORIGINS", &RawConfig::cors_origins,
     "Comma-separated allowed browser origins (\"*\" = any; empty = none)"},
    {"--trust-proxy", "STARTALES_TRUST_PROXY", &RawConfig::trust_proxy,
     "Take the client address from X-Forwarded-For (behind nginx) (true/false)"},
    {"--ws-max-message-bytes", "STARTALES_WS_MAX_MESSAGE_BYTES", &RawConfig::ws_max_message_bytes,
     "Largest WebSocket message from a client, bytes (close 1009 beyond)"},
    {"--ws-idle-timeout-ms", "STARTALES_WS_IDLE_TIMEOUT_MS", &RawConfig::ws_idle_timeout_ms,
     "WebSocket closed (4001) after no frame from the client for this long, ms; pinged at half"},
    {"--ws-outbound-max-messages", "STARTALES_WS_OUTBOUND_MAX_MESSAGES",
     &RawConfig::ws_outbound_max_messages,
     "WebSocket messages queued for a client before it is closed as too slow (4000)"},
    {"--ws-outbound-max-bytes", "STARTALES_WS_OUTBOUND_MAX_BYTES",
     &RawConfig::ws_outbound_max_bytes,
     "WebSocket bytes queued for a client before it is closed as too slow (4000)"},
    {"--ws-rate-per-second", "STARTALES_WS_RATE_PER_SECOND", &RawConfig::ws_rate_per_second,
     "WebSocket messages per connection per second, sustained (0 = no limit)"},
    {"--ws-rate-burst", "STARTALES_WS_RATE_BURST", &RawConfig::ws_rate_burst,
     "WebSocket messages per connection allowed in a burst"},
    {"--session-ttl-s", "STARTALES_SESSION_TTL_S", &RawConfig::session_ttl_s,
     "Login token lifetime, seconds"},
    {"--password-mem-kib", "STARTALES_PASSWORD_MEM_KIB", &RawConfig::password_mem_kib,
     "argon2id memory per password hash, KiB"},
    {"--password-ops", "STARTALES_PASSWORD_OPS", &RawConfig::password_ops,
     "argon2id passes per password hash"},
    {"--auth-rate-address-burst", "STARTALES_AUTH_RATE_ADDRESS_BURST",
     &RawConfig::rate_address_burst, "Auth requests per client address allowed in a burst"},
    {"--auth-rate-address-per-min", "STARTALES_AUTH_RATE_ADDRESS_PER_MIN",
     &RawConfig::rate_address_per_min, "Auth requests per client address per minute, sustained"},
    {"--auth-rate-account-burst", "STARTALES_AUTH_RATE_ACCOUNT_BURST",
     &RawConfig::rate_account_burst, "Login attempts per account allowed in a burst"},
    {"--auth-rate-account-per-min", "STARTALES_AUTH_RATE_ACCOUNT_PER_MIN",
     &RawConfig::rate_account_per_min, "Login attempts per account per minute, sustained"},
    {"--llm", "STARTALES_LLM", &RawConfig::llm,
     "Character dialogue engine: builtin (no model), ollama:http://HOST:11434 or "
     "openai:http://HOST/v1 (any OpenAI-compatible server)"},
    {"--llm-model", "STARTALES_LLM_MODEL", &RawConfig::llm_model,
     "Chat model on the remote engine"},
    {"--llm-embed-model", "STARTALES_LLM_EMBED_MODEL", &RawConfig::llm_embed_model,
     "Embedding model on the remote engine for character memory [default: the built-in "
     "hashing embedder]"},
    {"--llm-api-key", "STARTALES_LLM_API_KEY", &RawConfig::llm_api_key,
     "Bearer key for an OpenAI-compatible engine (empty = none)"},
    {"--llm-max-concurrent", "STARTALES_LLM_MAX_CONCURRENT", &RawConfig::llm_max_concurrent,
     "Model calls in flight at once; beyond, replies come from the built-in engine"},
    {"--llm-first-token-ms", "STARTALES_LLM_FIRST_TOKEN_MS", &RawConfig::llm_first_token_ms,
     "Longest wait for a model's first token, ms"},
    {"--llm-total-timeout-ms", "STARTALES_LLM_TOTAL_TIMEOUT_MS", &RawConfig::llm_total_timeout_ms,
     "Longest model call, retries included, ms"},
    {"--llm-quota-burst", "STARTALES_LLM_QUOTA_BURST", &RawConfig::llm_quota_burst,
     "Model replies a player may get in a burst; beyond, the built-in engine answers"},
    {"--llm-quota-per-min", "STARTALES_LLM_QUOTA_PER_MIN", &RawConfig::llm_quota_per_min,
     "Model replies per player per minute, sustained"},
    {"--stt-url", "STARTALES_STT_URL", &RawConfig::stt_url,
     "Speech to text on a remote Whisper server: whisper.cpp:http://HOST:8080 or "
     "openai:http://HOST/v1 (the text is parsed into game commands) [default: pocketsphinx in "
     "this process]"},
    {"--tts-url", "STARTALES_TTS_URL", &RawConfig::tts_url,
     "Text to speech on a remote server: an OpenAI-compatible one (e.g. a `startales tts`) at "
     "http://tts:4000/v1, or coqui:http://HOST:5002 [default: espeak-ng in this process]"},
    {"--speech-token", "STARTALES_SPEECH_TOKEN", &RawConfig::speech_token,
     "Service token: `startales stt`/`tts` require \"Authorization: Bearer <token>\" (and "
     "refuse to start without one); serve/api send it to a remote --stt-url/--tts-url"},
    {"--speech-workers", "STARTALES_SPEECH_WORKERS", &RawConfig::speech_workers,
     "Threads for speech decoding and synthesis, apart from the database pool (0 = one per "
     "core, at least 2)"},
    {"--speech-max-pending", "STARTALES_SPEECH_MAX_PENDING", &RawConfig::speech_max_pending,
     "Speech jobs queued or running before requests get 503"},
    {"--tts-max-text-bytes", "STARTALES_TTS_MAX_TEXT_BYTES", &RawConfig::tts_max_text_bytes,
     "Longest text one synthesis accepts, bytes (400 invalid_text beyond)"},
    {"--tts-max-sentences", "STARTALES_TTS_MAX_SENTENCES", &RawConfig::tts_max_sentences,
     "Most sentences one synthesis accepts (400 invalid_text beyond)"},
    {"--session-purge-every-s", "STARTALES_SESSION_PURGE_EVERY_S",
     &RawConfig::session_purge_every_s, "Seconds between purges of expired login sessions"},
    {"--auth-rate-max-keys", "STARTALES_AUTH_RATE_MAX_KEYS", &RawConfig::auth_rate_max_keys,
     "Buckets each auth rate limiter keeps (the least recently used go first)"},
    {"--max-connections-per-address", "STARTALES_MAX_CONNECTIONS_PER_ADDRESS",
     &RawConfig::max_connections_per_address,
     "Open connections (HTTP and WebSocket) per client address (429 beyond)"},
    {"--max-websockets-per-address", "STARTALES_MAX_WEBSOCKETS_PER_ADDRESS",
     &RawConfig::max_websockets_per_address, "Open WebSockets per client address (429 beyond)"},
    {"--max-websockets-per-account", "STARTALES_MAX_WEBSOCKETS_PER_ACCOUNT",
     &RawConfig::max_websockets_per_account, "Open WebSockets per account (429 beyond)"},
    {"--campaigns-per-hour", "STARTALES_CAMPAIGNS_PER_HOUR", &RawConfig::campaigns_per_hour,
     "Campaigns one account may create per hour (429 beyond)"},
    {"--max-live-campaigns", "STARTALES_MAX_LIVE_CAMPAIGNS", &RawConfig::max_live_campaigns,
     "Campaigns one account may host at once (409 beyond; delete one to make room)"},
    {"--invite-rate-burst", "STARTALES_INVITE_RATE_BURST", &RawConfig::invite_rate_burst,
     "Invite-code attempts per account allowed in a burst (429 beyond)"},
    {"--invite-rate-per-min", "STARTALES_INVITE_RATE_PER_MIN", &RawConfig::invite_rate_per_min,
     "Invite-code attempts per account per minute, sustained"},
    {"--card-max-text-bytes", "STARTALES_CARD_MAX_TEXT_BYTES", &RawConfig::card_max_text_bytes,
     "Longest persona field of an imported Character Card, bytes (413 beyond, field named)"},
    // The object store (voices matched on one node, for every node): docs/operations.md.
    {"--objects", "STARTALES_OBJECTS", &RawConfig::objects,
     "Where shared files (matched voices) live: dir:/path or s3://bucket (any S3-compatible "
     "store, e.g. MinIO) [default: dir:<data-dir>/objects]"},
    {"--s3-endpoint", "STARTALES_S3_ENDPOINT", &RawConfig::s3_endpoint,
     "S3 store URL for --objects s3://bucket, e.g. http://minio:9000 (path-style requests)"},
    {"--s3-region", "STARTALES_S3_REGION", &RawConfig::s3_region,
     "Region the S3 requests are signed for (MinIO: us-east-1)"},
    {"--s3-access-key-id", "STARTALES_S3_ACCESS_KEY_ID", &RawConfig::s3_access_key_id,
     "S3 access key id"},
    {"--s3-access-key-id-file", "STARTALES_S3_ACCESS_KEY_ID_FILE",
     &RawConfig::s3_access_key_id_file, "File whose first line is the S3 access key id"},
    {"--s3-secret-access-key", "STARTALES_S3_SECRET_ACCESS_KEY",
     &RawConfig::s3_secret_access_key,
     "S3 secret access key (prefer the _FILE variant: a flag shows in the process list)"},
    {"--s3-secret-access-key-file", "STARTALES_S3_SECRET_ACCESS_KEY_FILE",
     &RawConfig::s3_secret_access_key_file, "File whose first line is the S3 secret access key"},
    {"--objects-timeout-ms", "STARTALES_OBJECTS_TIMEOUT_MS", &RawConfig::objects_timeout_ms,
     "Longest S3 call, retries included, ms"},
    {"--vectors", "STARTALES_VECTORS", &RawConfig::vectors,
     "Where character memories are indexed: local (in this process, rebuilt from the database "
     "when a character loads) or qdrant:http://HOST:6333 (shared by every node)"},
    {"--qdrant-api-key", "STARTALES_QDRANT_API_KEY", &RawConfig::qdrant_api_key,
     "API key sent to Qdrant as the api-key header (secret, never logged; empty = none)"},
    {"--qdrant-collection", "STARTALES_QDRANT_COLLECTION", &RawConfig::qdrant_collection,
     "Qdrant collection of the memories (one per deployment)"},
    {"--qdrant-timeout-ms", "STARTALES_QDRANT_TIMEOUT_MS", &RawConfig::qdrant_timeout_ms,
     "Longest Qdrant call, retries included, ms"},
    {"--redis", "STARTALES_REDIS", &RawConfig::redis,
     "Shared sessions and rate limits in Redis: redis://[:password@]host:port[/db] "
     "[default: none: sessions in the database, limits in process]"},
    {"--redis-timeout-ms", "STARTALES_REDIS_TIMEOUT_MS", &RawConfig::redis_timeout_ms,
     "Longest wait for one Redis call, ms (503 beyond)"},
    {"--session-check-s", "STARTALES_SESSION_CHECK_S", &RawConfig::session_check_s,
     "With --redis: seconds between checks that close the /ws sockets of sessions ended "
     "elsewhere"},
};

// Collects one sentence per bad value.
class Checker {
 public:
  explicit Checker(std::vector<std::string>& problems) : problems_(problems) {}

  template <typename T>
  void integer(const char* flag, const std::string& text, T min, T max, T& out) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
      fail(flag, "\"" + text + "\" is not a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max));
      return;
    }
    out = value;
  }

  void boolean(const char* flag, const std::string& text, bool& out) {
    if (text == "true" || text == "1" || text == "yes" || text == "on") {
      out = true;
    } else if (text == "false" || text == "0" || text == "no" || text == "off") {
      out = false;
    } else {
      fail(flag, "\"" + text + "\" is not true or false");
    }
  }

  void fail(const char* flag, const std::string& why) {
    for (const auto& o : kOptions) {
      if (std::string_view(o.flag) == flag) {
        problems_.push_back(std::string(flag) + " (" + o.env + "): " + why + ".");
        return;
      }
    }
    problems_.push_back(std::string(flag) + ": " + why + ".");
  }

 private:
  std::vector<std::string>& problems_;
};

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

// The memory index (STARTALES_VECTORS): local, or Qdrant's URL and settings.
void loadVectors(const RawConfig& r, Config& c, Checker& check) {
  c.vectors_spec = r.vectors;
  if (r.vectors == "local") return;
  constexpr std::string_view kQdrant = "qdrant:";
  if (!r.vectors.starts_with(kQdrant)) {
    check.fail("--vectors", "\"" + r.vectors + "\" is not local or qdrant:http://HOST:6333");
    return;
  }
  c.qdrant.url = r.vectors.substr(kQdrant.size());
  c.qdrant.api_key = r.qdrant_api_key;
  c.qdrant.collection = r.qdrant_collection;
  check.integer("--qdrant-timeout-ms", r.qdrant_timeout_ms, 100, 600'000, c.qdrant.timeout_ms);
  for (auto problem : vectors::validateConfig(c.qdrant)) {
    if (problem.ends_with('.')) problem.pop_back();  // fail() ends the line
    check.fail("--vectors", problem);
  }
}

// The abuse limits (issue 14): defaults a real player never meets.
void loadCluster(const RawConfig& r, Config& c, Checker& check) {
  c.node = r.node;
  if (c.node.empty()) {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0) c.node = host;
  }
  if (c.node.empty() || c.node.size() > 100 ||
      c.node.find_first_of(" \t\r\n\"'") != std::string::npos) {
    check.fail("--node", "\"" + c.node + "\" is not a node name (1 to 100 characters, no spaces "
                                          "or quotes)");
  }
  check.integer("--lease-ttl-ms", r.lease_ttl_ms, 600, 600'000, c.lease_ttl_ms);
  c.operator_token = r.operator_token;
  if (!r.operator_token.empty() && r.operator_token.size() < 16) {
    check.fail("--operator-token", "a token needs at least 16 characters");
  }
  if (!c.cluster_role) return;
  // A cluster node shares everything another node may need: one line per missing engine.
  if (!c.database.url.starts_with("postgres")) {
    check.fail("--db", "the api role keeps its campaigns, leases and log in PostgreSQL: set "
                       "postgres://user:pass@host:5432/db (\"" + c.database.url + "\" is not)");
  }
  if (c.nats.urls.empty()) {
    check.fail("--nats", "the api role forwards commands and tick deltas between nodes over "
                         "NATS: set nats://HOST:4222");
  }
  if (!c.redis) {
    check.fail("--redis", "the api role keeps sessions and rate limits in Redis, so every node "
                          "honours them: set redis://HOST:6379");
  }
  if (!c.objects.s3) {
    check.fail("--objects", "the api role stores voices where every node finds them: set "
                            "s3://BUCKET with STARTALES_S3_ENDPOINT (MinIO or any S3 store)");
  }
}

void loadLimits(const RawConfig& r, Config& c, Checker& check, int cores) {
  c.speech_token = r.speech_token;
  if (c.speech_role && r.speech_token.empty()) {
    check.fail("--speech-token",
               "startales stt and tts need a service token that callers send "
               "as \"Authorization: Bearer <token>\"");
  } else if (!r.speech_token.empty() && r.speech_token.size() < 16) {
    check.fail("--speech-token", "a service token needs at least 16 characters");
  }
  check.integer("--speech-workers", r.speech_workers, 0, 1024, c.speech_workers);
  if (c.speech_workers == 0) c.speech_workers = std::max(2, cores);
  check.integer("--speech-max-pending", r.speech_max_pending, 1, 1'000'000, c.speech_max_pending);
  check.integer<size_t>("--tts-max-text-bytes", r.tts_max_text_bytes, 16, 1 << 20,
                        c.tts_max_text_bytes);
  check.integer<size_t>("--tts-max-sentences", r.tts_max_sentences, 1, 100'000,
                        c.tts_max_sentences);
  check.integer("--session-purge-every-s", r.session_purge_every_s, 1, 7 * 86400,
                c.session_purge_every_s);
  check.integer<size_t>("--auth-rate-max-keys", r.auth_rate_max_keys, 16, 100'000'000,
                        c.auth_rate_max_keys);
  const size_t max_connections = c.server.max_connections;
  check.integer<size_t>("--max-connections-per-address", r.max_connections_per_address, 1,
                        1'000'000, c.server.max_connections_per_address);
  check.integer<size_t>("--max-websockets-per-address", r.max_websockets_per_address, 1, 1'000'000,
                        c.server.max_websockets_per_address);
  check.integer("--max-websockets-per-account", r.max_websockets_per_account, 1, 1'000'000,
                c.max_websockets_per_account);
  // Per-address caps above --max-connections would never apply: clamp them, quietly for the
  // defaults (a small --max-connections in a test), with a problem when set explicitly.
  auto below = [&](const char* flag, const std::string& text, const char* fallback, size_t& value) {
    if (value <= max_connections) return;
    if (text == fallback) {
      value = max_connections;
    } else {
      check.fail(flag, "\"" + text + "\" is above --max-connections (" +
                           std::to_string(max_connections) + ")");
    }
  };
  below("--max-connections-per-address", r.max_connections_per_address, "256",
        c.server.max_connections_per_address);
  below("--max-websockets-per-address", r.max_websockets_per_address, "32",
        c.server.max_websockets_per_address);
  size_t per_account = static_cast<size_t>(c.max_websockets_per_account);
  below("--max-websockets-per-account", r.max_websockets_per_account, "8", per_account);
  c.max_websockets_per_account = static_cast<int>(per_account);
  check.integer("--campaigns-per-hour", r.campaigns_per_hour, 1, 1'000'000, c.campaigns_per_hour);
  check.integer("--max-live-campaigns", r.max_live_campaigns, 1, 1'000'000, c.max_live_campaigns);
  int burst = 0, per_min = 0;
  check.integer("--invite-rate-burst", r.invite_rate_burst, 1, 1'000'000, burst);
  check.integer("--invite-rate-per-min", r.invite_rate_per_min, 1, 1'000'000, per_min);
  c.invite_rate = {static_cast<double>(burst), static_cast<double>(per_min)};
  check.integer<size_t>("--card-max-text-bytes", r.card_max_text_bytes, 80, 1 << 20,
                        c.card_max_text_bytes);
}

// The object store: every problem names its variable (objects::resolveObjects).
void loadObjects(const RawConfig& r, Config& c, Checker& check) {
  objects::ObjectsOptions o;
  o.spec = r.objects;
  o.s3_endpoint = r.s3_endpoint;
  o.s3_region = r.s3_region;
  o.access_key_id = r.s3_access_key_id;
  o.access_key_id_file = r.s3_access_key_id_file;
  o.secret_access_key = r.s3_secret_access_key;
  o.secret_access_key_file = r.s3_secret_access_key_file;
  check.integer("--objects-timeout-ms", r.objects_timeout_ms, 100, 600'000, o.timeout_ms);
  for (const auto& problem : objects::resolveObjects(o, r.data_dir, c.objects)) {
    check.fail("--objects", problem);
  }
}

// Redis (issue 15): validated here, connected lazily by the server.
void loadRedis(const RawConfig& r, Config& c, Checker& check) {
  check.integer("--redis-timeout-ms", r.redis_timeout_ms, 10, 60'000,
                c.redis_config.command_timeout_ms);
  check.integer("--session-check-s", r.session_check_s, 1, 3600, c.session_check_s);
  if (r.redis.empty()) return;
  auto parsed = kv::parseRedisUrl(r.redis);
  if (!parsed) {
    std::string why = parsed.error().message;
    if (!why.empty() && why.back() == '.') why.pop_back();
    check.fail("--redis", why);
    return;
  }
  const int timeout_ms = c.redis_config.command_timeout_ms;
  c.redis = true;
  c.redis_config = *parsed;
  c.redis_config.command_timeout_ms = timeout_ms;
  c.redis_url_shown = "redis://" + std::string(parsed->password.empty() ? "" : ":***@") +
                      parsed->host + ":" + std::to_string(parsed->port) + "/" +
                      std::to_string(parsed->db);
}

}  // namespace

ConfigLoader::ConfigLoader() : raw_(std::make_unique<RawConfig>()) {}
ConfigLoader::~ConfigLoader() = default;

void ConfigLoader::declare(CLI::App& app) {
  for (const auto& o : kOptions) {
    auto* opt = app.add_option(o.flag, (*raw_).*(o.field), o.help)->envname(o.env);
    if (!((*raw_).*(o.field)).empty()) opt->capture_default_str();
  }
}

bool ConfigLoader::load(Config& c, std::vector<std::string>& problems) const {
  const RawConfig& r = *raw_;
  Checker check(problems);
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  c.server.host = r.host;
  if (r.host.empty()) check.fail("--host", "an address is required, e.g. 0.0.0.0 or 127.0.0.1");
  check.integer<uint16_t>("--port", r.port, 0, 65535, c.server.port);
  if (r.data_dir.empty()) check.fail("--data-dir", "a directory is required");
  c.data_dir = r.data_dir;
  c.web_dir = r.web_dir;
  c.metrics_listen = r.metrics_listen != "off";
  if (c.metrics_listen) {
    // HOST:PORT, the host possibly in brackets ([::1]:9464).
    const size_t colon = r.metrics_listen.rfind(':');
    std::string host = colon == std::string::npos ? "" : r.metrics_listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    if (host.empty()) {
      check.fail("--metrics-listen", "\"" + r.metrics_listen +
                                         "\" is not HOST:PORT (e.g. 127.0.0.1:9464) or off");
    } else {
      c.metrics_host = host;
      check.integer<uint16_t>("--metrics-listen", r.metrics_listen.substr(colon + 1), 0, 65535,
                              c.metrics_port);
    }
  }
  c.metrics_token = r.metrics_token;
  if (!r.metrics_token.empty() && r.metrics_token.size() < 16) {
    check.fail("--metrics-token", "a token needs at least 16 characters");
  }
  c.database.url = r.db.empty() ? "sqlite://" + r.data_dir + "/startales.db" : r.db;
  if (!c.database.url.starts_with("sqlite:") && !c.database.url.starts_with("postgres://") &&
      !c.database.url.starts_with("postgresql://")) {
    check.fail("--db", "\"" + c.database.url +
                           "\" is not sqlite://<path> or postgres://user:pass@host:5432/db");
  }
  check.integer("--db-pool-size", r.db_pool_size, 1, 256, c.database.pool_size);
  if (r.db_sync != "normal" && r.db_sync != "full") {
    check.fail("--db-sync", "\"" + r.db_sync + "\" is not normal or full");
  }
  c.database.sync_every_commit = r.db_sync == "full";
  logging::Level level{};
  if (!logging::parseLevel(r.log_level, level)) {
    check.fail("--log-level", "\"" + r.log_level + "\" is not debug, info, warn or error");
  }
  c.log_level = r.log_level;
  check.boolean("--access-log", r.access_log, c.server.access_log);
  check.integer("--threads", r.threads, 0, 256, c.threads);
  check.integer("--workers", r.workers, 0, 1024, c.workers);
  if (c.threads == 0) c.threads = cores;
  if (c.workers == 0) c.workers = std::max(4, 2 * cores);
  check.integer("--max-pending-work", r.max_pending_work, 1, 1'000'000, c.max_pending_work);
  check.integer("--sim-threads", r.sim_threads, 0, 256, c.sim_threads);
  if (c.sim_threads == 0) c.sim_threads = cores;
  check.integer("--snapshot-every", r.snapshot_every, 1, 1'000'000, c.snapshot_every);
  check.integer("--suspend-after-s", r.suspend_after_s, 1, 30 * 86400, c.suspend_after_s);
  check.integer<size_t>("--max-header-bytes", r.max_header_bytes, 1024, 1 << 20,
                        c.server.max_header_bytes);
  check.integer<size_t>("--max-body-bytes", r.max_body_bytes, 1024, size_t{1} << 30,
                        c.server.max_body_bytes);
  check.integer("--header-timeout-ms", r.header_timeout_ms, 10, 3'600'000,
                c.server.header_timeout_ms);
  check.integer("--read-timeout-ms", r.read_timeout_ms, 10, 3'600'000, c.server.read_timeout_ms);
  check.integer("--idle-timeout-ms", r.idle_timeout_ms, 10, 3'600'000, c.server.idle_timeout_ms);
  check.integer("--shutdown-timeout-ms", r.shutdown_timeout_ms, 0, 3'600'000,
                c.shutdown_timeout_ms);
  check.integer<size_t>("--max-connections", r.max_connections, 1, 1'000'000,
                        c.server.max_connections);
  c.server.cors_origins = splitList(r.cors_origins);
  for (const auto& origin : c.server.cors_origins) {
    if (origin != "*" && !origin.starts_with("http://") && !origin.starts_with("https://")) {
      check.fail("--cors-origins", "\"" + origin + "\" is not an origin like https://example.com");
    }
  }
  check.boolean("--trust-proxy", r.trust_proxy, c.server.trust_proxy);
  check.integer<size_t>("--ws-max-message-bytes", r.ws_max_message_bytes, 125, size_t{1} << 28,
                        c.server.ws_max_message_bytes);
  check.integer("--ws-idle-timeout-ms", r.ws_idle_timeout_ms, 100, 3'600'000,
                c.server.ws_idle_timeout_ms);
  check.integer<size_t>("--ws-outbound-max-messages", r.ws_outbound_max_messages, 1, 1'000'000,
                        c.server.ws_outbound_max_messages);
  check.integer<size_t>("--ws-outbound-max-bytes", r.ws_outbound_max_bytes, 1024, size_t{1} << 30,
                        c.server.ws_outbound_max_bytes);
  int ws_rate = 0, ws_burst = 0;
  check.integer("--ws-rate-per-second", r.ws_rate_per_second, 0, 1'000'000, ws_rate);
  check.integer("--ws-rate-burst", r.ws_rate_burst, 1, 1'000'000, ws_burst);
  c.server.ws_rate_per_second = ws_rate;
  c.server.ws_rate_burst = ws_burst;
  check.integer<int64_t>("--session-ttl-s", r.session_ttl_s, 1, 365LL * 24 * 3600,
                         c.account.session_ttl_s);
  check.integer<uint64_t>("--password-mem-kib", r.password_mem_kib, 8, 4 << 20,
                          c.account.password.mem_limit_kib);
  check.integer<uint64_t>("--password-ops", r.password_ops, 1, 20, c.account.password.ops_limit);
  int burst = 0, per_min = 0;
  check.integer("--auth-rate-address-burst", r.rate_address_burst, 1, 1'000'000, burst);
  check.integer("--auth-rate-address-per-min", r.rate_address_per_min, 1, 1'000'000, per_min);
  c.auth_rate_per_address = {static_cast<double>(burst), static_cast<double>(per_min)};
  check.integer("--auth-rate-account-burst", r.rate_account_burst, 1, 1'000'000, burst);
  check.integer("--auth-rate-account-per-min", r.rate_account_per_min, 1, 1'000'000, per_min);
  c.auth_rate_per_account = {static_cast<double>(burst), static_cast<double>(per_min)};
  c.llm_spec = r.llm;
  if (r.llm != "builtin" && !r.llm.starts_with("ollama:http") &&
      !r.llm.starts_with("openai:http")) {
    check.fail("--llm", "\"" + r.llm +
                            "\" is not builtin, ollama:http://HOST:11434 or openai:http://HOST/v1");
  }
  c.llm.model = r.llm_model;
  c.llm.embed_model = r.llm_embed_model;
  c.llm.api_key = r.llm_api_key;
  if (r.llm == "builtin" && !r.llm_embed_model.empty()) {
    check.fail("--llm-embed-model", "a remote embedding model needs a remote --llm engine");
  }
  check.integer("--llm-max-concurrent", r.llm_max_concurrent, 1, 10'000, c.llm.max_concurrent);
  check.integer("--llm-first-token-ms", r.llm_first_token_ms, 100, 3'600'000, c.llm.first_token_ms);
  check.integer("--llm-total-timeout-ms", r.llm_total_timeout_ms, 100, 3'600'000,
                c.llm.total_timeout_ms);
  check.integer("--llm-quota-burst", r.llm_quota_burst, 1, 1'000'000, burst);
  check.integer("--llm-quota-per-min", r.llm_quota_per_min, 1, 1'000'000, per_min);
  c.llm_quota = {static_cast<double>(burst), static_cast<double>(per_min)};
  c.tts_url = r.tts_url;
  c.stt_url = r.stt_url;
  if (!r.stt_url.empty() && !r.stt_url.starts_with("whisper.cpp:http") &&
      !r.stt_url.starts_with("openai:http")) {
    check.fail("--stt-url", "\"" + r.stt_url +
                                "\" is not whisper.cpp:http://HOST:8080 or openai:http://HOST/v1");
  }
  if (!r.tts_url.empty() && !r.tts_url.starts_with("http") &&
      !r.tts_url.starts_with("openai:http") && !r.tts_url.starts_with("coqui:http")) {
    check.fail(
        "--tts-url",
        "\"" + r.tts_url + "\" is not a URL like http://tts:4000/v1 or coqui:http://HOST:5002");
  }
  if (r.llm != "builtin") {
    for (const auto& problem : llm::validateConfig(c.llm)) check.fail("--llm", problem);
  }
  loadLimits(r, c, check, cores);
  loadObjects(r, c, check);
  loadVectors(r, c, check);
  if (!r.nats.empty()) {  // the message bus (src/bus)
    auto urls = bus::parseNatsUrls(r.nats);
    if (urls) {
      c.nats.urls = std::move(*urls);
    } else {
      check.fail("--nats", urls.error().message);
    }
  }
  loadRedis(r, c, check);
  loadCluster(r, c, check);  // last: the api role's requirements name the engines above
  return problems.empty();
}

}  // namespace startales::app
