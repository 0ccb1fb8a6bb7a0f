// DialogueService on real parts: a SQLite database, a CampaignService running real campaigns
// on its own sim threads, a WorkerPool, the CharacterStore, the built-in embedder and memory
// store, and for the model cases real Ollama / OpenAI-compatible backends pointed at a fake
// server that replays the documented wire formats (and their failure modes).

#include "ai/dialogue.h"

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

namespace startales::ai {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;
using testing::FakeLlmServer;
using testing::FakeReply;

constexpr const char* kNdjson = "application/x-ndjson";
constexpr const char* kSse = "text/event-stream";
constexpr auto kCallTimeout = std::chrono::seconds(20);

// ---- Wire formats (as in tests/llm/llm_test_util.h) ----------------------------------------

std::string ollamaDelta(const std::string& content) {
  json::object line{{"model", "llama3.2:3b"},
                    {"created_at", "2025-05-27T22:54:57.641643Z"},
                    {"message", json::object{{"role", "assistant"}, {"content", content}}},
                    {"done", false}};
  return json::serialize(line) + "\n";
}

std::string ollamaToolCall(const std::string& name, const std::string& arguments_json) {
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

std::string ollamaDone() {
  return R"({"model":"llama3.2:3b","created_at":"2025-05-27T22:54:59.000000Z",)"
         R"("message":{"role":"assistant","content":""},"done_reason":"stop","done":true,)"
         R"("total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,)"
         R"("prompt_eval_duration":342546000,"eval_count":282,"eval_duration":4535599000})"
         "\n";
}

std::string sse(const std::string& data) { return "data: " + data + "\n\n"; }

std::string openAiChunk(const json::object& delta, const std::string& finish_reason = "") {
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

std::string openAiContent(const std::string& text) {
  return openAiChunk(json::object{{"content", text}});
}

std::string openAiDone() { return "data: [DONE]\n\n"; }

// ---- Helpers ---------------------------------------------------------------------------------

template <typename R>
asio::awaitable<std::optional<R>> wrapOptional(asio::awaitable<R> op) {
  co_return co_await std::move(op);
}

asio::awaitable<bool> wrapVoid(asio::awaitable<void> op) {
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

// The way the built-in engine writes a number (builtin_engine.cc).
std::string num(double v) {
  char buf[32];
  if (std::abs(v) >= 100) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s(buf);
  if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.resize(s.size() - 2);
  return s;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string str(const json::value& v) { return std::string(v.as_string()); }

// Every message content of a recorded chat request, joined.
std::string promptOf(const testing::RecordedRequest& request) {
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
    auto u = db_->query(
        "INSERT INTO users (username, username_key, password_hash, created_at) "
        "VALUES ($1, $1, 'x', 0) RETURNING id",
        {name});
    EXPECT_TRUE(u.ok()) << u.error().message;
    return account::User{u->rows.front().getInt(0), name, 0};
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
                                                  sim_io_.get_executor());
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
    auto a = campaigns_->access(alice_, c.id);
    auto b = campaigns_->access(bob_, c.id);
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
    auto a = campaigns_->access(alice_, c.id);
    EXPECT_TRUE(a.ok());
    return run(a->runtime->status()).tick;
  }

  void waitForTick(const Campaign& c, int32_t tick) {
    for (int i = 0; i < 2000 && tickOf(c) < tick; ++i) std::this_thread::sleep_for(milliseconds(5));
    ASSERT_GE(tickOf(c), tick);
  }

  game::View viewOf(const account::User& user, const Campaign& c) {
    auto a = campaigns_->access(user, c.id);
    EXPECT_TRUE(a.ok());
    game::View v;
    const game::CivId civ = a->seat.civ;
    run(a->runtime->read([&](const game::GameState& s) { v = game::viewFor(s, civ); }));
    return v;
  }

  game::GameState stateOf(const Campaign& c) {
    auto a = campaigns_->access(alice_, c.id);
    EXPECT_TRUE(a.ok());
    game::GameState copy;
    run(a->runtime->read([&](const game::GameState& s) { copy = s; }));
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
  std::unique_ptr<DialogueService> dialogue_;
};

// ---- 1. Characters ---------------------------------------------------------------------------

TEST_F(DialogueTest, PlayersSeeTheirCabinetLeadersAndGameMasterOnly) {
  makeDialogue();
  const Campaign c = startCampaign(20);
  for (const auto* user : {&alice_, &bob_}) {
    const game::CivId own = user == &alice_ ? c.alice_civ : c.bob_civ;
    int cabinet = 0, leaders = 0, masters = 0;
    std::set<std::string> roles;
    for (const auto& v : cast(*user, c)) {
      const auto& o = v.as_object();
      const std::string role = str(o.at("role"));
      if (role == "leader") {
        leaders++;
      } else if (role == "game_master") {
        masters++;
      } else {
        EXPECT_EQ(o.at("civ").as_int64(), own)
            << user->username << " sees " << role << " of civ " << o.at("civ");
        cabinet++;
        roles.insert(role);
      }
    }
    EXPECT_EQ(cabinet, kCabinetSize) << user->username;
    EXPECT_EQ(roles.size(), static_cast<size_t>(kCabinetSize)) << user->username;
    EXPECT_EQ(leaders, 1) << user->username;  // one AI empire
    EXPECT_EQ(masters, 1) << user->username;
  }

  const int64_t bobs_treasurer = characterId(bob_, c, "treasury", c.bob_civ);
  auto foreign = talk(alice_, c, bobs_treasurer, "How are your finances?");
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, "forbidden");
  auto peek = run(dialogue_->character(alice_, c.id, bobs_treasurer));
  ASSERT_FALSE(peek.ok());
  EXPECT_EQ(peek.error().code, "forbidden");
  auto unknown = talk(alice_, c, 987'654, "Hello?");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "not_found");
  EXPECT_TRUE(messages(bob_, c, bobs_treasurer).empty());  // nothing was stored for alice's try
}

TEST_F(DialogueTest, CardsExportAndImportKeepTheSeat) {
  makeDialogue();
  const Campaign c = startCampaign(20);
  const int64_t treasurer = characterId(alice_, c, "treasury", c.alice_civ);
  auto card = run(dialogue_->exportCard(alice_, c.id, treasurer));
  ASSERT_TRUE(card.ok()) << card.error().message;
  EXPECT_EQ(card->at("spec"), "chara_card_v2");
  const std::string old_name = str(card->at("data").at("name"));
  EXPECT_FALSE(old_name.empty());

  // The persona changes; the seat claimed by the card (bob's defense) does not.
  json::object next = *card;
  auto& data = next["data"].as_object();
  data["name"] = "Quintus Vale";
  data["personality"] = "gloomy, exact";
  auto& ext = data["extensions"].as_object()["startales"].as_object();
  ext["role"] = "defense";
  ext["civ"] = c.bob_civ;
  auto imported = run(dialogue_->importCard(alice_, c.id, treasurer, json::value(next)));
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(imported->at("name"), "Quintus Vale");
  EXPECT_EQ(imported->at("role"), "treasury");
  EXPECT_EQ(imported->at("civ").as_int64(), c.alice_civ);
  EXPECT_EQ(imported->at("id").as_int64(), treasurer);
  auto stored = characters_->get(c.id, treasurer);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(stored->name, "Quintus Vale");
  EXPECT_EQ(stored->personality, "gloomy, exact");
  EXPECT_EQ(stored->role, Role::kTreasury);
  EXPECT_EQ(stored->civ, c.alice_civ);
  auto seen = run(dialogue_->character(alice_, c.id, treasurer));
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->at("name"), "Quintus Vale");
  // The built-in greeting uses the new name.
  auto hello = talk(alice_, c, treasurer, "Hello");
  ASSERT_TRUE(hello.ok()) << hello.error().message;
  EXPECT_TRUE(contains(hello->at("message").at("text").as_string(), "Quintus Vale"))
      << hello->at("message").at("text");

  const int64_t leader = characterId(alice_, c, "leader");
  auto onto_leader = run(dialogue_->importCard(alice_, c.id, leader, json::value(next)));
  ASSERT_FALSE(onto_leader.ok());
  EXPECT_EQ(onto_leader.error().code, "forbidden");
  const int64_t bobs_treasurer = characterId(bob_, c, "treasury", c.bob_civ);
  auto onto_foreign = run(dialogue_->importCard(alice_, c.id, bobs_treasurer, json::value(next)));
  ASSERT_FALSE(onto_foreign.ok());
  EXPECT_EQ(onto_foreign.error().code, "forbidden");
  auto bad = run(dialogue_->importCard(
      alice_, c.id, treasurer,
      json::value(json::object{{"spec", "chara_card_v1"}, {"data", json::object{}}})));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid_card");
  auto nameless = run(dialogue_->importCard(
      alice_, c.id, treasurer,
      json::value(json::object{{"spec", "chara_card_v2"}, {"data", json::object{}}})));
  ASSERT_FALSE(nameless.ok());
  EXPECT_EQ(nameless.error().code, "invalid_card");
  auto still = characters_->get(c.id, treasurer);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->name, "Quintus Vale");  // a refused card changes nothing
}

// ---- 2. Built-in engine ----------------------------------------------------------------------

TEST_F(DialogueTest, BuiltinTreasurerQuotesTheLiveState) {
  makeDialogue();
  const Campaign c = startCampaign(5);
  waitForTick(c, 10);
  pause(c);  // the numbers hold still while we compare them
  const game::View view = viewOf(alice_, c);
  const double credits = game::at(view.self.stock, game::Resource::kCredits);
  const int64_t treasurer = characterId(alice_, c, "treasury", c.alice_civ);
  Deltas deltas;
  const std::string asked = "how are our finances?";
  auto done = talk(alice_, c, treasurer, asked, &deltas);
  ASSERT_TRUE(done.ok()) << done.error().message;
  const std::string text = str(done->at("message").at("text"));
  EXPECT_TRUE(contains(text, "holds " + num(credits) + " credits")) << text << " / " << credits;
  EXPECT_TRUE(contains(text, "Taxes are at " + std::to_string(view.self.policies.tax_rate) + "%"))
      << text;
  EXPECT_EQ(done->at("message").at("tick").as_int64(), view.tick);
  EXPECT_EQ(deltas.joined(), text);
  EXPECT_GT(deltas.parts.size(), 1u);  // streamed sentence by sentence
  EXPECT_EQ(done->at("usage").at("engine"), "builtin");
  EXPECT_FALSE(done->contains("notice")) << done->at("notice");
  EXPECT_FALSE(done->contains("error"));
  expectStored(c, treasurer, asked, *done);
}

// ---- 3. Proposals ----------------------------------------------------------------------------

TEST_F(DialogueTest, ProposalsAreApprovedOrRejectedAndReachTheGame) {
  makeDialogue();
  const Campaign c = startCampaign(10);
  const int64_t scientist = characterId(alice_, c, "science", c.alice_civ);
  ASSERT_EQ(viewOf(alice_, c).self.researching, game::kNone);

  auto first = talk(alice_, c, scientist, "What should we research?");
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(first->at("proposals").as_array().size(), 1u) << json::serialize(*first);
  const auto& p1 = first->at("proposals").as_array()[0].as_object();
  EXPECT_EQ(p1.at("command").at("type"), "research");
  EXPECT_EQ(p1.at("status"), "pending");
  EXPECT_EQ(p1.at("message"), first->at("message").at("id"));
  const std::string tech = str(p1.at("command").at("tech"));

  auto rejected = run(dialogue_->decide(alice_, c.id, p1.at("id").as_int64(), false));
  ASSERT_TRUE(rejected.ok()) << rejected.error().message;
  EXPECT_EQ(rejected->at("status"), "rejected");
  waitForTick(c, tickOf(c) + 5);
  EXPECT_EQ(viewOf(alice_, c).self.researching, game::kNone);

  auto second = talk(alice_, c, scientist, "Any research to start?");
  ASSERT_TRUE(second.ok()) << second.error().message;
  ASSERT_EQ(second->at("proposals").as_array().size(), 1u) << json::serialize(*second);
  const int64_t p2 = second->at("proposals").as_array()[0].at("id").as_int64();
  EXPECT_EQ(str(second->at("proposals").as_array()[0].at("command").at("tech")), tech);

  auto stranger = run(dialogue_->decide(bob_, c.id, p2, true));
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, "forbidden");
  auto approved = run(dialogue_->decide(alice_, c.id, p2, true));
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  EXPECT_EQ(approved->at("status"), "approved");
  ASSERT_TRUE(approved->contains("result")) << json::serialize(*approved);
  const auto& result = approved->at("result").as_object();
  EXPECT_GT(result.at("seq").as_int64(), 0);
  const auto applied = static_cast<int32_t>(result.at("tick").as_int64());
  waitForTick(c, applied);
  const game::View after = viewOf(alice_, c);
  ASSERT_NE(after.self.researching, game::kNone);
  EXPECT_EQ(game::techRule(after.self.researching).name, tech);

  auto again = run(dialogue_->decide(alice_, c.id, p2, true));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "invalid_state");
  auto unknown = run(dialogue_->decide(alice_, c.id, 99'999, true));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "not_found");

  auto all = run(dialogue_->proposals(alice_, c.id, ""));
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].at("id").as_int64(), p2);  // newest first
  EXPECT_EQ((*all)[0].at("status"), "approved");
  EXPECT_EQ((*all)[1].at("status"), "rejected");
  auto pending = run(dialogue_->proposals(alice_, c.id, "pending"));
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
  auto bobs = run(dialogue_->proposals(bob_, c.id, ""));
  ASSERT_TRUE(bobs.ok());
  EXPECT_TRUE(bobs->empty());
}

// ---- 4. Ollama -------------------------------------------------------------------------------

TEST_F(DialogueTest, OllamaStreamsAndItsToolCallsBecomeProposals) {
  makeDialogue("ollama");
  const Campaign c = startCampaign(5);
  waitForTick(c, 5);
  pause(c);
  const game::View view = viewOf(alice_, c);
  const double credits = game::at(view.self.stock, game::Resource::kCredits);
  server_.enqueue(
      FakeReply::stream(kNdjson)
          .chunk(ollamaDelta("Our treasury "))
          .chunk(ollamaDelta("is steady. "))
          .chunk(ollamaDelta("I propose a change."))
          .chunk(ollamaToolCall("propose_command",
                                R"({"command":{"type":"set_policy","tax_rate":25},)"
                                R"("reason":"More income."})"))
          .chunk(ollamaToolCall("propose_command", R"({"command":{"type":"build","planet":999999,)"
                                                   R"("building":"farm"},"reason":"Food."})"))
          .chunk(ollamaToolCall("propose_command",
                                R"({"command":{"type":"summon_dragons"},"reason":"Why not."})"))
          .chunk(ollamaDone())
          .end());
  const int64_t treasurer = characterId(alice_, c, "treasury", c.alice_civ);
  Deltas deltas;
  const std::string asked = "How are our finances?";
  auto done = talk(alice_, c, treasurer, asked, &deltas);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(deltas.parts,
            (std::vector<std::string>{"Our treasury ", "is steady. ", "I propose a change."}));
  EXPECT_EQ(done->at("message").at("text"), "Our treasury is steady. I propose a change.");
  EXPECT_EQ(done->at("usage").at("engine"), "ollama");
  EXPECT_EQ(done->at("usage").at("prompt_tokens").as_int64(), 26);
  EXPECT_FALSE(done->contains("notice"));
  EXPECT_FALSE(done->contains("error"));

  const auto& proposals = done->at("proposals").as_array();
  ASSERT_EQ(proposals.size(), 1u) << json::serialize(*done);
  EXPECT_EQ(proposals[0].at("command").at("type"), "set_policy");
  EXPECT_EQ(proposals[0].at("command").at("tax_rate").as_int64(), 25);
  EXPECT_EQ(proposals[0].at("reason"), "More income.");
  EXPECT_EQ(proposals[0].at("status"), "pending");
  const auto& rejected = done->at("rejected_proposals").as_array();
  ASSERT_EQ(rejected.size(), 2u) << json::serialize(*done);
  bool saw_build = false;
  for (const auto& r : rejected) {
    EXPECT_FALSE(r.at("reason").as_string().empty()) << r;
    if (r.as_object().contains("command") && r.at("command").at("type") == "build")
      saw_build = true;
  }
  EXPECT_TRUE(saw_build) << json::serialize(rejected);
  auto listed = run(dialogue_->proposals(alice_, c.id, "pending"));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);  // the refused ones were never stored as proposals

  ASSERT_EQ(server_.requestCount(), 1u);
  const auto request = server_.requests().front();
  EXPECT_EQ(request.target, "/api/chat");
  const std::string prompt = promptOf(request);
  EXPECT_TRUE(contains(prompt, num(credits) + " credits")) << prompt;
  EXPECT_TRUE(contains(prompt, asked)) << prompt;
  EXPECT_TRUE(contains(request.body, "\"propose_command\"")) << request.body;
  expectStored(c, treasurer, asked, *done);
}

// ---- 5. OpenAI-compatible --------------------------------------------------------------------

TEST_F(DialogueTest, OpenAiStreamsAndAssemblesAFragmentedToolCall) {
  makeDialogue("openai");
  const Campaign c = startCampaign(10);
  auto frag = [](const std::string& id, const std::string& name, const std::string& args) {
    json::object fn{{"arguments", args}};
    if (!name.empty()) fn["name"] = name;
    json::object fragment{{"index", 0}, {"function", fn}};
    if (!id.empty()) {
      fragment["id"] = id;
      fragment["type"] = "function";
    }
    return openAiChunk(json::object{{"tool_calls", json::array{fragment}}});
  };
  const std::string events = openAiChunk(json::object{{"role", "assistant"}, {"content", ""}}) +
                             openAiContent("Taxes ") + openAiContent("could rise ") +
                             openAiContent("a little.") + frag("call_1", "propose_command", "") +
                             frag("", "", R"({"comm)") + frag("", "", R"(and": {"type": "set_po)") +
                             frag("", "", R"(licy", "tax_rate": 30}, )") +
                             frag("", "", R"("reason": "Balance the books."})") +
                             openAiChunk(json::object{}, "tool_calls") + openAiDone();
  FakeReply reply = FakeReply::stream(kSse);
  for (size_t i = 0; i < events.size(); i += 17) reply.chunk(events.substr(i, 17));
  server_.enqueue(reply.end());
  const int64_t treasurer = characterId(alice_, c, "treasury", c.alice_civ);
  Deltas deltas;
  const std::string asked = "Should we change taxes?";
  auto done = talk(alice_, c, treasurer, asked, &deltas);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(deltas.joined(), "Taxes could rise a little.");
  EXPECT_EQ(done->at("message").at("text"), "Taxes could rise a little.");
  EXPECT_EQ(done->at("usage").at("engine"), "openai");
  const auto& proposals = done->at("proposals").as_array();
  ASSERT_EQ(proposals.size(), 1u) << json::serialize(*done);
  EXPECT_EQ(proposals[0].at("command").at("type"), "set_policy");
  EXPECT_EQ(proposals[0].at("command").at("tax_rate").as_int64(), 30);
  EXPECT_EQ(proposals[0].at("reason"), "Balance the books.");
  EXPECT_TRUE(done->at("rejected_proposals").as_array().empty());
  ASSERT_EQ(server_.requestCount(), 1u);
  EXPECT_EQ(server_.requests().front().target, "/v1/chat/completions");
  EXPECT_TRUE(contains(server_.requests().front().body, "\"propose_command\""));
  expectStored(c, treasurer, asked, *done);

  // Approving the model's proposal changes the tax rate in the game.
  auto approved = run(dialogue_->decide(alice_, c.id, proposals[0].at("id").as_int64(), true));
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  waitForTick(c, static_cast<int32_t>(approved->at("result").at("tick").as_int64()));
  EXPECT_EQ(viewOf(alice_, c).self.policies.tax_rate, 30);
}

// ---- 6. Failures -----------------------------------------------------------------------------

class DialogueFailureTest : public DialogueTest {
 protected:
  // Talks to alice's treasurer on Ollama; checks nothing said was lost.
  json::object ask(Deltas& deltas, llm::CancelToken cancel = llm::CancelToken()) {
    makeDialogue("ollama");
    campaign_ = startCampaign(20);
    treasurer_ = characterId(alice_, campaign_, "treasury", campaign_.alice_civ);
    auto done = talk(alice_, campaign_, treasurer_, kAsked, &deltas, std::move(cancel));
    EXPECT_TRUE(done.ok()) << done.error().message;
    if (!done) return {};
    EXPECT_EQ(deltas.joined(), done->at("message").at("text").as_string());
    expectStored(campaign_, treasurer_, kAsked, *done);
    return *done;
  }

  static constexpr const char* kAsked = "How are our finances?";
  Campaign campaign_;
  int64_t treasurer_ = 0;
};

TEST_F(DialogueFailureTest, UnavailableModelFallsBackToBuiltinWithNotice) {
  for (int i = 0; i <= llm_config_.max_retries; ++i) {
    server_.enqueue(FakeReply::full(503, "application/json", R"({"error":"server busy"})"));
  }
  Deltas deltas;
  const json::object done = ask(deltas);
  ASSERT_FALSE(done.empty());
  EXPECT_EQ(done.at("usage").at("engine"), "builtin");
  ASSERT_TRUE(done.contains("notice"));
  EXPECT_TRUE(contains(done.at("notice").as_string(), "language model is unavailable"))
      << done.at("notice");
  EXPECT_TRUE(contains(done.at("message").at("text").as_string(), "credits"));
  EXPECT_FALSE(done.contains("error"));
  EXPECT_EQ(server_.requestCount(), static_cast<size_t>(llm_config_.max_retries + 1));
}

TEST_F(DialogueFailureTest, SlowFirstTokenFallsBackToBuiltinWithNotice) {
  llm_config_.first_token_ms = 200;
  server_.enqueue(FakeReply::stream(kNdjson)
                      .pause(3'000)
                      .chunk(ollamaDelta("Too late."))
                      .chunk(ollamaDone())
                      .end());
  Deltas deltas;
  const json::object done = ask(deltas);
  ASSERT_FALSE(done.empty());
  EXPECT_EQ(done.at("usage").at("engine"), "builtin");
  ASSERT_TRUE(done.contains("notice"));
  EXPECT_TRUE(contains(done.at("notice").as_string(), "did not answer in time"))
      << done.at("notice");
  EXPECT_FALSE(contains(done.at("message").at("text").as_string(), "Too late"));
}

TEST_F(DialogueFailureTest, TruncatedStreamKeepsThePartialAnswer) {
  server_.enqueue(FakeReply::stream(kNdjson)
                      .chunk(ollamaDelta("Revenue is up. "))
                      .chunk(ollamaDelta("But the"))
                      .end());  // no done line
  Deltas deltas;
  const json::object done = ask(deltas);
  ASSERT_FALSE(done.empty());
  EXPECT_EQ(done.at("message").at("text"), "Revenue is up. But the");
  EXPECT_EQ(done.at("usage").at("engine"), "ollama");
  ASSERT_TRUE(done.contains("error"));
  EXPECT_EQ(done.at("error").at("code"), "llm_protocol");
  ASSERT_TRUE(done.contains("notice"));
  EXPECT_TRUE(done.at("notice").as_string().starts_with("The answer was cut off"))
      << done.at("notice");
}

TEST_F(DialogueFailureTest, DisconnectMidStreamKeepsThePartialAnswer) {
  const std::string line = ollamaDelta("never whole");
  server_.enqueue(FakeReply::streamUntilClose(kNdjson)
                      .raw(ollamaDelta("First. "))
                      .raw(ollamaDelta("Second"))
                      .raw(line.substr(0, line.size() / 2)));
  Deltas deltas;
  const json::object done = ask(deltas);
  ASSERT_FALSE(done.empty());
  EXPECT_EQ(done.at("message").at("text"), "First. Second");
  EXPECT_EQ(done.at("usage").at("engine"), "ollama");
  ASSERT_TRUE(done.contains("error"));
  EXPECT_EQ(done.at("error").at("code"), "llm_protocol");
  ASSERT_TRUE(done.contains("notice"));
  EXPECT_TRUE(done.at("notice").as_string().starts_with("The answer was cut off"))
      << done.at("notice");
}

TEST_F(DialogueFailureTest, CancelFromADeltaInterruptsAndKeepsWhatWasShown) {
  server_.enqueue(FakeReply::stream(kNdjson)
                      .chunk(ollamaDelta("Let me think. "))
                      .pause(3'000)
                      .chunk(ollamaDelta("Never shown."))
                      .chunk(ollamaDone())
                      .end());
  llm::CancelToken cancel;
  makeDialogue("ollama");
  campaign_ = startCampaign(20);
  treasurer_ = characterId(alice_, campaign_, "treasury", campaign_.alice_civ);
  Deltas deltas;
  auto shown = deltas.fn();
  llm::DeltaFn on_delta = [shown, cancel](std::string_view d) {
    shown(d);
    cancel.cancel();
  };
  auto done = run(dialogue_->talk(alice_, campaign_.id, treasurer_, kAsked, on_delta, cancel));
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(deltas.joined(), "Let me think. ");
  EXPECT_EQ(done->at("message").at("text"), "Let me think. ");
  EXPECT_EQ(done->at("notice"), "Interrupted.");
  ASSERT_TRUE(done->contains("error"));
  EXPECT_EQ(done->at("error").at("code"), "llm_cancelled");
  expectStored(campaign_, treasurer_, kAsked, *done);
}

// ---- 7. Memory -------------------------------------------------------------------------------

TEST_F(DialogueTest, APlayersSecretIsRememberedForThemAndNobodyElse) {
  makeDialogue("ollama");
  const Campaign c = startCampaign(2);
  const int64_t leader = characterId(alice_, c, "leader");
  for (int i = 0; i < 3; ++i) {
    server_.enqueue(
        FakeReply::stream(kNdjson).chunk(ollamaDelta("Noted.")).chunk(ollamaDone()).end());
  }
  const std::string secret = "Remember: our admiral Zora Quill hides the fleet at Orion";
  auto told = talk(alice_, c, leader, secret);
  ASSERT_TRUE(told.ok()) << told.error().message;
  const int32_t told_at = static_cast<int32_t>(told->at("message").at("tick").as_int64());
  waitForTick(c, told_at + 500);

  const std::string question = "Where does our admiral hide the fleet?";
  auto alice_asks = talk(alice_, c, leader, question);
  ASSERT_TRUE(alice_asks.ok()) << alice_asks.error().message;
  auto bob_asks = talk(bob_, c, leader, question);
  ASSERT_TRUE(bob_asks.ok()) << bob_asks.error().message;
  ASSERT_EQ(server_.requestCount(), 3u);
  const auto requests = server_.requests();
  const std::string alice_prompt = promptOf(requests[1]);
  const std::string bob_prompt = promptOf(requests[2]);
  // Retrieved from the leader's memory (not the conversation history, which quotes the line
  // without "alice said").
  EXPECT_TRUE(contains(alice_prompt, "alice said: " + secret)) << alice_prompt;
  EXPECT_TRUE(contains(alice_prompt, "What you remember")) << alice_prompt;
  EXPECT_FALSE(contains(bob_prompt, "Zora Quill")) << bob_prompt;
  EXPECT_FALSE(contains(bob_prompt, "Orion")) << bob_prompt;
  EXPECT_TRUE(contains(bob_prompt, question)) << bob_prompt;
  // A leader cannot propose commands to a player, so it is not offered the tool.
  for (const auto& r : requests) {
    EXPECT_FALSE(contains(r.body, "propose_command")) << r.body.substr(0, 400);
  }
  // The leader rules the AI empire, not the civilization of whoever talks to it.
  EXPECT_FALSE(contains(alice_prompt, "of the Vega,")) << alice_prompt.substr(0, 200);
  EXPECT_FALSE(contains(bob_prompt, "of the Lyra,")) << bob_prompt.substr(0, 200);
  const game::GameState state = stateOf(c);
  std::string ai_empire;
  for (const auto& civ : state.civs) {
    if (civ.ai) ai_empire = civ.name;
  }
  ASSERT_FALSE(ai_empire.empty());
  for (const auto& v : viewOf(alice_, c).civs) {
    if (v.name == ai_empire) {  // named only once alice has met them
      EXPECT_TRUE(contains(alice_prompt, "of the " + ai_empire + ",")) << alice_prompt;
    }
  }
}

// ---- 8. Commentary and recap -----------------------------------------------------------------

TEST_F(DialogueTest, AdvisorsRemarkPrivatelyAndTheGameMasterNarratesPublicly) {
  makeDialogue();
  const Campaign c = startCampaign(5);
  waitForTick(c, 3);
  cast(alice_, c);  // the cast is cached
  cast(bob_, c);
  pause(c);  // only the crafted notices below are new
  const game::GameState state = stateOf(c);
  const int32_t tick = state.tick;
  const std::string battle = "Our fleet was destroyed at Kepler Drift by the Quorn raiders.";
  const std::string war = "The Ashen Throne declared war on the Lyra.";
  std::vector<game::Notice> notices;
  game::Notice lost;
  lost.tick = tick;
  lost.civ = c.alice_civ;
  lost.kind = "battle_lost";
  lost.text = battle;
  notices.push_back(lost);
  game::Notice declared;
  declared.tick = tick;
  declared.civ = game::kNone;
  declared.kind = "war_declared";
  declared.text = war;
  notices.push_back(declared);

  auto said = dialogue_->commentator()->comment(c.id, state, notices);
  bool remark = false, narration = false;
  for (const auto& m : said) {
    const json::object o = json::parse(m.json).as_object();
    if (o.at("type") == "character.remark") {
      remark = true;
      EXPECT_EQ(m.civ, c.alice_civ);
      EXPECT_EQ(o.at("character").at("role"), "defense");
      EXPECT_EQ(o.at("notice"), "battle_lost");
      EXPECT_TRUE(contains(o.at("text").as_string(), battle)) << o.at("text");
    } else if (o.at("type") == "character.narration") {
      narration = true;
      EXPECT_EQ(m.civ, game::kNone);
      EXPECT_EQ(o.at("character").at("role"), "game_master");
      EXPECT_TRUE(contains(o.at("text").as_string(), war)) << o.at("text");
    } else {
      ADD_FAILURE() << m.json;
    }
  }
  EXPECT_TRUE(remark);
  EXPECT_TRUE(narration);

  // What alice says to the game master is remembered for her, but it is no event.
  auto chat = talk(alice_, c, characterId(alice_, c, "game_master"), "Greetings, chronicler");
  ASSERT_TRUE(chat.ok()) << chat.error().message;

  // The chronicle is written in the background: poll, bounded.
  std::string alice_recap, bob_recap;
  for (int i = 0; i < 200; ++i) {
    auto a = run(dialogue_->recap(alice_, c.id, tick - 1));
    auto b = run(dialogue_->recap(bob_, c.id, tick - 1));
    ASSERT_TRUE(a.ok() && b.ok());
    alice_recap = str(a->at("text"));
    bob_recap = str(b->at("text"));
    if (contains(alice_recap, battle) && contains(bob_recap, war)) break;
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(contains(alice_recap, battle)) << alice_recap;
  EXPECT_TRUE(contains(alice_recap, war)) << alice_recap;
  EXPECT_TRUE(contains(bob_recap, war)) << bob_recap;
  EXPECT_FALSE(contains(bob_recap, battle)) << bob_recap;
  EXPECT_FALSE(contains(bob_recap, "Kepler Drift")) << bob_recap;
  EXPECT_FALSE(contains(alice_recap, "Greetings, chronicler")) << alice_recap;
}

}  // namespace
}  // namespace startales::ai
