#include "ai/character_store.h"

#include <boost/json.hpp>
#include <algorithm>

#include "store/database.h"

namespace startales::ai {

namespace json = boost::json;

namespace {

// The columns are the truth for the seat; the card for the persona.
Result<Character> fromRow(const store::Row& row) {
  // id, campaign_id, civ, role, card
  json::value card;
  try {
    card = json::parse(row.getText(4));
  } catch (const std::exception&) {
    return makeError("db_error", "stored card of character " + std::to_string(row.getInt(0)) +
                                     " is not JSON");
  }
  auto c = fromCardV2(card);
  if (!c) return c.error();
  c->id = row.getInt(0);
  c->campaign_id = row.getInt(1);
  c->civ = static_cast<game::CivId>(row.getInt(2));
  if (!parseRole(row.getText(3), c->role)) {
    return makeError("db_error", "stored role of character " + std::to_string(c->id) +
                                     " is unknown: " + row.getText(3));
  }
  return c;
}

constexpr const char* kCharacterColumns = "SELECT id, campaign_id, civ, role, card FROM characters ";

StoredMessage messageFromRow(const store::Row& r) {
  return {r.getInt(0),  r.getInt(1),  r.getInt(2), r.getInt(3),
          r.getText(4), r.getText(5), static_cast<int32_t>(r.getInt(6)),
          r.getText(7), r.getText(8), r.getInt(9)};
}

StoredProposal proposalFromRow(const store::Row& r) {
  return {r.getInt(0),  r.getInt(1),  r.getInt(2),  r.getInt(3),  r.getInt(4), r.getText(5),
          r.getText(6), r.getText(7), r.getText(8), r.getInt(9), r.getInt(10)};
}

constexpr const char* kProposalColumns =
    "SELECT id, campaign_id, character_id, user_id, message_id, command, reason, status, "
    "result, created_at, decided_at FROM character_proposals ";

}  // namespace

Result<std::vector<Character>> CharacterStore::ensureCast(int64_t campaign_id,
                                                          const std::vector<Character>& cast) {
  const int64_t now = clock_.nowMs();
  auto done = db_.transaction([&](store::Connection& conn) -> Result<void> {
    for (const auto& c : cast) {
      auto r = conn.query(
          "INSERT INTO characters (campaign_id, civ, role, card, created_at, updated_at) "
          "VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (campaign_id, civ, role) DO NOTHING",
          {campaign_id, int64_t{c.civ}, std::string(roleName(c.role)),
           json::serialize(toCardV2(c)), now});
      if (!r) return r.error();
    }
    return {};
  });
  if (!done) return done.error();
  return this->cast(campaign_id);
}

Result<std::vector<Character>> CharacterStore::cast(int64_t campaign_id) {
  auto r = db_.query(std::string(kCharacterColumns) + "WHERE campaign_id = $1 ORDER BY id",
                     {campaign_id});
  if (!r) return r.error();
  std::vector<Character> out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) {
    auto c = fromRow(row);
    if (!c) return c.error();
    out.push_back(std::move(*c));
  }
  return out;
}

Result<Character> CharacterStore::get(int64_t campaign_id, int64_t character_id) {
  auto r = db_.query(std::string(kCharacterColumns) + "WHERE campaign_id = $1 AND id = $2",
                     {campaign_id, character_id});
  if (!r) return r.error();
  if (r->empty()) {
    return makeError("not_found", "There is no character " + std::to_string(character_id) +
                                      " in this campaign.");
  }
  return fromRow(r->rows.front());
}

Result<void> CharacterStore::replacePersona(const Character& c) {
  auto r = db_.query("UPDATE characters SET card = $1, updated_at = $2 WHERE id = $3",
                     {json::serialize(toCardV2(c)), clock_.nowMs(), c.id});
  if (!r) return r.error();
  if (r->affected == 0) return makeError("not_found", "That character no longer exists.");
  return {};
}

Result<int64_t> CharacterStore::addMessage(const StoredMessage& m) {
  auto r = db_.query(
      "INSERT INTO character_messages (campaign_id, character_id, user_id, speaker, text, tick, "
      "engine, notice, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
      {m.campaign_id, m.character_id, m.user_id, m.speaker, m.text, int64_t{m.tick}, m.engine,
       m.notice, m.created_at_ms ? m.created_at_ms : clock_.nowMs()});
  if (!r) return r.error();
  return r->rows.front().getInt(0);
}

Result<std::vector<StoredMessage>> CharacterStore::messages(int64_t character_id, int64_t user_id,
                                                            int64_t before, int limit) {
  auto r = db_.query(
      "SELECT id, campaign_id, character_id, user_id, speaker, text, tick, engine, notice, "
      "created_at FROM character_messages WHERE character_id = $1 AND user_id = $2 AND id < $3 "
      "ORDER BY id DESC LIMIT $4",
      {character_id, user_id, before > 0 ? before : INT64_MAX, int64_t{limit}});
  if (!r) return r.error();
  std::vector<StoredMessage> out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) out.push_back(messageFromRow(row));
  std::reverse(out.begin(), out.end());
  return out;
}

Result<int64_t> CharacterStore::addProposal(const StoredProposal& p) {
  auto r = db_.query(
      "INSERT INTO character_proposals (campaign_id, character_id, user_id, message_id, command, "
      "reason, status, result, created_at, decided_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, 'pending', '', $7, 0) RETURNING id",
      {p.campaign_id, p.character_id, p.user_id, p.message_id, p.command, p.reason,
       clock_.nowMs()});
  if (!r) return r.error();
  return r->rows.front().getInt(0);
}

Result<StoredProposal> CharacterStore::proposal(int64_t campaign_id, int64_t proposal_id) {
  auto r = db_.query(std::string(kProposalColumns) + "WHERE campaign_id = $1 AND id = $2",
                     {campaign_id, proposal_id});
  if (!r) return r.error();
  if (r->empty()) {
    return makeError("not_found", "There is no proposal " + std::to_string(proposal_id) +
                                      " in this campaign.");
  }
  return proposalFromRow(r->rows.front());
}

Result<bool> CharacterStore::decide(int64_t proposal_id, const std::string& from,
                                    const std::string& to, const std::string& result) {
  auto r = db_.query(
      "UPDATE character_proposals SET status = $1, result = $2, decided_at = $3 "
      "WHERE id = $4 AND status = $5",
      {to, result, clock_.nowMs(), proposal_id, from});
  if (!r) return r.error();
  return r->affected == 1;
}

Result<std::vector<StoredProposal>> CharacterStore::proposals(int64_t campaign_id, int64_t user_id,
                                                              const std::string& status,
                                                              int limit) {
  auto r = db_.query(std::string(kProposalColumns) +
                         "WHERE campaign_id = $1 AND user_id = $2 AND ($3 = '' OR status = $3) "
                         "ORDER BY id DESC LIMIT $4",
                     {campaign_id, user_id, status, int64_t{limit}});
  if (!r) return r.error();
  std::vector<StoredProposal> out;
  for (const auto& row : r->rows) out.push_back(proposalFromRow(row));
  return out;
}

}  // namespace startales::ai
