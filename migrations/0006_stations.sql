-- Issue 5: LAN stations (pairing, per-person tokens, roles) and check-in at the door.
-- A released migration is never edited: add a new file instead.

-- A station: one device acting for one staff member in one role, for one seminar.
-- Created by the organizer with a one-time pairing code (shown as a QR); the device that redeems
-- the code gets the bearer token, of which only the SHA-256 is kept.
CREATE TABLE stations (
    id                 INTEGER PRIMARY KEY,
    seminar_id         INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
    staff_id           INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    role               TEXT NOT NULL CHECK (role IN ('checkin', 'assistant', 'inviter', 'lecturer')),
    name               TEXT NOT NULL CHECK (length(trim(name)) > 0),
    device             TEXT NOT NULL DEFAULT '',  -- what the device said it is when it paired
    pairing_code       TEXT UNIQUE,               -- cleared once redeemed
    pairing_expires_at TEXT,
    token_sha256       TEXT UNIQUE,               -- set once paired
    created_at         TEXT NOT NULL,
    paired_at          TEXT,
    expires_at         TEXT NOT NULL,             -- the end of the seminar day unless renewed
    revoked_at         TEXT,
    last_seen_at       TEXT
) STRICT;
CREATE INDEX stations_seminar ON stations(seminar_id);

-- Check-ins by station; the station's own clock for scans made offline and synced later.
ALTER TABLE checkins ADD COLUMN station_id INTEGER REFERENCES stations(id) ON DELETE SET NULL;
ALTER TABLE checkins ADD COLUMN station_at TEXT;
ALTER TABLE checkins ADD COLUMN via TEXT NOT NULL DEFAULT 'scan'
    CHECK (via IN ('scan', 'camera', 'search', 'walk_in', 'offline', 'import'));
-- A ticket is checked in at most once at a time (an undone check-in may be redone).
CREATE UNIQUE INDEX checkins_one_per_ticket ON checkins(ticket_id)
    WHERE ticket_id IS NOT NULL AND undone_at IS NULL;

-- Every scan that reached the hub, by its nonce: a replayed upload gets the first answer again
-- and never checks anyone in twice.
CREATE TABLE checkin_scans (
    nonce       TEXT PRIMARY KEY,
    seminar_id  INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
    station_id  INTEGER REFERENCES stations(id) ON DELETE SET NULL,
    outcome     TEXT NOT NULL,
    checkin_id  INTEGER REFERENCES checkins(id) ON DELETE SET NULL,
    ticket_id   INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
    received_at TEXT NOT NULL,
    station_at  TEXT
) STRICT;

-- Two stations checked in the same guest while apart: the first to reach the hub won; the other
-- is kept here, with its station's time, for the organizer to see.
CREATE TABLE checkin_duplicates (
    id          INTEGER PRIMARY KEY,
    seminar_id  INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    checkin_id  INTEGER NOT NULL REFERENCES checkins(id) ON DELETE CASCADE,  -- the one that won
    station     TEXT NOT NULL,
    station_at  TEXT,
    received_at TEXT NOT NULL
) STRICT;
CREATE INDEX checkin_duplicates_seminar ON checkin_duplicates(seminar_id);
