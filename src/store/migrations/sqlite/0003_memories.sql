-- AI characters' memory streams (src/ai/memory.h). One row per memory; the in-memory index
-- (exact and hnswlib) is rebuilt from these rows when a character's stream is loaded.
-- Times are milliseconds since the Unix epoch; ticks are game ticks.
CREATE TABLE character_memories (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  character_id BIGINT NOT NULL,  -- the character whose memory this is
  scope TEXT NOT NULL,           -- campaign | player:<user_id> (private to that player)
  kind TEXT NOT NULL,            -- observation | reflection
  text TEXT NOT NULL,
  tick INTEGER NOT NULL,         -- game tick the memory was formed at
  importance INTEGER NOT NULL CHECK (importance BETWEEN 1 AND 10),
  embedding TEXT NOT NULL,       -- base64 of dim float32 values, little-endian
  dim INTEGER NOT NULL,          -- the embedder's dimension when it was stored
  created_at BIGINT NOT NULL
);
CREATE INDEX character_memories_character ON character_memories(character_id);
