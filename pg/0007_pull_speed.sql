-- Huixiao's organisation database, schema version 7: two questions every sync asks, made cheap on a
-- five-year organisation (benches/hq.rs). What they answer is unchanged.
-- - hq.pull looks up the signed-in laptop once per page instead of once per change. Version 1 asked
--   hq.may_read (which asks hq.me()) of every change it scanned: a head-office laptop's first pull
--   reads 18 million changes, and a new city laptop scans them all to find its own. hq.may_read
--   still says who reads what for the rows' policy.
-- - hq.clashes first gathers the laptop's own live invitations (through the index of seminar rows,
--   rows_seminar, which it can use now that it names their kind), then looks up each store's other
--   invitations by store. Version 1 read every row of the organisation once per seminar of the
--   laptop's (4.2 s per sync on a tenth of the organisation); naming the kind alone left PostgreSQL free
--   to pair every invitation of the laptop's with every invitation of every other seminar (7 minutes
--   and more once a laptop had 43,000 live invitations). Now 0.8-1.9 s for that laptop, 11 ms for head
--   office: it grows with the laptop's own live invitations, not with the organisation.

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

CREATE OR REPLACE FUNCTION hq.clashes()
    RETURNS TABLE (invitation uuid, store uuid, seminar_date text, seminar_days integer,
                   other_invitation uuid, other_seminar uuid, other_title text, other_date text,
                   other_days integer, other_laptop text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
    WITH mine AS MATERIALIZED (
        SELECT i.gid, i.data ->> 'store_id' AS store, i.seminar, s.owner, ms.data ->> 'date' AS date,
               (ms.data ->> 'attribution_days')::int AS days
          FROM hq.seminars s
          JOIN hq.rows ms ON ms.tbl = 'seminars' AND ms.gid = s.gid AND NOT ms.deleted
          JOIN hq.rows i ON i.kind = 'seminar' AND i.tbl = 'invitations' AND i.seminar = s.gid
                        AND NOT i.deleted AND i.data ->> 'status' IN ('invited', 'confirmed')
         WHERE s.owner = (hq.me()).id
    )
    SELECT mine.gid, mine.store::uuid, mine.date, mine.days,
           theirs.gid, os.gid, osr.data ->> 'title', osr.data ->> 'date', (osr.data ->> 'attribution_days')::int,
           l.name
      FROM mine
      JOIN hq.rows theirs ON theirs.tbl = 'invitations' AND theirs.data ->> 'store_id' = mine.store
                         AND theirs.kind = 'seminar' AND theirs.seminar <> mine.seminar AND NOT theirs.deleted
                         AND theirs.data ->> 'status' IN ('invited', 'confirmed')
      JOIN hq.seminars os ON os.gid = theirs.seminar AND os.owner IS DISTINCT FROM mine.owner
      JOIN hq.rows osr ON osr.tbl = 'seminars' AND osr.gid = os.gid AND NOT osr.deleted
      LEFT JOIN hq.laptops l ON l.id = os.owner
    $$;

INSERT INTO hq.schema_version (version) VALUES (7);
