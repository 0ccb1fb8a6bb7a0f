#include "ai/dialogue.h"

#include <boost/json.hpp>
#include <chrono>

#include "ai/builtin_engine.h"
#include "ai/dialogue_json.h"
#include "ai/phrasing.h"
#include "ai/prompt.h"
#include "campaign/command_codec.h"
#include "common/log.h"
#include "game/game.h"

namespace startales::ai {

namespace asio = boost::asio;
namespace json = boost::json;
using Access = campaign::CampaignAccess::Access;

struct DialogueService::Turn {
  User user;
  int64_t campaign = 0;
  Character character;
  Access access;
  std::string text;
  Situation situation;  // the caller's view, the planner's advice, the breakdowns
  const game::View& view() const { return situation.view; }
  std::string civ_name;
  llm::DeltaFn on_delta;
  llm::CancelToken cancel;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  std::vector<StoredMessage> history;
  std::vector<ScoredMemory> memories;

  std::string reply;
  std::string engine;
  std::string notice;
  std::string memory_notice;  // set when the memories could not be fetched
  std::optional<Error> error;
  std::vector<Proposal> proposals;
  json::array rejected;  // {"command"?, "reason"} the game or the parser refused
  llm::ChatUsage usage;
};

namespace {

Error forbidden(std::string message) { return makeError("forbidden", std::move(message)); }

int64_t sinceMs(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

// How much a player's line matters to remember: promises and explicit requests to remember
// weigh most; questions least.
int importanceOf(std::string_view text) {
  std::string lower(text);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view key : {"remember", "never", "always", "promise", "important", "secret"}) {
    if (lower.find(key) != std::string::npos) return 8;
  }
  if (!lower.empty() && lower.back() == '?') return 2;
  return 4;
}

// The built-in reply, streamed sentence by sentence so clients see it arrive like a model's.
void streamSentences(std::string_view text, const llm::DeltaFn& on_delta, int64_t& chunks) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of(".!?", start);
    end = end == std::string_view::npos ? text.size() : end + 1;
    while (end < text.size() && text[end] == ' ') ++end;  // the space goes with the sentence
    if (on_delta) on_delta(text.substr(start, end - start));
    ++chunks;
    start = end;
  }
}

// Wording varies with the campaign, the character and how far the conversation has gone; the
// character's last reply is never repeated word for word. `history`: oldest first.
ReplyContext replyContext(int64_t campaign, int64_t character,
                          const std::vector<StoredMessage>& history) {
  ReplyContext context;
  context.seed = mix(mix(static_cast<uint64_t>(campaign), static_cast<uint64_t>(character)),
                     history.empty() ? 0 : static_cast<uint64_t>(history.back().id));
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->speaker != "player") {
      context.previous = it->text;
      break;
    }
  }
  return context;
}

std::string sentence(const Error& e) {
  if (e.code == "llm_timeout") return "the language model did not answer in time (" + e.message + ")";
  if (e.code == "overloaded") return "the language model is busy with other players";
  return "the language model is unavailable (" + e.message + ")";
}

}  // namespace

DialogueService::DialogueService(campaign::CampaignAccess& campaigns, CharacterStore& characters,
                                 WorkerPool& workers, llm::LlmBackend* llm, Embedder& embedder,
                                 MemoryStore* memory_store, const Clock& clock,
                                 asio::any_io_executor background, DialogueConfig config,
                                 VectorBackend* vectors,
                                 const account::RateLimiterFactory& limiters)
    : campaigns_(campaigns),
      characters_(characters),
      workers_(workers),
      llm_(llm),
      embedder_(embedder),
      memory_store_(memory_store),
      vectors_(vectors),
      clock_(clock),
      background_(std::move(background)),
      config_(std::move(config)),
      model_quota_(account::makeRateLimiter(limiters, "llm_quota", config_.model_quota, clock)),
      message_limit_(
          account::makeRateLimiter(limiters, "dialogue_message", config_.message_limit, clock)) {}

DialogueService::~DialogueService() = default;

asio::awaitable<Result<std::vector<Character>>> DialogueService::castOf(const Access& access,
                                                                        int64_t campaign) {
  {
    std::lock_guard lock(mu_);
    if (auto it = casts_.find(campaign); it != casts_.end()) co_return it->second;
  }
  std::vector<Character> generated;
  auto read = access.runtime->read(
      [&](const game::GameState& s) { generated = generateCast(s, campaign); });
  if (auto r = co_await std::move(read); !r) co_return r.error();
  auto store = [&]() { return characters_.ensureCast(campaign, generated); };
  auto stored_op = workers_.run(store);
  auto stored = co_await std::move(stored_op);
  if (!stored) co_return stored.error();
  std::lock_guard lock(mu_);
  casts_[campaign] = *stored;
  co_return std::move(*stored);
}

asio::awaitable<Result<Character>> DialogueService::reachable(const User& user, int64_t campaign,
                                                              int64_t id, Access* access_out) {
  auto access_op = campaigns_.access(user, campaign);
  auto access = co_await std::move(access_op);
  if (!access) co_return access.error();
  auto cast_op = castOf(*access, campaign);
  auto cast = co_await std::move(cast_op);
  if (!cast) co_return cast.error();
  for (const auto& c : *cast) {
    if (c.id != id) continue;
    const bool cabinet = c.role != Role::kLeader && c.role != Role::kGameMaster;
    if (cabinet && c.civ != access->seat.civ) {
      co_return forbidden(access->observer
                              ? "Observers can talk to leaders and the game master, not to cabinets."
                              : "That advisor serves another civilization.");
    }
    if (access_out) *access_out = *access;
    co_return c;
  }
  co_return makeError("not_found",
                      "There is no character " + std::to_string(id) + " in this campaign.");
}

asio::awaitable<Result<json::array>> DialogueService::characters(const User& user,
                                                                 int64_t campaign) {
  auto access_op = campaigns_.access(user, campaign);
  auto access = co_await std::move(access_op);
  if (!access) co_return access.error();
  auto cast_op = castOf(*access, campaign);
  auto cast = co_await std::move(cast_op);
  if (!cast) co_return cast.error();
  json::array out;
  for (const auto& c : *cast) {
    const bool cabinet = c.role != Role::kLeader && c.role != Role::kGameMaster;
    if (cabinet && c.civ != access->seat.civ) continue;
    out.push_back(characterJson(c));
  }
  co_return out;
}

asio::awaitable<Result<json::object>> DialogueService::character(const User& user,
                                                                 int64_t campaign, int64_t id) {
  auto c_op = reachable(user, campaign, id, nullptr);
  auto c = co_await std::move(c_op);
  if (!c) co_return c.error();
  co_return characterJson(*c);
}

asio::awaitable<Result<json::object>> DialogueService::exportCard(const User& user,
                                                                  int64_t campaign, int64_t id) {
  auto c_op = reachable(user, campaign, id, nullptr);
  auto c = co_await std::move(c_op);
  if (!c) co_return c.error();
  co_return toCardV2(*c);
}

asio::awaitable<Result<json::object>> DialogueService::importCard(const User& user,
                                                                  int64_t campaign, int64_t id,
                                                                  json::value card) {
  Access access;
  auto c_op = reachable(user, campaign, id, &access);
  auto current = co_await std::move(c_op);
  if (!current) co_return current.error();
  if (current->role == Role::kLeader || current->role == Role::kGameMaster) {
    co_return forbidden("Only your own cabinet's advisors can take a new persona.");
  }
  auto persona = fromCardV2(card, config_.card);
  if (!persona) co_return persona.error();
  Character next = *current;  // the seat stays; the persona changes
  next.name = persona->name;
  if (!persona->personality.empty()) next.personality = persona->personality;
  if (!persona->speaking_style.empty()) next.speaking_style = persona->speaking_style;
  if (!persona->goals.empty()) next.goals = persona->goals;
  next.traits = persona->traits;
  next.voice = persona->voice;
  auto save = [&]() { return characters_.replacePersona(next); };
  auto save_op = workers_.run(save);
  auto saved = co_await std::move(save_op);
  if (!saved) co_return saved.error();
  {
    std::lock_guard lock(mu_);
    for (auto& c : casts_[campaign]) {
      if (c.id == next.id) c = next;
    }
  }
  co_return characterJson(next);
}

asio::awaitable<Result<json::array>> DialogueService::messages(const User& user, int64_t campaign,
                                                               int64_t id, int64_t before,
                                                               int limit) {
  auto c_op = reachable(user, campaign, id, nullptr);
  auto c = co_await std::move(c_op);
  if (!c) co_return c.error();
  auto load = [&]() { return characters_.messages(id, user.id, before, std::clamp(limit, 1, 200)); };
  auto load_op = workers_.run(load);
  auto rows = co_await std::move(load_op);
  if (!rows) co_return rows.error();
  json::array out;
  for (const auto& m : *rows) out.push_back(messageJson(m));
  co_return out;
}

Result<std::shared_ptr<DialogueService::Stream>> DialogueService::stream(int64_t campaign,
                                                                         int64_t character) {
  {
    std::lock_guard lock(mu_);
    if (auto it = streams_.find(character); it != streams_.end()) return it->second;
  }
  auto opened = MemoryStream::open(campaign, character, embedder_, memory_store_, clock_,
                                   config_.memory, vectors_);
  if (!opened) return opened.error();
  auto s = std::make_shared<Stream>();
  s->memory = std::move(*opened);
  std::lock_guard lock(mu_);
  auto [it, inserted] = streams_.emplace(character, std::move(s));
  auto opened_stream = it->second;  // a concurrent open may have won: use its stream
  // Bounded: past the cap, drop streams nobody is using (they reload from the database).
  for (auto e = streams_.begin(); streams_.size() > config_.max_open_streams && e != streams_.end();) {
    e = e->second.use_count() == 1 && e->first != character ? streams_.erase(e) : std::next(e);
  }
  return opened_stream;
}

asio::awaitable<Result<json::object>> DialogueService::talk(const User& user, int64_t campaign,
                                                            int64_t id, std::string text,
                                                            llm::DeltaFn on_delta,
                                                            llm::CancelToken cancel) {
  if (text.empty() || text.size() > static_cast<size_t>(config_.max_text_chars)) {
    co_return makeError("invalid_text", "Say something of 1 to " +
                                            std::to_string(config_.max_text_chars) +
                                            " characters.");
  }
  auto wait_op = message_limit_->take("user:" + std::to_string(user.id));
  if (auto no = account::refusal(co_await std::move(wait_op),
                                 "You are talking faster than your advisors can answer; ")) {
    co_return *no;
  }
  Turn t;
  t.user = user;
  t.campaign = campaign;
  t.text = std::move(text);
  t.on_delta = std::move(on_delta);
  t.cancel = std::move(cancel);
  auto c_op = reachable(user, campaign, id, &t.access);
  auto c = co_await std::move(c_op);
  if (!c) co_return c.error();
  t.character = std::move(*c);
  const game::CivId civ = t.access.seat.civ;
  auto read = t.access.runtime->read([&](const game::GameState& s) {
    t.situation = civ != game::kNone ? situationFor(s, civ) : situationOf(publicView(s));
  });
  if (auto r = co_await std::move(read); !r) co_return r.error();
  // The civilization the character serves (a leader's is an AI empire), named only when the
  // caller knows it; the game master serves none.
  for (const auto& known : t.view().civs) {
    if (t.character.civ != game::kNone && known.id == t.character.civ) t.civ_name = known.name;
  }

  // Before generating: the player's line is stored and remembered, and the context fetched.
  int32_t tick = t.view().tick;
  auto prepare = [&]() -> Result<void> {
    auto history = characters_.messages(t.character.id, user.id, 0, config_.history_messages);
    if (!history) return history.error();
    t.history = std::move(*history);
    auto said = characters_.addMessage({0, campaign, t.character.id, user.id, "player", t.text,
                                        tick, "", "", 0});
    if (!said) return said.error();
    auto s = stream(campaign, t.character.id);
    if (!s) return s.error();
    std::lock_guard lock((*s)->mu);
    auto found = (*s)->memory->retrieve(t.text, tick, user.id, config_.memories);
    if (found) {
      t.memories = std::move(*found);
    } else if (isVectorIndexError(found.error())) {
      // The character answers without its memories, and says so; the failed search is
      // counted in vectors_requests_total{op="search"}.
      t.memory_notice = "Memories are out of reach right now; this answer does not draw on them.";
      logging::warn("answering without memories", {{"campaign", campaign},
                                                   {"character", t.character.id},
                                                   {"error", found.error().code},
                                                   {"reason", found.error().message}});
    } else {
      return found.error();
    }
    // A memory the remote index did not take yet is stored and queued (isVectorIndexError).
    const std::string scope = playerScope(user.id);
    auto kept = (*s)->memory->remember(scope, saidPrefix(user.username) + t.text, tick,
                                       importanceOf(t.text));
    if (!kept && !isVectorIndexError(kept.error())) return kept.error();
    if ((*s)->memory->needsReflection(scope)) {
      auto reflected = (*s)->memory->addReflection(
          scope, (*s)->memory->reflectionSummary(scope), 7, tick);
      if (!reflected && !isVectorIndexError(reflected.error())) return reflected.error();
    }
    return {};
  };
  auto prepare_op = workers_.run(prepare);
  auto prepared = co_await std::move(prepare_op);
  if (!prepared) co_return prepared.error();

  auto gen_op = generate(t);
  co_await std::move(gen_op);
  auto check_op = validateProposals(t);
  co_await std::move(check_op);
  t.usage.total_ms = sinceMs(t.started);
  if (!t.memory_notice.empty()) {
    t.notice = t.notice.empty() ? t.memory_notice : t.notice + " " + t.memory_notice;
  }

  // After: the reply and its proposals are stored, whatever happened to the stream.
  json::object done;
  auto finish = [&]() -> Result<void> {
    StoredMessage reply{0, campaign, t.character.id, user.id, "character", t.reply, tick,
                        t.engine, t.notice, 0};
    auto stored = characters_.addMessage(reply);
    if (!stored) return stored.error();
    reply.id = *stored;
    reply.created_at_ms = clock_.nowMs();
    done["message"] = messageJson(reply);
    json::array proposals;
    for (const auto& p : t.proposals) {
      StoredProposal sp{0, campaign, t.character.id, user.id, reply.id,
                        json::serialize(campaign::actionToJson(p.action)), p.reason};
      auto pid = characters_.addProposal(sp);
      if (!pid) return pid.error();
      sp.id = *pid;
      sp.created_at_ms = clock_.nowMs();
      proposals.push_back(proposalJson(sp));
    }
    done["proposals"] = std::move(proposals);
    return {};
  };
  auto finish_op = workers_.run(finish);
  auto finished = co_await std::move(finish_op);
  if (!finished) co_return finished.error();
  done["rejected_proposals"] = std::move(t.rejected);
  done["usage"] = {{"engine", t.engine},
                   {"prompt_tokens", t.usage.prompt_tokens},
                   {"completion_tokens", t.usage.completion_tokens},
                   {"first_token_ms", t.usage.first_token_ms},
                   {"total_ms", t.usage.total_ms}};
  if (!t.notice.empty()) done["notice"] = t.notice;
  if (t.error) done["error"] = {{"code", t.error->code}, {"message", t.error->message}};
  co_return done;
}

asio::awaitable<void> DialogueService::generate(Turn& t) {
  std::string why_builtin;  // set when a model was configured but did not answer
  if (llm_ != nullptr) {
    if (llm_->isOpen()) {
      why_builtin = "the language model is unavailable (it failed repeatedly; retrying shortly)";
    } else {
      auto quota_op = model_quota_->take("user:" + std::to_string(t.user.id));
      auto quota = co_await std::move(quota_op);
      if (!quota) {  // the quota cannot be checked: no model call (fail closed), still a reply
        why_builtin = "your share of model replies cannot be checked right now";
      } else if (quota->has_value()) {
        why_builtin = "you have used your share of model replies; it refills in " +
                      std::to_string(**quota) + " seconds";
      }
    }
  }
  if (llm_ != nullptr && why_builtin.empty()) {
    // Only the player's own advisors may propose (validateProposals): nobody else is offered
    // the tool.
    const bool advisor = t.access.seat.civ != game::kNone && t.character.role != Role::kLeader &&
                         t.character.role != Role::kGameMaster;
    // The model is handed what the built-in engine would say: its facts and the planner's
    // recommendations, as the result of a briefing tool call.
    const Reply briefing = builtinReply(t.character, t.situation, t.text, replyContext(t.campaign, t.character.id, t.history));
    const std::string facts = stateFacts(t.character.role, t.situation);
    auto request = buildChatRequest({t.character, t.civ_name, facts, t.memories, t.history, t.text,
                                     advisor, &briefing});
    request.max_tokens = config_.max_tokens;
    request.temperature = config_.temperature;
    std::string shown;
    auto relay = [&shown, &t](std::string_view delta) {
      shown += delta;
      if (t.on_delta) t.on_delta(delta);
    };
    auto chat_op = llm_->chat(request, relay, t.cancel);
    auto result = co_await std::move(chat_op);
    if (result) {
      t.engine = std::string(llm_->name());
      t.reply = std::move(result->text);
      t.usage = result->usage;
      // The model's numbers against the ones it was handed: a wrong one is corrected in the
      // stored reply (the streamed text already showed it) and the notice says so.
      const NumberCheck numbers = checkNumbers(t.reply, facts + "\n" + briefingJson(briefing));
      if (!numbers.clean()) t.notice = numbers.notice();
      for (const auto& call : result->tool_calls) {
        const json::value* command = call.arguments.if_contains("command");
        const json::value* reason = call.arguments.if_contains("reason");
        if (call.name != "propose_command" || command == nullptr) {
          t.rejected.push_back(json::object{{"reason", "The model called an unknown tool \"" + call.name +
                                               "\" or gave no command."}});
          continue;
        }
        auto action = campaign::parseAction(*command);
        if (!action) {
          t.rejected.push_back(json::object{{"command", *command}, {"reason", action.error().message}});
          continue;
        }
        t.proposals.push_back(
            {*action, reason && reason->is_string() ? std::string(reason->as_string()) : ""});
      }
      co_return;
    }
    if (!shown.empty() || result.error().code == "cancelled") {
      // Part of the answer is on the player's screen: keep it, say why it stopped.
      t.engine = std::string(llm_->name());
      t.reply = std::move(shown);
      t.error = result.error();
      t.notice = result.error().code == "cancelled"
                     ? "Interrupted."
                     : "The answer was cut off: " + result.error().message;
      co_return;
    }
    why_builtin = sentence(result.error());
    logging::warn("llm fallback to builtin", {{"campaign", t.campaign},
                                              {"code", result.error().code},
                                              {"error", result.error().message}});
  }
  Reply reply = builtinReply(t.character, t.situation, t.text, replyContext(t.campaign, t.character.id, t.history));
  t.engine = "builtin";
  if (!why_builtin.empty()) t.notice = "The built-in engine answered: " + why_builtin + ".";
  t.usage = {};
  t.usage.first_token_ms = sinceMs(t.started);
  streamSentences(reply.text, t.on_delta, t.usage.completion_tokens);
  t.reply = std::move(reply.text);
  t.proposals = std::move(reply.proposals);
}

asio::awaitable<void> DialogueService::validateProposals(Turn& t) {
  const game::CivId civ = t.access.seat.civ;
  if (t.proposals.size() > static_cast<size_t>(config_.max_proposals)) {
    t.proposals.resize(config_.max_proposals);
  }
  if (t.proposals.empty()) co_return;
  // A leader proposes only the treaty with its own empire it agreed to in conversation.
  const bool leader_treaty =
      t.character.role == Role::kLeader &&
      std::all_of(t.proposals.begin(), t.proposals.end(), [&](const Proposal& p) {
        const auto* treaty = std::get_if<game::ProposeTreaty>(&p.action);
        return treaty != nullptr && treaty->to == t.character.civ;
      });
  if (civ == game::kNone || (t.character.role == Role::kLeader && !leader_treaty) ||
      t.character.role == Role::kGameMaster) {
    for (const auto& p : t.proposals) {
      t.rejected.push_back(json::object{{"command", campaign::actionToJson(p.action)},
                            {"reason", "Only your own advisors propose commands to you."}});
    }
    t.proposals.clear();
    co_return;
  }
  std::vector<std::optional<game::Rejection>> verdicts;
  auto check = t.access.runtime->read([&](const game::GameState& s) {
    for (const auto& p : t.proposals) verdicts.push_back(game::validate(s, {civ, p.action}));
  });
  if (auto r = co_await std::move(check); !r) {
    // The owner could not be asked: nothing is proposed rather than something unchecked.
    for (const auto& p : t.proposals) {
      t.rejected.push_back(json::object{{"command", campaign::actionToJson(p.action)},
                                        {"reason", "The campaign could not be asked to check this "
                                                   "proposal; ask again in a moment."}});
    }
    t.proposals.clear();
    co_return;
  }
  std::vector<Proposal> valid;
  for (size_t i = 0; i < t.proposals.size(); ++i) {
    if (!verdicts[i]) {
      valid.push_back(std::move(t.proposals[i]));
    } else {
      t.rejected.push_back(json::object{{"command", campaign::actionToJson(t.proposals[i].action)},
                            {"reason", verdicts[i]->message}});
    }
  }
  t.proposals = std::move(valid);
}

asio::awaitable<Result<json::array>> DialogueService::proposals(const User& user, int64_t campaign,
                                                                std::string status) {
  auto access_op = campaigns_.access(user, campaign);
  auto access = co_await std::move(access_op);
  if (!access) co_return access.error();
  auto load = [&]() { return characters_.proposals(campaign, user.id, status, 100); };
  auto load_op = workers_.run(load);
  auto rows = co_await std::move(load_op);
  if (!rows) co_return rows.error();
  json::array out;
  for (const auto& p : *rows) out.push_back(proposalJson(p));
  co_return out;
}

asio::awaitable<Result<json::object>> DialogueService::decide(const User& user, int64_t campaign,
                                                              int64_t proposal, bool approve) {
  auto access_op = campaigns_.access(user, campaign);
  auto access = co_await std::move(access_op);
  if (!access) co_return access.error();
  auto load = [&]() { return characters_.proposal(campaign, proposal); };
  auto load_op = workers_.run(load);
  auto p = co_await std::move(load_op);
  if (!p) co_return p.error();
  if (p->user_id != user.id) co_return forbidden("That proposal was made to another player.");
  // Claim it first, so two approvals cannot both send the command.
  auto claim = [&]() {
    return characters_.decide(proposal, "pending", approve ? "approved" : "rejected", "");
  };
  auto claim_op = workers_.run(claim);
  auto claimed = co_await std::move(claim_op);
  if (!claimed) co_return claimed.error();
  if (!*claimed) {
    co_return makeError("invalid_state", "That proposal was already decided.");
  }
  p->status = approve ? "approved" : "rejected";
  if (approve) {
    json::value command;
    try {
      command = json::parse(p->command);
    } catch (const std::exception&) {
      co_return makeError("internal", "stored proposal is not JSON");
    }
    auto sent_op = campaigns_.command(user, campaign, command);
    auto sent = co_await std::move(sent_op);
    p->status = sent ? "approved" : "failed";
    p->result = sent ? json::serialize(*sent) : sent.error().message;
    auto outcome = [&]() { return characters_.decide(proposal, "approved", p->status, p->result); };
    auto outcome_op = workers_.run(outcome);
    auto saved = co_await std::move(outcome_op);
    if (!saved) co_return saved.error();
    if (!sent) co_return sent.error();
  }
  p->decided_at_ms = clock_.nowMs();
  co_return proposalJson(*p);
}

}  // namespace startales::ai
