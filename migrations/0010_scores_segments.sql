-- Issue 13: whom to invite. Lead scores (客户评分) kept fresh by triggers, saved segments (客户分群).

-- A store's score as of a day: its fit points (which never fade) and its behaviour points summed
-- with their fading applied up to `as_of`. Read at a later day d, the behaviour part is
-- engagement × 2^(-(d - as_of) / half-life). A row is a cache of the facts: the triggers below
-- delete it in the same transaction as any fact it depends on changes, and it is not used on or
-- after `stale_on` (the day a time-bound fact turns: a confirmed guest who did not come becomes a
-- no-show once the seminar's day has passed). A missing row is computed from the facts.
CREATE TABLE store_scores (
    store_id   INTEGER PRIMARY KEY REFERENCES stores(id) ON DELETE CASCADE,
    fit        INTEGER NOT NULL,
    engagement REAL NOT NULL,
    as_of      TEXT NOT NULL,   -- YYYY-MM-DD, the organisation's time zone
    stale_on   TEXT             -- YYYY-MM-DD or NULL
) STRICT;

CREATE TRIGGER store_scores_invitation_insert AFTER INSERT ON invitations BEGIN
    DELETE FROM store_scores WHERE store_id = NEW.store_id;
END;
CREATE TRIGGER store_scores_invitation_update AFTER UPDATE ON invitations BEGIN
    DELETE FROM store_scores WHERE store_id IN (OLD.store_id, NEW.store_id);
END;
CREATE TRIGGER store_scores_invitation_delete AFTER DELETE ON invitations BEGIN
    DELETE FROM store_scores WHERE store_id = OLD.store_id;
END;
CREATE TRIGGER store_scores_checkin_insert AFTER INSERT ON checkins BEGIN
    DELETE FROM store_scores
    WHERE store_id = (SELECT store_id FROM invitations WHERE id = NEW.invitation_id);
END;
CREATE TRIGGER store_scores_checkin_update AFTER UPDATE ON checkins BEGIN
    DELETE FROM store_scores
    WHERE store_id IN (SELECT store_id FROM invitations WHERE id IN (OLD.invitation_id, NEW.invitation_id));
END;
CREATE TRIGGER store_scores_checkin_delete AFTER DELETE ON checkins BEGIN
    DELETE FROM store_scores
    WHERE store_id = (SELECT store_id FROM invitations WHERE id = OLD.invitation_id);
END;
CREATE TRIGGER store_scores_deal_insert AFTER INSERT ON deals BEGIN
    DELETE FROM store_scores WHERE store_id = NEW.store_id;
END;
CREATE TRIGGER store_scores_deal_update AFTER UPDATE ON deals BEGIN
    DELETE FROM store_scores WHERE store_id IN (OLD.store_id, NEW.store_id);
END;
CREATE TRIGGER store_scores_deal_delete AFTER DELETE ON deals BEGIN
    DELETE FROM store_scores WHERE store_id = OLD.store_id;
END;
CREATE TRIGGER store_scores_store_update AFTER UPDATE OF level, key_customer, referrer_id ON stores BEGIN
    DELETE FROM store_scores WHERE store_id = NEW.id;
END;
CREATE TRIGGER store_scores_contact_role AFTER UPDATE OF role ON contacts BEGIN
    DELETE FROM store_scores WHERE store_id = NEW.store_id;
END;
CREATE TRIGGER store_scores_seminar_update AFTER UPDATE OF date, title ON seminars BEGIN
    DELETE FROM store_scores
    WHERE store_id IN (SELECT store_id FROM invitations WHERE seminar_id = NEW.id);
END;
-- The weights and the half-life are the organisation's settings: a change re-scores everyone.
CREATE TRIGGER store_scores_weights_insert AFTER INSERT ON settings WHEN NEW.key = 'score_weights' BEGIN
    DELETE FROM store_scores;
END;
CREATE TRIGGER store_scores_weights_update AFTER UPDATE ON settings WHEN NEW.key = 'score_weights' BEGIN
    DELETE FROM store_scores;
END;

-- A segment: a saved filter of stores with a name, used by the invitation-list builder.
-- `filter` is the builder's filter as JSON ({"city": "长沙", "level": "A", "score_min": 30, …}).
CREATE TABLE segments (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    filter     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- The builder's exclusions look back over recent touches (reached 5+ times in 14 days).
CREATE INDEX touches_done ON touches(done_at) WHERE done_at IS NOT NULL;
