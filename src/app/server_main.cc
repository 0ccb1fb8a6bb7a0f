#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <future>
#include <optional>
#include <unistd.h>
#include <thread>
#include <vector>

#include "account/account_service.h"
#include "account/rate_limiter.h"
#include "api/auth_routes.h"
#include "ai/character_store.h"
#include "ai/dialogue.h"
#include "ai/embedder.h"
#include "ai/memory_store.h"
#include "ai/remote_embedder.h"
#include "api/campaign_routes.h"
#include "api/character_routes.h"
#include "api/cluster_routes.h"
#include "api/stt_routes.h"
#include "api/tts_routes.h"
#include "api/ws_gateway.h"
#include "campaign/campaign_store.h"
#include "campaign/service.h"
#include "api/health_routes.h"
#include "api/session_watcher.h"
#include "api/socket_registry.h"
#include "app/cluster_node.h"
#include "app/commands.h"
#include "app/objects.h"
#include "app/serve_loop.h"
#include "app/shared_state.h"
#include "app/speech.h"
#include "bus/local_bus.h"
#include "bus/nats_bus.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/thread_name.h"
#include "common/worker_pool.h"
#include "llm/llm_metrics.h"
#include "metrics/metrics.h"
#include "net/http_metrics.h"
#include "net/router.h"
#include "net/server.h"
#include "net/static_files.h"
#include "store/database.h"
#include "vectors/qdrant_index.h"

#ifndef STARTALES_VERSION
#define STARTALES_VERSION "0.0.0"
#endif

namespace startales::app {

namespace asio = boost::asio;

namespace {

// Opens the database (creating the data directory) and brings its schema up to date.
Result<std::unique_ptr<store::Database>> openDatabase(const Config& config) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    return makeError("data_dir", "Cannot create the data directory \"" + config.data_dir +
                                     "\": " + ec.message() + ".");
  }
  auto db = store::Database::open(config.database);
  if (!db) return db.error();
  auto applied = store::migrate(**db);
  if (!applied) return applied.error();
  logging::info("database ready", {{"backend", std::string((*db)->backend())},
                                   {"migrations_applied", *applied},
                                   {"schema_version", store::latestSchemaVersion((*db)->backend())}});
  return db;
}

// `startales routes`: one JSON object on stdout, {"routes":[{method, pattern, kind,
// listener}...], "ws_messages":[...]}, read by the authorization matrix test.
void printRoutes(const net::Router& main, const net::Router* metrics,
                 const std::vector<std::string_view>& ws_messages) {
  boost::json::array routes;
  auto add = [&](const net::Router& router, const char* listener) {
    for (const auto& r : router.routes()) {
      routes.push_back({{"method", std::string_view(net::http::to_string(r.method))},
                        {"pattern", r.pattern},
                        {"kind", net::kindName(r.kind)},
                        {"listener", listener}});
    }
  };
  add(main, "main");
  if (metrics != nullptr) add(*metrics, "metrics");
  boost::json::array types;
  for (auto t : ws_messages) types.emplace_back(t);
  const std::string out = boost::json::serialize(
      boost::json::object{{"routes", std::move(routes)}, {"ws_messages", std::move(types)}});
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

// Expired sessions are deleted every `every`, on the blocking pool (a token that expired is
// refused anyway; this keeps the table from growing with every login ever made).
void startSessionPurger(asio::io_context& io, WorkerPool& workers,
                        account::AccountService& accounts, std::chrono::seconds every) {
  auto loop = [&io, &workers, &accounts, every]() -> asio::awaitable<void> {
    asio::steady_timer timer(io);
    while (true) {  // at start, then every `every`, until io stops
      auto op = workers.run([&accounts] { return accounts.purgeExpiredSessions(); });
      auto purged = co_await std::move(op);
      if (!purged) {
        logging::warn("session purge failed", {{"error", purged.error().code}});
      } else if (*purged > 0) {
        logging::info("expired sessions purged", {{"count", *purged}});
      }
      timer.expires_after(every);
      auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
    }
  };
  asio::co_spawn(io, std::move(loop), asio::detached);
}

void initLogging(const Config& config) {
  logging::Level level = logging::Level::kInfo;
  (void)logging::parseLevel(config.log_level, level);
  logging::init(level);
}

}  // namespace

int runMigrate(const Config& config) {
  initLogging(config);
  auto db = openDatabase(config);
  logging::flush();
  if (!db) {
    std::fprintf(stderr, "startales migrate: %s\n", db.error().message.c_str());
    return 1;
  }
  return 0;
}

int runServer(const Config& config, Role role, bool list_routes) {
  initLogging(config);
  const char* role_name = role == Role::kServe ? "serve" : "api";
  auto db = openDatabase(config);
  if (!db) {
    logging::error("cannot start", {{"error", db.error().code}, {"reason", db.error().message}});
    logging::flush();
    return 1;
  }

  SystemClock clock;
  metrics::Metrics metrics;
  net::HttpMetrics http_metrics(metrics.registry());
  WorkerPool workers("blocking", config.workers, config.max_pending_work);
  metrics.addCounterCallback("worker_pool_rejected_total",
                             "Blocking calls refused with 503 because the pool was full.",
                             [&] { return static_cast<double>(workers.rejected()); });
  metrics.addGaugeCallback("worker_pool_pending", "Blocking calls queued or running.",
                           [&] { return static_cast<double>(workers.pending()); });
  metrics.addCounterCallback("log_lines_dropped_total",
                             "Log lines dropped because the log buffer was full.",
                             [] { return static_cast<double>(logging::droppedLines()); });

  account::UserStore users(**db);
  // Sessions and rate limits: in Redis with --redis (shared by every node), else local.
  auto shared = openSharedState(config, metrics, **db, clock);
  if (!shared) {
    logging::error("cannot start", {{"error", shared.error().code},
                                    {"reason", shared.error().message}});
    logging::flush();
    return 1;
  }
  auto accounts =
      account::AccountService::create(config.account, users, *(*shared)->sessions, clock);
  if (!accounts) {
    logging::error("cannot start", {{"error", accounts.error().code},
                                    {"reason", accounts.error().message}});
    logging::flush();
    return 1;
  }
  api::SocketRegistry sockets(static_cast<size_t>(config.max_websockets_per_account));

  // Every campaign is a strand. By default the strands run on the network io_context (one
  // io_context, one thread per core: a command and its campaign meet on one thread, with no
  // wake-up of another); --sim-threads N gives them an io_context and N threads of their own.
  // A tick is tens of microseconds per campaign, well within a network thread's budget.
  asio::io_context io(config.threads);
  std::optional<asio::io_context> own_sim_io;
  if (config.sim_threads > 0) own_sim_io.emplace(config.sim_threads);
  asio::io_context& sim_io = own_sim_io ? *own_sim_io : io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> sim_work;
  std::vector<std::thread> sim_pool;
  for (int i = 0; own_sim_io && i < config.sim_threads; ++i) {
    if (i == 0) sim_work.emplace(own_sim_io->get_executor());
    sim_pool.emplace_back([&sim_io, i] {
      setThreadName("sim-" + std::to_string(i));
      sim_io.run();
    });
  }
  auto stop_sim = [&] {
    if (!own_sim_io) return;  // the network io_context has stopped: nothing ticks any more
    sim_work.reset();
    sim_io.stop();
    for (auto& t : sim_pool) t.join();
    sim_pool.clear();
  };

  campaign::CampaignStore campaign_store(**db);
  campaign::RuntimeConfig runtime_config;
  runtime_config.snapshot_every = config.snapshot_every;
  campaign::CampaignLimits campaign_limits;
  campaign_limits.max_hosted = config.max_live_campaigns;
  campaign_limits.created_per_hour = config.campaigns_per_hour;
  campaign_limits.invite_attempts = config.invite_rate;
  campaign::CampaignService campaigns(campaign_store, workers, sim_io, clock, runtime_config,
                                      campaign_limits, (*shared)->limiters);
  auto cannotStart = [&](const Error& e) {
    logging::error("cannot start", {{"error", e.code}, {"reason", e.message}});
    logging::flush();
    stop_sim();
    return 1;
  };

  // AI characters: a remote model or the built-in engine, and their memory. The embedder's
  // dimension is checked against stored memories before anything is written.
  llm::LlmMetrics llm_metrics(metrics.registry());
  std::unique_ptr<llm::LlmBackend> llm_backend;
  if (config.llm_spec != "builtin") {
    auto made = llm::makeBackend(config.llm_spec, config.llm, &llm_metrics, &clock);
    if (!made) return cannotStart(made.error());
    llm_backend = std::move(*made);
  }
  std::unique_ptr<ai::Embedder> embedder;
  if (!config.llm.embed_model.empty()) {
    auto remote = ai::RemoteEmbedder::open(*llm_backend, config.llm.embed_model);
    if (!remote) return cannotStart(remote.error());
    embedder = std::move(*remote);
  } else {
    embedder = std::make_unique<ai::BuiltinEmbedder>();
  }
  ai::MemoryStore memory_store(**db);
  if (auto same = memory_store.checkDimension(embedder->dimension()); !same) {
    return cannotStart(same.error());
  }
  // Where memories are indexed: this process, or Qdrant (its collection is checked, or
  // created, for the embedder's dimension before anything is written).
  vectors::VectorsMetrics vectors_metrics(metrics.registry());
  std::unique_ptr<vectors::QdrantVectorBackend> qdrant;
  if (config.vectors_spec != "local") {
    auto opened =
        vectors::QdrantVectorBackend::open(config.qdrant, embedder->dimension(), &vectors_metrics);
    if (!opened) return cannotStart(opened.error());
    qdrant = std::move(*opened);
  }
  ai::CharacterStore character_store(**db, clock);
  ai::DialogueConfig dialogue_config;
  dialogue_config.model_quota = config.llm_quota;
  dialogue_config.card.max_text_bytes = config.card_max_text_bytes;
  ai::DialogueService dialogue(campaigns, character_store, workers, llm_backend.get(), *embedder,
                               &memory_store, clock, sim_io.get_executor(), dialogue_config,
                               qdrant.get(), (*shared)->limiters);
  campaigns.setCommentator(dialogue.commentator());
  logging::info("characters ready", {{"llm", config.llm_spec},
                                     {"model", llm_backend ? config.llm.model : "builtin"},
                                     {"embedding_dimension", embedder->dimension()},
                                     {"vectors", config.vectors_spec}});

  // The embedded speech engines (pocketsphinx's model loads here, about a second).
  auto speech = createSpeechEngines(true, true, speechOptions(config));
  if (!speech) return cannotStart(speech.error());
  // Speech has its own bounded pool: a burst of synthesis never queues in front of the token
  // checks and database calls of everyone else.
  WorkerPool speech_workers("speech", config.speech_workers, config.speech_max_pending);
  registerSpeechPoolMetrics(metrics, speech_workers);

  // Matched voices (and other shared files) live here, so every node sharing it finds them.
  auto object_store = openObjects(config, metrics);
  if (!object_store) return cannotStart(object_store.error());

  // The message bus: NATS with --nats (named after the node), else in process. /api/ready
  // fails while NATS is disconnected.
  bus::BusMetrics bus_metrics(metrics.registry());
  std::unique_ptr<bus::Bus> message_bus;
  api::HealthDeps health{db->get(), workers, STARTALES_VERSION, llm_backend.get()};
  health.checks.push_back(api::blockingCheck(
      "objects", "The object store", workers, [store = object_store->get()]() {
        auto reached = store->ping();
        if (!reached) return Result<std::string>(reached.error());
        return Result<std::string>(std::string(store->backend()));
      }));
  if (!config.nats.urls.empty()) {
    bus::NatsConfig nats = config.nats;
    if (nats.name.empty()) nats.name = config.node;
    auto connected = bus::NatsBus::connect(nats, &bus_metrics);
    if (!connected) return cannotStart(connected.error());
    health.checks.push_back(
        {"bus", "The message bus",
         [nats_bus = connected->get()]() -> asio::awaitable<Result<std::string>> {
           if (!nats_bus->connected()) {  // the client's own state: no round trip
             co_return makeError("bus_unavailable", "NATS is disconnected; reconnecting.");
           }
           co_return "nats " + nats_bus->connectedUrl();
         }});
    message_bus = std::move(*connected);
  } else {
    message_bus = std::make_unique<bus::LocalBus>(bus::LocalBusConfig{}, &bus_metrics);
  }
  if (qdrant) {  // reported, not required: replies go on without memories (docs/operations.md)
    health.checks.push_back(api::blockingCheck(
        "vectors", "The memory index", workers,
        [q = qdrant.get()]() -> Result<std::string> {
          auto points = q->client().ping();
          if (!points) return points.error();
          return "qdrant, " + std::to_string(*points) + " points";
        },
        false));
  }

  net::Router router;
  const api::AuthDeps auth{**accounts, *(*shared)->per_address, *(*shared)->per_account, workers,
                           &sockets};
  for (auto& check : (*shared)->checks) health.checks.push_back(check);
  api::addHealthRoutes(router, health);
  if (!config.metrics_token.empty()) api::addMetricsRoute(router, metrics, config.metrics_token);
  api::addAuthRoutes(router, auth);
  api::addCampaignRoutes(router, auth, campaigns);
  api::addCharacterRoutes(router, auth, dialogue);
  // The speech services, embedded: the same routes as `startales stt` / `startales tts`.
  const voice::AudioLimits audio_limits;
  api::VoiceRegistry voices(object_store->get());
  const api::SttDeps stt_deps{*speech->stt, speech_workers, audio_limits, {&auth, ""}, &campaigns};
  const api::TtsDeps tts_deps{*speech->tts, speech_workers, voices, audio_limits, {&auth, ""}};
  api::addSttRoutes(router, "/api/stt", stt_deps);
  api::addTtsRoutes(router, "/api/tts", tts_deps);
  const api::VoiceDeps voice_deps{*speech->stt, *speech->tts, speech_workers};
  api::addWsGateway(router, auth, campaigns, &dialogue, &voice_deps);
  // The web client at /, after the API: `api` nodes serve it too (the api image behind a load
  // balancer is the whole product).
  if (!config.web_dir.empty()) {
    if (auto web = net::StaticFiles::load(config.web_dir); web) {
      logging::info("web client", {{"dir", config.web_dir}, {"files", (*web)->fileCount()}});
      net::addStaticRoutes(router, std::shared_ptr<const net::StaticFiles>(std::move(*web)));
    } else {
      logging::warn("no web client", {{"reason", web.error().message}});
    }
  }
  const net::Router metrics_router = metricsRouter(metrics);
  if (list_routes) {
    printRoutes(router, config.metrics_listen ? &metrics_router : nullptr,
                api::wsMessageTypes(true, true));
    stop_sim();
    workers.stop();
    logging::flush();
    return 0;
  }

  campaigns.registerMetrics(metrics.registry());  // before restoring: restores are counted
  // serve: this process simulates every campaign. api: each node its share, by lease.
  std::unique_ptr<ClusterNode> cluster;
  if (role == Role::kApi) {
    auto joined = ClusterNode::join(config, **db, campaigns, workers, sim_io, metrics,
                                    *message_bus,
                                    [&] { return static_cast<int>(sockets.openCount()); });
    if (!joined) return cannotStart(joined.error());
    cluster = std::move(*joined);
    api::addClusterRoutes(router, {cluster->registry(), cluster->lease(), workers,
                                   config.operator_token, cluster->liveWindowMs()});
  } else {
    auto resumed = campaigns.restoreAll();
    if (!resumed) return cannotStart(resumed.error());
    logging::info("campaigns resumed", {{"count", *resumed}});
  }
  // Paused campaigns nobody watches leave memory after a while (resume loads them).
  campaigns.startSuspender(std::chrono::seconds(std::min(30, config.suspend_after_s)),
                           std::chrono::seconds(config.suspend_after_s));
  metrics.addGaugeCallback("campaigns_live", "Campaigns simulated by this server.",
                           [&] { return static_cast<double>(campaigns.liveCount()); });

  auto metrics_server = startMetricsListener(io, config, metrics_router, http_metrics);
  auto server = metrics_server ? net::Server::create(io, config.server, router, http_metrics)
                               : Result<std::unique_ptr<net::Server>>(metrics_server.error());
  if (!server) {
    logging::error("cannot start", {{"error", server.error().code},
                                    {"reason", server.error().message}});
    logging::flush();
    auto stop_campaigns = [&]() -> asio::awaitable<void> {
      auto op = campaigns.stopAll();
      co_await std::move(op);
    };
    auto stopped = asio::co_spawn(sim_io, std::move(stop_campaigns), asio::use_future);
    // Without threads of their own the campaigns stop on this thread (io is not running yet).
    while (!own_sim_io && stopped.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      io.run_one();
    }
    stopped.get();
    stop_sim();
    return 1;
  }
  (*server)->start();
  if (cluster) cluster->start();  // adopts campaigns once it can serve their players
  startSessionPurger(io, workers, **accounts, std::chrono::seconds(config.session_purge_every_s));
  if (config.redis) {  // logouts on other nodes close this node's sockets too
    api::startSessionWatcher(io, auth, std::chrono::seconds(config.session_check_s));
  }
  logging::info("listening", {{"role", role_name},
                              {"host", config.server.host},
                              {"port", (*server)->port()},
                              {"threads", config.threads},
                              {"version", STARTALES_VERSION}});

  // SIGTERM/SIGINT: stop accepting, let in-flight requests finish; then every campaign
  // flushes its commands and writes a snapshot before we exit.
  serveUntilSignal(io, **server, config, [&]() -> asio::awaitable<void> {
    if (cluster) {  // hand every campaign off: the other nodes resume them from the snapshot
      auto drain = cluster->drain();
      co_await std::move(drain);
    }
    auto stop_campaigns = campaigns.stopAll();
    co_await std::move(stop_campaigns);
    logging::info("campaigns saved", {{"count", static_cast<int64_t>(campaigns.liveCount())}});
  }, metrics_server->get());

  // Stop in reverse dependency order: no new work reaches the pool, finish what is queued.
  stop_sim();
  speech_workers.stop();
  workers.stop();
  (*shared)->shutdown();  // while io exists: calls in flight resume there
  server->reset();
  metrics_server->reset();
  logging::info("stopped");
  logging::flush();
  return 0;
}

}  // namespace startales::app
