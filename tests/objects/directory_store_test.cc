#include "objects/directory_store.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "objects/metered_store.h"
#include "store_suite.h"
#include "support/server_process.h"

namespace startales::objects {
namespace {

namespace fs = std::filesystem;

std::string binaryBytes(size_t n, unsigned seed) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>((i * 131 + seed * 7 + (i >> 9)) & 0xff);
  return out;
}

std::vector<std::string> keysOf(const ListPage& page) {
  std::vector<std::string> keys;
  for (const auto& o : page.objects) keys.push_back(o.key);
  return keys;
}

// Each store gets its own directory; removed when the test binary's temp root is.
class TempRoot {
 public:
  TempRoot() : path_(testing::makeTempDir("startales-objects-")) {}
  ~TempRoot() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TempRoot& roots() {
  static TempRoot root;
  return root;
}

std::unique_ptr<ObjectStore> freshDirectoryStore() {
  static int n = 0;
  auto store = DirectoryObjectStore::open(roots().path() + "/store" + std::to_string(++n));
  EXPECT_TRUE(store.ok());
  return store.ok() ? std::move(*store) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Directory, ObjectStoreSuite,
                         ::testing::Values(StoreFactory{"dir", freshDirectoryStore}),
                         factoryName);

TEST(DirectoryObjectStore, KeepsObjectsAtTheirKeysPathAcrossReopening) {
  const std::string dir = roots().path() + "/reopen";
  {
    auto store = DirectoryObjectStore::open(dir);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->put("voices/v1.json", "{}", "application/json").ok());
  }
  EXPECT_TRUE(fs::is_regular_file(dir + "/voices/v1.json"));
  auto again = DirectoryObjectStore::open(dir);
  ASSERT_TRUE(again.ok());
  auto got = (*again)->get("voices/v1.json");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->body, "{}");
  EXPECT_EQ(got->content_type, "application/json");
  EXPECT_EQ((*again)->describe(), "dir:" + dir);
}

TEST(DirectoryObjectStore, AKeyUnderAnObjectIsAClearConflict) {
  auto store = freshDirectoryStore();
  ASSERT_TRUE(store->put("a", "x", "text/plain").ok());
  auto under = store->put("a/b", "y", "text/plain");
  ASSERT_FALSE(under.ok());
  EXPECT_EQ(under.error().code, "invalid_object_key");
  EXPECT_NE(under.error().message.find("cannot hold both"), std::string::npos);
  ASSERT_TRUE(store->put("d/e", "y", "text/plain").ok());
  auto over = store->put("d", "z", "text/plain");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, "invalid_object_key");
  EXPECT_EQ(store->get("a").value().body, "x");  // neither refused put changed anything
  EXPECT_EQ(store->get("d/e").value().body, "y");
}

TEST(DirectoryObjectStore, LeftoverTemporaryFilesAndForeignFilesAreNotObjects) {
  const std::string dir = roots().path() + "/leftovers";
  auto store = DirectoryObjectStore::open(dir);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->put("voices/v.json", "{}", "application/json").ok());
  std::ofstream(dir + "/voices/.tmp-0123456789abcdef") << "half a write";  // a crash mid-put
  auto listed = (*store)->list("", "", 100);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->objects.size(), 1u);
  EXPECT_EQ(listed->objects[0].key, "voices/v.json");
  std::ofstream(dir + "/voices/plain.txt") << "not written by the store";
  auto foreign = (*store)->get("voices/plain.txt");
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, "objects_error");
  EXPECT_TRUE(foreign.error().internal);  // names a path: for the log only
}

TEST(DirectoryObjectStore, RefusesAContentTypeThatIsNotOneLineOfText) {
  auto store = freshDirectoryStore();
  auto put = store->put("k", "x", "text/plain\nX-Evil: 1");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, "invalid_argument");
  EXPECT_FALSE(store->exists("k").value());
}

TEST(DirectoryObjectStore, ARootThatIsAFileCannotBeOpened) {
  const std::string file = roots().path() + "/a-file";
  std::ofstream(file) << "x";
  auto store = DirectoryObjectStore::open(file + "/objects");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, "objects_config");
  EXPECT_NE(store.error().message.find(file), std::string::npos);
}

// Not in the shared suite: s3rver writes an object in place, so there two concurrent puts of
// one key can interleave (S3 and MinIO replace objects atomically; this store must too).
TEST(DirectoryObjectStore, ConcurrentPutsOfOneKeyLeaveOneWholeValue) {
  auto store_ = freshDirectoryStore();
  std::vector<std::string> values;
  for (unsigned i = 0; i < 6; ++i) values.push_back(binaryBytes(200'000 + i * 1000, i));
  std::vector<std::thread> writers;
  for (const auto& v : values) {
    writers.emplace_back([&store_, &v] { EXPECT_TRUE(store_->put("race", v, "audio/wav").ok()); });
  }
  for (auto& t : writers) t.join();
  auto got = store_->get("race");
  ASSERT_TRUE(got.ok());
  EXPECT_NE(std::find(values.begin(), values.end(), got->body), values.end())
      << "the object is not any one of the values written (" << got->body.size() << " bytes)";
  auto listed = store_->list("", "", 1000);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(keysOf(*listed), std::vector<std::string>{"race"});  // no temporary file shows
}

double sample(prometheus::Registry& registry, const std::string& family,
              const std::map<std::string, std::string>& labels) {
  for (const auto& f : registry.Collect()) {
    if (f.name != family) continue;
    for (const auto& m : f.metric) {
      bool match = true;
      for (const auto& [k, v] : labels) {
        bool found = false;
        for (const auto& l : m.label) found = found || (l.name == k && l.value == v);
        match = match && found;
      }
      if (match) return f.type == prometheus::MetricType::Histogram
                            ? static_cast<double>(m.histogram.sample_count)
                            : m.counter.value;
    }
  }
  return 0;
}

TEST(MeteredObjectStore, CountsEveryCallByOperationAndOutcome) {
  prometheus::Registry registry;
  MeteredObjectStore store(freshDirectoryStore(), registry);
  ASSERT_TRUE(store.put("k", "v", "text/plain").ok());
  ASSERT_TRUE(store.get("k").ok());
  EXPECT_FALSE(store.get("missing").ok());
  EXPECT_FALSE(store.put("../x", "v", "text/plain").ok());
  ASSERT_TRUE(store.head("missing").ok());
  ASSERT_TRUE(store.list("", "", 10).ok());
  EXPECT_EQ(sample(registry, "objects_requests_total", {{"op", "put"}, {"outcome", "ok"}}), 1);
  EXPECT_EQ(sample(registry, "objects_requests_total",
                   {{"op", "put"}, {"outcome", "invalid_object_key"}}), 1);
  EXPECT_EQ(sample(registry, "objects_requests_total", {{"op", "get"}, {"outcome", "ok"}}), 1);
  EXPECT_EQ(sample(registry, "objects_requests_total",
                   {{"op", "get"}, {"outcome", "not_found"}}), 1);
  EXPECT_EQ(sample(registry, "objects_requests_total",
                   {{"op", "head"}, {"outcome", "not_found"}}), 1);
  EXPECT_EQ(sample(registry, "objects_requests_total", {{"op", "list"}, {"outcome", "ok"}}), 1);
  EXPECT_EQ(sample(registry, "objects_request_seconds", {{"op", "get"}}), 2);
}

}  // namespace
}  // namespace startales::objects
