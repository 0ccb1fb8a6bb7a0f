// The ObjectStore suite and the S3 store's failures against a real S3 implementation: s3rver
// (npm) behind a Signature Version 4 check made with another implementation (aws4), started on
// a free loopback port by the fixture and always stopped.

#include <gtest/gtest.h>

#include "objects/s3_store.h"
#include "store_suite.h"
#include "support/s3_server.h"

namespace startales::objects {
namespace {

using testing::S3Server;

// One s3rver for the whole binary (it takes about a second to start).
S3Server* server() {
  static std::unique_ptr<S3Server> instance = [] {
    auto started = S3Server::start();
    EXPECT_TRUE(started.ok()) << started.error().message;
    return started.ok() ? std::move(*started) : nullptr;
  }();
  return instance.get();
}

S3Config configFor(const S3Server& s) {
  S3Config c;
  c.endpoint = s.endpoint();
  c.bucket = s.options().bucket;
  c.region = s.options().region;
  c.credentials = {s.options().access_key_id, s.options().secret_access_key};
  c.policy.max_retries = 1;
  c.policy.backoff_base_ms = 20;
  c.policy.total_timeout_ms = 5000;
  return c;
}

// The suite wants an empty store: the bucket is emptied through the store itself.
std::unique_ptr<ObjectStore> emptiedS3Store() {
  if (server() == nullptr) return nullptr;
  auto store = S3ObjectStore::create(configFor(*server()));
  EXPECT_TRUE(store.ok());
  for (int round = 0; round < 100; ++round) {
    auto page = (*store)->list("", "", 1000);
    EXPECT_TRUE(page.ok()) << page.error().message;
    if (!page.ok() || page->objects.empty()) break;
    for (const auto& o : page->objects) EXPECT_TRUE((*store)->remove(o.key).ok());
  }
  return std::move(*store);
}

// On a failure, what s3rver said.
class PrintServerLog : public ::testing::EmptyTestEventListener {
  void OnTestEnd(const ::testing::TestInfo& info) override {
    if (info.result()->Failed() && server() != nullptr) {
      std::fprintf(stderr, "--- s3rver log ---\n%s\n---\n", server()->log().c_str());
    }
  }
};
const bool kListening = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new PrintServerLog);
  return true;
}();

INSTANTIATE_TEST_SUITE_P(S3rver, ObjectStoreSuite,
                         ::testing::Values(StoreFactory{"s3", emptiedS3Store}), factoryName);

class S3Failures : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(server(), nullptr); }
  std::unique_ptr<S3ObjectStore> storeWith(const std::function<void(S3Config&)>& change,
                                           const Clock* clock = nullptr) {
    S3Config c = configFor(*server());
    change(c);
    return std::move(S3ObjectStore::create(c, clock).value());
  }
};

TEST_F(S3Failures, AWrongSecretIsRefusedWithAnErrorNamingTheSecret) {
  auto store = storeWith([](S3Config& c) { c.credentials.secret_access_key = "not-the-secret"; });
  auto put = store->put("voices/x.json", "{}", "application/json");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, "objects_config");
  EXPECT_NE(put.error().message.find("SignatureDoesNotMatch"), std::string::npos)
      << put.error().message;
  EXPECT_NE(put.error().message.find("STARTALES_S3_SECRET_ACCESS_KEY"), std::string::npos);
  EXPECT_EQ(put.error().message.find("not-the-secret"), std::string::npos);
  for (const Error& e : {store->get("voices/x.json").error(), store->head("voices/x.json").error(),
                         store->list("", "", 10).error(), store->ping().error()}) {
    EXPECT_EQ(e.code, "objects_config") << e.message;
    EXPECT_NE(e.message.find("STARTALES_S3_SECRET_ACCESS_KEY"), std::string::npos) << e.message;
  }
  // Nothing was written: the right key finds no object.
  auto right = storeWith([](S3Config&) {});
  EXPECT_FALSE(right->exists("voices/x.json").value());
}

TEST_F(S3Failures, AnUnknownKeyIdAWrongRegionAndAMissingBucketEachSayWhatToFix) {
  auto unknown = storeWith([](S3Config& c) { c.credentials.access_key_id = "NOSUCHKEY"; });
  EXPECT_NE(unknown->ping().error().message.find("STARTALES_S3_ACCESS_KEY_ID"), std::string::npos);
  auto region = storeWith([](S3Config& c) { c.region = "eu-west-3"; });
  EXPECT_NE(region->ping().error().message.find("STARTALES_S3_REGION"), std::string::npos);
  auto bucket = storeWith([](S3Config& c) { c.bucket = "no-such-bucket"; });
  auto ping = bucket->ping();
  ASSERT_FALSE(ping.ok());
  EXPECT_EQ(ping.error().code, "objects_config");
  EXPECT_NE(ping.error().message.find("\"no-such-bucket\" does not exist"), std::string::npos)
      << ping.error().message;
  // A HEAD of a key in a missing bucket is not a quiet "no such object".
  EXPECT_EQ(bucket->head("k").error().code, "objects_config");
}

TEST_F(S3Failures, AClockFarOffTheStoresIsNamed) {
  ManualClock skewed(SystemClock().nowMs() - 3'600'000);  // an hour behind
  auto store = storeWith([](S3Config&) {}, &skewed);
  auto ping = store->ping();
  ASSERT_FALSE(ping.ok());
  EXPECT_EQ(ping.error().code, "objects_config");
  EXPECT_NE(ping.error().message.find("clock"), std::string::npos) << ping.error().message;
}

TEST_F(S3Failures, AStoreStoppedMidTestIsUnavailableThenWorksAfterItsRestart) {
  auto store = storeWith([](S3Config&) {});
  ASSERT_TRUE(store->put("voices/kept.json", R"({"id":"kept"})", "application/json").ok());
  server()->halt();
  auto got = store->get("voices/kept.json");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, "objects_unavailable");
  EXPECT_GT(got.error().retry_after_s, 0);
  EXPECT_EQ(store->put("voices/new.json", "{}", "application/json").error().code,
            "objects_unavailable");
  EXPECT_EQ(store->ping().error().code, "objects_unavailable");
  ASSERT_TRUE(server()->restart().ok());
  auto again = store->get("voices/kept.json");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->body, R"({"id":"kept"})");
  EXPECT_EQ(again->content_type, "application/json");
  EXPECT_TRUE(store->ping().ok());
  EXPECT_TRUE(store->put("voices/new.json", "{}", "application/json").ok());
}

}  // namespace
}  // namespace startales::objects
