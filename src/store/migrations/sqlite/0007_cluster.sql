-- Cluster mode tables and fencing; see the PostgreSQL migration of the same number for what
-- each column means. `startales api` runs on PostgreSQL only; SQLite has the same schema so
-- one storage suite covers both, and `serve` (epoch 0, no lease rows) passes every check.
CREATE TABLE campaign_leases (
  campaign_id INTEGER PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
  holder TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX campaign_leases_holder ON campaign_leases(holder);

CREATE TABLE cluster_nodes (
  name TEXT PRIMARY KEY,
  incarnation TEXT NOT NULL,
  address TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  campaigns INTEGER NOT NULL DEFAULT 0,
  players INTEGER NOT NULL DEFAULT 0,
  draining INTEGER NOT NULL DEFAULT 0
);

ALTER TABLE campaign_commands ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaign_commands ADD COLUMN client_id TEXT;
ALTER TABLE campaign_snapshots ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;

-- Fencing (SQLite serialises writers, so the check and the write cannot interleave with a
-- takeover). The message is what the store maps to "db_fenced".
CREATE TRIGGER campaign_commands_fence BEFORE INSERT ON campaign_commands
  WHEN COALESCE((SELECT epoch FROM campaign_leases WHERE campaign_id = NEW.campaign_id), 0) <> NEW.epoch
BEGIN
  SELECT RAISE(ABORT, 'stale lease epoch');
END;
CREATE TRIGGER campaign_snapshots_fence BEFORE INSERT ON campaign_snapshots
  WHEN COALESCE((SELECT epoch FROM campaign_leases WHERE campaign_id = NEW.campaign_id), 0) <> NEW.epoch
BEGIN
  SELECT RAISE(ABORT, 'stale lease epoch');
END;
