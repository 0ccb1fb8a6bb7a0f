-- A logged command the game refused at the tick that applied it (the world changed after it
-- was accepted: credits spent, a fleet lost) keeps its refusal here: NULL while it waits or
-- once it applied, the game's sentence when it was refused. GET .../commands shows it.
ALTER TABLE campaign_commands ADD COLUMN refusal TEXT;
