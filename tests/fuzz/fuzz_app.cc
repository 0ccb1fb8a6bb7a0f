#include "fuzz/fuzz_app.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <thread>
#include <unistd.h>

#include "account/account_service.h"
#include "account/rate_limiter.h"
#include "ai/character_store.h"
#include "ai/dialogue.h"
#include "ai/embedder.h"
#include "ai/memory_store.h"
#include "api/auth_routes.h"
#include "api/campaign_routes.h"
#include "api/character_routes.h"
#include "api/health_routes.h"
#include "api/ws_gateway.h"
#include "campaign/campaign_store.h"
#include "campaign/service.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/worker_pool.h"
#include "metrics/metrics.h"
#include "net/router.h"
#include "net/websocket.h"
#include "store/database.h"
#include "store/migrations.h"

namespace startales::fuzz {

namespace asio = boost::asio;
namespace json = boost::json;
namespace http = net::http;

namespace {

constexpr auto kHandlerDeadline = std::chrono::seconds(20);

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "fuzz app: %s\n", why.c_str());
  std::abort();
}

// The body of an event-stream answer, in memory.
class BufferEventStream final : public net::EventStream {
 public:
  asio::awaitable<bool> send(std::string event, std::string data) override {
    started_ = true;
    body_ += net::formatEvent(event, data);
    co_return true;
  }
  [[nodiscard]] bool started() const override { return started_; }
  std::string& body() { return body_; }

 private:
  bool started_ = false;
  std::string body_;
};

template <typename T>
T wait(std::future<T> future, std::string_view what) {
  if (future.wait_for(kHandlerDeadline) != std::future_status::ready) {
    fail(std::string(what) + " did not finish within 20 s");
  }
  return future.get();
}

}  // namespace

struct FuzzApp::Impl {
  // const after construction (everything below is made in this order, torn down in reverse;
  // the process exits without tearing it down, as fuzzers do)
  std::string dir;
  SystemClock clock;
  metrics::Metrics metrics;
  std::unique_ptr<store::Database> db;
  WorkerPool workers{"fuzz-blocking", 2, 64};
  std::unique_ptr<account::UserStore> users;
  std::unique_ptr<account::DbSessionStore> sessions;
  std::unique_ptr<account::AccountService> accounts;
  std::unique_ptr<account::MemoryRateLimiter> per_address;
  std::unique_ptr<account::MemoryRateLimiter> per_account;
  asio::io_context sim_io{1};
  asio::executor_work_guard<asio::io_context::executor_type> sim_work{sim_io.get_executor()};
  std::thread sim_thread;
  std::unique_ptr<campaign::CampaignStore> campaign_store;
  std::unique_ptr<campaign::CampaignService> campaigns;
  std::unique_ptr<ai::BuiltinEmbedder> embedder;
  std::unique_ptr<ai::MemoryStore> memory_store;
  std::unique_ptr<ai::CharacterStore> character_store;
  std::unique_ptr<ai::DialogueService> dialogue;
  std::unique_ptr<api::AuthDeps> auth;
  net::Router router;
  // The connection side: handlers run on a strand of this context, on its own thread.
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> io_work{io.get_executor()};
  std::thread io_thread;

  std::string token;  // guarded by being used from the fuzzing thread only
  int64_t campaign_id = 0;

  void login();
  net::Response run(net::Request req);
};

FuzzApp& FuzzApp::get() {
  static FuzzApp* app = new FuzzApp();  // never destroyed: threads keep running until exit
  return *app;
}

FuzzApp::FuzzApp() : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  logging::init(logging::Level::kError);
  std::error_code ec;
  m.dir = (std::filesystem::temp_directory_path() /
           ("startales-fuzz-" + std::to_string(::getpid())))
              .string();
  std::filesystem::remove_all(m.dir, ec);
  std::filesystem::create_directories(m.dir, ec);
  store::DatabaseConfig db_config;
  db_config.url = "sqlite://" + m.dir + "/fuzz.db";
  auto db = store::Database::open(db_config);
  if (!db) fail("cannot open the database: " + db.error().message);
  m.db = std::move(*db);
  if (auto applied = store::migrate(*m.db); !applied) fail("migrations: " + applied.error().message);

  m.users = std::make_unique<account::UserStore>(*m.db);
  m.sessions = std::make_unique<account::DbSessionStore>(*m.db);
  account::AccountConfig account_config;
  account_config.password.ops_limit = 1;  // libsodium's minimum argon2id cost
  account_config.password.mem_limit_kib = 8;
  auto accounts = account::AccountService::create(account_config, *m.users, *m.sessions, m.clock);
  if (!accounts) fail("accounts: " + accounts.error().message);
  m.accounts = std::move(*accounts);
  const account::BucketConfig unlimited{1e9, 1e9};
  m.per_address = std::make_unique<account::MemoryRateLimiter>(unlimited, m.clock);
  m.per_account = std::make_unique<account::MemoryRateLimiter>(unlimited, m.clock);
  m.sim_thread = std::thread([&m] { m.sim_io.run(); });

  m.campaign_store = std::make_unique<campaign::CampaignStore>(*m.db);
  campaign::CampaignLimits limits;
  limits.max_systems = 100;  // campaigns the fuzzer creates stay cheap to generate and tick
  m.campaigns = std::make_unique<campaign::CampaignService>(*m.campaign_store, m.workers, m.sim_io,
                                                            m.clock, campaign::RuntimeConfig{},
                                                            limits);
  m.embedder = std::make_unique<ai::BuiltinEmbedder>();
  m.memory_store = std::make_unique<ai::MemoryStore>(*m.db);
  m.character_store = std::make_unique<ai::CharacterStore>(*m.db, m.clock);
  m.dialogue = std::make_unique<ai::DialogueService>(
      *m.campaigns, *m.character_store, m.workers, nullptr, *m.embedder, m.memory_store.get(),
      m.clock, m.sim_io.get_executor());
  m.campaigns->setCommentator(m.dialogue->commentator());

  m.auth = std::make_unique<api::AuthDeps>(
      api::AuthDeps{*m.accounts, *m.per_address, *m.per_account, m.workers});
  api::addHealthRoutes(m.router, {m.db.get(), m.workers, "fuzz", nullptr});
  api::addAuthRoutes(m.router, *m.auth);
  api::addCampaignRoutes(m.router, *m.auth, *m.campaigns);
  api::addCharacterRoutes(m.router, *m.auth, *m.dialogue);
  api::addWsGateway(m.router, *m.auth, *m.campaigns, m.dialogue.get(), nullptr);
  m.io_thread = std::thread([&m] { m.io.run(); });

  // The player and their running campaign, through the routes themselves.
  auto post = [&m](std::string target, std::string body, bool auth) {
    net::Request req;
    req.http.method(http::verb::post);
    req.http.target(target);
    req.http.set(http::field::content_type, "application/json");
    if (auth) req.http.set(http::field::authorization, "Bearer " + m.token);
    req.http.body() = std::move(body);
    req.http.prepare_payload();
    net::Response res = m.run(std::move(req));
    if (res.result_int() >= 300) fail(target + " answered " + res.body());
    return json::parse(res.body()).as_object();
  };
  post("/api/auth/register", R"({"username":"fuzzer","password":"a long secret"})", false);
  m.login();
  auto created = post("/api/campaigns", R"({"name":"Fuzz","ai_empires":2,"systems":30,"seed":7})", true);
  m.campaign_id = created.at("id").to_number<int64_t>();
  post("/api/campaigns/" + std::to_string(m.campaign_id) + "/start", "", true);
}

void FuzzApp::Impl::login() {
  auto result = accounts->login("fuzzer", "a long secret");
  if (!result) fail("login: " + result.error().message);
  token = result->token;
}

const std::string& FuzzApp::token() const { return impl_->token; }
int64_t FuzzApp::campaignId() const { return impl_->campaign_id; }

std::string FuzzApp::withToken(std::string_view input) const {
  static constexpr std::string_view kMarker = "@TOKEN@";
  std::string out;
  out.reserve(input.size() + 64);
  for (size_t at = 0;;) {
    const size_t hit = input.find(kMarker, at);
    out.append(input.substr(at, hit - at));
    if (hit == std::string_view::npos) break;
    out += impl_->token;
    at = hit + kMarker.size();
  }
  return out;
}

// What net::Server does between parsing a request and writing the response (prepare, handle,
// events, route), minus the socket: see net/server.cc.
net::Response FuzzApp::Impl::run(net::Request req) {
  const std::string_view target = req.http.target();
  const size_t q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
  req.request_id = "fuzz";
  req.client_address = "127.0.0.1";
  auto match = router.match(req.http.method(), req.path);
  req.route = match.route.empty() ? "unmatched" : match.route;
  req.params = std::move(match.params);

  auto strand = asio::make_strand(io);
  auto body = [&match, req = std::move(req)]() mutable -> asio::awaitable<net::Response> {
    try {
      if (match.websocket != nullptr) {
        if (!boost::beast::websocket::is_upgrade(req.http)) {
          co_return net::errorResponse(http::status::upgrade_required, "upgrade_required",
                                       "This is a WebSocket endpoint.");
        }
        auto accepted = co_await (*match.websocket)(req);
        if (!accepted) co_return net::errorResponse(accepted.error());
        co_return net::Response{http::status::switching_protocols, 11};
      }
      if (match.events != nullptr) {
        BufferEventStream stream;
        auto answered = co_await (*match.events)(req, stream);
        if (answered) co_return std::move(*answered);
        net::Response res{http::status::ok, 11};
        res.body() = std::move(stream.body());
        co_return res;
      }
      if (match.handler != nullptr) co_return co_await (*match.handler)(req);
      if (!match.allowed.empty()) {
        co_return net::errorResponse(http::status::method_not_allowed, "method_not_allowed",
                                     "The method is not allowed.");
      }
      co_return net::errorResponse(http::status::not_found, "not_found", "There is no route.");
    } catch (const std::exception& e) {  // as net::Server: a handler that throws is a 500
      co_return net::errorResponse(http::status::internal_server_error, "internal", e.what());
    }
  };
  net::Response res = wait(asio::co_spawn(strand, std::move(body), asio::use_future), "a request");
  return res;
}

net::Response FuzzApp::handle(net::Request request) {
  net::Response res = impl_->run(std::move(request));
  // An input may log the player out or rotate the token: log in again for the next one.
  if (!impl_->accounts->authenticate(impl_->token)) impl_->login();
  return res;
}

bool FuzzApp::webSocket(const std::vector<std::string>& messages) {
  Impl& m = *impl_;
  auto match = m.router.match(http::verb::get, "/ws");
  if (match.websocket == nullptr) fail("no /ws route");
  net::Request req;
  req.http.method(http::verb::get);
  req.http.target("/ws");
  req.http.set(http::field::authorization, "Bearer " + m.token);
  req.path = "/ws";
  req.route = "/ws";
  req.request_id = "fuzz";
  req.client_address = "127.0.0.1";
  auto strand = asio::make_strand(m.io);
  const net::WsAcceptor& acceptor = *match.websocket;
  auto session = [&]() -> asio::awaitable<bool> {
    auto accepted = co_await acceptor(req);
    if (!accepted) co_return false;
    std::shared_ptr<net::WsHandler> handler = *accepted;
    // No WsConnection (that needs a socket): the session's sends find no connection and are
    // dropped; everything up to them runs as on a real connection's strand, in order.
    co_await handler->onOpen(nullptr);
    for (const auto& text : messages) co_await handler->onText(text);
    handler->onClose(net::WsCloseInfo{});
    co_return true;
  };
  const bool accepted = wait(asio::co_spawn(strand, session, asio::use_future), "a WebSocket session");
  if (!m.accounts->authenticate(m.token)) m.login();
  return accepted;
}

}  // namespace startales::fuzz
