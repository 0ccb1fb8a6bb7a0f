#include "net/multipart.h"

#include <gtest/gtest.h>

namespace startales::net {
namespace {

// What curl -F and the OpenAI Python client send.
constexpr char kBodyBytes[] =
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"model\"\r\n\r\n"
    "whisper-1\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"speech.wav\"\r\n"
    "Content-Type: audio/wav\r\n\r\n"
    "RIFF\r\n--not-the-boundary\0binary"
    "\r\n--XyZ--\r\n";
const std::string kBody(kBodyBytes, sizeof kBodyBytes - 1);  // it holds a NUL byte

TEST(MultipartTest, BoundaryFromContentType) {
  EXPECT_EQ(multipartBoundary("multipart/form-data; boundary=XyZ"), "XyZ");
  EXPECT_EQ(multipartBoundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\""), "a b");
  EXPECT_EQ(multipartBoundary("application/json"), std::nullopt);
  EXPECT_EQ(multipartBoundary("multipart/form-data"), std::nullopt);
}

TEST(MultipartTest, SplitsFieldsAndFiles) {
  const std::string body(kBody.data(), kBody.size());
  auto parts = parseMultipart(body, "XyZ");
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "model");
  EXPECT_EQ((*parts)[0].data, "whisper-1");
  const FormPart* file = findPart(*parts, "file");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->filename, "speech.wav");
  EXPECT_EQ(file->content_type, "audio/wav");
  EXPECT_EQ(file->data, std::string_view("RIFF\r\n--not-the-boundary\0binary", 31));
  EXPECT_EQ(findPart(*parts, "missing"), nullptr);
}

TEST(MultipartTest, BrokenBodiesAreClearErrors) {
  for (const std::string& body : {std::string(""), std::string("--XyZ\r\nno headers end"),
                                 std::string("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end"),
                                 std::string("--XyZjunk")}) {
    auto parts = parseMultipart(body, "XyZ");
    ASSERT_FALSE(parts.ok()) << body;
    EXPECT_EQ(parts.error().code, "invalid_multipart");
  }
  // Every truncation of a valid body is an error or fewer parts, never a crash.
  const std::string body(kBody.data(), kBody.size());
  for (size_t n = 0; n < body.size(); ++n) {
    auto parts = parseMultipart(std::string_view(body).substr(0, n), "XyZ");
    if (parts.ok()) {
      EXPECT_LE(parts->size(), 2u);
    }
  }
}

}  // namespace
}  // namespace startales::net
