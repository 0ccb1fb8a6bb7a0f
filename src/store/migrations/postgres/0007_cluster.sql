-- Cluster mode (startales api): which node simulates each running campaign, and fencing.
-- Times in these tables are milliseconds since the Unix epoch read from the DATABASE's clock
-- (never a node's), so nodes whose clocks disagree still agree on who holds a lease.

-- The lease on a running campaign: only its holder simulates it and writes its log. Taking a
-- lease (first time, after it expired or was released) increments `epoch`. A released lease
-- keeps its row and epoch (expires_at = 0), so epochs only ever grow.
CREATE TABLE campaign_leases (
  campaign_id BIGINT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
  holder TEXT NOT NULL,          -- the node's name
  epoch BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX campaign_leases_holder ON campaign_leases(holder);

-- The cluster's nodes and their load, refreshed by each node's heartbeat. A node whose
-- heartbeat is older than the liveness window is not placed campaigns.
CREATE TABLE cluster_nodes (
  name TEXT PRIMARY KEY,
  incarnation TEXT NOT NULL,     -- random per process start: two live processes cannot share a name
  address TEXT NOT NULL,         -- host:port operators reach it on (informational)
  started_at BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL,
  campaigns INTEGER NOT NULL DEFAULT 0,
  players INTEGER NOT NULL DEFAULT 0,
  draining INTEGER NOT NULL DEFAULT 0
);

-- Every log record and snapshot carries the epoch of the lease its writer held (0: written by
-- `startales serve`, which holds no leases). client_id: the client's command id, so a retry of
-- the same command returns its first outcome.
ALTER TABLE campaign_commands ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE campaign_commands ADD COLUMN client_id TEXT;
ALTER TABLE campaign_snapshots ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;

-- Fencing: a statement inserting records or snapshots whose epoch is not the campaign's
-- current one (0 when it has no lease row) fails with SQLSTATE SF001, so a paused or
-- partitioned former owner can never write after a takeover. The lease rows are locked FOR
-- SHARE until the writer's transaction ends, so a takeover (an UPDATE of the row) cannot
-- commit between this check and the write's commit.
CREATE FUNCTION startales_fence_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  stale RECORD;
BEGIN
  PERFORM 1 FROM campaign_leases
   WHERE campaign_id IN (SELECT campaign_id FROM new_rows) FOR SHARE;
  SELECT n.campaign_id, n.epoch AS writer, COALESCE(l.epoch, 0) AS current INTO stale
    FROM new_rows n LEFT JOIN campaign_leases l ON l.campaign_id = n.campaign_id
   WHERE COALESCE(l.epoch, 0) <> n.epoch
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'stale lease epoch % for campaign % (current epoch %)',
      stale.writer, stale.campaign_id, stale.current USING ERRCODE = 'SF001';
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER campaign_commands_fence AFTER INSERT ON campaign_commands
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION startales_fence_epoch();
CREATE TRIGGER campaign_snapshots_fence AFTER INSERT ON campaign_snapshots
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION startales_fence_epoch();
