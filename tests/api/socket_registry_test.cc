#include "api/socket_registry.h"

#include <gtest/gtest.h>

namespace startales::api {
namespace {

TEST(SocketRegistryTest, SocketsPerAccountAreCappedAndFreedWithTheirSlot) {
  SocketRegistry registry(2);
  auto a = registry.reserve(1, "tok-a");
  auto b = registry.reserve(1, "tok-b");
  ASSERT_TRUE(a.ok() && b.ok());
  auto c = registry.reserve(1, "tok-a");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "too_many_websockets");
  EXPECT_TRUE(registry.reserve(2, "tok-z").ok());  // another account (released at once)
  a->reset();
  EXPECT_TRUE(registry.reserve(1, "tok-a").ok());
  EXPECT_EQ(registry.openCount(), 1u);  // only b is held now
}

// A logout between an upgrade's token check and its reservation closed nothing: the socket
// opened with a dead token and lived until expiry.
TEST(SocketRegistryTest, AnUpgradeInFlightCannotSlipPastALogout) {
  SocketRegistry registry(8);
  auto reserved = registry.reserve(1, "tok");  // token checked, socket not open yet
  ASSERT_TRUE(reserved.ok());
  EXPECT_EQ(registry.closeToken("tok", kWsCloseSessionEnded, "session ended: logged out"), 0u);
  EXPECT_FALSE((*reserved)->attach({}));  // the gateway closes it with 4003 at once
  auto late = registry.reserve(1, "tok");  // and an upgrade checked before the logout...
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, "unauthorized");
  EXPECT_TRUE(registry.reserve(1, "other-token").ok());
}

}  // namespace
}  // namespace startales::api
