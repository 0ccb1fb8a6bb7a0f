#pragma once

// Every option of the startales binary: its flag, environment variable, help text and the
// raw text it holds (as given, or its default) before ConfigLoader::load converts and checks
// it (config.cc). Internal to src/app.

#include <span>
#include <string>

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

struct Option {
  const char* flag;
  const char* env;
  std::string RawConfig::*field;
  const char* help;
};

// The table, in --help order.
std::span<const Option> configOptions();

}  // namespace startales::app
