-- Issue 3: the pre-event invitation sequence. Imports, referral commissions, cadences and touches.

-- Where a store came from (来源 in an imported list) and the commission its referrer (介绍人) earns
-- on it, in basis points (1% = 100), kept with the referral for the closing issue's reports.
ALTER TABLE stores ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN referral_commission_bp INTEGER NOT NULL DEFAULT 0
    CHECK (referral_commission_bp BETWEEN 0 AND 10000);

-- A cadence: the touches of an invitation relative to the seminar's date. One per seminar
-- (seminar_id set) or a saved template (seminar_id NULL, named). `steps` is a JSON array of
-- {offset_days, kind, channel, message, until_confirmed, with_ticket}.
CREATE TABLE cadences (
    id         INTEGER PRIMARY KEY,
    seminar_id INTEGER UNIQUE REFERENCES seminars(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    steps      TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX cadences_template_name ON cadences(name) WHERE seminar_id IS NULL;

-- One touch of an invitation: due on a venue-local date, through a channel, with an outcome.
CREATE TABLE touches (
    id            INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    step          INTEGER NOT NULL,           -- index in the seminar's cadence
    kind          TEXT NOT NULL CHECK (kind IN ('invite', 'purpose', 'confirm', 'reminder', 'morning', 'custom')),
    channel       TEXT NOT NULL CHECK (channel IN ('call', 'message', 'visit')),
    due_date      TEXT NOT NULL,              -- YYYY-MM-DD, venue local
    call_back_at  TEXT,                       -- HH:MM venue local, when the guest asked to be called back
    outcome       TEXT CHECK (outcome IN ('reached', 'no_answer', 'confirmed', 'declined', 'call_back', 'skipped')),
    note          TEXT NOT NULL DEFAULT '',
    done_at       TEXT,
    done_by       INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL
) STRICT;
CREATE INDEX touches_invitation ON touches(invitation_id, done_at);
CREATE INDEX touches_open_due ON touches(due_date) WHERE done_at IS NULL;
