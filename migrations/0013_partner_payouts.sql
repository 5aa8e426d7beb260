-- Partners' progress (issue 13): what was paid to each referring partner (介绍人), a ledger with
-- dates. What a partner earned comes from the referred stores' closed deals (src/referral.rs); owed
-- is earned minus paid. A partner is a store that referred others (stores.referrer_id).

CREATE TABLE partner_payouts (
    id          INTEGER PRIMARY KEY,
    partner_id  INTEGER NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
    amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
    paid_on     TEXT NOT NULL,                -- YYYY-MM-DD, venue local
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    gid         TEXT
) STRICT;
CREATE INDEX partner_payouts_partner ON partner_payouts(partner_id, paid_on);
CREATE UNIQUE INDEX partner_payouts_gid ON partner_payouts(gid);
