-- The store-merge proposals at the end of a sync ask head office only about what was written since
-- the last check (issue #14, a seminar day's sync ≤ 2 s): this is where that check got to in head
-- office's log (the oldest transaction still running before that sync pulled, as text). None: the
-- next check asks about every pair (a laptop that just joined, or was restored from a backup).
ALTER TABLE sync_state ADD COLUMN pairs_xid TEXT;
