-- Huixiao's organisation database, schema version 10: staff added on a city laptop (a new assistant
-- on the day, typed while offline) proposed to head office (issue #14, item 5). hq.push still adopts
-- such a row at once, so that the seminar that needs the assistant works everywhere; what is new is
-- that head office is shown who was added, where and when, and settles each: keep them as one of its
-- staff, say they are someone it already has (one person from then on, on every laptop), or keep them
-- but no longer active. The laptop says which staff it added once it had joined (hq.propose_staff,
-- after pushing them); those it joined with are adopted as before, and so is a staff member head
-- office matched by name and phone (hq.push made them an alias of head office's row).

-- Staff a city laptop proposed, and what head office settled for each.
CREATE TABLE hq.staff_reviews (
    gid         uuid PRIMARY KEY,
    proposed_by integer NOT NULL REFERENCES hq.laptops,
    proposed_at timestamptz NOT NULL DEFAULT now(),
    settled     text NOT NULL DEFAULT 'proposed' CHECK (settled IN ('proposed', 'approved', 'merged', 'retired')),
    into_gid    uuid,
    laptop      integer REFERENCES hq.laptops,
    at          timestamptz
);
COMMENT ON TABLE hq.staff_reviews IS 'Staff a city laptop added, proposed to head office, and how head office settled them';

-- A city laptop proposes the staff it added (their rows already pushed): only rows it wrote first
-- (its name in the clock of `created_at`), still live under that id (not matched to head office's).
-- Proposing again changes nothing. A head-office laptop's own staff are not proposed. Answers how
-- many are new.
CREATE FUNCTION hq.propose_staff(p_staff uuid[]) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
DECLARE
    me hq.laptops := hq.me();
    n integer;
BEGIN
    IF me.id IS NULL THEN
        RAISE EXCEPTION 'this role is not a laptop of the organisation, or it was revoked' USING ERRCODE = '28000';
    END IF;
    IF me.is_hq THEN
        RETURN 0;
    END IF;
    INSERT INTO hq.staff_reviews (gid, proposed_by)
    SELECT r.gid, me.id
      FROM hq.rows r
     WHERE r.tbl = 'staff' AND r.gid = ANY (p_staff) AND NOT r.deleted
       AND r.clocks #>> '{created_at,1}' = me.name
    ON CONFLICT (gid) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- For a head-office laptop: the staff city laptops proposed that nobody settled yet, still live,
-- oldest first, with the laptop that added each. Other laptops get nothing.
CREATE FUNCTION hq.staff_proposals()
    RETURNS TABLE (staff uuid, name text, phone text, laptop text, created_at text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
    SELECT r.gid, r.data ->> 'name', r.data ->> 'phone', l.name, r.data ->> 'created_at'
      FROM hq.staff_reviews v
      JOIN hq.rows r ON r.tbl = 'staff' AND r.gid = v.gid AND NOT r.deleted
      JOIN hq.laptops l ON l.id = v.proposed_by
     WHERE v.settled = 'proposed' AND coalesce((hq.me()).is_hq, false)
     ORDER BY v.proposed_at, v.gid
    $$;

-- The signed-in laptop is head office's (HX003 otherwise), and the staff member is live (HX001
-- otherwise): locked, for the caller to settle.
CREATE FUNCTION hq.staff_to_settle(p_staff uuid) RETURNS hq.rows
    LANGUAGE plpgsql SET search_path = pg_catalog, hq
    AS $$
DECLARE
    r hq.rows;
BEGIN
    IF (hq.me()).id IS NULL THEN
        RAISE EXCEPTION 'this role is not a laptop of the organisation, or it was revoked' USING ERRCODE = '28000';
    END IF;
    IF NOT (hq.me()).is_hq THEN
        RAISE EXCEPTION 'only a head-office laptop settles the staff a laptop added' USING ERRCODE = 'HX003';
    END IF;
    SELECT * INTO r FROM hq.rows x WHERE x.tbl = 'staff' AND x.gid = p_staff AND NOT x.deleted FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the staff member is gone (merged or deleted)' USING ERRCODE = 'HX001';
    END IF;
    RETURN r;
END $$;

-- Head office settles a proposed staff member: 'approved' (one of its staff, as they are) or
-- 'retired' (kept, so that what they did stays theirs, but no longer active: written to the log,
-- so every laptop pulls it).
CREATE FUNCTION hq.review_staff(p_staff uuid, p_settled text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
DECLARE
    me hq.laptops := hq.me();
    r hq.rows := hq.staff_to_settle(p_staff);
    v_hlc bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint << 16;
BEGIN
    IF p_settled NOT IN ('approved', 'retired') THEN
        RAISE EXCEPTION 'a staff member is approved or retired, not %', p_settled USING ERRCODE = '22023';
    END IF;
    IF p_settled = 'retired' AND coalesce(r.data ->> 'active', '1') <> '0' THEN
        UPDATE hq.rows x
           SET data = jsonb_set(x.data, '{active}', '0'),
               clocks = jsonb_set(x.clocks, '{active}', jsonb_build_array(v_hlc, me.name))
         WHERE x.tbl = 'staff' AND x.gid = p_staff
        RETURNING * INTO r;
        INSERT INTO hq.changes (laptop, tbl, gid, hlc, data, deleted, kind, owner, seminar, city)
        VALUES (me.id, r.tbl, r.gid, v_hlc, r.data, r.deleted, r.kind, r.owner, r.seminar, r.city);
    END IF;
    UPDATE hq.staff_reviews v SET settled = p_settled, into_gid = NULL, laptop = me.id, at = now()
     WHERE v.gid = p_staff;
END $$;

-- Head office says a proposed staff member is one it already has: every row that names p_gone (an
-- invitation's inviter, a table's assistant, a touch's caller, a seminar's lecturer …) names p_keep,
-- and p_gone becomes an alias of p_keep (a change still under p_gone is taken as p_keep's) — one
-- transaction, written to the log, so every laptop pulls one person. Answers how many rows moved.
CREATE FUNCTION hq.merge_staff(p_keep uuid, p_gone uuid) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
DECLARE
    me hq.laptops := hq.me();
    v_gone hq.rows;
    v_keep hq.rows;
    v_hlc bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint << 16;
    -- The columns that name a staff member (src/replica: every reference to staff that travels).
    v_cols text[] := ARRAY['lecturer_id', 'inviter_id', 'assistant_id', 'owner_id', 'done_by', 'assignee_id'];
    x hq.rows;
    v_data jsonb;
    v_clocks jsonb;
    col text;
    moved integer := 0;
BEGIN
    IF p_keep = p_gone THEN
        RAISE EXCEPTION 'a staff member cannot be merged into themselves' USING ERRCODE = '22023';
    END IF;
    -- Both locked in gid order, so that two merges of the same pair cannot wait on each other.
    IF p_keep < p_gone THEN
        v_keep := hq.staff_to_settle(p_keep);
        v_gone := hq.staff_to_settle(p_gone);
    ELSE
        v_gone := hq.staff_to_settle(p_gone);
        v_keep := hq.staff_to_settle(p_keep);
    END IF;
    FOR x IN SELECT * FROM hq.rows r
              WHERE NOT r.deleted AND r.kind = 'seminar'
                AND p_gone::text IN (r.data ->> 'lecturer_id', r.data ->> 'inviter_id', r.data ->> 'assistant_id',
                                     r.data ->> 'owner_id', r.data ->> 'done_by', r.data ->> 'assignee_id')
              ORDER BY r.tbl, r.gid FOR UPDATE
    LOOP
        v_data := x.data;
        v_clocks := x.clocks;
        FOREACH col IN ARRAY v_cols LOOP
            IF v_data ->> col = p_gone::text THEN
                v_data := jsonb_set(v_data, ARRAY[col], to_jsonb(p_keep::text));
                v_clocks := jsonb_set(v_clocks, ARRAY[col], jsonb_build_array(v_hlc, me.name));
            END IF;
        END LOOP;
        UPDATE hq.rows r SET data = v_data, clocks = v_clocks WHERE r.tbl = x.tbl AND r.gid = x.gid
        RETURNING * INTO x;
        INSERT INTO hq.changes (laptop, tbl, gid, hlc, data, deleted, kind, owner, seminar, city)
        VALUES (me.id, x.tbl, x.gid, v_hlc, x.data, x.deleted, x.kind, x.owner, x.seminar, x.city);
        moved := moved + 1;
    END LOOP;
    PERFORM hq.merge_row('staff', p_gone, p_keep, v_hlc, me);
    UPDATE hq.staff_reviews v SET settled = 'merged', into_gid = p_keep, laptop = me.id, at = now()
     WHERE v.gid = p_gone;
    RETURN moved;
END $$;

REVOKE ALL ON FUNCTION hq.propose_staff(uuid[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION hq.staff_proposals() FROM PUBLIC;
REVOKE ALL ON FUNCTION hq.staff_to_settle(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION hq.review_staff(uuid, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION hq.merge_staff(uuid, uuid) FROM PUBLIC;
DO $$
DECLARE group_role text := 'hx_' || (SELECT short FROM hq.organisation) || '_laptop';
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.propose_staff(uuid[]) TO %I', group_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.staff_proposals() TO %I', group_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.review_staff(uuid, text) TO %I', group_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.merge_staff(uuid, uuid) TO %I', group_role);
END $$;

INSERT INTO hq.schema_version (version) VALUES (10);
