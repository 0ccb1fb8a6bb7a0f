#include "voice/tts/text.h"

#include "voice/tts/tts.h"

#include <gtest/gtest.h>

namespace startales::voice {
namespace {

std::vector<std::string> split(std::string_view text, TextLimits limits = {}) {
  auto r = splitSentences(text, limits);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : std::vector<std::string>{};
}

TEST(TextTest, SplitsAtSentenceEndsAndLineBreaks) {
  EXPECT_EQ(split("Commander, the fleet is ready. Shall we attack?  Yes!\nAwaiting orders"),
            (std::vector<std::string>{"Commander, the fleet is ready.", "Shall we attack?", "Yes!",
                                      "Awaiting orders"}));
}

TEST(TextTest, AbbreviationsAndDecimalsDoNotEndASentence) {
  EXPECT_EQ(split("Dr. Vance reports 3.5 credits. Mr. Kel agrees..."),
            (std::vector<std::string>{"Dr. Vance reports 3.5 credits.", "Mr. Kel agrees..."}));
}

TEST(TextTest, LongSentencesAreCutAtCommasOrSpaces) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "the fleet sails on, ";
  TextLimits limits;
  limits.max_sentence_chars = 100;
  auto parts = split(text, limits);
  ASSERT_GT(parts.size(), 5u);
  for (const auto& p : parts) {
    EXPECT_LE(p.size(), 100u);
    EXPECT_NE(p.front(), ' ');
  }
}

TEST(TextTest, ControlCharactersBecomeSpaces) {
  EXPECT_EQ(split("Alpha\tbeta\x01gamma."), (std::vector<std::string>{"Alpha beta gamma."}));
}

TEST(TextTest, EmptyTooLongAndUnspeakableAreInvalidText) {
  for (std::string_view bad : {"", "   \n\t ", "... !?", "\xff\xfe bad utf8"}) {
    auto r = splitSentences(bad, {});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_text");
  }
  TextLimits limits;
  limits.max_chars = 10;
  auto r = splitSentences("This is longer than ten.", limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_text");
  EXPECT_NE(r.error().message.find("limit"), std::string::npos);
}

// 4000 bytes of "Go. " were 1000 sentences: 1000 espeak-ng runs for one request.
TEST(TextTest, TtsTextIsBoundedInSentencesAsWellAsBytes) {
  std::string text;
  while (text.size() + 4 <= 4000) text += "Go. ";
  TextLimits limits;  // defaults: 4000 bytes, 100 sentences
  auto r = splitSentences(text, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_text");
  EXPECT_NE(r.error().message.find("the limit is 100 sentences"), std::string::npos)
      << r.error().message;
  // Exactly at the limit is fine.
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "Go. ";
  EXPECT_EQ(split(hundred, limits).size(), 100u);
}

TEST(TextTest, EscapeXml) { EXPECT_EQ(escapeXml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;"); }

TEST(TextTest, EveryEmbeddedVariantIsAValidVoice) {
  ASSERT_EQ(embeddedVariants().size(), 12u);
  for (auto variant : embeddedVariants()) {
    EXPECT_TRUE(validateVoice(VoiceSpec{std::string(variant), 50, 50, 175}).ok()) << variant;
  }
}

}  // namespace
}  // namespace startales::voice

namespace startales::voice {
namespace {

TEST(VoiceNameTest, RoundTripsAndRefusesAnythingElse) {
  VoiceSpec v;
  v.variant = "f3";
  v.pitch = 64;
  v.range = 82;
  v.rate = 171;
  EXPECT_EQ(voiceName(v), "f3:64:82:171");
  auto back = parseVoiceName("f3:64:82:171");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->variant, "f3");
  EXPECT_EQ(back->pitch, 64);
  EXPECT_EQ(back->range, 82);
  EXPECT_EQ(back->rate, 171);
  for (const char* bad : {"alloy", "f3", "f3:64:82", "f3:64:82:171:1", "f3:x:82:171",
                          "zz:50:50:170", "m1:500:50:170", "m1:50:50:", ""}) {
    EXPECT_FALSE(parseVoiceName(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace startales::voice
