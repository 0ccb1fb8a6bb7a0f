// DialogueService: the cast, the built-in engine, proposals, memory and commentary (fixture:
// dialogue_fixture.h; the model backends and their failures: dialogue_llm_test.cc).

#include "ai/dialogue_fixture.h"

namespace startales::ai::dialogue_testing {
namespace {

// ---- 1. Characters ---------------------------------------------------------------------------

TEST_F(DialogueTest, PlayersSeeTheirCabinetLeadersAndGameMasterOnly) {
  makeDialogue();
  const Campaign c = startCampaign(20);
  for (const auto* user : {&alice_, &bob_}) {
    const game::CivId own = user == &alice_ ? c.alice_civ : c.bob_civ;
    int cabinet = 0, leaders = 0, masters = 0;
    std::set<std::string> roles;
    for (const auto& v : cast(*user, c)) {
      const auto& o = v.as_object();
      const std::string role = str(o.at("role"));
      if (role == "leader") {
        leaders++;
      } else if (role == "game_master") {
        masters++;
      } else {
        EXPECT_EQ(o.at("civ").as_int64(), own)
            << user->username << " sees " << role << " of civ " << o.at("civ");
        cabinet++;
        roles.insert(role);
      }
    }
    EXPECT_EQ(cabinet, kCabinetSize) << user->username;
    EXPECT_EQ(roles.size(), static_cast<size_t>(kCabinetSize)) << user->username;
    EXPECT_EQ(leaders, 1) << user->username;  // one AI empire
    EXPECT_EQ(masters, 1) << user->username;
  }

  const int64_t bobs_treasurer = characterId(bob_, c, "treasury", c.bob_civ);
  auto foreign = talk(alice_, c, bobs_treasurer, "How are your finances?");
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, "forbidden");
  auto peek = run(dialogue_->character(alice_, c.id, bobs_treasurer));
  ASSERT_FALSE(peek.ok());
  EXPECT_EQ(peek.error().code, "forbidden");
  auto unknown = talk(alice_, c, 987'654, "Hello?");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "not_found");
  EXPECT_TRUE(messages(bob_, c, bobs_treasurer).empty());  // nothing was stored for alice's try
}

TEST_F(DialogueTest, CardsExportAndImportKeepTheSeat) {
  makeDialogue();
  const Campaign c = startCampaign(20);
  const int64_t treasurer = characterId(alice_, c, "treasury", c.alice_civ);
  auto card = run(dialogue_->exportCard(alice_, c.id, treasurer));
  ASSERT_TRUE(card.ok()) << card.error().message;
  EXPECT_EQ(card->at("spec"), "chara_card_v2");
  const std::string old_name = str(card->at("data").at("name"));
  EXPECT_FALSE(old_name.empty());

  // The persona changes; the seat claimed by the card (bob's defense) does not.
  json::object next = *card;
  auto& data = next["data"].as_object();
  data["name"] = "Quintus Vale";
  data["personality"] = "gloomy, exact";
  auto& ext = data["extensions"].as_object()["startales"].as_object();
  ext["role"] = "defense";
  ext["civ"] = c.bob_civ;
  auto imported = run(dialogue_->importCard(alice_, c.id, treasurer, json::value(next)));
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(imported->at("name"), "Quintus Vale");
  EXPECT_EQ(imported->at("role"), "treasury");
  EXPECT_EQ(imported->at("civ").as_int64(), c.alice_civ);
  EXPECT_EQ(imported->at("id").as_int64(), treasurer);
  auto stored = characters_->get(c.id, treasurer);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(stored->name, "Quintus Vale");
  EXPECT_EQ(stored->personality, "gloomy, exact");
  EXPECT_EQ(stored->role, Role::kTreasury);
  EXPECT_EQ(stored->civ, c.alice_civ);
  auto seen = run(dialogue_->character(alice_, c.id, treasurer));
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->at("name"), "Quintus Vale");
  // The built-in greeting uses the new name.
  auto hello = talk(alice_, c, treasurer, "Hello");
  ASSERT_TRUE(hello.ok()) << hello.error().message;
  EXPECT_TRUE(contains(hello->at("message").at("text").as_string(), "Quintus Vale"))
      << hello->at("message").at("text");

  const int64_t leader = characterId(alice_, c, "leader");
  auto onto_leader = run(dialogue_->importCard(alice_, c.id, leader, json::value(next)));
  ASSERT_FALSE(onto_leader.ok());
  EXPECT_EQ(onto_leader.error().code, "forbidden");
  const int64_t bobs_treasurer = characterId(bob_, c, "treasury", c.bob_civ);
  auto onto_foreign = run(dialogue_->importCard(alice_, c.id, bobs_treasurer, json::value(next)));
  ASSERT_FALSE(onto_foreign.ok());
  EXPECT_EQ(onto_foreign.error().code, "forbidden");
  auto bad = run(dialogue_->importCard(
      alice_, c.id, treasurer,
      json::value(json::object{{"spec", "chara_card_v1"}, {"data", json::object{}}})));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid_card");
  auto nameless = run(dialogue_->importCard(
      alice_, c.id, treasurer,
      json::value(json::object{{"spec", "chara_card_v2"}, {"data", json::object{}}})));
  ASSERT_FALSE(nameless.ok());
  EXPECT_EQ(nameless.error().code, "invalid_card");
  auto still = characters_->get(c.id, treasurer);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->name, "Quintus Vale");  // a refused card changes nothing
}

// ---- 2. Built-in engine ----------------------------------------------------------------------

TEST_F(DialogueTest, BuiltinTreasurerQuotesTheLiveState) {
  makeDialogue();
  const Campaign c = startCampaign(5);
  waitForTick(c, 10);
  pause(c);  // the numbers hold still while we compare them
  const game::View view = viewOf(alice_, c);
  const double credits = game::at(view.self.stock, game::Resource::kCredits);
  const int64_t treasurer = characterId(alice_, c, "treasury", c.alice_civ);
  Deltas deltas;
  const std::string asked = "how are our finances?";
  auto done = talk(alice_, c, treasurer, asked, &deltas);
  ASSERT_TRUE(done.ok()) << done.error().message;
  const std::string text = str(done->at("message").at("text"));
  // The wording varies; the figures do not.
  EXPECT_TRUE(contains(text, num(credits) + " credits")) << text << " / " << credits;
  EXPECT_TRUE(contains(text, std::to_string(view.self.policies.tax_rate) + "%")) << text;
  EXPECT_EQ(done->at("message").at("tick").as_int64(), view.tick);
  EXPECT_EQ(deltas.joined(), text);
  EXPECT_GT(deltas.parts.size(), 1u);  // streamed sentence by sentence
  EXPECT_EQ(done->at("usage").at("engine"), "builtin");
  EXPECT_FALSE(done->contains("notice")) << done->at("notice");
  EXPECT_FALSE(done->contains("error"));
  expectStored(c, treasurer, asked, *done);
}

// ---- 3. Proposals ----------------------------------------------------------------------------

TEST_F(DialogueTest, ProposalsAreApprovedOrRejectedAndReachTheGame) {
  makeDialogue();
  const Campaign c = startCampaign(10);
  const int64_t scientist = characterId(alice_, c, "science", c.alice_civ);
  ASSERT_EQ(viewOf(alice_, c).self.researching, game::kNone);

  auto first = talk(alice_, c, scientist, "What should we research?");
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(first->at("proposals").as_array().size(), 1u) << json::serialize(*first);
  const auto& p1 = first->at("proposals").as_array()[0].as_object();
  EXPECT_EQ(p1.at("command").at("type"), "research");
  EXPECT_EQ(p1.at("status"), "pending");
  EXPECT_EQ(p1.at("message"), first->at("message").at("id"));
  const std::string tech = str(p1.at("command").at("tech"));

  auto rejected = run(dialogue_->decide(alice_, c.id, p1.at("id").as_int64(), false));
  ASSERT_TRUE(rejected.ok()) << rejected.error().message;
  EXPECT_EQ(rejected->at("status"), "rejected");
  waitForTick(c, tickOf(c) + 5);
  EXPECT_EQ(viewOf(alice_, c).self.researching, game::kNone);

  // Status questions inform; advice questions come with the planner's proposal.
  auto second = talk(alice_, c, scientist, "Which research do you recommend?");
  ASSERT_TRUE(second.ok()) << second.error().message;
  ASSERT_EQ(second->at("proposals").as_array().size(), 1u) << json::serialize(*second);
  const int64_t p2 = second->at("proposals").as_array()[0].at("id").as_int64();
  EXPECT_EQ(str(second->at("proposals").as_array()[0].at("command").at("tech")), tech);

  auto stranger = run(dialogue_->decide(bob_, c.id, p2, true));
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, "forbidden");
  auto approved = run(dialogue_->decide(alice_, c.id, p2, true));
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  EXPECT_EQ(approved->at("status"), "approved");
  ASSERT_TRUE(approved->contains("result")) << json::serialize(*approved);
  const auto& result = approved->at("result").as_object();
  EXPECT_GT(result.at("seq").as_int64(), 0);
  const auto applied = static_cast<int32_t>(result.at("tick").as_int64());
  waitForTick(c, applied);
  const game::View after = viewOf(alice_, c);
  ASSERT_NE(after.self.researching, game::kNone);
  EXPECT_EQ(game::techRule(after.self.researching).name, tech);

  auto again = run(dialogue_->decide(alice_, c.id, p2, true));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "invalid_state");
  auto unknown = run(dialogue_->decide(alice_, c.id, 99'999, true));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "not_found");

  auto all = run(dialogue_->proposals(alice_, c.id, ""));
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].at("id").as_int64(), p2);  // newest first
  EXPECT_EQ((*all)[0].at("status"), "approved");
  EXPECT_EQ((*all)[1].at("status"), "rejected");
  auto pending = run(dialogue_->proposals(alice_, c.id, "pending"));
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
  auto bobs = run(dialogue_->proposals(bob_, c.id, ""));
  ASSERT_TRUE(bobs.ok());
  EXPECT_TRUE(bobs->empty());
}

// ---- 7. Memory -------------------------------------------------------------------------------

TEST_F(DialogueTest, APlayersSecretIsRememberedForThemAndNobodyElse) {
  makeDialogue("ollama");
  const Campaign c = startCampaign(2);
  const int64_t leader = characterId(alice_, c, "leader");
  for (int i = 0; i < 3; ++i) {
    server_.enqueue(
        FakeReply::stream(kNdjson).chunk(ollamaDelta("Noted.")).chunk(ollamaDone()).end());
  }
  const std::string secret = "Remember: our admiral Zora Quill hides the fleet at Orion";
  auto told = talk(alice_, c, leader, secret);
  ASSERT_TRUE(told.ok()) << told.error().message;
  const int32_t told_at = static_cast<int32_t>(told->at("message").at("tick").as_int64());
  waitForTick(c, told_at + 500);

  const std::string question = "Where does our admiral hide the fleet?";
  auto alice_asks = talk(alice_, c, leader, question);
  ASSERT_TRUE(alice_asks.ok()) << alice_asks.error().message;
  auto bob_asks = talk(bob_, c, leader, question);
  ASSERT_TRUE(bob_asks.ok()) << bob_asks.error().message;
  ASSERT_EQ(server_.requestCount(), 3u);
  const auto requests = server_.requests();
  const std::string alice_prompt = promptOf(requests[1]);
  const std::string bob_prompt = promptOf(requests[2]);
  // Retrieved from the leader's memory (not the conversation history, which quotes the line
  // without "alice said").
  EXPECT_TRUE(contains(alice_prompt, "alice said: " + secret)) << alice_prompt;
  EXPECT_TRUE(contains(alice_prompt, "What you remember")) << alice_prompt;
  EXPECT_FALSE(contains(bob_prompt, "Zora Quill")) << bob_prompt;
  EXPECT_FALSE(contains(bob_prompt, "Orion")) << bob_prompt;
  EXPECT_TRUE(contains(bob_prompt, question)) << bob_prompt;
  // A leader cannot propose commands to a player, so it is not offered the tool.
  for (const auto& r : requests) {
    EXPECT_FALSE(contains(r.body, "propose_command")) << r.body.substr(0, 400);
  }
  // The leader rules the AI empire, not the civilization of whoever talks to it.
  EXPECT_FALSE(contains(alice_prompt, "of the Vega,")) << alice_prompt.substr(0, 200);
  EXPECT_FALSE(contains(bob_prompt, "of the Lyra,")) << bob_prompt.substr(0, 200);
  const game::GameState state = stateOf(c);
  std::string ai_empire;
  for (const auto& civ : state.civs) {
    if (civ.ai) ai_empire = civ.name;
  }
  ASSERT_FALSE(ai_empire.empty());
  for (const auto& v : viewOf(alice_, c).civs) {
    if (v.name == ai_empire) {  // named only once alice has met them
      EXPECT_TRUE(contains(alice_prompt, "of the " + ai_empire + ",")) << alice_prompt;
    }
  }
}

// ---- 8. Commentary and recap -----------------------------------------------------------------

TEST_F(DialogueTest, AdvisorsRemarkPrivatelyAndTheGameMasterNarratesPublicly) {
  makeDialogue();
  const Campaign c = startCampaign(5);
  waitForTick(c, 3);
  cast(alice_, c);  // the cast is cached
  cast(bob_, c);
  pause(c);  // only the crafted notices below are new
  const game::GameState state = stateOf(c);
  const int32_t tick = state.tick;
  const std::string battle = "Our fleet was destroyed at Kepler Drift by the Quorn raiders.";
  const std::string war = "The Ashen Throne declared war on the Lyra.";
  std::vector<game::Notice> notices;
  game::Notice lost;
  lost.tick = tick;
  lost.civ = c.alice_civ;
  lost.kind = "battle_lost";
  lost.text = battle;
  notices.push_back(lost);
  game::Notice declared;
  declared.tick = tick;
  declared.civ = game::kNone;
  declared.kind = "war_declared";
  declared.text = war;
  notices.push_back(declared);

  auto said = dialogue_->commentator()->comment(c.id, state, notices);
  bool remark = false, narration = false;
  for (const auto& m : said) {
    const json::object o = json::parse(m.json).as_object();
    if (o.at("type") == "character.remark") {
      remark = true;
      EXPECT_EQ(m.civ, c.alice_civ);
      EXPECT_EQ(o.at("character").at("role"), "defense");
      EXPECT_EQ(o.at("notice"), "battle_lost");
      EXPECT_TRUE(contains(o.at("text").as_string(), battle)) << o.at("text");
    } else if (o.at("type") == "character.narration") {
      narration = true;
      EXPECT_EQ(m.civ, game::kNone);
      EXPECT_EQ(o.at("character").at("role"), "game_master");
      EXPECT_TRUE(contains(o.at("text").as_string(), war)) << o.at("text");
    } else {
      ADD_FAILURE() << m.json;
    }
  }
  EXPECT_TRUE(remark);
  EXPECT_TRUE(narration);

  // What alice says to the game master is remembered for her, but it is no event.
  auto chat = talk(alice_, c, characterId(alice_, c, "game_master"), "Greetings, chronicler");
  ASSERT_TRUE(chat.ok()) << chat.error().message;

  // The chronicle is written in the background: poll, bounded.
  std::string alice_recap, bob_recap;
  for (int i = 0; i < 200; ++i) {
    auto a = run(dialogue_->recap(alice_, c.id, tick - 1));
    auto b = run(dialogue_->recap(bob_, c.id, tick - 1));
    ASSERT_TRUE(a.ok() && b.ok());
    alice_recap = str(a->at("text"));
    bob_recap = str(b->at("text"));
    if (contains(alice_recap, battle) && contains(bob_recap, war)) break;
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(contains(alice_recap, battle)) << alice_recap;
  EXPECT_TRUE(contains(alice_recap, war)) << alice_recap;
  EXPECT_TRUE(contains(bob_recap, war)) << bob_recap;
  EXPECT_FALSE(contains(bob_recap, battle)) << bob_recap;
  EXPECT_FALSE(contains(bob_recap, "Kepler Drift")) << bob_recap;
  EXPECT_FALSE(contains(alice_recap, "Greetings, chronicler")) << alice_recap;
}

}  // namespace
}  // namespace startales::ai::dialogue_testing
