#pragma once

// The fixture of the DialogueService tests (dialogue_test.cc, dialogue_llm_test.cc): real
// parts — a SQLite database, a CampaignService running real campaigns on its own sim threads,
// a WorkerPool, the CharacterStore, the built-in embedder and memory store, and for the model
// cases real Ollama / OpenAI-compatible backends pointed at a fake server that replays the
// documented wire formats (and their failure modes).

#include "ai/dialogue.h"
#include "ai/phrasing.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "ai/character_store.h"
#include "ai/embedder.h"
#include "ai/memory_store.h"
#include "campaign/campaign_store.h"
#include "campaign/service.h"
#include "game/game.h"
#include "game/rules.h"
#include "game/view.h"
#include "llm/llm.h"
#include "store/database.h"
#include "support/fake_llm_server.h"
#include "support/test_database.h"

namespace startales::ai::dialogue_testing {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;
using testing::FakeLlmServer;
using testing::FakeReply;

constexpr const char* kNdjson = "application/x-ndjson";
constexpr const char* kSse = "text/event-stream";
constexpr auto kCallTimeout = std::chrono::seconds(20);

// ---- Wire formats (as in tests/llm/llm_test_util.h) ----------------------------------------

inline std::string ollamaDelta(const std::string& content) {
  json::object line{{"model", "llama3.2:3b"},
                    {"created_at", "2025-05-27T22:54:57.641643Z"},
                    {"message", json::object{{"role", "assistant"}, {"content", content}}},
                    {"done", false}};
  return json::serialize(line) + "\n";
}

inline std::string ollamaToolCall(const std::string& name, const std::string& arguments_json) {
  json::object fn{{"name", name}, {"arguments", json::parse(arguments_json)}};
  json::object line{
      {"model", "llama3.2:3b"},
      {"created_at", "2025-05-27T22:54:58.100000Z"},
      {"message", json::object{{"role", "assistant"},
                               {"content", ""},
                               {"tool_calls", json::array{json::object{{"function", fn}}}}}},
      {"done", false}};
  return json::serialize(line) + "\n";
}

inline std::string ollamaDone() {
  return R"({"model":"llama3.2:3b","created_at":"2025-05-27T22:54:59.000000Z",)"
         R"("message":{"role":"assistant","content":""},"done_reason":"stop","done":true,)"
         R"("total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,)"
         R"("prompt_eval_duration":342546000,"eval_count":282,"eval_duration":4535599000})"
         "\n";
}

inline std::string sse(const std::string& data) { return "data: " + data + "\n\n"; }

inline std::string openAiChunk(const json::object& delta, const std::string& finish_reason = "") {
  json::object choice{{"index", 0}, {"delta", delta}, {"logprobs", nullptr}};
  if (finish_reason.empty()) {
    choice["finish_reason"] = nullptr;
  } else {
    choice["finish_reason"] = finish_reason;
  }
  json::object chunk{{"id", "chatcmpl-7a1"},
                     {"object", "chat.completion.chunk"},
                     {"created", 1'732'600'000},
                     {"model", "qwen2.5-7b-instruct"},
                     {"choices", json::array{choice}}};
  return sse(json::serialize(chunk));
}

inline std::string openAiContent(const std::string& text) {
  return openAiChunk(json::object{{"content", text}});
}

inline std::string openAiDone() { return "data: [DONE]\n\n"; }

// ---- Helpers ---------------------------------------------------------------------------------

template <typename R>
asio::awaitable<std::optional<R>> wrapOptional(asio::awaitable<R> op) {
  co_return co_await std::move(op);
}

inline asio::awaitable<bool> wrapVoid(asio::awaitable<void> op) {
  co_await std::move(op);
  co_return true;
}

template <typename F>
auto bounded(F future) {
  if (future.wait_for(kCallTimeout) != std::future_status::ready) {
    std::fprintf(stderr, "a call did not finish within %lld s\n",
                 static_cast<long long>(kCallTimeout.count()));
    std::abort();  // the coroutine still references this test's locals
  }
  return future.get();
}

// Deltas as on_delta saw them (called on the backend's strand, read after talk() returned).
struct Deltas {
  std::mutex mu;
  std::vector<std::string> parts;
  llm::DeltaFn fn() {
    return [this](std::string_view d) {
      std::lock_guard lock(mu);
      parts.emplace_back(d);
    };
  }
  std::string joined() {
    std::lock_guard lock(mu);
    std::string out;
    for (const auto& p : parts) out += p;
    return out;
  }
};

inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

inline std::string str(const json::value& v) { return std::string(v.as_string()); }

// Every message content of a recorded chat request, joined.
inline std::string promptOf(const testing::RecordedRequest& request) {
  std::string out;
  json::value body = json::parse(request.body);
  for (const auto& m : body.at("messages").as_array()) {
    const json::value& content = m.at("content");
    if (content.is_string()) out += str(content) + "\n";
  }
  return out;
}

struct Campaign {
  int64_t id = 0;
  game::CivId alice_civ = game::kNone;
  game::CivId bob_civ = game::kNone;
};

class DialogueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 2; ++i) net_threads_.emplace_back([this] { net_io_.run(); });
    for (int i = 0; i < 2; ++i) sim_threads_.emplace_back([this] { sim_io_.run(); });
    auto t = store::TestDatabase::create("sqlite");
    ASSERT_TRUE(t.ok()) << t.error().message;
    test_db_ = std::move(t).value();
    auto db = store::Database::open(test_db_->config());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    ASSERT_TRUE(store::migrate(*db_).ok());
    alice_ = addUser("alice");
    bob_ = addUser("bob");
    campaign_store_ = std::make_unique<campaign::CampaignStore>(*db_);
    campaign::RuntimeConfig runtime;
    runtime.snapshot_every = 10'000;
    campaign::CampaignLimits limits;
    limits.min_tick_ms = 1;
    campaigns_ = std::make_unique<campaign::CampaignService>(*campaign_store_, workers_, sim_io_,
                                                             clock_, runtime, limits);
    characters_ = std::make_unique<CharacterStore>(*db_, clock_);
    memory_store_ = std::make_unique<MemoryStore>(*db_);

    llm_config_.model = "llama3.2:3b";
    llm_config_.embed_model = "nomic-embed-text";
    llm_config_.connect_timeout_ms = 2'000;
    llm_config_.first_token_ms = 5'000;
    llm_config_.idle_timeout_ms = 5'000;
    llm_config_.total_timeout_ms = 10'000;
    llm_config_.max_retries = 1;
    llm_config_.backoff_base_ms = 5;
    llm_config_.backoff_max_ms = 20;
    llm_config_.jitter_seed = 42;
    llm_config_.breaker_failures = 100;  // each case here sees one failure, never the breaker
    llm_config_.max_concurrent = 4;
  }

  void TearDown() override {
    server_.stop();
    if (campaigns_) run(campaigns_->stopAll());
    // Background work (casts, chronicle) finishes before anything it uses goes away.
    for (int i = 0; i < 500 && workers_.pending() > 0; ++i)
      std::this_thread::sleep_for(milliseconds(10));
    std::this_thread::sleep_for(milliseconds(20));
    net_work_.reset();
    sim_work_.reset();
    net_io_.stop();
    sim_io_.stop();
    for (auto& t : net_threads_) t.join();
    for (auto& t : sim_threads_) t.join();
    dialogue_.reset();
    llm_.reset();
  }

  account::User addUser(const std::string& name) {
    auto u = store::insertTestUser(*db_, name);
    EXPECT_TRUE(u.ok()) << u.error().message;
    return account::User{*u, name, 0};
  }

  // The dialogue service, on a model ("ollama"/"openai", at the fake server) or none.
  void makeDialogue(const std::string& engine = "") {
    if (engine == "ollama") {
      auto made = llm::makeBackend("ollama:" + server_.url(), llm_config_);
      ASSERT_TRUE(made.ok()) << made.error().message;
      llm_ = std::move(*made);
    } else if (engine == "openai") {
      auto made = llm::makeBackend("openai:" + server_.url("/v1"), llm_config_);
      ASSERT_TRUE(made.ok()) << made.error().message;
      llm_ = std::move(*made);
    }
    dialogue_ = std::make_unique<DialogueService>(*campaigns_, *characters_, workers_, llm_.get(),
                                                  embedder_, memory_store_.get(), clock_,
                                                  sim_io_.get_executor(), DialogueConfig{},
                                                  vectors_);
    campaigns_->setCommentator(dialogue_->commentator());
  }

  template <typename T>
  T run(asio::awaitable<T> op) {
    auto wrapped = wrapOptional(std::move(op));
    return std::move(*bounded(asio::co_spawn(net_io_, std::move(wrapped), asio::use_future)));
  }
  void run(asio::awaitable<void> op) {
    auto wrapped = wrapVoid(std::move(op));
    bounded(asio::co_spawn(net_io_, std::move(wrapped), asio::use_future));
  }

  // alice hosts, bob joins; one AI empire. Running at `tick_ms`.
  Campaign startCampaign(int tick_ms) {
    Campaign c;
    json::object body{{"name", "Dialogue"}, {"mode", "coop"},     {"systems", 30},
                      {"ai_empires", 1},    {"max_players", 3},   {"tick_ms", tick_ms},
                      {"seed", 4242},       {"civ_name", "Vega"}, {"color", "#ff0000"}};
    auto made = run(campaigns_->create(alice_, body));
    EXPECT_TRUE(made.ok()) << made.error().message;
    if (!made) return c;
    c.id = made->at("id").as_int64();
    json::object join{{"role", "player"}, {"civ_name", "Lyra"}, {"color", "#00ff00"}};
    auto joined = run(campaigns_->join(bob_, c.id, join));
    EXPECT_TRUE(joined.ok()) << joined.error().message;
    auto ready = run(campaigns_->ready(bob_, c.id, true));
    EXPECT_TRUE(ready.ok()) << ready.error().message;
    auto started = run(campaigns_->start(alice_, c.id));
    EXPECT_TRUE(started.ok()) << started.error().message;
    auto a = run(campaigns_->access(alice_, c.id));
    auto b = run(campaigns_->access(bob_, c.id));
    EXPECT_TRUE(a.ok() && b.ok());
    if (a && b) {
      c.alice_civ = a->seat.civ;
      c.bob_civ = b->seat.civ;
    }
    EXPECT_NE(c.alice_civ, game::kNone);
    EXPECT_NE(c.bob_civ, game::kNone);
    EXPECT_NE(c.alice_civ, c.bob_civ);
    return c;
  }

  void pause(const Campaign& c) {
    auto paused = run(campaigns_->setPaused(alice_, c.id, true));
    ASSERT_TRUE(paused.ok()) << paused.error().message;
  }

  int32_t tickOf(const Campaign& c) {
    auto a = run(campaigns_->access(alice_, c.id));
    EXPECT_TRUE(a.ok());
    return run(a->runtime->status())->tick;
  }

  void waitForTick(const Campaign& c, int32_t tick) {
    for (int i = 0; i < 2000 && tickOf(c) < tick; ++i) std::this_thread::sleep_for(milliseconds(5));
    ASSERT_GE(tickOf(c), tick);
  }

  game::View viewOf(const account::User& user, const Campaign& c) {
    auto a = run(campaigns_->access(user, c.id));
    EXPECT_TRUE(a.ok());
    game::View v;
    const game::CivId civ = a->seat.civ;
    EXPECT_TRUE(run(a->runtime->read([&](const game::GameState& s) { v = game::viewFor(s, civ); })).ok());
    return v;
  }

  game::GameState stateOf(const Campaign& c) {
    auto a = run(campaigns_->access(alice_, c.id));
    EXPECT_TRUE(a.ok());
    game::GameState copy;
    EXPECT_TRUE(run(a->runtime->read([&](const game::GameState& s) { copy = s; })).ok());
    return copy;
  }

  json::array cast(const account::User& user, const Campaign& c) {
    auto list = run(dialogue_->characters(user, c.id));
    EXPECT_TRUE(list.ok()) << list.error().message;
    return list ? *list : json::array{};
  }

  // The id of the character with `role` (of `civ`, for cabinet roles) in `user`'s cast.
  int64_t characterId(const account::User& user, const Campaign& c, std::string_view role,
                      game::CivId civ = game::kNone) {
    for (const auto& v : cast(user, c)) {
      const auto& o = v.as_object();
      if (o.at("role").as_string() != role) continue;
      if (civ != game::kNone && o.at("civ").as_int64() != civ) continue;
      return o.at("id").as_int64();
    }
    ADD_FAILURE() << "no " << role << " in " << user.username << "'s cast";
    return 0;
  }

  Result<json::object> talk(const account::User& user, const Campaign& c, int64_t character,
                            std::string text, Deltas* deltas = nullptr,
                            llm::CancelToken cancel = llm::CancelToken()) {
    return run(dialogue_->talk(user, c.id, character, std::move(text),
                               deltas ? deltas->fn() : llm::DeltaFn(), std::move(cancel)));
  }

  json::array messages(const account::User& user, const Campaign& c, int64_t character) {
    auto list = run(dialogue_->messages(user, c.id, character, 0, 50));
    EXPECT_TRUE(list.ok()) << list.error().message;
    return list ? *list : json::array{};
  }

  // Both lines of a talk are stored: the player's and the reply as it was shown.
  void expectStored(const Campaign& c, int64_t character, const std::string& said,
                    const json::object& done) {
    auto log = messages(alice_, c, character);
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].at("speaker"), "player");
    EXPECT_EQ(str(log[0].at("text")), said);
    EXPECT_EQ(log[1].at("speaker"), "character");
    EXPECT_EQ(log[1].at("text"), done.at("message").at("text"));
    EXPECT_EQ(log[1].at("engine"), done.at("usage").at("engine"));
    if (done.contains("notice")) {
      EXPECT_EQ(log[1].at("notice"), done.at("notice"));
    }
  }

  // Declared first: destroyed last, after everything that posts to them.
  asio::io_context net_io_;
  asio::io_context sim_io_;
  asio::executor_work_guard<asio::io_context::executor_type> net_work_{net_io_.get_executor()};
  asio::executor_work_guard<asio::io_context::executor_type> sim_work_{sim_io_.get_executor()};
  std::vector<std::thread> net_threads_, sim_threads_;
  SystemClock clock_;
  FakeLlmServer server_;
  std::unique_ptr<store::TestDatabase> test_db_;
  std::unique_ptr<store::Database> db_;
  WorkerPool workers_{"db", 2, 256};
  account::User alice_, bob_;
  std::unique_ptr<campaign::CampaignStore> campaign_store_;
  std::unique_ptr<campaign::CampaignService> campaigns_;
  std::unique_ptr<CharacterStore> characters_;
  std::unique_ptr<MemoryStore> memory_store_;
  BuiltinEmbedder embedder_;
  llm::LlmConfig llm_config_;
  std::unique_ptr<llm::LlmBackend> llm_;
  VectorBackend* vectors_ = nullptr;  // where memory indexes live (nullptr: in process)
  std::unique_ptr<DialogueService> dialogue_;
};

}  // namespace startales::ai::dialogue_testing
