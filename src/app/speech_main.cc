// `startales stt` and `startales tts`: the speech services on their own (distributed
// deployments), each with /health, /ready and /metrics. `serve` mounts the same routes under
// /api/stt and /api/tts with the same embedded engines (runServer in server_main.cc: the same
// createSpeechEngines, then api::addSttRoutes / api::addTtsRoutes).

#include <boost/asio/io_context.hpp>
#include <algorithm>

#include "api/health_routes.h"
#include "app/objects.h"
#include "api/stt_routes.h"
#include "api/tts_routes.h"
#include "app/commands.h"
#include "app/serve_loop.h"
#include "app/speech.h"
#include "common/log.h"
#include "common/worker_pool.h"
#include "metrics/metrics.h"
#include "net/http_metrics.h"
#include "net/router.h"
#include "net/server.h"

#ifndef STARTALES_VERSION
#define STARTALES_VERSION "0.0.0"
#endif

namespace startales::app {

Result<SpeechEngines> createSpeechEngines(bool stt, bool tts, const SpeechOptions& options) {
  const std::string& stt_url = options.stt_url;
  const std::string& tts_url = options.tts_url;
  SpeechEngines engines;
  if (stt && !stt_url.empty()) {
    const bool openai = stt_url.starts_with("openai:");
    voice::RemoteSttConfig remote;
    remote.url = stt_url.substr(stt_url.find(':') + 1);
    if (openai) remote.api_key = options.api_key;
    Result<std::unique_ptr<voice::SpeechToText>> made = makeError("invalid_config", "");
    if (openai) {
      auto o = voice::OpenAiStt::create(remote);
      made = o ? Result<std::unique_ptr<voice::SpeechToText>>(std::move(*o)) : o.error();
    } else {
      auto w = voice::WhisperCppStt::create(remote);
      made = w ? Result<std::unique_ptr<voice::SpeechToText>>(std::move(*w)) : w.error();
    }
    if (!made) return made.error();
    engines.stt = std::move(*made);
  } else if (stt) {
    voice::PocketsphinxConfig config;
    auto made = voice::PocketsphinxStt::create(config);
    if (!made) return made.error();
    engines.stt = std::move(*made);
  }
  if (tts && tts_url.starts_with("coqui:")) {
    voice::RemoteTtsConfig remote;
    remote.url = tts_url.substr(6);
    remote.limits = options.text_limits;
    auto made = voice::CoquiTts::create(remote);
    if (!made) return made.error();
    engines.tts = std::move(*made);
  } else if (tts && !tts_url.empty()) {
    voice::RemoteTtsConfig remote;
    remote.url = tts_url.starts_with("openai:") ? tts_url.substr(7) : tts_url;
    remote.api_key = options.api_key;
    remote.limits = options.text_limits;
    auto made = voice::OpenAiTts::create(remote);
    if (!made) return made.error();
    engines.tts = std::move(*made);
  } else if (tts) {
    voice::EspeakConfig espeak;
    espeak.limits = options.text_limits;
    auto made = voice::EspeakTts::create(espeak);
    if (!made) return made.error();
    engines.tts = std::move(*made);
  }
  return engines;
}

SpeechOptions speechOptions(const Config& config) {
  SpeechOptions options;
  options.stt_url = config.stt_url;
  options.tts_url = config.tts_url;
  options.api_key = config.speech_token;
  options.text_limits.max_chars = config.tts_max_text_bytes;
  options.text_limits.max_sentences = config.tts_max_sentences;
  return options;
}

void registerSpeechPoolMetrics(metrics::Metrics& metrics, WorkerPool& pool) {
  metrics.addCounterCallback("speech_pool_rejected_total",
                             "Speech jobs refused with 503 because the speech pool was full.",
                             [&pool] { return static_cast<double>(pool.rejected()); });
  metrics.addGaugeCallback("speech_pool_pending", "Speech jobs queued or running.",
                           [&pool] { return static_cast<double>(pool.pending()); });
}

int runSpeechService(const Config& config, SpeechRole role) {
  logging::Level level = logging::Level::kInfo;
  (void)logging::parseLevel(config.log_level, level);
  logging::init(level);
  const bool is_stt = role == SpeechRole::kStt;
  const char* name = is_stt ? "stt" : "tts";

  auto engines = createSpeechEngines(is_stt, !is_stt, speechOptions(config));
  if (!engines) {
    logging::error("cannot start", {{"error", engines.error().code}, {"reason", engines.error().message}});
    logging::flush();
    return 1;
  }
  metrics::Metrics metrics;
  net::HttpMetrics http_metrics(metrics.registry());
  // Only speech runs here (the token check is in memory): the speech pool's bounds apply.
  WorkerPool workers(name, config.speech_workers, config.speech_max_pending);
  registerSpeechPoolMetrics(metrics, workers);
  // `tts`: matched voices in the object store, shared by every replica (stt keeps none).
  std::unique_ptr<objects::ObjectStore> object_store;
  if (!is_stt) {
    auto opened = openObjects(config, metrics);
    if (!opened) {
      logging::error("cannot start", {{"error", opened.error().code},
                                      {"reason", opened.error().message}});
      logging::flush();
      return 1;
    }
    object_store = std::move(*opened);
  }
  net::Router router;
  api::HealthDeps health{nullptr, workers, STARTALES_VERSION, nullptr, "", name};
  if (object_store) {  // tts: voices are shared through it
    health.checks.push_back(api::blockingCheck(
        "objects", "The object store", workers, [store = object_store.get()]() {
          auto reached = store->ping();
          if (!reached) return Result<std::string>(reached.error());
          return Result<std::string>(std::string(store->backend()));
        }));
  }
  api::addHealthRoutes(router, health);
  const voice::AudioLimits limits;
  api::VoiceRegistry voices(object_store.get());
  std::optional<api::SttDeps> stt_deps;
  std::optional<api::TtsDeps> tts_deps;
  if (is_stt) {
    stt_deps.emplace(api::SttDeps{*engines->stt, workers, limits, {nullptr, config.speech_token}});
    api::addSttRoutes(router, "", *stt_deps);
  } else {
    tts_deps.emplace(
        api::TtsDeps{*engines->tts, workers, voices, limits, {nullptr, config.speech_token}});
    api::addTtsRoutes(router, "", *tts_deps);
  }

  // Audio uploads: bodies up to the audio limit (25 MiB, what OpenAI's API takes), whatever
  // the smaller general default says.
  net::ServerConfig server_config = config.server;
  server_config.max_body_bytes = std::max(server_config.max_body_bytes, limits.max_bytes + 4096);
  if (!config.metrics_token.empty()) api::addMetricsRoute(router, metrics, config.metrics_token);
  const net::Router metrics_router = metricsRouter(metrics);
  boost::asio::io_context io(config.threads);
  auto metrics_server = startMetricsListener(io, config, metrics_router, http_metrics);
  auto server = metrics_server ? net::Server::create(io, server_config, router, http_metrics)
                               : Result<std::unique_ptr<net::Server>>(metrics_server.error());
  if (!server) {
    logging::error("cannot start", {{"error", server.error().code}, {"reason", server.error().message}});
    logging::flush();
    return 1;
  }
  (*server)->start();
  logging::info("listening", {{"role", name},
                              {"host", config.server.host},
                              {"port", (*server)->port()},
                              {"threads", config.threads},
                              {"version", STARTALES_VERSION}});
  serveUntilSignal(io, **server, config, {}, metrics_server->get());
  workers.stop();
  server->reset();
  metrics_server->reset();
  logging::info("stopped");
  logging::flush();
  return 0;
}

}  // namespace startales::app
