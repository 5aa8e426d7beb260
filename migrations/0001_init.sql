-- Huixiao schema, first cut. A released migration is never edited: add a new file instead.
-- Money is integer fen. Dates are ISO text in the venue's time zone; timestamps are RFC 3339 UTC.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE staff (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    phone      TEXT,
    roles      TEXT NOT NULL DEFAULT '[]', -- JSON array of organizer|inviter|assistant|lecturer|checkin
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE stores (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(trim(name)) > 0),
    city         TEXT NOT NULL DEFAULT '',
    district     TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    industry     TEXT NOT NULL DEFAULT '',
    level        TEXT NOT NULL DEFAULT 'B' CHECK (level IN ('A', 'B', 'C')),
    key_customer INTEGER NOT NULL DEFAULT 0,
    referrer_id  INTEGER REFERENCES stores(id) ON DELETE SET NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX stores_city ON stores(city, district);
CREATE INDEX stores_name ON stores(name);
CREATE INDEX stores_referrer ON stores(referrer_id);

CREATE TABLE contacts (
    id         INTEGER PRIMARY KEY,
    store_id   INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'owner_spouse', 'manager', 'staff')),
    phone      TEXT,                       -- normalised: 11 digits for mobiles, 0AA-NNNNNNNN for landlines
    phone_kind TEXT CHECK (phone_kind IN ('mobile', 'landline')),
    opted_out  INTEGER NOT NULL DEFAULT 0,
    erased_at  TEXT,                       -- set when the person asked to be erased
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX contacts_store ON contacts(store_id);
CREATE INDEX contacts_phone ON contacts(phone);

CREATE TABLE seminars (
    id               INTEGER PRIMARY KEY,
    title            TEXT NOT NULL CHECK (length(trim(title)) > 0),
    date             TEXT NOT NULL,        -- YYYY-MM-DD, venue local
    start_time       TEXT NOT NULL,        -- HH:MM, venue local
    timezone         TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    venue            TEXT NOT NULL DEFAULT '',
    city             TEXT NOT NULL DEFAULT '',
    capacity         INTEGER NOT NULL CHECK (capacity > 0),
    lecturer_id      INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    layout           TEXT NOT NULL DEFAULT 'round_tables' CHECK (layout IN ('round_tables', 'classroom')),
    status           TEXT NOT NULL DEFAULT 'planning' CHECK (status IN ('planning', 'inviting', 'live', 'closed')),
    attribution_days INTEGER NOT NULL DEFAULT 30 CHECK (attribution_days BETWEEN 0 AND 365),
    created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX seminars_date ON seminars(date);

CREATE TABLE invitations (
    id             INTEGER PRIMARY KEY,
    seminar_id     INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
    store_id       INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    inviter_id     INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    status         TEXT NOT NULL DEFAULT 'invited'
                   CHECK (status IN ('invited', 'confirmed', 'declined', 'cancelled')),
    walk_in        INTEGER NOT NULL DEFAULT 0,
    decline_reason TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    UNIQUE (seminar_id, store_id)
) STRICT;
CREATE INDEX invitations_store ON invitations(store_id);
CREATE INDEX invitations_inviter ON invitations(inviter_id);

-- The contacts of the store who come (one or more, with their role on the contact).
CREATE TABLE invitation_guests (
    invitation_id INTEGER NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    contact_id    INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    PRIMARY KEY (invitation_id, contact_id)
) STRICT;
CREATE INDEX invitation_guests_contact ON invitation_guests(contact_id);

CREATE TABLE venue_tables (
    id           INTEGER PRIMARY KEY,
    seminar_id   INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
    number       INTEGER NOT NULL CHECK (number > 0),
    shape        TEXT NOT NULL DEFAULT 'round' CHECK (shape IN ('round', 'rect')),
    seats        INTEGER NOT NULL CHECK (seats > 0),
    x            REAL NOT NULL DEFAULT 0,
    y            REAL NOT NULL DEFAULT 0,
    assistant_id INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    UNIQUE (seminar_id, number)
) STRICT;

CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    description TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE price_tiers (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    rank       INTEGER NOT NULL CHECK (rank BETWEEN 1 AND 3),
    name       TEXT NOT NULL,
    price_fen  INTEGER NOT NULL CHECK (price_fen >= 0),
    quota      INTEGER CHECK (quota IS NULL OR quota > 0),
    UNIQUE (product_id, rank)
) STRICT;

CREATE TABLE tickets (
    id            INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    contact_id    INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    code          TEXT NOT NULL UNIQUE,
    issued_at     TEXT NOT NULL,
    revoked_at    TEXT
) STRICT;
CREATE INDEX tickets_invitation ON tickets(invitation_id);

CREATE TABLE checkins (
    id            INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    ticket_id     INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
    contact_id    INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    at            TEXT NOT NULL,
    station       TEXT NOT NULL DEFAULT '',
    companions    INTEGER NOT NULL DEFAULT 0 CHECK (companions BETWEEN 0 AND 20),
    nonce         TEXT UNIQUE,
    undone_at     TEXT
) STRICT;
CREATE INDEX checkins_invitation ON checkins(invitation_id);

CREATE TABLE deals (
    id           INTEGER PRIMARY KEY,
    seminar_id   INTEGER REFERENCES seminars(id) ON DELETE SET NULL,
    store_id     INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    contact_id   INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    product_id   INTEGER NOT NULL REFERENCES products(id),
    tier_id      INTEGER REFERENCES price_tiers(id),
    quantity     INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
    amount_fen   INTEGER NOT NULL CHECK (amount_fen >= 0),
    payment      TEXT NOT NULL CHECK (payment IN ('deposit', 'full', 'promised')),
    method       TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'cancelled', 'refunded')),
    assistant_id INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    note         TEXT NOT NULL DEFAULT '',
    at           TEXT NOT NULL
) STRICT;
CREATE INDEX deals_seminar ON deals(seminar_id);
CREATE INDEX deals_store ON deals(store_id);

CREATE TABLE followups (
    id           INTEGER PRIMARY KEY,
    seminar_id   INTEGER REFERENCES seminars(id) ON DELETE CASCADE,
    store_id     INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    owner_id     INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    channel      TEXT NOT NULL DEFAULT 'call' CHECK (channel IN ('call', 'message', 'visit')),
    due_date     TEXT NOT NULL,
    outcome      TEXT CHECK (outcome IN ('closed', 'deposit', 'thinking', 'lost')),
    note         TEXT NOT NULL DEFAULT '',
    done_at      TEXT,
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX followups_due ON followups(owner_id, due_date);
