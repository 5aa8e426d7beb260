-- Staff a city laptop added, proposed to head office (issue #14, item 5): on a head-office laptop,
-- sync_conflicts accepts the kind `new_staff`, a staff member for a person to approve, merge into
-- one head office has, or retire. The table is rebuilt as in 0017; the two triggers that name it are
-- dropped first and made again as they were (SQLite checks them when a table is renamed).
--
-- On a city laptop, sync_new_staff holds the staff added here once the laptop had joined (a row of
-- `staff` captured whole while capturing: the join's own snapshot is written with capture off), for
-- the next sync to propose to head office once their rows are pushed.

DROP TRIGGER kept_sent_fields;
DROP TRIGGER kept_sent_erased;

CREATE TABLE sync_conflicts_next (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('refused', 'not_applied', 'double_invitation', 'overwritten',
                                              'store_merge', 'new_staff')),
    tbl         TEXT NOT NULL,
    gid         TEXT NOT NULL,
    reason      TEXT NOT NULL,                -- a code: not_your_seminar, head_office_only, overwritten, same_mobile,
                                              -- added_on_laptop, …
    detail      TEXT,                         -- JSON: the change as it was sent or received; a store of a pair
    theirs      TEXT,                         -- JSON: head office's row when it refused, if readable; the other store
    resolved_at TEXT,
    resolution  TEXT                          -- use_theirs, retried, cancelled_mine, dismissed, gone, used_mine,
                                              -- kept_apart, merged, approved, retired
) STRICT;
INSERT INTO sync_conflicts_next SELECT * FROM sync_conflicts;
DROP TABLE sync_conflicts;
ALTER TABLE sync_conflicts_next RENAME TO sync_conflicts;
CREATE INDEX sync_conflicts_open ON sync_conflicts(resolved_at, id);

CREATE TRIGGER kept_sent_fields AFTER DELETE ON sync_outbox
WHEN OLD.batch IS NOT NULL AND OLD.op = 'upsert' AND OLD.changed IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM sync_conflicts k
                  WHERE k.kind = 'refused' AND k.tbl = OLD.tbl AND k.gid = OLD.gid AND k.resolved_at IS NULL)
BEGIN
    INSERT OR REPLACE INTO sync_sent (tbl, gid, col, value, hlc)
    SELECT OLD.tbl, OLD.gid, c.value, OLD.row -> c.value, OLD.hlc FROM json_each(OLD.changed) c;
END;

CREATE TRIGGER kept_sent_erased AFTER UPDATE OF erased_at ON contacts
WHEN NEW.erased_at IS NOT NULL AND NEW.gid IS NOT NULL
BEGIN
    DELETE FROM sync_sent WHERE tbl = 'contacts' AND gid = NEW.gid;
    DELETE FROM sync_conflicts WHERE kind = 'overwritten' AND tbl = 'contacts' AND gid = NEW.gid;
END;

CREATE TABLE sync_new_staff (
    gid TEXT PRIMARY KEY
) STRICT;

CREATE TRIGGER new_staff_proposed AFTER INSERT ON sync_outbox
WHEN NEW.tbl = 'staff' AND NEW.op = 'upsert' AND NEW.changed IS NULL
 AND (SELECT capturing FROM sync_state) = 1
BEGIN
    INSERT OR IGNORE INTO sync_new_staff (gid) VALUES (NEW.gid);
END;
