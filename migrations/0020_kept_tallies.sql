-- Every seminar's six counts kept as the rows change (issue #14: head office's dashboard compares
-- 20,000 seminars; reading every invitation, check-in and deal each time would take seconds).
-- The triggers only say what changed (a seminar's invitations or check-ins, a store's attendances
-- or deals); the counts themselves are computed in one place, src/conversion (kept.rs), from the
-- same definitions as ever, when the dashboard next reads them. ('all', 0) asks for everything
-- to be computed again: set here, so the first read after this migration fills the tables.

-- Per seminar: I, C, A from its invitations and check-ins; E, F and the closed deals as the sum of
-- the credits below.
CREATE TABLE tally_seminar (
    seminar_id INTEGER PRIMARY KEY,
    invited    INTEGER NOT NULL DEFAULT 0,
    confirmed  INTEGER NOT NULL DEFAULT 0,
    attended   INTEGER NOT NULL DEFAULT 0,
    event      INTEGER NOT NULL DEFAULT 0,
    followup   INTEGER NOT NULL DEFAULT 0,
    deals      INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A store's closed deals credited to a seminar it attended: how many, and whether one was at the
-- event or (none at the event) one in the follow-up window.
CREATE TABLE tally_credit (
    store_id   INTEGER NOT NULL,
    seminar_id INTEGER NOT NULL,
    deals      INTEGER NOT NULL,
    event      INTEGER NOT NULL,
    followup   INTEGER NOT NULL,
    PRIMARY KEY (store_id, seminar_id)
) STRICT;

-- What changed since the counts were last computed.
CREATE TABLE tally_dirty (
    kind TEXT NOT NULL CHECK (kind IN ('all', 'seminar', 'store')),
    id   INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT;
INSERT INTO tally_dirty (kind, id) VALUES ('all', 0);

CREATE TRIGGER tally_invitation_insert AFTER INSERT ON invitations BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('seminar', NEW.seminar_id);
END;
CREATE TRIGGER tally_invitation_status AFTER UPDATE OF status, walk_in ON invitations BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('seminar', NEW.seminar_id);
END;
CREATE TRIGGER tally_invitation_moved AFTER UPDATE OF seminar_id, store_id ON invitations BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id)
    VALUES ('seminar', OLD.seminar_id), ('seminar', NEW.seminar_id), ('store', OLD.store_id), ('store', NEW.store_id);
END;
CREATE TRIGGER tally_invitation_delete AFTER DELETE ON invitations BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('seminar', OLD.seminar_id), ('store', OLD.store_id);
END;

CREATE TRIGGER tally_checkin_insert AFTER INSERT ON checkins BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id)
    SELECT 'seminar', seminar_id FROM invitations WHERE id = NEW.invitation_id
    UNION ALL SELECT 'store', store_id FROM invitations WHERE id = NEW.invitation_id;
END;
CREATE TRIGGER tally_checkin_update AFTER UPDATE OF undone_at, invitation_id ON checkins BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id)
    SELECT 'seminar', seminar_id FROM invitations WHERE id IN (OLD.invitation_id, NEW.invitation_id)
    UNION ALL SELECT 'store', store_id FROM invitations WHERE id IN (OLD.invitation_id, NEW.invitation_id);
END;
CREATE TRIGGER tally_checkin_delete AFTER DELETE ON checkins BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id)
    SELECT 'seminar', seminar_id FROM invitations WHERE id = OLD.invitation_id
    UNION ALL SELECT 'store', store_id FROM invitations WHERE id = OLD.invitation_id;
END;

CREATE TRIGGER tally_deal_insert AFTER INSERT ON deals BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('store', NEW.store_id);
END;
CREATE TRIGGER tally_deal_update AFTER UPDATE ON deals BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('store', OLD.store_id), ('store', NEW.store_id);
END;
CREATE TRIGGER tally_deal_delete AFTER DELETE ON deals BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('store', OLD.store_id);
END;

-- A seminar's day, zone or window decides which deals it is credited: its stores are counted again.
CREATE TRIGGER tally_seminar_moved AFTER UPDATE OF date, timezone, attribution_days ON seminars BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) SELECT 'store', store_id FROM invitations WHERE seminar_id = NEW.id;
END;
CREATE TRIGGER tally_seminar_delete AFTER DELETE ON seminars BEGIN
    INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('seminar', OLD.id);
END;
