#include "app/config.h"

#include <unistd.h>

#include <charconv>
#include <thread>

#include "app/config_options.h"
#include "common/log.h"

namespace startales::app {


namespace {


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
    for (const auto& o : configOptions()) {
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
  for (const auto& o : configOptions()) {
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
