-- The clash check at the end of a sync asks head office only about the invitations written since
-- the last check (issue #14, item 7): this is where that check got to in head office's log (the
-- oldest transaction still running then, as text). None: the next check asks about every
-- invitation (a laptop that just joined, or was restored from a backup).
ALTER TABLE sync_state ADD COLUMN clashes_xid TEXT;
