#include "net/router.h"

#include <gtest/gtest.h>

namespace startales::net {
namespace {

Handler noop() {
  return [](Request&) -> boost::asio::awaitable<Response> { co_return Response{}; };
}

TEST(RouterTest, MatchesLiteralAndParameterSegments) {
  Router router;
  router.add(http::verb::get, "/api/campaigns", noop());
  router.add(http::verb::get, "/api/campaigns/{id}", noop());
  router.add(http::verb::post, "/api/campaigns/{id}/join", noop());

  auto list = router.match(http::verb::get, "/api/campaigns");
  ASSERT_NE(list.handler, nullptr);
  EXPECT_EQ(list.route, "/api/campaigns");

  auto one = router.match(http::verb::get, "/api/campaigns/42");
  ASSERT_NE(one.handler, nullptr);
  EXPECT_EQ(one.route, "/api/campaigns/{id}");
  ASSERT_EQ(one.params.size(), 1u);
  EXPECT_EQ(one.params[0].first, "id");
  EXPECT_EQ(one.params[0].second, "42");

  auto join = router.match(http::verb::post, "/api/campaigns/7/join/");
  ASSERT_NE(join.handler, nullptr);
  EXPECT_EQ(join.params[0].second, "7");
}

TEST(RouterTest, WrongMethodReportsAllowedMethods) {
  Router router;
  router.add(http::verb::get, "/api/me", noop());
  router.add(http::verb::put, "/api/me", noop());
  auto m = router.match(http::verb::delete_, "/api/me");
  EXPECT_EQ(m.handler, nullptr);
  ASSERT_EQ(m.allowed.size(), 2u);
  EXPECT_EQ(m.allowed[0], http::verb::get);
  EXPECT_EQ(m.route, "/api/me");
}

TEST(RouterTest, UnknownPathMatchesNothing) {
  Router router;
  router.add(http::verb::get, "/api/me", noop());
  auto m = router.match(http::verb::get, "/api/me/extra");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_TRUE(m.allowed.empty());
  EXPECT_EQ(router.match(http::verb::get, "/").handler, nullptr);
}

TEST(RouterTest, WebSocketRoutesMatchGetWithAnAcceptor) {
  Router router;
  router.add(http::verb::get, "/api/me", noop());
  router.websocket("/ws",
                   [](Request&) -> boost::asio::awaitable<Result<std::shared_ptr<WsHandler>>> {
                     co_return makeError("unauthorized", "no");
                   });
  auto ws = router.match(http::verb::get, "/ws");
  EXPECT_EQ(ws.handler, nullptr);
  ASSERT_NE(ws.websocket, nullptr);
  EXPECT_EQ(ws.route, "/ws");
  EXPECT_EQ(router.match(http::verb::get, "/api/me").websocket, nullptr);
  auto post = router.match(http::verb::post, "/ws");
  EXPECT_EQ(post.websocket, nullptr);
  ASSERT_EQ(post.allowed.size(), 1u);
  EXPECT_EQ(post.allowed[0], http::verb::get);
}

TEST(RouterTest, SplitPathIgnoresEmptySegments) {
  auto parts = splitPath("//a/b//c/");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[2], "c");
}

}  // namespace
}  // namespace startales::net
