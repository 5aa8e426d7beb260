-- Huixiao's organisation database, schema version 7: hq.pull looks up the signed-in laptop once per
-- page instead of once per change. Version 1 asked hq.may_read (which asks hq.me()) of every change
-- it scanned: on a five-year organisation (benches/hq.rs) a head-office laptop's first pull reads
-- 18 million changes, and a new city laptop scans them all to find its own. Who may read what is
-- unchanged (hq.may_read still says it for the rows' policy).

CREATE OR REPLACE FUNCTION hq.pull(p_xid xid8, p_pos bigint, p_limit integer)
    RETURNS TABLE (xid xid8, pos bigint, tbl text, gid uuid, hlc bigint, data jsonb, deleted boolean,
                   seminar uuid, city text, owner_name text, writer text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
    WITH me AS MATERIALIZED (SELECT id, cities, is_hq FROM hq.me()),
         handed AS MATERIALIZED (SELECT s.gid FROM hq.seminars s, me WHERE s.owner = me.id)
    SELECT c.xid, c.pos, c.tbl, c.gid, c.hlc, c.data, c.deleted, c.seminar, c.city,
           CASE WHEN c.tbl = 'seminars' THEN (SELECT o.name FROM hq.laptops o WHERE o.id = c.owner) END,
           (SELECT w.name FROM hq.laptops w WHERE w.id = c.laptop)
      FROM hq.changes c, me
     WHERE (c.xid, c.pos) > (p_xid, p_pos)
       AND c.xid < pg_snapshot_xmin(pg_current_snapshot())
       AND me.id IS NOT NULL
       AND (me.is_hq
            OR c.kind = 'head_office'
            OR (c.kind = 'shared' AND c.city = ANY (me.cities))
            OR (c.kind = 'seminar' AND (c.owner = me.id OR c.seminar IN (SELECT gid FROM handed))))
     ORDER BY c.xid, c.pos
     LIMIT p_limit
    $$;

INSERT INTO hq.schema_version (version) VALUES (7);
