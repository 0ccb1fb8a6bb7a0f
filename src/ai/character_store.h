#pragma once

// Characters, conversations and proposals in the database (migration 0004): the cast of each
// campaign as Character Card V2 JSON, every line a player and a character said to each other,
// and the game commands characters proposed with what the player decided.
//
// Blocking: call from a worker pool, never from a network thread or a campaign strand.
// Thread-safe (the Database is).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ai/character.h"
#include "common/clock.h"
#include "common/result.h"

namespace startales::store {
class Database;
}

namespace startales::ai {

struct StoredMessage {
  int64_t id = 0;
  int64_t campaign_id = 0;
  int64_t character_id = 0;
  int64_t user_id = 0;
  std::string speaker;  // "player" | "character"
  std::string text;
  int32_t tick = 0;
  std::string engine;  // "builtin" | "ollama" | "openai"; "" for the player's lines
  std::string notice;  // a fallback or interruption notice shown with the reply
  int64_t created_at_ms = 0;
};

struct StoredProposal {
  int64_t id = 0;
  int64_t campaign_id = 0;
  int64_t character_id = 0;
  int64_t user_id = 0;
  int64_t message_id = 0;
  std::string command;  // the command JSON (campaign/command_codec.h)
  std::string reason;
  std::string status = "pending";  // pending | approved | rejected | failed
  std::string result;              // approved: {"seq","tick"} JSON; failed: the error sentence
  int64_t created_at_ms = 0;
  int64_t decided_at_ms = 0;
};

class CharacterStore {
 public:
  // db and clock outlive the store.
  CharacterStore(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Stores the characters of `cast` whose (civ, role) seat is still empty (a campaign's cast is
  // generated once; imported personas are kept), then returns the whole stored cast in id
  // order with ids set.
  Result<std::vector<Character>> ensureCast(int64_t campaign_id,
                                            const std::vector<Character>& cast);
  Result<std::vector<Character>> cast(int64_t campaign_id);
  // Error "not_found" when there is no such character in that campaign.
  Result<Character> get(int64_t campaign_id, int64_t character_id);
  // Replaces the persona (name, personality, style, goals, traits, voice) of a stored
  // character; its seat (campaign, civ, role) and id stay.
  Result<void> replacePersona(const Character& character);

  Result<int64_t> addMessage(const StoredMessage& message);
  // One player's conversation with a character: up to `limit` messages with id < before
  // (0: the newest), oldest first.
  Result<std::vector<StoredMessage>> messages(int64_t character_id, int64_t user_id,
                                              int64_t before, int limit);

  Result<int64_t> addProposal(const StoredProposal& proposal);
  // Error "not_found" when there is no such proposal in that campaign.
  Result<StoredProposal> proposal(int64_t campaign_id, int64_t proposal_id);
  // Moves a proposal from status `from` to `to`; false when it was not in `from` any more
  // (decided by a concurrent call).
  Result<bool> decide(int64_t proposal_id, const std::string& from, const std::string& to,
                      const std::string& result);
  // One player's proposals in a campaign, newest first; status "" for all.
  Result<std::vector<StoredProposal>> proposals(int64_t campaign_id, int64_t user_id,
                                                const std::string& status, int limit);

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace startales::ai
