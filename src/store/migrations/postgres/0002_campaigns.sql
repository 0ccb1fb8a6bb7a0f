-- Campaigns: the lobby record, who plays which civilization, the durable command log and
-- state snapshots. Times are milliseconds since the Unix epoch.
CREATE TABLE campaigns (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  mode TEXT NOT NULL,            -- coop | conquest
  visibility TEXT NOT NULL,      -- public | private
  invite_code TEXT,              -- private campaigns only
  host_user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  status TEXT NOT NULL,          -- lobby | running | paused | finished
  systems INTEGER NOT NULL,
  ai_empires INTEGER NOT NULL,
  max_players INTEGER NOT NULL,
  tick_ms INTEGER NOT NULL,
  seed BIGINT NOT NULL,
  tick INTEGER NOT NULL DEFAULT 0,  -- last tick written by a snapshot
  created_at BIGINT NOT NULL,
  started_at BIGINT
);
CREATE INDEX campaigns_status ON campaigns(status);

CREATE TABLE campaign_members (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL,            -- player | observer
  civ_name TEXT NOT NULL,
  color TEXT NOT NULL,
  civ INTEGER,                   -- civilization id once the campaign started
  ready INTEGER NOT NULL DEFAULT 0,
  joined_at BIGINT NOT NULL,
  PRIMARY KEY (campaign_id, user_id)
);
CREATE INDEX campaign_members_user ON campaign_members(user_id);

-- Every accepted player command, committed before it is acknowledged. Replaying the log
-- from a snapshot reproduces the campaign exactly.
CREATE TABLE campaign_commands (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,           -- the game's command sequence number
  tick INTEGER NOT NULL,         -- the tick that applies it
  user_id BIGINT NOT NULL,
  civ INTEGER NOT NULL,
  command TEXT NOT NULL,         -- JSON
  created_at BIGINT NOT NULL,
  PRIMARY KEY (campaign_id, seq)
);
CREATE INDEX campaign_commands_user ON campaign_commands(campaign_id, user_id, seq);

CREATE TABLE campaign_snapshots (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  tick INTEGER NOT NULL,
  state_hash TEXT NOT NULL,      -- 16 hex digits
  data TEXT NOT NULL,            -- base64 of the game's binary snapshot
  created_at BIGINT NOT NULL,
  PRIMARY KEY (campaign_id, tick)
);
