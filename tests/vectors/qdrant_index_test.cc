// The memory index behind ai::VectorBackend, against both implementations: the in-process
// MemoryIndex and Qdrant (a protocol-faithful fake Qdrant on loopback, support/
// fake_qdrant_server.h), over a real SQLite database and MemoryStore.

#include "vectors/qdrant_index.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>
#include <set>

#include "ai/embedder.h"
#include "ai/memory.h"
#include "ai/memory_store.h"
#include "common/error_codes.h"
#include "metrics/metrics.h"
#include "store/database.h"
#include "support/fake_qdrant_server.h"
#include "support/test_database.h"

namespace startales::vectors {
namespace {

namespace json = boost::json;
using ai::BuiltinEmbedder;
using ai::MemoryConfig;
using ai::MemoryStream;
using ai::ScoredMemory;
using ai::SearchMode;
using testing::FakeQdrantServer;

constexpr int64_t kCharacter = 12;
constexpr const char* kCollection = "test_memories";

// A recorded set of memories: everyday reports, a few momentous ones, private ones of two
// players. Deterministic (seeded), so both indexes see exactly the same stream.
struct Recorded {
  std::string scope;
  std::string text;
  int32_t tick;
  int importance;
};
std::vector<Recorded> recordedSet(int64_t alice, int64_t bob, int campaign_count) {
  static const std::vector<std::string> kTopics = {
      "The treasury collected {n} credits in taxes from {p}",
      "Science finished researching improved hydroponics on {p}",
      "A trade delegation from {p} asked for lower tariffs",
      "Mining output on {p} rose by {n} percent",
      "Pirates were sighted near the asteroid belt of {p}",
      "The fleet at {p} finished its patrol",
      "Admiral Okoro swore to defend the gate of {p}",
  };
  static const std::vector<std::string> kPlaces = {"Sirius", "Altair", "Deneb", "Rigel",
                                                   "Mars",   "Lyra",   "Vega",  "Kepler"};
  std::mt19937 rng(20240611);
  const auto line = [&]() {
    std::string s = kTopics[rng() % kTopics.size()];
    s.replace(s.find("{p}"), 3, kPlaces[rng() % kPlaces.size()]);
    if (const auto n = s.find("{n}"); n != std::string::npos) {
      s.replace(n, 3, std::to_string(rng() % 90 + 10));
    }
    return s;
  };
  std::vector<Recorded> out;
  for (int i = 0; i < campaign_count; ++i) {
    out.push_back({"campaign", line(), i * 3, static_cast<int>(rng() % 10) + 1});
    if (i % 4 == 0) {
      out.push_back({ai::playerScope(alice), "Alice confided: " + line(), i * 3 + 1,
                     static_cast<int>(rng() % 10) + 1});
    }
    if (i % 5 == 0) {
      out.push_back({ai::playerScope(bob), "Bob's secret plan: " + line(), i * 3 + 2,
                     static_cast<int>(rng() % 10) + 1});
    }
  }
  return out;
}

class VectorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = store::TestDatabase::create("sqlite");
    ASSERT_TRUE(t.ok()) << t.error().message;
    test_db_ = std::move(t).value();
    auto db = store::Database::open(test_db_->config());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    ASSERT_TRUE(store::migrate(*db_).ok());
    for (const char* name : {"alice", "bob"}) {
      auto u = store::insertTestUser(*db_, name);
      ASSERT_TRUE(u.ok()) << u.error().message;
      (std::string(name) == "alice" ? alice_ : bob_) = *u;
    }
    auto c = store::insertTestCampaign(*db_, alice_);
    ASSERT_TRUE(c.ok()) << c.error().message;
    campaign_ = *c;
    store_ = std::make_unique<ai::MemoryStore>(*db_);
  }
  void TearDown() override {
    backend_.reset();
    fake_.stop();
    store_.reset();
    db_.reset();
    test_db_.reset();
  }

  QdrantConfig qdrantConfig() const {
    QdrantConfig q;
    q.url = fake_.url();
    q.collection = kCollection;
    q.timeout_ms = 1500;
    return q;
  }
  // The Qdrant backend (nullptr and a test failure when it cannot open).
  ai::VectorBackend* qdrant(QdrantConfig q) {
    auto b = QdrantVectorBackend::open(std::move(q), embedder_.dimension(), &vectors_metrics_);
    EXPECT_TRUE(b.ok()) << b.error().message;
    if (!b) return nullptr;
    backend_ = std::move(b).value();
    return backend_.get();
  }
  ai::VectorBackend* qdrant() { return qdrant(qdrantConfig()); }

  std::unique_ptr<MemoryStream> open(ai::VectorBackend* backend, const MemoryConfig& c = {}) {
    auto s = MemoryStream::open(campaign_, kCharacter, embedder_, store_.get(), clock_, c, backend);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s ? std::move(s).value() : nullptr;
  }
  void record(MemoryStream& s, const std::vector<Recorded>& set) {
    for (const auto& r : set) {
      auto m = s.remember(r.scope, r.text, r.tick, r.importance);
      ASSERT_TRUE(m.ok()) << m.error().message;
    }
  }
  int64_t rows() { return store_->count(kCharacter).value(); }
  // How often `op` ended with `outcome`, from the rendered /metrics text.
  double requests(const std::string& op, const std::string& outcome) {
    const std::string text = metrics_.render();
    const std::string key =
        "vectors_requests_total{op=\"" + op + "\",outcome=\"" + outcome + "\"} ";
    const auto at = text.find(key);
    return at == std::string::npos ? 0 : std::stod(text.substr(at + key.size()));
  }

  FakeQdrantServer fake_;
  std::unique_ptr<store::TestDatabase> test_db_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<ai::MemoryStore> store_;
  BuiltinEmbedder embedder_;
  ManualClock clock_;
  metrics::Metrics metrics_;
  VectorsMetrics vectors_metrics_{metrics_.registry()};
  std::unique_ptr<QdrantVectorBackend> backend_;
  int64_t alice_ = 0;
  int64_t bob_ = 0;
  int64_t campaign_ = 0;
};

// Equal up to float rounding: every rank's score agrees, and the memory at a rank agrees
// wherever its score is not within rounding of a neighbour's (such near-ties may swap).
void expectSameResults(const std::vector<ScoredMemory>& want, const std::vector<ScoredMemory>& got,
                       const std::string& what) {
  constexpr double kRounding = 1e-5;
  ASSERT_EQ(want.size(), got.size()) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(want[i].score, got[i].score, kRounding) << what << " rank " << i;
    const bool tie_before = i > 0 && want[i - 1].score - want[i].score < kRounding;
    const bool tie_after = i + 1 < want.size() && want[i].score - want[i + 1].score < kRounding;
    if (!tie_before && !tie_after) {
      EXPECT_EQ(want[i].memory.id, got[i].memory.id) << what << " rank " << i;
      EXPECT_EQ(want[i].memory.text, got[i].memory.text) << what << " rank " << i;
      EXPECT_NEAR(want[i].relevance, got[i].relevance, kRounding) << what << " rank " << i;
    }
  }
}

// ---- The scoped-search suite: local and Qdrant agree, on every search path ---------------

TEST_F(VectorsTest, QdrantFindsTheSameTopMemoriesAsTheLocalIndex) {
  const auto set = recordedSet(alice_, bob_, 400);
  {
    auto writer = open(nullptr);
    ASSERT_NE(writer, nullptr);
    record(*writer, set);
  }
  // Two configurations: the defaults (every visible set is small enough to be fetched whole)
  // and few candidates per round, so the Qdrant path widens rounds and checks its bound.
  MemoryConfig rounds;
  rounds.ann_candidates = 4;
  rounds.recent_per_importance = 1;
  rounds.hnsw_threshold = 50;  // and the local path searches through hnswlib graphs
  ai::VectorBackend* q = qdrant();
  ASSERT_NE(q, nullptr);
  int compared = 0;
  for (const bool few_candidates : {false, true}) {
    const MemoryConfig config = few_candidates ? rounds : MemoryConfig{};
    fake_.clearRequests();
    auto local = open(nullptr, config);
    auto remote = open(q, config);
    ASSERT_NE(local, nullptr);
    ASSERT_NE(remote, nullptr);
    ASSERT_EQ(remote->localIndex(), nullptr);
    EXPECT_EQ(fake_.pointCount(kCollection), set.size());  // rebuilt once, no duplicates
    for (const char* query : {"Vega gate Okoro", "pirates asteroid belt", "taxes credits Mars",
                              "secret plan", "hydroponics research"}) {
      for (const std::optional<int64_t> viewer :
           {std::optional<int64_t>(alice_), std::optional<int64_t>(bob_),
            std::optional<int64_t>()}) {
        for (const SearchMode mode : {SearchMode::kAuto, SearchMode::kExact}) {
          auto want = local->retrieve(query, 1300, viewer, 8, SearchMode::kExact);
          auto got = remote->retrieve(query, 1300, viewer, 8, mode);
          ASSERT_TRUE(want.ok() && got.ok()) << (got.ok() ? "" : got.error().message);
          ASSERT_EQ(got->size(), 8u);
          expectSameResults(
              *want, *got,
              std::string(query) + " viewer " + (viewer ? std::to_string(*viewer) : "none"));
          ++compared;
        }
      }
    }
    size_t widened = 0;  // rounds that also asked for the newest memories by id
    for (const auto& r : fake_.requests()) {
      if (r.target.ends_with("/points/search/batch") &&
          json::parse(r.body).at("searches").as_array().size() == 2) {
        ++widened;
      }
    }
    // The defaults fetch these small sets whole; with few candidates every kAuto search
    // (15) takes at least one round of nearest + newest.
    if (few_candidates) {
      EXPECT_GE(widened, 15u);
    } else {
      EXPECT_EQ(widened, 0u);
    }
  }
  EXPECT_EQ(compared, 60);
}

TEST_F(VectorsTest, AnotherPlayersPrivateMemoriesAreNeverReturnedNorAskedFor) {
  for (ai::VectorBackend* backend : {static_cast<ai::VectorBackend*>(nullptr), qdrant()}) {
    SCOPED_TRACE(backend == nullptr ? "local" : "qdrant");
    store_ = std::make_unique<ai::MemoryStore>(*db_);
    ASSERT_TRUE(db_->query("DELETE FROM character_memories").ok());
    auto s = open(backend);
    ASSERT_NE(s, nullptr);
    // Bob's secrets are the best match for the query; Alice must still never see them.
    for (int i = 0; i < 30; ++i) {
      ASSERT_TRUE(s->remember(ai::playerScope(bob_), "Bob will betray the Vega fleet", i, 10).ok());
    }
    ASSERT_TRUE(s->remember("campaign", "The Vega fleet docked at Sirius", 40, 2).ok());
    ASSERT_TRUE(s->remember(ai::playerScope(alice_), "Alice doubts the Vega fleet", 41, 3).ok());
    fake_.clearRequests();
    for (const std::optional<int64_t> viewer :
         {std::optional<int64_t>(alice_), std::optional<int64_t>()}) {
      auto r = s->retrieve("betray the Vega fleet", 50, viewer, 10);
      ASSERT_TRUE(r.ok()) << r.error().message;
      ASSERT_EQ(r->size(), viewer ? 2u : 1u);
      for (const auto& m : *r) EXPECT_NE(m.memory.scope, ai::playerScope(bob_)) << m.memory.text;
    }
    if (backend != nullptr) {
      // Qdrant was asked for campaign + character + the viewer's scopes only.
      const auto searches = fake_.requests();
      ASSERT_EQ(searches.size(), 2u);
      for (size_t i = 0; i < searches.size(); ++i) {
        EXPECT_EQ(searches[i].method, "POST");
        EXPECT_EQ(searches[i].target,
                  std::string("/collections/") + kCollection + "/points/search/batch");
        const auto body = json::parse(searches[i].body).as_object();
        const auto& search = body.at("searches").as_array().at(0).as_object();
        const auto& must = search.at("filter").at("must").as_array();
        ASSERT_EQ(must.size(), 3u);
        EXPECT_EQ(must[0], json::parse(R"({"key":"campaign","match":{"value":)" +
                                       std::to_string(campaign_) + "}}"));
        EXPECT_EQ(must[1], json::parse(R"({"key":"character","match":{"value":12}})"));
        const json::array scopes =
            i == 0 ? json::array{"campaign", json::string(ai::playerScope(alice_))}
                   : json::array{"campaign"};
        EXPECT_EQ(must[2], (json::object{{"key", "scope"}, {"match", {{"any", scopes}}}}));
        EXPECT_TRUE(search.contains("with_payload"));
        EXPECT_TRUE(search.contains("limit"));
      }
    }
  }
}

TEST_F(VectorsTest, ReopeningRebuildsWithoutDuplicatesAndKeepsReflections) {
  for (ai::VectorBackend* backend : {static_cast<ai::VectorBackend*>(nullptr), qdrant()}) {
    SCOPED_TRACE(backend == nullptr ? "local" : "qdrant");
    ASSERT_TRUE(db_->query("DELETE FROM character_memories").ok());
    std::vector<ScoredMemory> before;
    {
      auto s = open(backend);
      ASSERT_NE(s, nullptr);
      record(*s, recordedSet(alice_, bob_, 40));
      ASSERT_TRUE(s->addReflection(ai::playerScope(alice_), "I have noted: Alice", 5, 200).ok());
      ASSERT_TRUE(s->remember(ai::playerScope(alice_), "Alice asked for ships", 201, 6).ok());
      before = s->retrieve("fleet patrol", 300, alice_, 6).value();
    }
    fake_.clearRequests();
    auto s = open(backend);  // an owner change: the stream is loaded anew
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->ledger().importanceSinceReflection(ai::playerScope(alice_)), 6);
    auto after = s->retrieve("fleet patrol", 300, alice_, 6);
    ASSERT_TRUE(after.ok());
    expectSameResults(before, *after, "after reopening");
    if (backend != nullptr) {
      EXPECT_EQ(static_cast<int64_t>(fake_.pointCount(kCollection)), rows());
      for (const auto& r : fake_.requests()) {  // the points were there: nothing re-sent
        EXPECT_EQ(r.target.find("/points?"), std::string::npos) << r.method << " " << r.target;
      }
    }
  }
}

// ---- Qdrant: the collection, the API key ----------------------------------------------------

TEST_F(VectorsTest, CreatesTheCollectionWithTheEmbeddersDimensionAndCosine) {
  ASSERT_NE(qdrant(), nullptr);
  const auto reqs = fake_.requests();
  ASSERT_GE(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].target, std::string("/collections/") + kCollection);
  EXPECT_EQ(reqs[1].method, "PUT");
  EXPECT_EQ(json::parse(reqs[1].body),
            json::parse(R"({"vectors":{"size":384,"distance":"Cosine"}})"));
  // And an existing collection of the right shape is used as it is.
  fake_.clearRequests();
  ASSERT_NE(qdrant(), nullptr);
  ASSERT_EQ(fake_.requests().size(), 1u);
}

TEST_F(VectorsTest, AnExistingCollectionOfAnotherDimensionIsRefusedClearly) {
  fake_.createCollection(kCollection, 768, "Cosine");
  auto b = QdrantVectorBackend::open(qdrantConfig(), embedder_.dimension(), &vectors_metrics_);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, "vectors_dimension_mismatch");
  EXPECT_NE(b.error().message.find("768"), std::string::npos) << b.error().message;
  EXPECT_NE(b.error().message.find("384"), std::string::npos) << b.error().message;
  EXPECT_NE(b.error().message.find(kCollection), std::string::npos) << b.error().message;
  EXPECT_EQ(fake_.requests().size(), 1u);  // nothing was written
}

TEST_F(VectorsTest, TheApiKeyIsSentOnEveryCallAndABadOneIsRefused) {
  fake_.requireApiKey("k3y-for-tests");
  QdrantConfig good = qdrantConfig();
  good.api_key = "k3y-for-tests";
  auto s = open(qdrant(good));
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->remember("campaign", "The Vega fleet docked", 1, 5).ok());
  ASSERT_TRUE(s->retrieve("Vega fleet", 2, alice_).ok());
  ASSERT_GE(fake_.requests().size(), 4u);
  for (const auto& r : fake_.requests()) {
    ASSERT_TRUE(r.headers.contains("api-key")) << r.method << " " << r.target;
    EXPECT_EQ(r.headers.at("api-key"), "k3y-for-tests");
  }
  for (const std::string key : {"", "wrong-key"}) {
    QdrantConfig bad = qdrantConfig();
    bad.api_key = key;
    auto b = QdrantVectorBackend::open(bad, embedder_.dimension(), &vectors_metrics_);
    ASSERT_FALSE(b.ok()) << "key '" << key << "'";
    EXPECT_EQ(b.error().code, "vectors_refused");
    EXPECT_TRUE(b.error().internal);
    EXPECT_NE(b.error().message.find("API key"), std::string::npos) << b.error().message;
    EXPECT_EQ(b.error().message.find("k3y-for-tests"), std::string::npos);
  }
  EXPECT_GE(requests("ensure", "refused"), 2);
}

// ---- Qdrant failing: clear, retriable errors; nothing lost ----------------------------------

TEST_F(VectorsTest, UnavailableSlowOrDroppingQdrantGivesARetriableErrorAndThenRecovers) {
  QdrantConfig q = qdrantConfig();
  q.timeout_ms = 600;
  auto s = open(qdrant(q));
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->remember("campaign", "The Vega fleet docked at Sirius", 1, 5).ok());
  struct Case {
    FakeQdrantServer::Failure failure;
    int times;
    std::string code;
  };
  // 503 and a dropped connection are retried (twice) before the error; a slow answer is not.
  const std::vector<Case> cases = {
      {{FakeQdrantServer::Failure::Kind::kUnavailable}, 3, "vectors_unavailable"},
      {{FakeQdrantServer::Failure::Kind::kDrop}, 3, "vectors_unavailable"},
      {{FakeQdrantServer::Failure::Kind::kSlow, 2000}, 1, "vectors_timeout"},
  };
  for (const auto& c : cases) {
    fake_.fail(c.failure, c.times);
    auto r = s->retrieve("Vega fleet", 2, alice_);
    ASSERT_FALSE(r.ok()) << c.code;
    EXPECT_EQ(r.error().code, c.code) << r.error().message;
    EXPECT_NE(r.error().message.find("Qdrant"), std::string::npos) << r.error().message;
    EXPECT_TRUE(categoryOf(r.error().code) == ErrorCategory::kUnavailable ||
                categoryOf(r.error().code) == ErrorCategory::kTimeout);
    auto again = s->retrieve("Vega fleet", 2, alice_);  // the failure is over
    ASSERT_TRUE(again.ok()) << again.error().message;
    ASSERT_EQ(again->size(), 1u);
  }
  EXPECT_GE(requests("search", "unavailable"), 2);
  EXPECT_GE(requests("search", "timeout"), 1);
  EXPECT_GE(requests("search", "ok"), 3);
}

TEST_F(VectorsTest, AMemoryQdrantMissedIsKeptAndIndexedOnTheNextCall) {
  auto s = open(qdrant());
  ASSERT_NE(s, nullptr);
  fake_.fail({FakeQdrantServer::Failure::Kind::kUnavailable}, 3);
  auto m = s->remember("campaign", "Admiral Okoro swore to defend the Vega gate", 5, 8);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, "vectors_unavailable");
  EXPECT_EQ(rows(), 1);                          // the database has it
  EXPECT_EQ(fake_.pointCount(kCollection), 0u);  // Qdrant does not, yet
  EXPECT_NE(metrics_.render().find("vectors_requeued_total 1"), std::string::npos);
  auto r = s->retrieve("who defends the Vega gate", 6, alice_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->front().memory.text, "Admiral Okoro swore to defend the Vega gate");
  EXPECT_EQ(fake_.pointCount(kCollection), 1u);
}

TEST_F(VectorsTest, AStreamOpenedWhileQdrantIsDownCatchesUpWhenItAnswers) {
  {
    auto writer = open(nullptr);
    ASSERT_NE(writer, nullptr);
    record(*writer, recordedSet(alice_, bob_, 20));
  }
  ai::VectorBackend* q = qdrant();
  ASSERT_NE(q, nullptr);
  fake_.fail({FakeQdrantServer::Failure::Kind::kDrop}, 3);
  auto s = open(q);  // opens: the database has every memory
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(fake_.pointCount(kCollection), 0u);
  auto r = s->retrieve("pirates", 100, alice_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->empty());
  EXPECT_EQ(static_cast<int64_t>(fake_.pointCount(kCollection)), rows());
}

TEST_F(VectorsTest, UnpersistedStreamsAreRefused) {
  auto s = MemoryStream::open(campaign_, kCharacter, embedder_, nullptr, clock_, {}, qdrant());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "invalid_config");
}

TEST_F(VectorsTest, ConfigurationProblemsAreNamedAllAtOnce) {
  QdrantConfig q;
  q.url = "https://qdrant:6333";
  q.collection = "no spaces";
  q.timeout_ms = 5;
  const auto problems = validateConfig(q);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_NE(problems[0].find("https"), std::string::npos) << problems[0];
}

}  // namespace
}  // namespace startales::vectors
