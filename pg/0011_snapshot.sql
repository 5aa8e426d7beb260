-- Huixiao's organisation database, schema version 11: a laptop's first pull reads the organisation's
-- current rows instead of replaying the whole log (issue #14: head office's new laptop pulls a
-- five-year organisation, 18 million changes, in at most 10 minutes).
--
-- The laptop reads every replicated table, parents first (the app's own order), in gid order, in
-- pages, inside one REPEATABLE READ transaction, so the pages are one consistent picture. With the
-- first page it takes that picture's horizon (pg_snapshot_xmin: every transaction older than it had
-- ended and is in the picture) and, once the last table is read, pulls the log from there as ever.
-- A change that committed before the picture but is not older than the horizon comes again from the
-- log: rows are whole, applied by gid, so a row written twice ends as the last version. A laptop
-- stopped mid-way goes on from the last table and gid it applied, in a new picture, and still pulls
-- the log from the first picture's horizon, so what changed between the two comes too.

-- The rows of one table the signed-in laptop may read (hq.pull's rule), after p_after in gid order,
-- deleted ones included: a row merged into another at head office goes from a laptop that held it,
-- into the row it became (merged_into, as the log says it).
-- hlc: the row's latest clock, so the laptop's own clock ends ahead of everything it holds. writer:
-- the laptop of that clock. owner_name: for a seminar, the laptop that runs it now.
CREATE FUNCTION hq.snapshot(p_tbl text, p_after uuid, p_limit integer)
    RETURNS TABLE (gid uuid, hlc bigint, data jsonb, deleted boolean, owner_name text, writer text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
    WITH me AS MATERIALIZED (SELECT id, cities, is_hq FROM hq.me())
    SELECT r.gid, coalesce(last.hlc, 0),
           CASE WHEN r.deleted
                THEN r.data || coalesce((SELECT jsonb_build_object('merged_into', a.canonical::text)
                                           FROM hq.aliases a WHERE a.tbl = r.tbl AND a.gid = r.gid), '{}')
                ELSE r.data END,
           r.deleted,
           CASE WHEN r.tbl = 'seminars' THEN (SELECT o.name FROM hq.laptops o WHERE o.id = r.owner) END,
           last.laptop
      FROM hq.rows r
      CROSS JOIN me
      LEFT JOIN LATERAL (SELECT (c.value ->> 0)::bigint AS hlc, c.value ->> 1 AS laptop
                           FROM jsonb_each(r.clocks) c
                          ORDER BY 1 DESC LIMIT 1) last ON true
     WHERE r.tbl = p_tbl AND r.gid > p_after
       AND me.id IS NOT NULL
       AND (me.is_hq
            OR r.kind = 'head_office'
            OR (r.kind = 'shared' AND r.city = ANY (me.cities))
            OR (r.kind = 'seminar' AND r.owner = me.id))
     ORDER BY r.gid
     LIMIT p_limit
    $$;

REVOKE ALL ON FUNCTION hq.snapshot(text, uuid, integer) FROM PUBLIC;
DO $$
DECLARE group_role text := 'hx_' || (SELECT short FROM hq.organisation) || '_laptop';
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.snapshot(text, uuid, integer) TO %I', group_role);
END $$;

INSERT INTO hq.schema_version (version) VALUES (11);
