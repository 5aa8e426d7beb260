-- Whom to invite on a large organisation (issue #13's benchmarks).
--
-- A store's kept score stays valid when it is merely invited: an invitation that is still only
-- "invited" (not a walk-in) carries no point, and the batch and cadence written on it afterwards
-- change none either. Before this, inviting 5,000 stores threw away their 5,000 kept scores, and
-- the first list of today's touches computed them all again from five years of facts.
DROP TRIGGER store_scores_invitation_insert;
CREATE TRIGGER store_scores_invitation_insert AFTER INSERT ON invitations
WHEN NEW.status <> 'invited' OR NEW.walk_in BEGIN
    DELETE FROM store_scores WHERE store_id = NEW.store_id;
END;
DROP TRIGGER store_scores_invitation_update;
CREATE TRIGGER store_scores_invitation_update
AFTER UPDATE OF status, walk_in, store_id, seminar_id ON invitations BEGIN
    DELETE FROM store_scores WHERE store_id IN (OLD.store_id, NEW.store_id);
END;

-- The builder leaves out stores with nobody to invite (no live contact, or every live contact
-- opted out): both are read from this index of the live contacts alone.
CREATE INDEX contacts_live ON contacts(store_id, opted_out) WHERE erased_at IS NULL;
