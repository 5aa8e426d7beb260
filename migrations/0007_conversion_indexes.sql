-- Conversion over a whole organisation (issue 7: the dashboard over 500,000 invitations in 200 ms)
-- reads three things in bulk: "did this invitation's store come", each store's invitations, and each
-- seminar's invitations by status. Covering indexes answer them without touching the tables.

-- Check-ins not undone, by invitation (replaces the index on invitation_id alone).
DROP INDEX checkins_invitation;
CREATE INDEX checkins_invitation ON checkins(invitation_id, undone_at);

-- Every seminar a store was invited to (replaces the index on store_id alone).
DROP INDEX invitations_store;
CREATE INDEX invitations_store ON invitations(store_id, seminar_id);

-- Invited and confirmed per seminar in one pass over an index.
CREATE INDEX invitations_seminar_status ON invitations(seminar_id, status, walk_in);
