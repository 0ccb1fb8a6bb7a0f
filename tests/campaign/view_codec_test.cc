#include "campaign/view_codec.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>

namespace startales::campaign {
namespace {

namespace json = boost::json;
using namespace game;

json::object parsed(const std::string& text) { return json::parse(text).as_object(); }

GameState smallGame() {
  GameConfig config;
  config.seed = 5;
  config.systems = 60;
  config.civs = 3;
  config.players = 1;
  return newGame(config);
}

TEST(ViewCodec, ViewCarriesWhatAClientDraws) {
  GameState s = smallGame();
  step(s);
  const auto j = parsed(viewText(viewFor(s, 0)));
  EXPECT_EQ(j.at("tick").as_int64(), 1);
  const auto& self = j.at("self").as_object();
  EXPECT_EQ(self.at("id").as_int64(), 0);
  EXPECT_EQ(self.at("color").as_string().size(), 7u);  // "#rrggbb"
  EXPECT_TRUE(self.at("stock").as_object().contains("minerals"));
  const auto& planets = j.at("planets").as_array();
  ASSERT_EQ(planets.size(), 1u);  // the capital
  const auto& capital = planets[0].as_object();
  EXPECT_TRUE(capital.at("capital").as_bool());
  EXPECT_EQ(capital.at("buildings").at("farm").as_int64(), 2);
  EXPECT_FALSE(j.at("systems").as_array().empty());
  EXPECT_EQ(j.at("fleets").as_array().size(), 2u);
  EXPECT_TRUE(j.at("market").at("food").as_object().contains("price"));
}

TEST(ViewCodec, QueueItemsSayWhyTheyWait) {
  GameState s = smallGame();
  const PlanetId capital = s.civs[0].capital;
  s.civs[0].stock = {};  // nothing to pay with
  s.civs[0].stock[static_cast<int>(Resource::kCredits)] = 500;
  s.civs[0].stock[static_cast<int>(Resource::kMinerals)] = 200;
  ASSERT_TRUE(std::holds_alternative<Accepted>(submit(s, {0, Build{capital, Building::kFarm}})));
  ASSERT_TRUE(std::holds_alternative<Accepted>(submit(s, {0, Build{capital, Building::kResearchLab}})));
  step(s);
  s.civs[0].stock[static_cast<int>(Resource::kMinerals)] = 45;
  // Finish the farm so the shipyard reaches the front and cannot be paid.
  for (int i = 0; i < 200 && s.planets[capital].queue.size() > 1; ++i) {
    s.civs[0].stock[static_cast<int>(Resource::kMinerals)] = 45;
    step(s);
  }
  s.civs[0].stock[static_cast<int>(Resource::kMinerals)] = 0;
  step(s);  // the lab reaches the front and cannot be paid (the mine adds ~30 a day)
  const auto j = parsed(viewText(viewFor(s, 0)));
  const auto& queue = j.at("planets").at(0).at("queue").as_array();
  ASSERT_FALSE(queue.empty());
  const auto& item = queue[0].as_object();
  EXPECT_EQ(item.at("item").as_string(), "research lab");
  ASSERT_TRUE(item.at("blocked").is_string());
  EXPECT_NE(std::string(item.at("blocked").as_string()).find("not enough minerals: need 80, have "),
            std::string::npos)
      << item.at("blocked");
}

TEST(ViewCodec, DeltaHasOnlyWhatChanged) {
  GameState s = smallGame();
  const View before = viewFor(s, 0);
  step(s);
  const View after = viewFor(s, 0);
  const auto d = parsed(deltaText(diffViews(before, after)));
  EXPECT_EQ(d.at("tick").as_int64(), 1);
  EXPECT_TRUE(d.contains("self"));         // stock moved
  EXPECT_FALSE(d.contains("systems"));     // the map did not
  const auto same = parsed(deltaText(diffViews(after, after)));
  EXPECT_EQ(same.size(), 1u);  // just the tick
}

TEST(ViewCodec, AmountsStayDecimalNumbers) {
  GameState s = smallGame();
  step(s);
  const auto j = parsed(viewText(viewFor(s, 0)));
  // Rounded to 0.1 and written as doubles even when whole (a reader sees 5.0, not 5).
  const auto& minerals = j.at("self").at("stock").at("minerals");
  ASSERT_TRUE(minerals.is_double()) << minerals;
  EXPECT_DOUBLE_EQ(minerals.as_double(), std::round(minerals.as_double() * 10) / 10);
  EXPECT_TRUE(j.at("market").at("food").at("price").is_double());
}

TEST(ViewCodec, NoticeJson) {
  Notice n;
  n.tick = 9;
  n.kind = "colony_founded";
  n.text = "A colony was founded on Vega Two.";
  n.planet = 4;
  const auto j = noticeToJson(n);
  EXPECT_EQ(j.at("kind").as_string(), "colony_founded");
  EXPECT_EQ(j.at("planet").as_int64(), 4);
  EXPECT_FALSE(j.contains("fleet"));
}

}  // namespace
}  // namespace startales::campaign
