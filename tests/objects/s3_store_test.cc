// The S3 client's handling of what S3 answers, replayed by the scripted server: error
// documents as S3 sends them, 5xx, list pages; and the settings. The real exchange with an S3
// implementation is in s3_store_integration_test.cc.

#include "objects/s3_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "objects/objects_config.h"
#include "objects/s3_xml.h"
#include "support/fake_llm_server.h"
#include "support/server_process.h"

namespace startales::objects {
namespace {

using testing::FakeLlmServer;
using testing::FakeReply;

std::string errorXml(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" +
         message + "</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>";
}

class S3StoreTest : public ::testing::Test {
 protected:
  S3StoreTest() {
    S3Config c;
    c.endpoint = server_.url();
    c.bucket = "bucket";
    c.credentials = {"AKID", "SECRET"};
    c.policy.max_retries = 0;
    c.policy.total_timeout_ms = 3000;
    store_ = std::move(S3ObjectStore::create(c).value());
  }
  FakeLlmServer server_;
  std::unique_ptr<S3ObjectStore> store_;
};

TEST_F(S3StoreTest, SignsAPathStylePutWithTheBodysHash) {
  server_.enqueue(FakeReply::full(200, "", ""));
  ASSERT_TRUE(store_->put("voices/a=b.json", "{}", "application/json").ok());
  auto r = server_.requests().at(0);
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.target, "/bucket/voices/a%3Db.json");
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(r.headers["content-type"], "application/json");
  EXPECT_EQ(r.headers["x-amz-content-sha256"], sigv4::sha256Hex("{}"));
  EXPECT_EQ(r.headers["x-amz-date"].size(), 16u);
  const std::string& auth = r.headers["authorization"];
  EXPECT_TRUE(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKID/")) << auth;
  EXPECT_NE(auth.find("/us-east-1/s3/aws4_request, SignedHeaders=content-type;host;"
                      "x-amz-content-sha256;x-amz-date, Signature="),
            std::string::npos)
      << auth;
  EXPECT_EQ(auth.find("SECRET"), std::string::npos);
}

TEST_F(S3StoreTest, NoSuchKeyIsNotFound) {
  server_.enqueue(FakeReply::full(404, "application/xml",
                                  errorXml("NoSuchKey", "The specified key does not exist.")));
  auto got = store_->get("voices/x.json");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, "not_found");
}

TEST_F(S3StoreTest, ServerErrorsAreRetriableUnavailable) {
  server_.enqueue(FakeReply::full(500, "application/xml",
                                  errorXml("InternalError", "We encountered an internal error.")));
  auto got = store_->get("k");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, "objects_unavailable");
  EXPECT_GT(got.error().retry_after_s, 0);
  EXPECT_NE(got.error().message.find("InternalError"), std::string::npos);
  server_.enqueue(FakeReply::full(503, "application/xml", errorXml("SlowDown", "Reduce rate.")));
  auto put = store_->put("k", "v", "text/plain");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, "objects_unavailable");
}

TEST_F(S3StoreTest, RefusalsNameTheSettingToFix) {
  const std::pair<const char*, const char*> cases[] = {
      {"SignatureDoesNotMatch", "STARTALES_S3_SECRET_ACCESS_KEY"},
      {"InvalidAccessKeyId", "STARTALES_S3_ACCESS_KEY_ID"},
      {"AccessDenied", "rights on the bucket"},
      {"RequestTimeTooSkewed", "clock"},
      {"NoSuchBucket", "does not exist"},
  };
  for (const auto& [code, fix] : cases) {
    const int status = std::string(code) == "NoSuchBucket" ? 404 : 403;
    server_.enqueue(FakeReply::full(status, "application/xml", errorXml(code, "refused")));
    auto got = store_->get("k");
    ASSERT_FALSE(got.ok()) << code;
    EXPECT_EQ(got.error().code, "objects_config") << code;
    EXPECT_NE(got.error().message.find(fix), std::string::npos) << got.error().message;
    EXPECT_EQ(got.error().message.find("SECRET\""), std::string::npos);
  }
  server_.enqueue(FakeReply::full(400, "application/xml",
                                  errorXml("AuthorizationHeaderMalformed", "wrong region")));
  auto region = store_->list("", "", 10);
  ASSERT_FALSE(region.ok());
  EXPECT_NE(region.error().message.find("STARTALES_S3_REGION"), std::string::npos);
}

TEST_F(S3StoreTest, ARefusedHeadIsExplainedByABucketProbe) {
  // HEAD replies carry no error document; the probe's list reply says why.
  server_.enqueue(FakeReply::full(403, "", ""));
  server_.enqueue(FakeReply::full(403, "application/xml",
                                  errorXml("SignatureDoesNotMatch", "no match")));
  auto info = store_->head("k");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, "objects_config");
  EXPECT_NE(info.error().message.find("STARTALES_S3_SECRET_ACCESS_KEY"), std::string::npos);
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].target, "/bucket?list-type=2&max-keys=1");
}

TEST_F(S3StoreTest, ListSendsPrefixAndStartAfterAndDecodesEntities) {
  server_.enqueue(FakeReply::full(200, "application/xml", R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name>
<Prefix>voices/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
<NextContinuationToken>1ueGcxLPRx1Tr</NextContinuationToken>
<Contents><Key>voices/a&amp;b.json</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>
<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>12</Size><StorageClass>STANDARD</StorageClass></Contents>
<Contents><Key>voices/c.json</Key><ETag>"x"</ETag><Size>3</Size></Contents></ListBucketResult>)"));
  auto page = store_->list("voices/", "voices/0", 2);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "voices/a&b.json");
  EXPECT_EQ(page->objects[0].size, 12);
  EXPECT_EQ(page->objects[0].etag, "\"9b2cf535f27731c974343645a3985328\"");
  EXPECT_EQ(page->next_after, "voices/c.json");
  EXPECT_EQ(server_.requests().at(0).target,
            "/bucket?list-type=2&max-keys=2&prefix=voices%2F&start-after=voices%2F0");
}

TEST_F(S3StoreTest, AListReplyThatIsNotXmlIsAProtocolError) {
  server_.enqueue(FakeReply::full(200, "text/html", "<html>proxy login</html>"));
  auto page = store_->list("", "", 10);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code, "objects_protocol");
}

TEST(S3Store, AStoreThatIsNotListeningIsUnavailable) {
  S3Config c;
  c.endpoint = "http://127.0.0.1:1";
  c.bucket = "bucket";
  c.credentials = {"AKID", "SECRET"};
  c.policy.max_retries = 1;
  c.policy.backoff_base_ms = 10;
  auto store = S3ObjectStore::create(c);
  ASSERT_TRUE(store.ok());
  auto ping = (*store)->ping();
  ASSERT_FALSE(ping.ok());
  EXPECT_EQ(ping.error().code, "objects_unavailable");
  EXPECT_GT(ping.error().retry_after_s, 0);
}

TEST(S3Xml, AnErrorDocumentIsReadAndAnythingElseIsNot) {
  auto e = s3xml::parseError(errorXml("NoSuchKey", "gone &amp; forgotten"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "NoSuchKey");
  EXPECT_EQ(e->message, "gone & forgotten");
  EXPECT_FALSE(s3xml::parseError("").has_value());
  EXPECT_FALSE(s3xml::parseError("<html><body>502 Bad Gateway</body></html>").has_value());
  EXPECT_FALSE(s3xml::parseError("<Error><Code>unterminated").has_value());
}

TEST(ObjectsSettings, DefaultIsADirectoryUnderTheDataDirectory) {
  ObjectsSettings out;
  EXPECT_TRUE(resolveObjects({}, "/data", out).empty());
  EXPECT_FALSE(out.s3);
  EXPECT_EQ(out.dir, "/data/objects");
  ObjectsOptions o;
  o.spec = "dir:/srv/objects";
  EXPECT_TRUE(resolveObjects(o, "/data", out).empty());
  EXPECT_EQ(out.dir, "/srv/objects");
}

TEST(ObjectsSettings, AnS3StoreNeedsItsEndpointAndKeys) {
  ObjectsOptions o;
  o.spec = "s3://Bad_Bucket";
  ObjectsSettings out;
  auto problems = resolveObjects(o, "/data", out);
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  EXPECT_NE(all.find("STARTALES_S3_ENDPOINT"), std::string::npos) << all;
  EXPECT_NE(all.find("Bad_Bucket"), std::string::npos) << all;
  EXPECT_NE(all.find("STARTALES_S3_ACCESS_KEY_ID"), std::string::npos) << all;
  EXPECT_NE(all.find("STARTALES_S3_SECRET_ACCESS_KEY"), std::string::npos) << all;
  o.spec = "ftp://x";
  EXPECT_EQ(resolveObjects(o, "/data", out).size(), 1u);
}

TEST(ObjectsSettings, SecretsComeFromFilesAndNeverIntoMessages) {
  const std::string dir = testing::makeTempDir("startales-secret-");
  std::ofstream(dir + "/key") << "AKIDFROMFILE\n";
  std::ofstream(dir + "/secret") << "s3cr3t-from-file\n";
  ObjectsOptions o;
  o.spec = "s3://startales";
  o.s3_endpoint = "http://minio:9000";
  o.access_key_id_file = dir + "/key";
  o.secret_access_key_file = dir + "/secret";
  ObjectsSettings out;
  auto problems = resolveObjects(o, "/data", out);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_TRUE(out.s3);
  EXPECT_EQ(out.s3_config.bucket, "startales");
  EXPECT_EQ(out.s3_config.credentials.access_key_id, "AKIDFROMFILE");
  EXPECT_EQ(out.s3_config.credentials.secret_access_key, "s3cr3t-from-file");
  auto store = openObjectStore(out, nullptr);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->describe().find("s3cr3t"), std::string::npos);

  o.secret_access_key = "also-given";
  problems = resolveObjects(o, "/data", out);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("both set"), std::string::npos);
  EXPECT_EQ(problems[0].find("also-given"), std::string::npos);
  o.secret_access_key.clear();
  o.secret_access_key_file = dir + "/missing";
  problems = resolveObjects(o, "/data", out);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("STARTALES_S3_SECRET_ACCESS_KEY_FILE"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace startales::objects
