// The deltas players receive, pinned on a recorded campaign (issue 18: making the feed cheaper
// must not change what a client sees). The campaign: 100 systems, 10 human civilizations
// sending random commands (tests/game/random_commands.h) and 2 AI empires, 240 ticks. Each
// tick every civilization's feed advances as CampaignRuntime::publish advances it
// (advanceFeed); the messages' count, bytes and xxHash64 must equal the recording in
// tests/campaign/recorded/deltas.json, made with the encoding of 2026-12-02.
//
// Re-record (only for a deliberate protocol change, said so in docs/protocol.md):
//   STARTALES_RECORD_DELTAS=1 build/dev/tests/campaign/campaign_codec_test
//     --gtest_filter='RecordedDeltas.*'

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../game/random_commands.h"
#include "campaign/view_codec.h"
#include "game/game.h"
#include "game/serialize.h"

namespace startales::campaign {
namespace {

namespace json = boost::json;

constexpr int kTicks = 240;
const std::string kRecording = std::string(STARTALES_RECORDED_DIR) + "/deltas.json";

struct Stream {
  std::string final_state;  // stateHashHex at the last tick: the same game was played
  int64_t messages = 0, bytes = 0;
  uint64_t hash = 0;  // xxHash64 over every message's hash, in order (civ within tick)
  std::string sample;  // civ 0's message at tick 120, to show a difference in a failure
};

Stream play() {
  game::GameConfig config;
  config.seed = 18;
  config.systems = 100;
  config.civs = 12;
  config.players = 10;
  game::GameState state = game::newGame(config);
  std::vector<ViewDigest> held;
  for (game::CivId civ = 0; civ < config.civs; ++civ) {
    held.push_back(digestOf(game::viewFor(state, civ)));
  }
  Stream out;
  std::string scratch, hashes;
  SystemHashes systems;
  for (int t = 1; t <= kTicks; ++t) {
    game::testing::RandomCommands gen(0x5eedULL ^ static_cast<uint64_t>(state.tick));
    for (game::CivId civ = 0; civ < config.players; ++civ) {
      if (t % 3 == civ % 3) game::submit(state, gen.next(state, civ));
    }
    game::step(state);
    // Every civ, AI empires included: their feeds are what an observer of that seat gets.
    const std::string market = marketJson(state.market);  // once per tick, as publish does
    for (game::CivId civ = 0; civ < config.civs; ++civ) {
      const auto message =
          advanceFeed(held[static_cast<size_t>(civ)], state, civ, systems, 7, market, scratch);
      ++out.messages;
      out.bytes += static_cast<int64_t>(message->size());
      const uint64_t h = game::hashBytes(*message);
      hashes.append(reinterpret_cast<const char*>(&h), sizeof h);
      if (t == kTicks / 2 && civ == 0) out.sample = *message;
    }
  }
  out.hash = game::hashBytes(hashes);
  out.final_state = game::stateHashHex(state);
  return out;
}

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << std::hex << v;
  return s.str();
}

TEST(RecordedDeltas, TheRecordedCampaignsDeltasAreByteForByteTheRecording) {
  const Stream now = play();
  ASSERT_GT(now.messages, 0);
  if (std::getenv("STARTALES_RECORD_DELTAS") != nullptr) {
    json::object rec{{"ticks", kTicks},           {"final_state", now.final_state},
                     {"messages", now.messages},  {"bytes", now.bytes},
                     {"xxhash64", hex(now.hash)}, {"sample_civ0_tick120", now.sample}};
    std::ofstream(kRecording) << json::serialize(rec) << "\n";
    GTEST_SKIP() << "recorded " << kRecording;
  }
  std::ifstream in(kRecording);
  ASSERT_TRUE(in) << "cannot read " << kRecording;
  std::stringstream text;
  text << in.rdbuf();
  const json::object rec = json::parse(text.str()).as_object();
  ASSERT_EQ(std::string(rec.at("final_state").as_string()), now.final_state)
      << "the recorded campaign plays differently now (a game rule or the random command "
         "generator changed), so its deltas cannot be compared; re-record (see the file header)";
  EXPECT_EQ(rec.at("messages").as_int64(), now.messages);
  EXPECT_EQ(std::string(rec.at("sample_civ0_tick120").as_string()), now.sample)
      << "civ 0's delta at tick 120 differs from the recording";
  EXPECT_EQ(rec.at("bytes").as_int64(), now.bytes) << "the deltas' total size changed";
  EXPECT_EQ(std::string(rec.at("xxhash64").as_string()), hex(now.hash))
      << "some delta differs from the recording";
}

}  // namespace
}  // namespace startales::campaign
