-- Huixiao's organisation database, schema version 2: who else holds a store, asked by a laptop at the
-- moment it invites (issue #14, item 7), so that a double invitation is refused at once when head
-- office is reachable (offline, it still comes back at sync through hq.clashes()).

-- The live invitations (invited or confirmed) of these stores (every store when p_stores is null) in
-- seminars that other laptops own and that start within the year before p_to (an attribution window
-- is at most 365 days): the laptop, the seminar's title, date and attribution window. Whether a window
-- overlaps the inviting seminar's is decided on the laptop, by the one function the invitation-list
-- builder uses (conversion::overlap). A city laptop is answered about its cities' stores only; a revoked
-- laptop is answered nothing.
CREATE FUNCTION hq.holders(p_stores uuid[], p_from date, p_to date)
    RETURNS TABLE (store uuid, invitation uuid, seminar uuid, title text, date text, days integer,
                   laptop text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
    SELECT (inv.data ->> 'store_id')::uuid, inv.gid, s.gid, sr.data ->> 'title', sr.data ->> 'date',
           (sr.data ->> 'attribution_days')::int, l.name
      FROM hq.me() me
      JOIN hq.seminars s ON s.owner IS DISTINCT FROM me.id
      JOIN hq.rows sr ON sr.tbl = 'seminars' AND sr.gid = s.gid AND NOT sr.deleted
      JOIN hq.rows inv ON inv.kind = 'seminar' AND inv.seminar = s.gid AND inv.tbl = 'invitations'
                      AND NOT inv.deleted AND inv.data ->> 'status' IN ('invited', 'confirmed')
      LEFT JOIN hq.laptops l ON l.id = s.owner
     WHERE me.id IS NOT NULL
       AND sr.data ->> 'date' BETWEEN to_char(p_from - 365, 'YYYY-MM-DD') AND to_char(p_to, 'YYYY-MM-DD')
       AND (p_stores IS NULL OR inv.data ->> 'store_id' = ANY (p_stores::text[]))
       -- A city laptop can only invite the stores of its cities: only those are asked about.
       AND (me.is_hq OR EXISTS (SELECT 1 FROM hq.rows st
                                 WHERE st.tbl = 'stores' AND st.gid = (inv.data ->> 'store_id')::uuid
                                   AND st.city = ANY (me.cities)))
    $$;
REVOKE ALL ON FUNCTION hq.holders(uuid[], date, date) FROM PUBLIC;
DO $$
DECLARE group_role text := 'hx_' || (SELECT short FROM hq.organisation) || '_laptop';
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.holders(uuid[], date, date) TO %I', group_role);
END $$;

INSERT INTO hq.schema_version (version) VALUES (2);
