-- Huixiao's organisation database, schema version 1: the organisation, its laptops, the batches they
-- pushed and the log of changes they pull. Applied by `huixiao hq init` in one transaction.
-- A released version is never edited; the next one is a new file.

CREATE SCHEMA hq;
COMMENT ON SCHEMA hq IS 'Huixiao: the organisation, its laptops and the sync log';

CREATE TABLE hq.schema_version (
    version    integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- One row: the organisation this database holds. `short` prefixes its roles' names, which are
-- cluster-wide in PostgreSQL, so that two organisations on one server never share a role.
CREATE TABLE hq.organisation (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    short      text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    one        boolean NOT NULL DEFAULT true UNIQUE CHECK (one)
);
INSERT INTO hq.organisation (short) VALUES (substr(replace(gen_random_uuid()::text, '-', ''), 1, 10));

-- A laptop of the organisation, signed in as its own role. Head office's laptops have is_hq.
CREATE TABLE hq.laptops (
    id         serial PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (length(btrim(name)) > 0),
    role       name NOT NULL UNIQUE,
    cities     text[] NOT NULL DEFAULT '{}',
    is_hq      boolean NOT NULL DEFAULT false,
    added_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
COMMENT ON TABLE hq.laptops IS 'The laptops of the organisation; revoked ones cannot sign in';

-- Every batch a laptop pushed, with the answer it got: a retried batch answers the same and changes nothing.
CREATE TABLE hq.batches (
    laptop     integer NOT NULL REFERENCES hq.laptops,
    batch      uuid NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    result     jsonb NOT NULL,
    PRIMARY KEY (laptop, batch)
);

-- The log the laptops pull, in commit order: read only below the oldest running transaction
-- (pg_snapshot_xmin), ordered by (xid, pos), so a change that commits late is never skipped.
CREATE TABLE hq.changes (
    pos     bigserial PRIMARY KEY,
    xid     xid8 NOT NULL DEFAULT pg_current_xact_id(),
    laptop  integer REFERENCES hq.laptops,
    tbl     text NOT NULL,
    gid     uuid NOT NULL,
    hlc     bigint NOT NULL,
    data    jsonb
);
CREATE INDEX changes_order ON hq.changes (xid, pos);

-- The laptop signed in, or none (a revoked laptop is nobody). session_user, not current_user: inside a
-- SECURITY DEFINER function current_user is the definer.
CREATE FUNCTION hq.me() RETURNS hq.laptops
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$ SELECT * FROM hq.laptops WHERE role = session_user AND revoked_at IS NULL $$;

-- The replicated tables and who owns their rows; written by `hq init` from the app's own list
-- (src/replica/tables.rs), so the server never trusts a laptop to say who owns a row.
CREATE TABLE hq.tables (
    tbl  text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('shared', 'head_office', 'seminar', 'seminar_or_head_office'))
);

-- Who runs each seminar: the laptop that created it, until head office hands it over.
CREATE TABLE hq.seminars (
    gid   uuid PRIMARY KEY,
    owner integer NOT NULL REFERENCES hq.laptops
);

-- The organisation's current state: one row per replicated row, its columns as JSON (references by
-- gid), each column's clock (the hybrid logical clock and the laptop of its last write), and who may
-- read it: head office's rows everyone, a seminar's rows its laptop, shared rows the laptops of its city.
CREATE TABLE hq.rows (
    tbl     text NOT NULL REFERENCES hq.tables,
    gid     uuid NOT NULL,
    kind    text NOT NULL CHECK (kind IN ('shared', 'head_office', 'seminar')),
    owner   integer REFERENCES hq.laptops,
    seminar uuid,
    city    text,
    data    jsonb NOT NULL,
    clocks  jsonb NOT NULL DEFAULT '{}',
    deleted boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tbl, gid)
);
CREATE INDEX rows_city ON hq.rows (city) WHERE kind = 'shared';
CREATE INDEX rows_seminar ON hq.rows (seminar) WHERE kind = 'seminar';

-- Another laptop's copy of a row head office already holds under another gid (the same store by name
-- and city, the same person by mobile in the same store): one row, the second gid an alias of it.
ALTER TABLE hq.rows ADD COLUMN match_key text;
CREATE UNIQUE INDEX rows_match ON hq.rows (tbl, match_key) WHERE match_key IS NOT NULL AND NOT deleted;
CREATE TABLE hq.aliases (
    tbl       text NOT NULL,
    gid       uuid NOT NULL,
    canonical uuid NOT NULL,
    laptop    integer REFERENCES hq.laptops,
    at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tbl, gid)
);
CREATE INDEX aliases_gid ON hq.aliases (gid);

-- Every value that lost to a newer write of the same column, kept so a person can see it.
CREATE TABLE hq.history (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    tbl       text NOT NULL,
    gid       uuid NOT NULL,
    col       text NOT NULL,
    value     jsonb,
    hlc       bigint NOT NULL,
    laptop    text NOT NULL,
    lost_to   jsonb NOT NULL
);
CREATE INDEX history_row ON hq.history (tbl, gid);

ALTER TABLE hq.changes ADD COLUMN deleted boolean NOT NULL DEFAULT false;
ALTER TABLE hq.changes ADD COLUMN kind text NOT NULL DEFAULT 'shared';
ALTER TABLE hq.changes ADD COLUMN owner integer;
ALTER TABLE hq.changes ADD COLUMN seminar uuid;
ALTER TABLE hq.changes ADD COLUMN city text;

-- May the signed-in laptop read a row of this kind, owner, seminar and city?
CREATE FUNCTION hq.may_read(p_kind text, p_owner integer, p_seminar uuid, p_city text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
    SELECT me.id IS NOT NULL AND (
           me.is_hq
        OR p_kind = 'head_office'
        OR (p_kind = 'shared' AND p_city = ANY (me.cities))
        OR (p_kind = 'seminar' AND (p_owner = me.id
            OR EXISTS (SELECT 1 FROM hq.seminars s WHERE s.gid = p_seminar AND s.owner = me.id))))
      FROM hq.me() me
    $$;

-- Applies one identified batch of a laptop's changes, exactly once: a batch seen before answers what it
-- answered then. Ownership is checked here, per change; a refused change is answered with its reason
-- and changes nothing. Columns merge one by one: the later clock wins (ties: the laptop's name), and
-- the value that lost is kept in hq.history.
CREATE FUNCTION hq.push(p_batch uuid, p_changes jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
DECLARE
    me hq.laptops := hq.me();
    done jsonb;
    c record;
    k text;
    owner_id integer;
    cur hq.rows;
    col text;
    cols text[];
    theirs jsonb;
    new_data jsonb;
    new_clocks jsonb;
    applied integer := 0;
    refused jsonb := '[]';
    aliases jsonb := '[]';
    v_match text;
BEGIN
    IF me.id IS NULL THEN
        RAISE EXCEPTION 'this role is not a laptop of the organisation, or it was revoked' USING ERRCODE = '28000';
    END IF;
    SELECT result INTO done FROM hq.batches WHERE laptop = me.id AND batch = p_batch;
    IF FOUND THEN
        RETURN done;
    END IF;
    FOR c IN SELECT * FROM jsonb_to_recordset(p_changes)
             AS x(tbl text, gid uuid, op text, hlc bigint, "row" jsonb, changed jsonb, seminar uuid, city text,
                  key text)
    LOOP
        SELECT t.kind INTO k FROM hq.tables t WHERE t.tbl = c.tbl;
        IF k IS NULL THEN
            refused := refused || jsonb_build_object('tbl', c.tbl, 'gid', c.gid, 'reason', 'unknown_table');
            CONTINUE;
        END IF;
        -- A gid that became an alias stands for its row; so do references through one.
        c.gid := coalesce((SELECT a.canonical FROM hq.aliases a WHERE a.tbl = c.tbl AND a.gid = c.gid), c.gid);
        IF c."row" IS NOT NULL AND c."row" <> '{}' THEN
            c."row" := (SELECT jsonb_object_agg(e.key,
                                CASE WHEN e.key LIKE '%\_id' AND jsonb_typeof(e.value) = 'string'
                                     THEN coalesce((SELECT to_jsonb(a.canonical::text) FROM hq.aliases a
                                                     WHERE a.gid::text = e.value #>> '{}' LIMIT 1), e.value)
                                     ELSE e.value END)
                          FROM jsonb_each(c."row") e);
        END IF;
        -- The matching key the laptop computed by the import's rule (a store's name and city, a
        -- person's mobile), a person's within their store.
        v_match := CASE WHEN c.key IS NULL THEN NULL
                        WHEN c.tbl = 'contacts' THEN c.key || '|' || coalesce(c."row" ->> 'store_id', '')
                        ELSE c.key END;
        SELECT * INTO cur FROM hq.rows r WHERE r.tbl = c.tbl AND r.gid = c.gid FOR UPDATE;
        IF cur.gid IS NULL AND v_match IS NOT NULL AND c.op = 'upsert' THEN
            SELECT * INTO cur FROM hq.rows r
             WHERE r.tbl = c.tbl AND r.match_key = v_match AND NOT r.deleted FOR UPDATE;
            IF cur.gid IS NOT NULL THEN
                INSERT INTO hq.aliases (tbl, gid, canonical, laptop) VALUES (c.tbl, c.gid, cur.gid, me.id)
                    ON CONFLICT DO NOTHING;
                aliases := aliases || jsonb_build_object('tbl', c.tbl, 'gid', c.gid, 'canonical', cur.gid);
                c.gid := cur.gid;
            END IF;
        END IF;
        IF k = 'seminar_or_head_office' THEN
            k := CASE WHEN coalesce(cur.seminar, c.seminar) IS NULL THEN 'head_office' ELSE 'seminar' END;
        END IF;
        -- Head office's rows change only from a head-office laptop; a city laptop may add one head
        -- office does not hold yet (it joins with its own staff and products, or a new assistant is
        -- added on the day), which head office adopts.
        IF k = 'head_office' AND NOT me.is_hq AND cur.gid IS NOT NULL THEN
            refused := refused || jsonb_build_object('tbl', c.tbl, 'gid', c.gid, 'reason', 'head_office_only');
            CONTINUE;
        END IF;
        owner_id := NULL;
        IF k = 'seminar' THEN
            IF c.tbl = 'seminars' THEN
                INSERT INTO hq.seminars (gid, owner) VALUES (c.gid, me.id) ON CONFLICT (gid) DO NOTHING;
            END IF;
            IF coalesce(cur.seminar, c.seminar) IS NULL THEN
                owner_id := coalesce(cur.owner, me.id);
            ELSE
                SELECT s.owner INTO owner_id FROM hq.seminars s WHERE s.gid = coalesce(cur.seminar, c.seminar);
            END IF;
            IF owner_id IS DISTINCT FROM me.id THEN
                refused := refused || jsonb_build_object('tbl', c.tbl, 'gid', c.gid, 'reason', 'not_your_seminar');
                CONTINUE;
            END IF;
        END IF;
        IF c.op = 'delete' THEN
            IF cur.gid IS NULL OR cur.deleted THEN
                CONTINUE;
            END IF;
            UPDATE hq.rows r SET deleted = true WHERE r.tbl = c.tbl AND r.gid = c.gid
                RETURNING * INTO cur;
        ELSIF cur.gid IS NULL THEN
            INSERT INTO hq.rows (tbl, gid, kind, owner, seminar, city, match_key, data, clocks)
            VALUES (c.tbl, c.gid, k, owner_id, c.seminar, c.city, v_match, c."row",
                    coalesce((SELECT jsonb_object_agg(key, jsonb_build_array(c.hlc, me.name))
                                FROM jsonb_object_keys(c."row") key), '{}'))
            RETURNING * INTO cur;
        ELSE
            new_data := cur.data;
            new_clocks := cur.clocks;
            IF c.changed IS NULL THEN
                cols := ARRAY(SELECT jsonb_object_keys(c."row"));
            ELSE
                cols := ARRAY(SELECT jsonb_array_elements_text(c.changed));
            END IF;
            FOREACH col IN ARRAY cols LOOP
                theirs := coalesce(cur.clocks -> col, '[0, ""]');
                IF (c.hlc, me.name) > ((theirs ->> 0)::bigint, theirs ->> 1) THEN
                    IF cur.data ? col AND cur.data -> col IS DISTINCT FROM c."row" -> col THEN
                        INSERT INTO hq.history (tbl, gid, col, value, hlc, laptop, lost_to)
                        VALUES (c.tbl, c.gid, col, cur.data -> col, (theirs ->> 0)::bigint, theirs ->> 1,
                                jsonb_build_array(c.hlc, me.name));
                    END IF;
                    new_data := jsonb_set(new_data, ARRAY[col], coalesce(c."row" -> col, 'null'));
                    new_clocks := jsonb_set(new_clocks, ARRAY[col], jsonb_build_array(c.hlc, me.name));
                ELSIF cur.data -> col IS DISTINCT FROM c."row" -> col THEN
                    INSERT INTO hq.history (tbl, gid, col, value, hlc, laptop, lost_to)
                    VALUES (c.tbl, c.gid, col, c."row" -> col, c.hlc, me.name, theirs);
                END IF;
            END LOOP;
            UPDATE hq.rows r
               SET data = new_data, clocks = new_clocks, deleted = false,
                   city = coalesce(c.city, r.city), seminar = coalesce(r.seminar, c.seminar),
                   match_key = CASE WHEN v_match IS NULL OR EXISTS (
                                        SELECT 1 FROM hq.rows o WHERE o.tbl = r.tbl AND o.match_key = v_match
                                           AND o.gid <> r.gid AND NOT o.deleted)
                                    THEN r.match_key ELSE v_match END
             WHERE r.tbl = c.tbl AND r.gid = c.gid
            RETURNING * INTO cur;
        END IF;
        -- An erased person leaves nothing behind: the values that lost to other writes and the
        -- earlier versions in the log go; the log keeps only the erased row.
        IF c.tbl = 'contacts' AND cur.data ->> 'erased_at' IS NOT NULL THEN
            DELETE FROM hq.history h WHERE h.tbl = c.tbl AND h.gid = c.gid;
            UPDATE hq.changes ch SET data = cur.data WHERE ch.tbl = c.tbl AND ch.gid = c.gid;
        END IF;
        INSERT INTO hq.changes (laptop, tbl, gid, hlc, data, deleted, kind, owner, seminar, city)
        VALUES (me.id, cur.tbl, cur.gid, c.hlc, cur.data, cur.deleted, cur.kind, cur.owner, cur.seminar, cur.city);
        applied := applied + 1;
    END LOOP;
    done := jsonb_build_object('applied', applied, 'refused', refused, 'aliases', aliases);
    INSERT INTO hq.batches (laptop, batch, result) VALUES (me.id, p_batch, done);
    RETURN done;
END $$;

-- The changes the signed-in laptop may read, after its position, in commit order: only below the
-- oldest transaction still running, so a change that commits late is never skipped.
CREATE FUNCTION hq.pull(p_xid xid8, p_pos bigint, p_limit integer)
    RETURNS TABLE (xid xid8, pos bigint, tbl text, gid uuid, hlc bigint, data jsonb, deleted boolean,
                   seminar uuid, city text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
    SELECT c.xid, c.pos, c.tbl, c.gid, c.hlc, c.data, c.deleted, c.seminar, c.city
      FROM hq.changes c
     WHERE (c.xid, c.pos) > (p_xid, p_pos)
       AND c.xid < pg_snapshot_xmin(pg_current_snapshot())
       AND hq.may_read(c.kind, c.owner, c.seminar, c.city)
     ORDER BY c.xid, c.pos
     LIMIT p_limit
    $$;

-- The same store invited by two laptops: for each live invitation of the signed-in laptop's
-- seminars, the live invitations of the same store in seminars other laptops own, with both
-- seminars' days and attribution windows. Whether the windows overlap is decided on the laptop,
-- by the one function the invitation-list builder uses (conversion::overlap).
CREATE INDEX rows_invitation_store ON hq.rows ((data ->> 'store_id')) WHERE tbl = 'invitations';
CREATE FUNCTION hq.clashes()
    RETURNS TABLE (invitation uuid, store uuid, seminar_date text, seminar_days integer,
                   other_invitation uuid, other_seminar uuid, other_title text, other_date text,
                   other_days integer, other_laptop text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
    SELECT mine.gid, (mine.data ->> 'store_id')::uuid, ms.data ->> 'date', (ms.data ->> 'attribution_days')::int,
           theirs.gid, os.gid, osr.data ->> 'title', osr.data ->> 'date', (osr.data ->> 'attribution_days')::int,
           l.name
      FROM hq.seminars s
      JOIN hq.rows ms ON ms.tbl = 'seminars' AND ms.gid = s.gid AND NOT ms.deleted
      JOIN hq.rows mine ON mine.tbl = 'invitations' AND mine.seminar = s.gid AND NOT mine.deleted
                       AND mine.data ->> 'status' IN ('invited', 'confirmed')
      JOIN hq.rows theirs ON theirs.tbl = 'invitations' AND theirs.data ->> 'store_id' = mine.data ->> 'store_id'
                         AND theirs.seminar <> s.gid AND NOT theirs.deleted
                         AND theirs.data ->> 'status' IN ('invited', 'confirmed')
      JOIN hq.seminars os ON os.gid = theirs.seminar AND os.owner IS DISTINCT FROM s.owner
      JOIN hq.rows osr ON osr.tbl = 'seminars' AND osr.gid = os.gid AND NOT osr.deleted
      LEFT JOIN hq.laptops l ON l.id = os.owner
     WHERE s.owner = (hq.me()).id
    $$;

ALTER TABLE hq.rows ENABLE ROW LEVEL SECURITY;
CREATE POLICY rows_read ON hq.rows FOR SELECT USING (hq.may_read(kind, owner, seminar, city));
REVOKE ALL ON FUNCTION hq.may_read(text, integer, uuid, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION hq.push(uuid, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION hq.pull(xid8, bigint, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION hq.clashes() FROM PUBLIC;

-- The role every laptop is a member of: it may read the organisation and call its own functions.
DO $$
DECLARE group_role text := 'hx_' || (SELECT short FROM hq.organisation) || '_laptop';
BEGIN
    EXECUTE format('CREATE ROLE %I NOLOGIN', group_role);
    EXECUTE format('GRANT USAGE ON SCHEMA hq TO %I', group_role);
    EXECUTE format('GRANT SELECT ON hq.organisation, hq.schema_version TO %I', group_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.me() TO %I', group_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.may_read(text, integer, uuid, text) TO %I', group_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.push(uuid, jsonb) TO %I', group_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.pull(xid8, bigint, integer) TO %I', group_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.clashes() TO %I', group_role);
    EXECUTE format('GRANT SELECT ON hq.rows TO %I', group_role);
END $$;
REVOKE ALL ON FUNCTION hq.me() FROM PUBLIC;

-- The organisation's current state as plain tables for its own BI tool (schema org, documented in
-- docs/organisation.md): read through a read-only role that sees phones masked (138****8000) and
-- never the sync's own tables.
CREATE SCHEMA org;
CREATE VIEW org.stores AS
    SELECT r.gid, r.data ->> 'name' AS name, r.data ->> 'city' AS city, r.data ->> 'district' AS district,
           r.data ->> 'industry' AS industry, r.data ->> 'level' AS level, r.data ->> 'source' AS source,
           r.data ->> 'referrer_id' AS referrer_gid, r.data ->> 'created_at' AS created_at
      FROM hq.rows r WHERE r.tbl = 'stores' AND NOT r.deleted;
CREATE VIEW org.contacts AS
    SELECT r.gid, r.data ->> 'store_id' AS store_gid, r.data ->> 'name' AS name, r.data ->> 'role' AS role,
           CASE WHEN r.data ->> 'phone' IS NULL THEN NULL
                WHEN r.data ->> 'phone_kind' = 'mobile'
                THEN left(r.data ->> 'phone', 3) || '****' || right(r.data ->> 'phone', 4)
                ELSE regexp_replace(r.data ->> 'phone', '\d{4}$', '****') END AS phone_masked,
           (r.data ->> 'opted_out')::int = 1 AS opted_out, r.data ->> 'erased_at' IS NOT NULL AS erased
      FROM hq.rows r WHERE r.tbl = 'contacts' AND NOT r.deleted;
CREATE VIEW org.seminars AS
    SELECT r.gid, r.data ->> 'title' AS title, (r.data ->> 'date')::date AS date, r.data ->> 'city' AS city,
           (r.data ->> 'capacity')::int AS capacity, r.data ->> 'status' AS status,
           (r.data ->> 'attribution_days')::int AS attribution_days, l.name AS laptop
      FROM hq.rows r JOIN hq.seminars s ON s.gid = r.gid LEFT JOIN hq.laptops l ON l.id = s.owner
     WHERE r.tbl = 'seminars' AND NOT r.deleted;
CREATE VIEW org.invitations AS
    SELECT r.gid, r.seminar AS seminar_gid, r.data ->> 'store_id' AS store_gid, r.data ->> 'status' AS status,
           (r.data ->> 'walk_in')::int = 1 AS walk_in, r.data ->> 'created_at' AS created_at
      FROM hq.rows r WHERE r.tbl = 'invitations' AND NOT r.deleted;
CREATE VIEW org.checkins AS
    SELECT r.gid, r.seminar AS seminar_gid, r.data ->> 'invitation_id' AS invitation_gid, r.data ->> 'at' AS at,
           (r.data ->> 'companions')::int AS companions, r.data ->> 'undone_at' IS NOT NULL AS undone
      FROM hq.rows r WHERE r.tbl = 'checkins' AND NOT r.deleted;
CREATE VIEW org.deals AS
    SELECT r.gid, r.seminar AS seminar_gid, r.data ->> 'store_id' AS store_gid, r.data ->> 'product_id' AS product_gid,
           (r.data ->> 'amount_fen')::bigint AS amount_fen, r.data ->> 'payment' AS payment,
           r.data ->> 'state' AS state, r.data ->> 'at' AS at
      FROM hq.rows r WHERE r.tbl = 'deals' AND NOT r.deleted;
DO $$
DECLARE bi text := 'hx_' || (SELECT short FROM hq.organisation) || '_bi';
BEGIN
    EXECUTE format('CREATE ROLE %I NOLOGIN', bi);
    EXECUTE format('GRANT USAGE ON SCHEMA org TO %I', bi);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA org TO %I', bi);
END $$;

INSERT INTO hq.schema_version (version) VALUES (1);
