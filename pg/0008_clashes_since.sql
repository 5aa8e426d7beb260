-- Huixiao's organisation database, schema version 8: the clash check at the end of every sync asks
-- only about what changed since the laptop last asked (issue #14, item 7). hq.clashes() compared
-- every live invitation of the laptop's seminars with the organisation's, at every sync: on a tenth
-- of a five-year organisation that was most of a seminar day's sync (3.3-4.2 s), and growing with the
-- laptop's seminars. It stays as it was, for laptops of an older version.

-- The same store invited by two laptops, among the invitations written since p_since (a position in
-- head office's log, hq.changes.xid: the oldest transaction still running when the laptop last
-- asked) and the invitations of seminars written since then (a date or window moved), on both
-- sides: this laptop's own, and other laptops' against this laptop's older ones. p_again: this
-- laptop's invitations of the clashes it still lists, asked about again, so that a clash gone
-- (cancelled, declined, deleted, moved out of the window) leaves the list even when nothing of it
-- changed since. p_since null: every live invitation of the laptop's seminars (a first check).
-- The answer is hq.clashes()'s: whether the windows overlap is decided on the laptop.
--
-- PL/pgSQL with plan_cache_mode = force_custom_plan: the query is planned for the laptop and the
-- position it is asked with (an SQL function is planned without knowing them, and once planned for
-- "some laptop" it paired every invitation with every other seminar's). It reaches the other side
-- through the index of invitations by store (rows_invitation_store), one store at a time.
CREATE FUNCTION hq.clashes_since(p_since xid8, p_again uuid[])
    RETURNS TABLE (invitation uuid, store uuid, seminar_date text, seminar_days integer,
                   other_invitation uuid, other_seminar uuid, other_title text, other_date text,
                   other_days integer, other_laptop text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, hq
    SET plan_cache_mode = force_custom_plan
    AS $$
#variable_conflict use_column
DECLARE
    v_me integer := (hq.me()).id;
BEGIN
    -- A laptop that runs no seminar has nothing to clash (head office's, usually).
    IF v_me IS NULL OR NOT EXISTS (SELECT 1 FROM hq.seminars s WHERE s.owner = v_me) THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH asked AS MATERIALIZED (
        SELECT c.gid FROM hq.changes c
         WHERE p_since IS NOT NULL AND c.xid >= p_since AND c.tbl = 'invitations'
        UNION
        SELECT i.gid FROM hq.changes c
          JOIN hq.rows i ON i.kind = 'seminar' AND i.seminar = c.gid AND i.tbl = 'invitations'
         WHERE p_since IS NOT NULL AND c.xid >= p_since AND c.tbl = 'seminars'
        UNION
        SELECT i.gid FROM hq.seminars s
          JOIN hq.rows i ON i.kind = 'seminar' AND i.seminar = s.gid AND i.tbl = 'invitations'
         WHERE p_since IS NULL AND s.owner = v_me
        UNION
        SELECT a FROM unnest(p_again) a
    ),
    -- The live ones, with who runs their seminar.
    live AS MATERIALIZED (
        SELECT r.gid, r.data ->> 'store_id' AS store_id, r.seminar, s.owner = v_me AS mine
          FROM asked
          JOIN hq.rows r ON r.tbl = 'invitations' AND r.gid = asked.gid
          JOIN hq.seminars s ON s.gid = r.seminar
         WHERE NOT r.deleted AND r.data ->> 'status' IN ('invited', 'confirmed')
    ),
    -- Each with the live invitations of its store on the other side: another laptop's seminars
    -- for this laptop's invitation, this laptop's for another's.
    pairs AS (
        SELECT DISTINCT
               CASE WHEN l.mine THEN l.gid ELSE o.gid END AS mine_gid,
               CASE WHEN l.mine THEN o.gid ELSE l.gid END AS other_gid
          FROM live l
          JOIN hq.rows o ON o.tbl = 'invitations' AND o.data ->> 'store_id' = l.store_id
                        AND o.seminar <> l.seminar AND NOT o.deleted
                        AND o.data ->> 'status' IN ('invited', 'confirmed')
          JOIN hq.seminars os ON os.gid = o.seminar
         WHERE (os.owner = v_me) <> l.mine
    )
    SELECT mine.gid, (mine.data ->> 'store_id')::uuid, ms.data ->> 'date', (ms.data ->> 'attribution_days')::int,
           theirs.gid, osr.gid, osr.data ->> 'title', osr.data ->> 'date', (osr.data ->> 'attribution_days')::int,
           l.name
      FROM pairs p
      JOIN hq.rows mine ON mine.tbl = 'invitations' AND mine.gid = p.mine_gid
      JOIN hq.rows ms ON ms.tbl = 'seminars' AND ms.gid = mine.seminar AND NOT ms.deleted
      JOIN hq.rows theirs ON theirs.tbl = 'invitations' AND theirs.gid = p.other_gid
      JOIN hq.seminars os ON os.gid = theirs.seminar
      JOIN hq.rows osr ON osr.tbl = 'seminars' AND osr.gid = os.gid AND NOT osr.deleted
      LEFT JOIN hq.laptops l ON l.id = os.owner;
END $$;

REVOKE ALL ON FUNCTION hq.clashes_since(xid8, uuid[]) FROM PUBLIC;
DO $$
DECLARE group_role text := 'hx_' || (SELECT short FROM hq.organisation) || '_laptop';
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.clashes_since(xid8, uuid[]) TO %I', group_role);
END $$;

INSERT INTO hq.schema_version (version) VALUES (8);
