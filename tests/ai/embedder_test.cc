#include "ai/embedder.h"

#include <gtest/gtest.h>

#include <cmath>

namespace startales::ai {
namespace {

float cosine(BuiltinEmbedder& e, std::string_view a, std::string_view b) {
  auto va = e.embed(a);
  auto vb = e.embed(b);
  EXPECT_TRUE(va.ok() && vb.ok());
  return dot(va->data(), vb->data(), e.dimension());
}

TEST(BuiltinEmbedderTest, DeterministicNormalisedAndSized) {
  BuiltinEmbedder e;
  EXPECT_EQ(e.dimension(), 384);
  auto a = e.embed("Our fleet at Vega is under attack!");
  auto b = e.embed("Our fleet at Vega is under attack!");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), 384u);
  EXPECT_EQ(*a, *b);
  EXPECT_NEAR(dot(a->data(), a->data(), 384), 1.0F, 1e-5);
  BuiltinEmbedder small(64);
  EXPECT_EQ(small.embed("hello")->size(), 64u);
}

TEST(BuiltinEmbedderTest, RelatedTextsScoreHigherThanUnrelated) {
  BuiltinEmbedder e;
  const float related = cosine(e, "our fleet at Vega is under attack", "Vega fleet attacked");
  const float unrelated =
      cosine(e, "our fleet at Vega is under attack", "the treasury reports a surplus of credits");
  EXPECT_GT(related, 0.4F);
  EXPECT_LT(std::abs(unrelated), 0.2F);
  EXPECT_GT(related, unrelated + 0.3F);

  // Case, punctuation and inflection do not matter much.
  EXPECT_GT(cosine(e, "Build a SHIPYARD on Mars.", "building shipyards on mars"), 0.6F);
  EXPECT_GT(cosine(e, "research plasma weapons", "plasma weapon research is done"),
            cosine(e, "research plasma weapons", "the people of Sirius are restless"));
}

TEST(BuiltinEmbedderTest, StopWordsAloneGiveTheZeroVector) {
  BuiltinEmbedder e;
  auto v = e.embed("it is what it is, and we are");
  ASSERT_TRUE(v.ok());
  for (const float x : *v) EXPECT_EQ(x, 0.0F);
  auto empty = e.embed("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size(), 384u);
}

}  // namespace
}  // namespace startales::ai
