#include "common/base64.h"

#include <gtest/gtest.h>

namespace startales {
namespace {

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64Encode(""), "");
  EXPECT_EQ(base64Encode("f"), "Zg==");
  EXPECT_EQ(base64Encode("fo"), "Zm8=");
  EXPECT_EQ(base64Encode("foo"), "Zm9v");
  EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64Decode("Zm9vYg=="), "foob");
}

TEST(Base64, BinaryRoundTrip) {
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes += static_cast<char>(i * 37 % 256);
  EXPECT_EQ(base64Decode(base64Encode(bytes)), bytes);
}

TEST(Base64, RejectsGarbage) {
  EXPECT_FALSE(base64Decode("Zm9"));       // length
  EXPECT_FALSE(base64Decode("Zm9v!A=="));  // alphabet
  EXPECT_FALSE(base64Decode("Zg==Zm9v"));  // padding in the middle
  EXPECT_FALSE(base64Decode("Z==="));
}

}  // namespace
}  // namespace startales
