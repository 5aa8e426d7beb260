-- The talk (issue 6): the seminar's script (a copy of a template, edited), the stage log, and the
-- venue set-up checklist (环境调试). A released migration is never edited: add a new file instead.

-- A seminar's script (seminar_id set) or a saved template (seminar_id NULL, named). `body` is JSON:
-- {stages: [{key, kind, title, target_minutes, text, key_lines}], cues: [{stage, step, action, …}]}.
-- `product_id` is the price plan: the product whose three tiers the price stage reveals.
CREATE TABLE scripts (
    id         INTEGER PRIMARY KEY,
    seminar_id INTEGER UNIQUE REFERENCES seminars(id) ON DELETE CASCADE,
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    body       TEXT NOT NULL,
    product_id INTEGER REFERENCES products(id) ON DELETE SET NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX scripts_template_name ON scripts(name) WHERE seminar_id IS NULL;

-- When each stage actually ran. The kind and target are copied so the log stays meaningful
-- after the script is edited (a stage renamed, moved or deleted).
CREATE TABLE stage_log (
    id             INTEGER PRIMARY KEY,
    seminar_id     INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
    stage_key      TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('icebreak', 'trend', 'pain', 'tool', 'value', 'price', 'custom')),
    title          TEXT NOT NULL,
    target_minutes INTEGER NOT NULL,
    started_at     TEXT NOT NULL,
    ended_at       TEXT
) STRICT;
CREATE INDEX stage_log_seminar ON stage_log(seminar_id, id);

-- Saved checklist templates; `items` is JSON [{area, title, check}].
CREATE TABLE checklist_templates (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    items      TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- A seminar's set-up checklist: each item assigned to a staff member and ticked on the day.
-- `check` = 'audio_files' is ticked by hand too, but readiness also verifies every cue's file.
CREATE TABLE checklist_items (
    id          INTEGER PRIMARY KEY,
    seminar_id  INTEGER NOT NULL REFERENCES seminars(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    area        TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL CHECK (length(trim(title)) > 0),
    "check"     TEXT NOT NULL DEFAULT 'manual' CHECK ("check" IN ('manual', 'audio_files')),
    assignee_id INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    done_at     TEXT,
    done_by     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX checklist_items_seminar ON checklist_items(seminar_id, position);
