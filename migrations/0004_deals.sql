-- Deals: why a deal is recorded for a store that did not attend, how a seminar treats its
-- limited-offer quota, and every change to a deal (who, when, old → new).

ALTER TABLE deals ADD COLUMN reason TEXT NOT NULL DEFAULT '';

ALTER TABLE seminars ADD COLUMN quota_policy TEXT NOT NULL DEFAULT 'refuse'
    CHECK (quota_policy IN ('refuse', 'warn'));

CREATE TABLE deal_changes (
    id      INTEGER PRIMARY KEY,
    deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL CHECK (action IN ('create', 'update', 'cancel', 'refund')),
    field   TEXT NOT NULL DEFAULT '',
    old     TEXT NOT NULL DEFAULT '',
    new     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX deal_changes_deal ON deal_changes(deal_id);
