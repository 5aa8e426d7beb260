-- Head office on screen (issue #14):
-- - seminars.laptop: the laptop that runs a seminar, as head office says when the seminar is
--   pulled (NULL: this laptop's own). It stays on this laptop (it is not a change to send): head
--   office's dashboard filters by it.
-- - sync_sent: the fields this laptop's edits changed, kept after head office took them, so that a
--   later write of another laptop over one of them is seen when it is pulled (a conflict of kind
--   `overwritten`, with both values). Filled by a trigger as head office acknowledges a batch.
-- - sync_conflicts accepts that kind.

ALTER TABLE seminars ADD COLUMN laptop TEXT;
CREATE INDEX seminars_laptop ON seminars(laptop);

CREATE TABLE sync_conflicts_next (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('refused', 'not_applied', 'double_invitation', 'overwritten')),
    tbl         TEXT NOT NULL,
    gid         TEXT NOT NULL,
    reason      TEXT NOT NULL,                -- a code: not_your_seminar, head_office_only, overwritten, …
    detail      TEXT,                         -- JSON: the change as it was sent or received
    theirs      TEXT,                         -- JSON: head office's row when it refused, if readable
    resolved_at TEXT,
    resolution  TEXT                          -- use_theirs, retried, cancelled_mine, dismissed, gone, used_mine
) STRICT;
INSERT INTO sync_conflicts_next SELECT * FROM sync_conflicts;
DROP TABLE sync_conflicts;
ALTER TABLE sync_conflicts_next RENAME TO sync_conflicts;
CREATE INDEX sync_conflicts_open ON sync_conflicts(resolved_at, id);

CREATE TABLE sync_sent (
    tbl    TEXT NOT NULL,
    gid    TEXT NOT NULL,
    col    TEXT NOT NULL,
    value  TEXT,                              -- JSON: the value this laptop sent
    hlc    INTEGER NOT NULL,                  -- the clock of that change
    echoed INTEGER NOT NULL DEFAULT 0,        -- 1 once head office's log sent the change back
    PRIMARY KEY (tbl, gid, col)
) STRICT;

-- An edit head office took (its batch answered, not refused): its fields are kept. (Not named
-- sync_…: those are the capture triggers, dropped and installed again as a laptop joins.)
CREATE TRIGGER kept_sent_fields AFTER DELETE ON sync_outbox
WHEN OLD.batch IS NOT NULL AND OLD.op = 'upsert' AND OLD.changed IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM sync_conflicts k
                  WHERE k.kind = 'refused' AND k.tbl = OLD.tbl AND k.gid = OLD.gid AND k.resolved_at IS NULL)
BEGIN
    INSERT OR REPLACE INTO sync_sent (tbl, gid, col, value, hlc)
    SELECT OLD.tbl, OLD.gid, c.value, OLD.row -> c.value, OLD.hlc FROM json_each(OLD.changed) c;
END;

-- An erased person leaves nothing here either, whether erased here or on another laptop (the
-- erasure pulled): neither the values sent nor an overwrite of them.
CREATE TRIGGER kept_sent_erased AFTER UPDATE OF erased_at ON contacts
WHEN NEW.erased_at IS NOT NULL AND NEW.gid IS NOT NULL
BEGIN
    DELETE FROM sync_sent WHERE tbl = 'contacts' AND gid = NEW.gid;
    DELETE FROM sync_conflicts WHERE kind = 'overwritten' AND tbl = 'contacts' AND gid = NEW.gid;
END;
