-- Issue 13: undoing a batch of invitations, and a segment's own cadence.

-- The batch an invitation was made in (the builder's one click, or a selection of the store list):
-- a UUIDv7 shared by the invitations made together, so the batch can be taken back. NULL for an
-- invitation made one at a time. A plain value, not a reference: it travels with the invitation.
ALTER TABLE invitations ADD COLUMN batch TEXT;
CREATE INDEX invitations_batch ON invitations(batch) WHERE batch IS NOT NULL;

-- An invitation's own cadence steps (the JSON of cadences.steps), copied from the template its
-- segment carries when it was made; NULL: it follows its seminar's cadence. A copy, so that editing
-- or deleting the template later does not renumber the steps its touches point at.
ALTER TABLE invitations ADD COLUMN cadence TEXT;

-- The cadence template a segment carries (a saved cadence: cadences.seminar_id IS NULL). Segments
-- stay on the laptop (not replicated), so the reference does too.
ALTER TABLE segments ADD COLUMN cadence_id INTEGER REFERENCES cadences(id) ON DELETE SET NULL;
