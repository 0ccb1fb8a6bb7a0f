#pragma once

// Talking to characters (issue 5, "Dialogue" and "Actions"): the cast a player may see, a
// streamed reply grounded in the live state, the proposals that come with it, and what the
// player decides about them. Holds no HTTP: api/character_routes.cc and the /ws gateway
// adapt it.
//
// A reply comes from the configured LLM backend when there is one, its circuit is closed and
// the player's model quota has a token; otherwise from the built-in engine, with a notice
// saying why when a model was expected. A remote failure before the first token falls back
// to the built-in engine (notice included); after some text, the text already shown is kept
// and stored, and the reply ends with an error notice. Nothing the player or character said
// is lost either way.
//
// Authorization: a player talks to the cabinet of their own civilization, to any leader and
// to the game master; an observer to leaders and the game master. Proposals are only made to
// (and decided by) players with a civilization.
//
// Threading: public coroutines may be called from any thread. Database work and memory
// streams run on the WorkerPool (a stream is used by one call at a time: each has a mutex).
// The caches below are guarded by mu_.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "account/rate_limiter.h"
#include "account/user_store.h"
#include "ai/character_store.h"
#include "ai/embedder.h"
#include "ai/memory.h"
#include "ai/memory_store.h"
#include "campaign/campaign_access.h"
#include "campaign/commentator.h"
#include "common/clock.h"
#include "common/worker_pool.h"
#include "llm/llm.h"

namespace startales::ai {

struct DialogueConfig {
  int max_text_chars = 2000;  // longest player message
  int history_messages = 8;   // recent messages of the conversation in the prompt
  int memories = 6;           // memories retrieved into the prompt
  int max_proposals = 3;      // per reply
  int max_tokens = 400;       // per model reply
  double temperature = 0.7;
  // Model replies per player (a token bucket): beyond it, replies come from the built-in
  // engine with a notice. Protects a shared model server from one busy player.
  account::BucketConfig model_quota{10, 20};
  // Messages per player, whatever the engine: beyond it, "rate_limited" (429).
  account::BucketConfig message_limit{20, 60};
  MemoryConfig memory;
  // Characters' memory streams kept loaded; beyond, idle ones are dropped and reloaded from
  // the database when needed.
  size_t max_open_streams = 4096;
  CardLimits card;  // what an imported Character Card may carry (413 beyond)
};

class DialogueService {
 public:
  using User = account::User;
  using Json = boost::json::object;

  // llm: nullable (STARTALES_LLM=builtin). memory_store: nullable (memories in process only).
  // background: where work nobody awaits starts (recording events in the game master's
  // memory, storing a cast). vectors: where memory streams keep their index (nullable: in
  // this process). When a remote index fails, replies come without memories and with a
  // notice saying so. Everything borrowed outlives the service.
  DialogueService(campaign::CampaignAccess& campaigns, CharacterStore& characters,
                  WorkerPool& workers, llm::LlmBackend* llm, Embedder& embedder,
                  MemoryStore* memory_store, const Clock& clock,
                  boost::asio::any_io_executor background, DialogueConfig config = {},
                  VectorBackend* vectors = nullptr,
                  const account::RateLimiterFactory& limiters = {});  // empty: in process
  ~DialogueService();

  // The characters the caller may talk to, in id order.
  boost::asio::awaitable<Result<boost::json::array>> characters(const User& user, int64_t campaign);
  boost::asio::awaitable<Result<Json>> character(const User& user, int64_t campaign, int64_t id);
  // Character Card V2 of a character the caller may talk to.
  boost::asio::awaitable<Result<Json>> exportCard(const User& user, int64_t campaign, int64_t id);
  // Gives a character of the caller's own cabinet the persona of a card (name, personality,
  // style, goals, traits, voice); the seat (role, civilization) stays. Returns the character.
  boost::asio::awaitable<Result<Json>> importCard(const User& user, int64_t campaign, int64_t id,
                                                  boost::json::value card);  // by value: a coroutine
  // The caller's conversation with a character, oldest first: up to `limit` messages before
  // message id `before` (0: the newest).
  boost::asio::awaitable<Result<boost::json::array>> messages(const User& user, int64_t campaign,
                                                              int64_t id, int64_t before,
                                                              int limit);

  // Answers `text`. Each piece of the reply reaches on_delta in order as it is produced (on
  // any thread, never two at once; must not block). Returns the "done" payload:
  //   {"message": {...stored reply...}, "proposals": [...], "rejected_proposals": [...],
  //    "usage": {"engine", "prompt_tokens", "completion_tokens", "first_token_ms",
  //    "total_ms"}, "notice"?: "...", "error"?: {"code","message"}}
  boost::asio::awaitable<Result<Json>> talk(const User& user, int64_t campaign, int64_t id,
                                            std::string text, llm::DeltaFn on_delta,
                                            llm::CancelToken cancel);

  // The caller's proposals in a campaign, newest first ("" status: all).
  boost::asio::awaitable<Result<boost::json::array>> proposals(const User& user, int64_t campaign,
                                                               std::string status);
  // Approve: the command goes to the game like any player command (validated, logged,
  // acknowledged with its tick); if the game refuses it now, the proposal is "failed" with the
  // reason. Reject: nothing happens to the game. Errors: "not_found", "forbidden" (someone
  // else's), "invalid_state" (already decided).
  boost::asio::awaitable<Result<Json>> decide(const User& user, int64_t campaign, int64_t proposal,
                                              bool approve);

  // The game master's account of what happened since `since_tick` as the caller may know it
  // (public events and their own civilization's), most important first, in tick order.
  boost::asio::awaitable<Result<Json>> recap(const User& user, int64_t campaign,
                                             int32_t since_tick);

  // Advisors' remarks and the game master's narration after each tick (campaign/runtime.h).
  // Also records notable events in the game master's memory. Install on every runtime.
  std::shared_ptr<campaign::Commentator> commentator();

 private:
  class Commentary;
  struct Stream {  // a character's memory stream
    std::mutex mu;  // one call at a time (MemoryStream is not synchronised)
    std::unique_ptr<MemoryStream> memory;
  };
  struct Turn;    // one talk() in progress

  // The stored cast of a running campaign, generated and stored on first use.
  boost::asio::awaitable<Result<std::vector<Character>>> castOf(
      const campaign::CampaignAccess::Access& access, int64_t campaign);
  // The character `id` if the caller may talk to it, else "not_found"/"forbidden".
  boost::asio::awaitable<Result<Character>> reachable(const User& user, int64_t campaign,
                                                      int64_t id,
                                                      campaign::CampaignAccess::Access* access);
  // Blocking: the memory stream of a character, opened on first use.
  Result<std::shared_ptr<Stream>> stream(int64_t campaign, int64_t character);
  boost::asio::awaitable<void> generate(Turn& turn);
  boost::asio::awaitable<void> validateProposals(Turn& turn);
  void record(int64_t campaign, game::CivId civ, std::vector<game::Notice> notices);

  // const after construction
  campaign::CampaignAccess& campaigns_;
  CharacterStore& characters_;
  WorkerPool& workers_;
  llm::LlmBackend* llm_;
  Embedder& embedder_;
  MemoryStore* memory_store_;
  VectorBackend* vectors_;  // nullable
  const Clock& clock_;
  boost::asio::any_io_executor background_;
  const DialogueConfig config_;
  std::unique_ptr<account::RateLimiter> model_quota_;    // thread-safe; "user:<id>"
  std::unique_ptr<account::RateLimiter> message_limit_;  // thread-safe; "user:<id>"
  std::shared_ptr<Commentary> commentary_;

  std::mutex mu_;
  std::map<int64_t, std::vector<Character>> casts_;         // by campaign; guarded by mu_
  std::map<int64_t, std::shared_ptr<Stream>> streams_;      // by character; guarded by mu_
};

}  // namespace startales::ai
