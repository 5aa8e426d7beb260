-- A laptop's first pull reads head office's rows as they stand, table by table, instead of
-- replaying the whole log (issue #14: a five-year organisation in at most 10 minutes), then pulls
-- the log from the picture's horizon. While it reads: the horizon (as text, an xid8 of head
-- office's), and the table and gid of the last row applied, so a pull stopped anywhere goes on
-- from there. All three are NULL when no first pull is under way.
ALTER TABLE sync_state ADD COLUMN picture_xid TEXT;
ALTER TABLE sync_state ADD COLUMN picture_tbl TEXT;
ALTER TABLE sync_state ADD COLUMN picture_gid TEXT;

-- The indexes a first pull put off while it fills a table that was empty here (each row would
-- land in a random place of every index; built once the table is read, they are sorted instead),
-- with the statement that builds each again. Written and dropped in the same transaction.
CREATE TABLE sync_put_off_indexes (
    name TEXT PRIMARY KEY,
    tbl  TEXT NOT NULL,
    sql  TEXT NOT NULL
) STRICT;

-- The kept counts (0020): while everything is to be counted again ('all'), a change need not
-- say what it touched. A first pull's picture asks for that as it begins, so the millions of rows
-- it writes do not each note their seminar and store.
CREATE TRIGGER tally_all_after_a_picture AFTER UPDATE OF picture_xid ON sync_state
WHEN OLD.picture_xid IS NULL AND NEW.picture_xid IS NOT NULL BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('all', 0);
END;

DROP TRIGGER tally_invitation_insert;
CREATE TRIGGER tally_invitation_insert AFTER INSERT ON invitations
WHEN NOT EXISTS (SELECT 1 FROM tally_dirty WHERE kind = 'all') BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('seminar', NEW.seminar_id);
END;

DROP TRIGGER tally_invitation_status;
CREATE TRIGGER tally_invitation_status AFTER UPDATE OF status, walk_in ON invitations
WHEN NOT EXISTS (SELECT 1 FROM tally_dirty WHERE kind = 'all') BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('seminar', NEW.seminar_id);
END;

DROP TRIGGER tally_invitation_moved;
CREATE TRIGGER tally_invitation_moved AFTER UPDATE OF seminar_id, store_id ON invitations
WHEN NOT EXISTS (SELECT 1 FROM tally_dirty WHERE kind = 'all') BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id)
    VALUES ('seminar', OLD.seminar_id), ('seminar', NEW.seminar_id), ('store', OLD.store_id), ('store', NEW.store_id);
END;

DROP TRIGGER tally_invitation_delete;
CREATE TRIGGER tally_invitation_delete AFTER DELETE ON invitations
WHEN NOT EXISTS (SELECT 1 FROM tally_dirty WHERE kind = 'all') BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('seminar', OLD.seminar_id), ('store', OLD.store_id);
END;

DROP TRIGGER tally_checkin_insert;
CREATE TRIGGER tally_checkin_insert AFTER INSERT ON checkins
WHEN NOT EXISTS (SELECT 1 FROM tally_dirty WHERE kind = 'all') BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id)
    SELECT 'seminar', seminar_id FROM invitations WHERE id = NEW.invitation_id
    UNION ALL SELECT 'store', store_id FROM invitations WHERE id = NEW.invitation_id;
END;

DROP TRIGGER tally_checkin_update;
CREATE TRIGGER tally_checkin_update AFTER UPDATE OF undone_at, invitation_id ON checkins
WHEN NOT EXISTS (SELECT 1 FROM tally_dirty WHERE kind = 'all') BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id)
    SELECT 'seminar', seminar_id FROM invitations WHERE id IN (OLD.invitation_id, NEW.invitation_id)
    UNION ALL SELECT 'store', store_id FROM invitations WHERE id IN (OLD.invitation_id, NEW.invitation_id);
END;

DROP TRIGGER tally_checkin_delete;
CREATE TRIGGER tally_checkin_delete AFTER DELETE ON checkins
WHEN NOT EXISTS (SELECT 1 FROM tally_dirty WHERE kind = 'all') BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id)
    SELECT 'seminar', seminar_id FROM invitations WHERE id = OLD.invitation_id
    UNION ALL SELECT 'store', store_id FROM invitations WHERE id = OLD.invitation_id;
END;

DROP TRIGGER tally_deal_insert;
CREATE TRIGGER tally_deal_insert AFTER INSERT ON deals
WHEN NOT EXISTS (SELECT 1 FROM tally_dirty WHERE kind = 'all') BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('store', NEW.store_id);
END;

DROP TRIGGER tally_deal_update;
CREATE TRIGGER tally_deal_update AFTER UPDATE ON deals
WHEN NOT EXISTS (SELECT 1 FROM tally_dirty WHERE kind = 'all') BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('store', OLD.store_id), ('store', NEW.store_id);
END;

DROP TRIGGER tally_deal_delete;
CREATE TRIGGER tally_deal_delete AFTER DELETE ON deals
WHEN NOT EXISTS (SELECT 1 FROM tally_dirty WHERE kind = 'all') BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('store', OLD.store_id);
END;

DROP TRIGGER tally_seminar_moved;
CREATE TRIGGER tally_seminar_moved AFTER UPDATE OF date, timezone, attribution_days ON seminars
WHEN NOT EXISTS (SELECT 1 FROM tally_dirty WHERE kind = 'all') BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) SELECT 'store', store_id FROM invitations WHERE seminar_id = NEW.id;
END;

DROP TRIGGER tally_seminar_delete;
CREATE TRIGGER tally_seminar_delete AFTER DELETE ON seminars
WHEN NOT EXISTS (SELECT 1 FROM tally_dirty WHERE kind = 'all') BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('seminar', OLD.id);
END;
