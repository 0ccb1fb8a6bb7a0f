// Writes the generated seeds of the fuzz corpus (tests/fuzz/corpus/<target>/gen-*): what the
// game itself produces, so the fuzzers start deep inside the formats. The hand-written seeds
// (HTTP requests, /ws sessions, multipart bodies) sit next to them.
//
//   build/dev/tests/fuzz/startales_fuzz_corpus tests/fuzz/corpus

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ai/character.h"
#include "campaign/command_codec.h"
#include "game/game.h"
#include "game/serialize.h"
#include "game/view.h"
#include "voice/audio/audio.h"
#include "voice/stt/vocabulary.h"

namespace {

using namespace startales;
namespace fs = std::filesystem;

void write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

game::GameState campaignState(int ticks) {
  game::GameConfig config;
  config.seed = 7;
  config.systems = 20;
  config.civs = 3;
  config.players = 1;
  game::GameState state = game::newGame(config);
  for (int i = 0; i < ticks; ++i) (void)game::step(state);
  return state;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];

  // Snapshots of a fresh and of a played campaign.
  write(root / "snapshot_fuzz", "gen-new", game::serialize(campaignState(0)));
  write(root / "snapshot_fuzz", "gen-played", game::serialize(campaignState(40)));

  // One command of every kind.
  const std::vector<game::Action> actions = {
      game::Build{0, game::Building::kFarm},
      game::CancelBuild{0, 1},
      game::BuildShip{0, game::ShipClass::kScout, 3},
      game::SetPolicy{30, std::array<int32_t, game::kBudgetAreas>{}, 5},
      game::Research{2},
      game::MoveFleet{1, 4},
      game::SplitFleet{1, {}},
      game::MergeFleets{1, 2},
      game::Colonize{1, 3},
      game::Invade{1, 3},
      game::Trade{game::Resource::kMinerals, -20},
      game::ProposeTreaty{1, game::Treaty::kPeace},
      game::RespondTreaty{1, true},
      game::DeclareWar{2},
      game::ChooseEventOption{1, 0},
  };
  for (const auto& a : actions) {
    write(root / "command_json_fuzz", "gen-" + std::string(game::actionName(a)),
          boost::json::serialize(campaign::actionToJson(a)));
  }

  // Character cards of a generated cast: an advisor, a leader, the game master.
  const game::GameState state = campaignState(0);
  const auto cast = ai::generateCast(state, 1);
  for (size_t i : {size_t{0}, cast.size() - 2, cast.size() - 1}) {
    write(root / "character_card_fuzz", "gen-" + std::string(ai::roleName(cast[i].role)),
          boost::json::serialize(ai::toCardV2(cast[i])));
  }

  // The same card as an import through the HTTP path.
  const std::string card = boost::json::serialize(ai::toCardV2(cast[0]));
  write(root / "http_request_fuzz", "gen-card-put",
        "PUT /api/campaigns/1/characters/1/card HTTP/1.1\r\nHost: localhost\r\n"
        "Authorization: Bearer @TOKEN@\r\nContent-Type: application/json\r\n"
        "Content-Length: " + std::to_string(card.size()) + "\r\n\r\n" + card);

  // WAVs: 16-bit mono (what encodeWav writes) and hand-built 32-bit float stereo.
  voice::Audio tone;
  tone.sample_rate = 16000;
  for (int i = 0; i < 800; ++i) tone.samples.push_back(0.5f * std::sin(i * 0.2f));
  const std::string pcm16 = voice::encodeWav(tone);
  write(root / "wav_fuzz", "gen-pcm16-mono", pcm16);
  {
    auto le16 = [](std::string& s, uint16_t v) { s += char(v & 0xff); s += char(v >> 8); };
    auto le32 = [&](std::string& s, uint32_t v) { le16(s, v & 0xffff); le16(s, v >> 16); };
    std::string data;
    for (int i = 0; i < 200; ++i) {
      float l = 0.25f * std::sin(i * 0.1f), r = -l;
      data.append(reinterpret_cast<const char*>(&l), 4).append(reinterpret_cast<const char*>(&r), 4);
    }
    std::string w = "RIFF";
    le32(w, static_cast<uint32_t>(36 + data.size()));
    w += "WAVEfmt ";
    le32(w, 16);
    le16(w, 3);  // IEEE float
    le16(w, 2);
    le32(w, 22050);
    le32(w, 22050 * 8);
    le16(w, 8);
    le16(w, 32);
    w += "data";
    le32(w, static_cast<uint32_t>(data.size()));
    write(root / "wav_fuzz", "gen-float32-stereo", w + data);
  }
  // A multipart upload around the WAV, as curl -F audio=@x.wav -F campaign=1 sends it.
  const std::string boundary = "------------------------d74496d66958873e";
  std::string multipart = "multipart/form-data; boundary=" + boundary.substr(2) + "\n";
  multipart += boundary + "\r\nContent-Disposition: form-data; name=\"campaign\"\r\n\r\n1\r\n";
  multipart += boundary + "\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"x.wav\"\r\n"
               "Content-Type: audio/wav\r\n\r\n" + pcm16 + "\r\n" + boundary + "--\r\n";
  write(root / "multipart_fuzz", "gen-curl-audio", multipart);

  // The vocabulary of a civilization's view, in grammar_fuzz's line format.
  std::vector<std::string> names;
  for (const auto& c : cast) {
    if (c.civ == 0) names.push_back(c.name);
  }
  const voice::Vocabulary v = voice::vocabularyFromView(game::viewFor(state, 0), names);
  std::string lines = "build a farm on " + (v.own_planets.empty() ? "" : v.own_planets[0].name);
  const std::vector<voice::NamedId>* lists[] = {&v.own_planets, &v.colonizable_planets,
                                                &v.enemy_planets, &v.systems, &v.fleets,
                                                &v.civs, &v.buildings, &v.ships, &v.techs,
                                                &v.goods};
  for (int k = 0; k < 10; ++k) {
    for (const auto& n : *lists[k]) lines += "\n" + std::string(1, char('0' + k)) + n.name;
  }
  for (const auto& n : v.characters) lines += "\n:" + n;
  write(root / "grammar_fuzz", "gen-view", lines);
  std::printf("wrote the generated seeds under %s\n", root.c_str());
  return 0;
}
