-- Seating (issue 4): the room's stage, grouping rules, seat assignments and day-of re-seating.
-- A released migration is never edited: add a new file instead.

-- One row per seminar that has a seating plan: where the stage is, the assistants' rule and the seed.
CREATE TABLE seating_plans (
    seminar_id               INTEGER PRIMARY KEY REFERENCES seminars(id) ON DELETE CASCADE,
    stage_x                  REAL NOT NULL DEFAULT 490,
    stage_y                  REAL NOT NULL DEFAULT 40,
    max_tables_per_assistant INTEGER NOT NULL DEFAULT 1 CHECK (max_tables_per_assistant BETWEEN 1 AND 2),
    assign_assistants        INTEGER NOT NULL DEFAULT 1,
    seed                     INTEGER NOT NULL DEFAULT 1,
    doors_closed_at          TEXT               -- set when the organizer closes the doors (live phase)
) STRICT;

-- Grouping rules (客户分组), soft (weighted) or hard.
CREATE TABLE seating_rules (
    id          INTEGER PRIMARY KEY,
    seminar_id  INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('by_inviter', 'by_industry', 'by_district', 'by_level',
                    'key_near_stage', 'keep_store_together', 'keep_referrer_together',
                    'keep_apart_competitors', 'keep_together', 'keep_apart', 'assistant_seat',
                    'walk_in_reserve')),
    hard        INTEGER NOT NULL DEFAULT 0,
    weight      REAL NOT NULL DEFAULT 1 CHECK (weight >= 0 AND weight <= 100),
    contact_ids TEXT NOT NULL DEFAULT '[]',  -- JSON array: the guests of a hand-made together/apart rule
    seats       INTEGER NOT NULL DEFAULT 0 CHECK (seats >= 0)  -- walk-in reserve
) STRICT;
CREATE INDEX seating_rules_seminar ON seating_rules(seminar_id);

-- Where each guest (a contact named by an invitation) sits.
CREATE TABLE seat_assignments (
    seminar_id    INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
    invitation_id INTEGER NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    contact_id    INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    table_id      INTEGER NOT NULL REFERENCES venue_tables(id) ON DELETE CASCADE,
    seat          INTEGER NOT NULL CHECK (seat >= 1),
    locked        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (seminar_id, contact_id),
    UNIQUE (table_id, seat)
) STRICT;
CREATE INDEX seat_assignments_table ON seat_assignments(table_id);

-- The seat each table keeps for its assistant (among the guests, never the one nearest the back).
CREATE TABLE table_assistant_seats (
    table_id INTEGER PRIMARY KEY REFERENCES venue_tables(id) ON DELETE CASCADE,
    seat     INTEGER NOT NULL CHECK (seat >= 1)
) STRICT;

-- Day-of re-seating proposals after no-shows: the moves, accepted or rejected by the organizer.
CREATE TABLE reseat_proposals (
    id          INTEGER PRIMARY KEY,
    seminar_id  INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
    moves       TEXT NOT NULL,              -- JSON array of {contact_id, from_table_id, from_seat, table_id, seat}
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
    created_at  TEXT NOT NULL,
    decided_at  TEXT
) STRICT;
CREATE INDEX reseat_proposals_seminar ON reseat_proposals(seminar_id);
