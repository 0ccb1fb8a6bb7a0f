// DialogueService on real Ollama and OpenAI-compatible backends against a fake server that
// replays their documented wire formats: streaming, tool calls as proposals, and every failure
// ending in a clear error or the built-in fallback with nothing lost (fixture:
// dialogue_fixture.h).

#include "ai/dialogue_fixture.h"

namespace startales::ai::dialogue_testing {
namespace {

// ---- 4. Ollama -------------------------------------------------------------------------------

TEST_F(DialogueTest, OllamaStreamsAndItsToolCallsBecomeProposals) {
  makeDialogue("ollama");
  const Campaign c = startCampaign(5);
  waitForTick(c, 5);
  pause(c);
  const game::View view = viewOf(alice_, c);
  const double credits = game::at(view.self.stock, game::Resource::kCredits);
  server_.enqueue(
      FakeReply::stream(kNdjson)
          .chunk(ollamaDelta("Our treasury "))
          .chunk(ollamaDelta("is steady. "))
          .chunk(ollamaDelta("I propose a change."))
          .chunk(ollamaToolCall("propose_command",
                                R"({"command":{"type":"set_policy","tax_rate":25},)"
                                R"("reason":"More income."})"))
          .chunk(ollamaToolCall("propose_command", R"({"command":{"type":"build","planet":999999,)"
                                                   R"("building":"farm"},"reason":"Food."})"))
          .chunk(ollamaToolCall("propose_command",
                                R"({"command":{"type":"summon_dragons"},"reason":"Why not."})"))
          .chunk(ollamaDone())
          .end());
  const int64_t treasurer = characterId(alice_, c, "treasury", c.alice_civ);
  Deltas deltas;
  const std::string asked = "How are our finances?";
  auto done = talk(alice_, c, treasurer, asked, &deltas);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(deltas.parts,
            (std::vector<std::string>{"Our treasury ", "is steady. ", "I propose a change."}));
  EXPECT_EQ(done->at("message").at("text"), "Our treasury is steady. I propose a change.");
  EXPECT_EQ(done->at("usage").at("engine"), "ollama");
  EXPECT_EQ(done->at("usage").at("prompt_tokens").as_int64(), 26);
  EXPECT_FALSE(done->contains("notice"));
  EXPECT_FALSE(done->contains("error"));

  const auto& proposals = done->at("proposals").as_array();
  ASSERT_EQ(proposals.size(), 1u) << json::serialize(*done);
  EXPECT_EQ(proposals[0].at("command").at("type"), "set_policy");
  EXPECT_EQ(proposals[0].at("command").at("tax_rate").as_int64(), 25);
  EXPECT_EQ(proposals[0].at("reason"), "More income.");
  EXPECT_EQ(proposals[0].at("status"), "pending");
  const auto& rejected = done->at("rejected_proposals").as_array();
  ASSERT_EQ(rejected.size(), 2u) << json::serialize(*done);
  bool saw_build = false;
  for (const auto& r : rejected) {
    EXPECT_FALSE(r.at("reason").as_string().empty()) << r;
    if (r.as_object().contains("command") && r.at("command").at("type") == "build")
      saw_build = true;
  }
  EXPECT_TRUE(saw_build) << json::serialize(rejected);
  auto listed = run(dialogue_->proposals(alice_, c.id, "pending"));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);  // the refused ones were never stored as proposals

  ASSERT_EQ(server_.requestCount(), 1u);
  const auto request = server_.requests().front();
  EXPECT_EQ(request.target, "/api/chat");
  const std::string prompt = promptOf(request);
  EXPECT_TRUE(contains(prompt, num(credits) + " credits")) << prompt;
  EXPECT_TRUE(contains(prompt, asked)) << prompt;
  EXPECT_TRUE(contains(request.body, "\"propose_command\"")) << request.body;
  expectStored(c, treasurer, asked, *done);
}

// A model that gets a figure wrong: the stored reply carries the state's figure and the notice
// says what was corrected; the prompt handed the model the planner's briefing as a tool result.
TEST_F(DialogueTest, AModelsWrongFigureIsCorrectedInTheStoredReplyAndNoticed) {
  makeDialogue("ollama");
  const Campaign c = startCampaign(5);
  waitForTick(c, 5);
  pause(c);
  const game::View view = viewOf(alice_, c);
  const double credits = game::at(view.self.stock, game::Resource::kCredits);
  const std::string wrong = num(credits * 10 + 7);
  server_.enqueue(FakeReply::stream(kNdjson)
                      .chunk(ollamaDelta("We hold " + wrong + " credits. "))
                      .chunk(ollamaDelta("All is well."))
                      .chunk(ollamaDone())
                      .end());
  const int64_t treasurer = characterId(alice_, c, "treasury", c.alice_civ);
  Deltas deltas;
  auto done = talk(alice_, c, treasurer, "How are our finances?", &deltas);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(deltas.joined(), "We hold " + wrong + " credits. All is well.");  // as streamed
  EXPECT_EQ(str(done->at("message").at("text")), "We hold " + num(credits) + " credits. All is well.");
  ASSERT_TRUE(done->contains("notice")) << json::serialize(*done);
  EXPECT_TRUE(contains(str(done->at("notice")), wrong)) << done->at("notice");
  const std::string prompt = server_.requests().front().body;
  EXPECT_TRUE(contains(prompt, "game_briefing")) << prompt;
}

// ---- 5. OpenAI-compatible --------------------------------------------------------------------

TEST_F(DialogueTest, OpenAiStreamsAndAssemblesAFragmentedToolCall) {
  makeDialogue("openai");
  const Campaign c = startCampaign(10);
  auto frag = [](const std::string& id, const std::string& name, const std::string& args) {
    json::object fn{{"arguments", args}};
    if (!name.empty()) fn["name"] = name;
    json::object fragment{{"index", 0}, {"function", fn}};
    if (!id.empty()) {
      fragment["id"] = id;
      fragment["type"] = "function";
    }
    return openAiChunk(json::object{{"tool_calls", json::array{fragment}}});
  };
  const std::string events = openAiChunk(json::object{{"role", "assistant"}, {"content", ""}}) +
                             openAiContent("Taxes ") + openAiContent("could rise ") +
                             openAiContent("a little.") + frag("call_1", "propose_command", "") +
                             frag("", "", R"({"comm)") + frag("", "", R"(and": {"type": "set_po)") +
                             frag("", "", R"(licy", "tax_rate": 30}, )") +
                             frag("", "", R"("reason": "Balance the books."})") +
                             openAiChunk(json::object{}, "tool_calls") + openAiDone();
  FakeReply reply = FakeReply::stream(kSse);
  for (size_t i = 0; i < events.size(); i += 17) reply.chunk(events.substr(i, 17));
  server_.enqueue(reply.end());
  const int64_t treasurer = characterId(alice_, c, "treasury", c.alice_civ);
  Deltas deltas;
  const std::string asked = "Should we change taxes?";
  auto done = talk(alice_, c, treasurer, asked, &deltas);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(deltas.joined(), "Taxes could rise a little.");
  EXPECT_EQ(done->at("message").at("text"), "Taxes could rise a little.");
  EXPECT_EQ(done->at("usage").at("engine"), "openai");
  const auto& proposals = done->at("proposals").as_array();
  ASSERT_EQ(proposals.size(), 1u) << json::serialize(*done);
  EXPECT_EQ(proposals[0].at("command").at("type"), "set_policy");
  EXPECT_EQ(proposals[0].at("command").at("tax_rate").as_int64(), 30);
  EXPECT_EQ(proposals[0].at("reason"), "Balance the books.");
  EXPECT_TRUE(done->at("rejected_proposals").as_array().empty());
  ASSERT_EQ(server_.requestCount(), 1u);
  EXPECT_EQ(server_.requests().front().target, "/v1/chat/completions");
  EXPECT_TRUE(contains(server_.requests().front().body, "\"propose_command\""));
  expectStored(c, treasurer, asked, *done);

  // Approving the model's proposal changes the tax rate in the game.
  auto approved = run(dialogue_->decide(alice_, c.id, proposals[0].at("id").as_int64(), true));
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  waitForTick(c, static_cast<int32_t>(approved->at("result").at("tick").as_int64()));
  EXPECT_EQ(viewOf(alice_, c).self.policies.tax_rate, 30);
}

// ---- 6. Failures -----------------------------------------------------------------------------

class DialogueFailureTest : public DialogueTest {
 protected:
  // Talks to alice's treasurer on Ollama; checks nothing said was lost.
  json::object ask(Deltas& deltas, llm::CancelToken cancel = llm::CancelToken()) {
    makeDialogue("ollama");
    campaign_ = startCampaign(20);
    treasurer_ = characterId(alice_, campaign_, "treasury", campaign_.alice_civ);
    auto done = talk(alice_, campaign_, treasurer_, kAsked, &deltas, std::move(cancel));
    EXPECT_TRUE(done.ok()) << done.error().message;
    if (!done) return {};
    EXPECT_EQ(deltas.joined(), done->at("message").at("text").as_string());
    expectStored(campaign_, treasurer_, kAsked, *done);
    return *done;
  }

  static constexpr const char* kAsked = "How are our finances?";
  Campaign campaign_;
  int64_t treasurer_ = 0;
};

TEST_F(DialogueFailureTest, UnavailableModelFallsBackToBuiltinWithNotice) {
  for (int i = 0; i <= llm_config_.max_retries; ++i) {
    server_.enqueue(FakeReply::full(503, "application/json", R"({"error":"server busy"})"));
  }
  Deltas deltas;
  const json::object done = ask(deltas);
  ASSERT_FALSE(done.empty());
  EXPECT_EQ(done.at("usage").at("engine"), "builtin");
  ASSERT_TRUE(done.contains("notice"));
  EXPECT_TRUE(contains(done.at("notice").as_string(), "language model is unavailable"))
      << done.at("notice");
  EXPECT_TRUE(contains(done.at("message").at("text").as_string(), "credits"));
  EXPECT_FALSE(done.contains("error"));
  EXPECT_EQ(server_.requestCount(), static_cast<size_t>(llm_config_.max_retries + 1));
}

TEST_F(DialogueFailureTest, SlowFirstTokenFallsBackToBuiltinWithNotice) {
  llm_config_.first_token_ms = 200;
  server_.enqueue(FakeReply::stream(kNdjson)
                      .pause(3'000)
                      .chunk(ollamaDelta("Too late."))
                      .chunk(ollamaDone())
                      .end());
  Deltas deltas;
  const json::object done = ask(deltas);
  ASSERT_FALSE(done.empty());
  EXPECT_EQ(done.at("usage").at("engine"), "builtin");
  ASSERT_TRUE(done.contains("notice"));
  EXPECT_TRUE(contains(done.at("notice").as_string(), "did not answer in time"))
      << done.at("notice");
  EXPECT_FALSE(contains(done.at("message").at("text").as_string(), "Too late"));
}

TEST_F(DialogueFailureTest, TruncatedStreamKeepsThePartialAnswer) {
  server_.enqueue(FakeReply::stream(kNdjson)
                      .chunk(ollamaDelta("Revenue is up. "))
                      .chunk(ollamaDelta("But the"))
                      .end());  // no done line
  Deltas deltas;
  const json::object done = ask(deltas);
  ASSERT_FALSE(done.empty());
  EXPECT_EQ(done.at("message").at("text"), "Revenue is up. But the");
  EXPECT_EQ(done.at("usage").at("engine"), "ollama");
  ASSERT_TRUE(done.contains("error"));
  EXPECT_EQ(done.at("error").at("code"), "llm_protocol");
  ASSERT_TRUE(done.contains("notice"));
  EXPECT_TRUE(done.at("notice").as_string().starts_with("The answer was cut off"))
      << done.at("notice");
}

TEST_F(DialogueFailureTest, DisconnectMidStreamKeepsThePartialAnswer) {
  const std::string line = ollamaDelta("never whole");
  server_.enqueue(FakeReply::streamUntilClose(kNdjson)
                      .raw(ollamaDelta("First. "))
                      .raw(ollamaDelta("Second"))
                      .raw(line.substr(0, line.size() / 2)));
  Deltas deltas;
  const json::object done = ask(deltas);
  ASSERT_FALSE(done.empty());
  EXPECT_EQ(done.at("message").at("text"), "First. Second");
  EXPECT_EQ(done.at("usage").at("engine"), "ollama");
  ASSERT_TRUE(done.contains("error"));
  EXPECT_EQ(done.at("error").at("code"), "llm_protocol");
  ASSERT_TRUE(done.contains("notice"));
  EXPECT_TRUE(done.at("notice").as_string().starts_with("The answer was cut off"))
      << done.at("notice");
}

TEST_F(DialogueFailureTest, CancelFromADeltaInterruptsAndKeepsWhatWasShown) {
  server_.enqueue(FakeReply::stream(kNdjson)
                      .chunk(ollamaDelta("Let me think. "))
                      .pause(3'000)
                      .chunk(ollamaDelta("Never shown."))
                      .chunk(ollamaDone())
                      .end());
  llm::CancelToken cancel;
  makeDialogue("ollama");
  campaign_ = startCampaign(20);
  treasurer_ = characterId(alice_, campaign_, "treasury", campaign_.alice_civ);
  Deltas deltas;
  auto shown = deltas.fn();
  llm::DeltaFn on_delta = [shown, cancel](std::string_view d) {
    shown(d);
    cancel.cancel();
  };
  auto done = run(dialogue_->talk(alice_, campaign_.id, treasurer_, kAsked, on_delta, cancel));
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(deltas.joined(), "Let me think. ");
  EXPECT_EQ(done->at("message").at("text"), "Let me think. ");
  EXPECT_EQ(done->at("notice"), "Interrupted.");
  ASSERT_TRUE(done->contains("error"));
  EXPECT_EQ(done->at("error").at("code"), "cancelled");
  expectStored(campaign_, treasurer_, kAsked, *done);
}

}  // namespace
}  // namespace startales::ai::dialogue_testing
