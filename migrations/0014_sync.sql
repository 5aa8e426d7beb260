-- The laptop's side of head office sync (issue #14), beyond the outbox of 0011:
-- - sync_conflicts: what the sync could not settle by itself, kept until a person resolves it
--   (a change head office refused, a pulled row that could not be applied here, a store another
--   laptop invited to a seminar whose attribution window overlaps one of this laptop's);
-- - sync_waiting: pulled rows whose references have not arrived yet, applied once they have.

CREATE TABLE sync_conflicts (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('refused', 'not_applied', 'double_invitation')),
    tbl         TEXT NOT NULL,
    gid         TEXT NOT NULL,
    reason      TEXT NOT NULL,                -- a code: not_your_seminar, head_office_only, …
    detail      TEXT,                         -- JSON: the change as it was sent or received
    theirs      TEXT,                         -- JSON: head office's row when it refused, if readable
    resolved_at TEXT,
    resolution  TEXT                          -- use_theirs, retried, cancelled_mine, dismissed, gone
) STRICT;
CREATE INDEX sync_conflicts_open ON sync_conflicts(resolved_at, id);

CREATE TABLE sync_waiting (
    tbl     TEXT NOT NULL,
    gid     TEXT NOT NULL,
    hlc     INTEGER NOT NULL,
    data    TEXT,                             -- JSON: the row as head office holds it
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tbl, gid)
) STRICT;
