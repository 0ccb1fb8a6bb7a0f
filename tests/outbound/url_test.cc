#include <gtest/gtest.h>

#include "outbound/url.h"

namespace startales::outbound {
namespace {

TEST(ParseUrl, TakesHostPortAndBasePath) {
  auto ep = parseUrl("http://ollama:11434", "LLM");
  ASSERT_TRUE(ep.ok()) << ep.error().message;
  EXPECT_EQ(ep->host, "ollama");
  EXPECT_EQ(ep->port, "11434");
  EXPECT_EQ(ep->base_path, "");

  auto v1 = parseUrl("http://10.0.0.2/v1/", "TTS");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->port, "80");        // http's default
  EXPECT_EQ(v1->base_path, "/v1");  // without the trailing '/'
  EXPECT_EQ(v1->hostPort(), "10.0.0.2:80");

  auto v6 = parseUrl("http://[::1]:8080/base", "STT");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->hostPort(), "[::1]:8080");
}

TEST(ParseUrl, RefusesEachBadUrlWithItsOwnSentence) {
  struct Case {
    const char* url;
    const char* says;
  };
  for (const Case& c :
       {Case{"not a url", "is not a URL"}, Case{"https://api.example/v1", "https"},
        Case{"ftp://host/", "Only http://"}, Case{"http:///v1", "has no host"},
        Case{"http://host:0/", "invalid port"}, Case{"http://host:70000/", "invalid port"},
        Case{"http://user:secret@host/", "user info"},
        Case{"http://host/v1?key=1", "query or a fragment"},
        Case{"http://host/v1#x", "query or a fragment"}}) {
    auto ep = parseUrl(c.url, "STT", "invalid_stt_url");
    ASSERT_FALSE(ep.ok()) << c.url;
    EXPECT_EQ(ep.error().code, "invalid_stt_url") << c.url;
    EXPECT_NE(ep.error().message.find(c.says), std::string::npos) << ep.error().message;
    EXPECT_NE(ep.error().message.find("STT"), std::string::npos) << ep.error().message;
  }
}

TEST(ParseUrl, NeverEchoesAPassword) {
  for (const char* url : {"http://user:secret@host/", "https://user:secret@host/"}) {
    auto ep = parseUrl(url, "LLM");
    ASSERT_FALSE(ep.ok()) << url;
    EXPECT_EQ(ep.error().message.find("secret"), std::string::npos) << ep.error().message;
  }
}

TEST(UrlEncode, EncodesReservedBytes) {
  EXPECT_EQ(urlEncode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(urlEncode("safe-_.~09AZ"), "safe-_.~09AZ");
}

}  // namespace
}  // namespace startales::outbound
