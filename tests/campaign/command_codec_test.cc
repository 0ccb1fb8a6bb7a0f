#include "campaign/command_codec.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace startales::campaign {
namespace {

namespace json = boost::json;
using namespace game;

Result<Action> parse(std::string_view text) { return parseAction(json::parse(text)); }

std::string errorOf(std::string_view text) {
  auto r = parse(text);
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, "invalid_command");
  return r.error().message;
}

TEST(CommandCodec, EveryActionRoundTrips) {
  SetPolicy policy;
  policy.tax_rate = 30;
  policy.tariff = -5;
  policy.budget = std::array<int32_t, 4>{40, 30, 20, 10};
  SplitFleet split;
  split.fleet = 4;
  split.ships[static_cast<int>(ShipClass::kCorvette)] = 2;
  const std::vector<Action> actions = {
      Build{3, Building::kPowerPlant},
      CancelBuild{3, 1},
      BuildShip{3, ShipClass::kColonyShip, 2},
      policy,
      Research{tech::kFusionPower},
      MoveFleet{1, 17},
      split,
      MergeFleets{4, 5},
      Colonize{1, 9},
      Invade{2, 8},
      Trade{Resource::kFood, -120},
      ProposeTreaty{2, Treaty::kTradePact},
      RespondTreaty{7, true},
      DeclareWar{3},
      ChooseEventOption{11, 1},
  };
  ASSERT_EQ(actions.size(), std::variant_size_v<Action>);
  for (const auto& a : actions) {
    const json::value j = actionToJson(a);
    auto back = parseAction(j);
    ASSERT_TRUE(back.ok()) << json::serialize(j) << ": " << back.error().message;
    EXPECT_EQ(*back, a) << json::serialize(j);
    EXPECT_EQ(j.at("type").as_string(), actionName(a));
  }
}

TEST(CommandCodec, NamesAreForgiving) {
  auto r = parse(R"({"type":"build","planet":1,"building":"Power_Plant"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<Build>(*r).building, Building::kPowerPlant);
  r = parse(R"({"type":"research","tech":"fusion power"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<Research>(*r).tech, tech::kFusionPower);
  r = parse(R"({"type":"build_ship","planet":1,"ship":"colony ship"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<BuildShip>(*r).count, 1);  // default
}

TEST(CommandCodec, BadInputSaysWhatIsWrong) {
  EXPECT_NE(errorOf("[1,2]").find("JSON object"), std::string::npos);
  EXPECT_NE(errorOf(R"({"planet":1})").find("\"type\""), std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"fly"})").find("unknown command type \"fly\""), std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"build","building":"farm"})").find("\"planet\" is required"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"build","planet":"one","building":"farm"})")
                .find("\"planet\" must be a whole number"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"build","planet":1.5,"building":"farm"})")
                .find("whole number"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"build","planet":1,"building":"castle"})")
                .find("no building called \"castle\""),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"set_policy","tax_rate":80})").find("between 0 and 50"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"set_policy","budget":{"industry":50}})").find("budget:"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"research","tech":"Warp Drive"})")
                .find("no technology called \"Warp Drive\""),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"respond_treaty","proposal":1,"accept":"yes"})")
                .find("true or false"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"split_fleet","fleet":1,"ships":{"dreadnought":1}})")
                .find("no ship class called \"dreadnought\""),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"trade","resource":"credits","amount":99999999})")
                .find("between"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"move_fleet","fleet":1,"to":99999999999})").find("between"),
            std::string::npos);
}

// Regression (UBSan float-cast-overflow, reading the decoder for command_json_fuzz): a number
// like 1e300 was converted to int64 to see whether it was whole, which is undefined.
TEST(CommandCodec, HugeNumbersAreRefusedWithoutOverflow) {
  EXPECT_NE(errorOf(R"({"type":"build","planet":1e300,"building":"farm"})").find("whole number"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"build","planet":-1e300,"building":"farm"})").find("whole number"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"type":"build","planet":1e16,"building":"farm"})").find("between"),
            std::string::npos);
  auto r = parseAction(json::parse(R"({"type":"build","planet":2.0,"building":"farm"})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<Build>(*r).planet, 2);
}

}  // namespace
}  // namespace startales::campaign
