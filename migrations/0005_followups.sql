-- Follow-up sequences after a seminar closes: what the follow-up is for, and why a store was lost.
ALTER TABLE followups ADD COLUMN kind TEXT NOT NULL DEFAULT 'after_event'
    CHECK (kind IN ('after_event', 'no_show'));
ALTER TABLE followups ADD COLUMN lost_reason TEXT NOT NULL DEFAULT '';
