#include "store_suite.h"

#include <set>
#include <vector>

namespace startales::objects {
namespace {

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

TEST_P(ObjectStoreSuite, PutThenGetReturnsTheSameBytesAndContentType) {
  const std::string body = binaryBytes(1 << 20, 1);  // 1 MiB with every byte value, NULs too
  ASSERT_TRUE(store_->put("voices/a.wav", body, "audio/wav").ok());
  auto got = store_->get("voices/a.wav");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->body.size(), body.size());
  EXPECT_TRUE(got->body == body);
  EXPECT_EQ(got->content_type, "audio/wav");
  auto empty = store_->put("empty", "", "text/plain");
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  auto read = store_->get("empty");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->body, "");
}

TEST_P(ObjectStoreSuite, GetOfAMissingKeyIsNotFound) {
  auto got = store_->get("voices/none.json");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, "not_found");
  EXPECT_NE(got.error().message.find("voices/none.json"), std::string::npos);
}

TEST_P(ObjectStoreSuite, HeadGivesSizeAndTypeOrNothing) {
  ASSERT_TRUE(store_->put("exports/c1.json", R"({"campaign":1})", "application/json").ok());
  auto info = store_->head("exports/c1.json");
  ASSERT_TRUE(info.ok()) << info.error().message;
  ASSERT_TRUE(info->has_value());
  EXPECT_EQ((*info)->key, "exports/c1.json");
  EXPECT_EQ((*info)->size, 14);
  EXPECT_EQ((*info)->content_type, "application/json");
  EXPECT_FALSE((*info)->etag.empty());
  auto missing = store_->head("exports/c2.json");
  ASSERT_TRUE(missing.ok()) << missing.error().message;
  EXPECT_FALSE(missing->has_value());
  EXPECT_TRUE(store_->exists("exports/c1.json").value());
  EXPECT_FALSE(store_->exists("exports/c2.json").value());
}

TEST_P(ObjectStoreSuite, APutReplacesTheWholeObjectAndItsEtag) {
  ASSERT_TRUE(store_->put("k", "first version, longer", "text/plain").ok());
  const std::string etag1 = store_->head("k").value()->etag;
  ASSERT_TRUE(store_->put("k", "second", "application/octet-stream").ok());
  auto got = store_->get("k");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->body, "second");
  EXPECT_EQ(got->content_type, "application/octet-stream");
  EXPECT_NE(store_->head("k").value()->etag, etag1);
}

TEST_P(ObjectStoreSuite, RemoveDeletesAndRemovingNothingSucceeds) {
  ASSERT_TRUE(store_->put("utterances/u1.wav", "RIFF", "audio/wav").ok());
  ASSERT_TRUE(store_->remove("utterances/u1.wav").ok());
  EXPECT_EQ(store_->get("utterances/u1.wav").error().code, "not_found");
  EXPECT_TRUE(store_->remove("utterances/u1.wav").ok());
  EXPECT_TRUE(store_->remove("never/there").ok());
}

TEST_P(ObjectStoreSuite, ListsAPrefixInKeyOrderPageByPage) {
  for (const char* key : {"voices/b.json", "voices/a.json", "voices/sub/c.json", "voicesx/d.json",
                          "exports/e.json", "voices/a.wav"}) {
    ASSERT_TRUE(store_->put(key, key, "text/plain").ok()) << key;
  }
  auto all = store_->list("voices/", "", 1000);
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(keysOf(*all), (std::vector<std::string>{"voices/a.json", "voices/a.wav",
                                                    "voices/b.json", "voices/sub/c.json"}));
  EXPECT_TRUE(all->next_after.empty());
  EXPECT_EQ(all->objects[0].size, 13);  // "voices/a.json"

  std::vector<std::string> paged;
  std::string after;
  int pages = 0;
  do {
    auto page = store_->list("voices/", after, 3);
    ASSERT_TRUE(page.ok()) << page.error().message;
    ASSERT_LE(page->objects.size(), 3u);
    for (auto& k : keysOf(*page)) paged.push_back(k);
    after = page->next_after;
    ++pages;
  } while (!after.empty() && pages < 10);
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(paged, keysOf(*all));

  auto prefix = store_->list("voices", "", 1000);  // a prefix need not end at a '/'
  ASSERT_TRUE(prefix.ok());
  EXPECT_EQ(prefix->objects.size(), 5u);
  auto everything = store_->list("", "", 1000);
  ASSERT_TRUE(everything.ok());
  EXPECT_EQ(everything->objects.size(), 6u);
  auto none = store_->list("nothing/", "", 10);
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_TRUE(none->objects.empty());
}

TEST_P(ObjectStoreSuite, BadKeysAreRefusedAndNothingIsWritten) {
  // The longest key: segments of the longest length, '/' between.
  std::string longest;
  while (longest.size() < kMaxKeyBytes) {
    if (!longest.empty()) longest.push_back('/');
    longest += std::string(std::min(kMaxSegmentBytes, kMaxKeyBytes - longest.size()), 'a');
  }
  ASSERT_EQ(longest.size(), kMaxKeyBytes);
  const std::string too_long = longest + "b";
  const std::string long_segment(kMaxSegmentBytes + 1, 'a');
  for (const std::string& key :
       {std::string(""), std::string("../etc/passwd"), std::string("a/../b"), std::string("/abs"),
        std::string("a//b"), std::string("dir/"), std::string("a/.hidden"), std::string("sp ace"),
        std::string("new\nline"), too_long, long_segment}) {
    auto put = store_->put(key, "x", "text/plain");
    ASSERT_FALSE(put.ok()) << key;
    EXPECT_EQ(put.error().code, "invalid_object_key") << key;
    EXPECT_EQ(store_->get(key).error().code, "invalid_object_key") << key;
    EXPECT_EQ(store_->head(key).error().code, "invalid_object_key") << key;
    EXPECT_EQ(store_->remove(key).error().code, "invalid_object_key") << key;
  }
  auto put = store_->put(longest, "x", "text/plain");
  EXPECT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(store_->list("../", "", 10).error().code, "invalid_object_key");
  auto listed = store_->list("", "", 1000);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->objects.size(), 1u);
}

TEST_P(ObjectStoreSuite, PingAnswers) { EXPECT_TRUE(store_->ping().ok()); }

}  // namespace
}  // namespace startales::objects
