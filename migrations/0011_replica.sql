-- Organisation-wide ids and the outbox (head office sync, issue #14). Each replicated row gets a gid
-- (a UUIDv7, given when the laptop joins an organisation, and by the capture triggers afterwards) beside its
-- local integer id, which never leaves the laptop. The triggers themselves are installed on joining
-- (src/replica/capture.rs): an unjoined laptop carries none and its outbox stays empty.

ALTER TABLE staff ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX staff_gid ON staff(gid);
ALTER TABLE stores ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX stores_gid ON stores(gid);
ALTER TABLE contacts ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX contacts_gid ON contacts(gid);
ALTER TABLE contact_stores ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX contact_stores_gid ON contact_stores(gid);
ALTER TABLE seminars ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX seminars_gid ON seminars(gid);
ALTER TABLE invitations ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX invitations_gid ON invitations(gid);
ALTER TABLE invitation_guests ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX invitation_guests_gid ON invitation_guests(gid);
ALTER TABLE venue_tables ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX venue_tables_gid ON venue_tables(gid);
ALTER TABLE products ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX products_gid ON products(gid);
ALTER TABLE price_tiers ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX price_tiers_gid ON price_tiers(gid);
ALTER TABLE tickets ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX tickets_gid ON tickets(gid);
ALTER TABLE checkins ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX checkins_gid ON checkins(gid);
ALTER TABLE deals ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX deals_gid ON deals(gid);
ALTER TABLE deal_changes ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX deal_changes_gid ON deal_changes(gid);
ALTER TABLE followups ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX followups_gid ON followups(gid);
ALTER TABLE cadences ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX cadences_gid ON cadences(gid);
ALTER TABLE touches ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX touches_gid ON touches(gid);
ALTER TABLE seating_plans ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX seating_plans_gid ON seating_plans(gid);
ALTER TABLE seating_rules ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX seating_rules_gid ON seating_rules(gid);
ALTER TABLE seat_assignments ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX seat_assignments_gid ON seat_assignments(gid);
ALTER TABLE table_assistant_seats ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX table_assistant_seats_gid ON table_assistant_seats(gid);
ALTER TABLE scripts ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX scripts_gid ON scripts(gid);
ALTER TABLE stage_log ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX stage_log_gid ON stage_log(gid);
ALTER TABLE checklist_templates ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX checklist_templates_gid ON checklist_templates(gid);
ALTER TABLE checklist_items ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX checklist_items_gid ON checklist_items(gid);

-- The laptop's place in the organisation: one row.
CREATE TABLE sync_state (
    one          INTEGER PRIMARY KEY CHECK (one = 1),
    organisation TEXT,                        -- the organisation's id, once joined
    laptop       TEXT,                        -- this laptop's name in the organisation
    joined_at    TEXT,
    capturing    INTEGER NOT NULL DEFAULT 0,  -- 1 while joined, 0 while pulled rows are applied
    hlc          INTEGER NOT NULL DEFAULT 0,  -- hybrid logical clock: ms << 16 | counter
    pulled_xid   TEXT NOT NULL DEFAULT '0',   -- the pull position in PostgreSQL's change log
    pulled_pos   INTEGER NOT NULL DEFAULT 0,
    last_sync_at TEXT,
    last_error   TEXT
) STRICT;
INSERT INTO sync_state (one) VALUES (1);

-- Changes waiting to be pushed, written by the capture triggers in the same transaction as the change.
-- `batch` is stamped before a push is sent, so a retry re-sends the same batch.
CREATE TABLE sync_outbox (
    seq     INTEGER PRIMARY KEY,
    tbl     TEXT NOT NULL,
    gid     TEXT NOT NULL,
    op      TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    hlc     INTEGER NOT NULL,
    row     TEXT,                            -- JSON: the row's columns, references as gids
    changed TEXT,                            -- JSON array of the columns an update changed (NULL: all)
    seminar TEXT,                            -- the gid of the seminar the row is under, if any
    city    TEXT,                            -- a shared row's city
    batch   TEXT
) STRICT;
CREATE INDEX sync_outbox_batch ON sync_outbox(batch);
