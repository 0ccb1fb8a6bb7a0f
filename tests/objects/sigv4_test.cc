// AWS Signature Version 4 against AWS's published examples: the Signature V4 test suite
// (credentials AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z,
// us-east-1, service "service") and the S3 API reference's GET Object example.

#include "objects/sigv4.h"

#include <gtest/gtest.h>

namespace startales::objects::sigv4 {
namespace {

const Credentials kSuite{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
const Scope kScope{"20150830T123600Z", "us-east-1", "service"};
const std::string kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

Request suiteRequest(std::string method, std::string path,
                     std::vector<std::pair<std::string, std::string>> query = {}) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  r.payload_hash = kEmptyHash;
  return r;
}

TEST(SigV4, EmptyBodyHash) { EXPECT_EQ(sha256Hex(""), kEmptyHash); }

TEST(SigV4, SigningKeyOfTheSuite) {
  EXPECT_EQ(hex(signingKey(kSuite.secret_access_key, "20150830", "us-east-1", "service")),
            "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75");
}

TEST(SigV4, GetVanilla) {
  const Signed s = sign(suiteRequest("GET", "/"), kSuite, kScope);
  EXPECT_EQ(s.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n" + kEmptyHash);
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

struct Vector {
  const char* name;
  Request request;
  const char* signature;
};

TEST(SigV4, TheSuitesOtherVectors) {
  const std::string unreserved =
      "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::vector<Vector> vectors = {
      {"get-vanilla-query-order-key-case",
       suiteRequest("GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}}),
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-query-order-value",
       suiteRequest("GET", "/", {{"Param1", "value2"}, {"Param1", "value1"}}),
       "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"},
      {"get-vanilla-query-unreserved", suiteRequest("GET", "/", {{unreserved, unreserved}}),
       "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-vanilla-utf8-query", suiteRequest("GET", "/", {{"\xE1\x88\xB4", "bar"}}),
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"get-unreserved", suiteRequest("GET", "/" + unreserved),
       "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      {"get-utf8", suiteRequest("GET", "/\xE1\x88\xB4"),
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"get-space", suiteRequest("GET", "/example space/"),
       "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
      {"post-vanilla", suiteRequest("POST", "/"),
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-vanilla-query", suiteRequest("POST", "/", {{"Param1", "value1"}}),
       "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
      {"post-vanilla-query-nonunreserved",
       suiteRequest("POST", "/", {{"@#$%^", ""}, {"+", "/,?><`\";:\\|][{}"}}),
       "66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e"},
  };
  Request trim = suiteRequest("GET", "/");
  trim.headers.emplace_back("My-Header1", "value1");
  trim.headers.emplace_back("My-Header2", "\"a   b   c\"");
  vectors.push_back({"get-header-value-trim", trim,
                     "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"});
  Request duplicate = suiteRequest("GET", "/");
  duplicate.headers.emplace_back("My-Header1", "value2");
  duplicate.headers.emplace_back("My-Header1", "value2");
  duplicate.headers.emplace_back("My-Header1", "value1");
  vectors.push_back({"get-header-key-duplicate", duplicate,
                     "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"});
  Request form = suiteRequest("POST", "/");
  form.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  form.payload_hash = sha256Hex("Param1=value1");
  vectors.push_back({"post-x-www-form-urlencoded", form,
                     "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"});
  for (const auto& v : vectors) {
    EXPECT_EQ(sign(v.request, kSuite, kScope).signature, v.signature) << v.name;
  }
}

// The S3 API reference's example (Authenticating Requests: Using the Authorization Header):
// GET /test.txt from examplebucket with a Range header and the empty body's hash.
TEST(SigV4, S3GetObjectExample) {
  Request r;
  r.method = "GET";
  r.path = "/test.txt";
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"Range", "bytes=0-9"},
               {"x-amz-content-sha256", kEmptyHash},
               {"x-amz-date", "20130524T000000Z"}};
  r.payload_hash = kEmptyHash;
  const Signed s = sign(r, {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
                        {"20130524T000000Z", "us-east-1", "s3"});
  EXPECT_EQ(s.signed_headers, "host;range;x-amz-content-sha256;x-amz-date");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, AnotherSecretSignsDifferently) {
  const Credentials wrong{"AKIDEXAMPLE", "not-the-secret"};
  EXPECT_NE(sign(suiteRequest("GET", "/"), wrong, kScope).signature,
            sign(suiteRequest("GET", "/"), kSuite, kScope).signature);
}

TEST(SigV4, AmzDateIsUtc) {
  using namespace std::chrono;
  EXPECT_EQ(amzDate(system_clock::time_point(seconds(1440938160))), "20150830T123600Z");
}

TEST(SigV4, UriEncodeKeepsUnreservedAndOptionallySlashes) {
  EXPECT_EQ(uriEncode("a b/c=d~", true), "a%20b/c%3Dd~");
  EXPECT_EQ(uriEncode("a b/c", false), "a%20b%2Fc");
}

}  // namespace
}  // namespace startales::objects::sigv4
