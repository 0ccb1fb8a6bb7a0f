-- AI characters (src/ai/character_store.h): the cast of each campaign, what players and
-- characters said to each other, and the game commands characters proposed. Times are
-- milliseconds since the Unix epoch; ticks are game ticks.
CREATE TABLE characters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  civ INTEGER NOT NULL,   -- the civilization served or led; -1 for the game master
  role TEXT NOT NULL,     -- treasury | defense | ... | leader | game_master
  card TEXT NOT NULL,     -- Character Card V2 JSON (persona, traits, voice)
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (campaign_id, civ, role)
);
CREATE TABLE character_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  character_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,  -- the player of the conversation
  speaker TEXT NOT NULL,    -- player | character
  text TEXT NOT NULL,
  tick INTEGER NOT NULL,
  engine TEXT NOT NULL,     -- builtin | ollama | openai ('' for the player's lines)
  notice TEXT NOT NULL,     -- fallback or interruption notice shown with the reply; '' if none
  created_at BIGINT NOT NULL
);
CREATE INDEX character_messages_conversation ON character_messages(character_id, user_id, id);
CREATE TABLE character_proposals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  character_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,   -- the player it was proposed to; only they decide
  message_id BIGINT NOT NULL,
  command TEXT NOT NULL,     -- the game command as JSON (docs/protocol.md)
  reason TEXT NOT NULL,
  status TEXT NOT NULL,      -- pending | approved | rejected | failed
  result TEXT NOT NULL,      -- approved: {"seq","tick"}; failed: the error; else ''
  created_at BIGINT NOT NULL,
  decided_at BIGINT NOT NULL  -- 0 while pending
);
CREATE INDEX character_proposals_user ON character_proposals(campaign_id, user_id, id);
