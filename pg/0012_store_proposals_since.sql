-- Huixiao's organisation database, schema version 12: the store-merge proposals at the end of every
-- sync ask only about what changed since the laptop last asked (issue #14, "a seminar day's sync
-- ≤ 2 s"). hq.store_proposals() grouped every person of the laptop's cities by mobile at every
-- sync (0.39 s per sync on a tenth of a five-year organisation, growing with the cities' people).
-- It stays as it was, for laptops of an older version.

-- hq.store_proposals()'s answer, of the pairs on the mobiles of the people written since p_since
-- (a position in head office's log, hq.changes.xid: the oldest transaction still running before
-- the laptop last pulled), of the people of the stores written since (a name, a city, a store
-- deleted or merged), and of the people of the stores in p_again: the stores of the pairs the
-- laptop still lists, asked about again so that a pair settled on another laptop (kept apart or
-- merged: hq.store_pairs, which is not in the log) or gone leaves the list even when nothing of
-- it changed since. p_since null: every pair (a first check).
--
-- PL/pgSQL with plan_cache_mode = force_custom_plan, as hq.clashes_since: planned for the position
-- it is asked with, it reads the log from there (changes_order) and reaches the people through the
-- indexes by store (rows_store_ref) and by mobile (rows_contact_phone), a mobile at a time.
CREATE FUNCTION hq.store_proposals_since(p_since xid8, p_again uuid[])
    RETURNS TABLE (store uuid, name text, city text, laptop text,
                   other_store uuid, other_name text, other_city text, other_laptop text, mobile text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, hq
    SET plan_cache_mode = force_custom_plan
    AS $$
#variable_conflict use_column
DECLARE
    v_me hq.laptops := hq.me();
BEGIN
    IF v_me.id IS NULL THEN
        RETURN;
    END IF;
    IF p_since IS NULL THEN
        RETURN QUERY SELECT * FROM hq.store_proposals();
        RETURN;
    END IF;
    RETURN QUERY
    WITH written AS MATERIALIZED (
        SELECT DISTINCT c.tbl, c.gid FROM hq.changes c
         WHERE c.xid >= p_since AND c.tbl IN ('contacts', 'stores')
    ),
    -- The stores written since, and those asked again.
    stores AS MATERIALIZED (
        SELECT w.gid::text AS store_id FROM written w WHERE w.tbl = 'stores'
        UNION
        SELECT a::text FROM unnest(p_again) a
    ),
    -- Their people's mobiles, and those of the people written since (by the arrays' indexes:
    -- planned as a join of the gathered sets, it read every person of the city).
    phones AS MATERIALIZED (
        SELECT r.data ->> 'phone' AS phone
          FROM hq.rows r
         WHERE r.tbl = 'contacts'
           AND r.gid = ANY (ARRAY(SELECT w.gid FROM written w WHERE w.tbl = 'contacts'))
        UNION
        SELECT r.data ->> 'phone'
          FROM hq.rows r
         WHERE r.tbl = 'contacts' AND r.data ->> 'store_id' = ANY (ARRAY(SELECT s.store_id FROM stores s))
    ),
    -- Of those, the mobiles of live people in more than one store, as hq.store_proposals() says:
    -- a mobile at a time, by rows_contact_phone alone (the conditions as a FILTER: as conditions,
    -- the index by city was read beside it for every mobile, 2.6 ms each on a hundredth).
    shared AS MATERIALIZED (
        SELECT p.phone
          FROM phones p
         WHERE p.phone IS NOT NULL
           AND (SELECT count(DISTINCT c.data ->> 'store_id')
                           FILTER (WHERE c.kind = 'shared' AND NOT c.deleted
                                     AND c.data ->> 'phone_kind' = 'mobile' AND c.data ->> 'erased_at' IS NULL
                                     AND (v_me.is_hq OR c.city = ANY (v_me.cities)))
                  FROM hq.rows c
                 WHERE c.tbl = 'contacts' AND c.data ->> 'phone' = p.phone) > 1
    )
    SELECT DISTINCT ON (sa.gid, sb.gid)
           sa.gid, sa.data ->> 'name', sa.data ->> 'city',
           coalesce(sa.clocks #>> '{created_at,1}', sa.clocks #>> '{name,1}'),
           sb.gid, sb.data ->> 'name', sb.data ->> 'city',
           coalesce(sb.clocks #>> '{created_at,1}', sb.clocks #>> '{name,1}'),
           shared.phone
      FROM shared
      JOIN hq.rows ca ON ca.tbl = 'contacts' AND ca.data ->> 'phone' = shared.phone AND NOT ca.deleted
                     AND ca.data ->> 'phone_kind' = 'mobile' AND ca.data ->> 'erased_at' IS NULL
      JOIN hq.rows cb ON cb.tbl = 'contacts' AND cb.data ->> 'phone' = shared.phone AND NOT cb.deleted
                     AND cb.data ->> 'phone_kind' = 'mobile' AND cb.data ->> 'erased_at' IS NULL
                     AND (cb.data ->> 'store_id')::uuid > (ca.data ->> 'store_id')::uuid
      JOIN hq.rows sa ON sa.tbl = 'stores' AND sa.gid = (ca.data ->> 'store_id')::uuid AND NOT sa.deleted
      JOIN hq.rows sb ON sb.tbl = 'stores' AND sb.gid = (cb.data ->> 'store_id')::uuid AND NOT sb.deleted
     WHERE hq.may_read(sa.kind, sa.owner, sa.seminar, sa.city)
       AND hq.may_read(sb.kind, sb.owner, sb.seminar, sb.city)
       AND NOT EXISTS (SELECT 1 FROM hq.store_pairs p WHERE p.a = sa.gid AND p.b = sb.gid)
     ORDER BY sa.gid, sb.gid, shared.phone;
END $$;

REVOKE ALL ON FUNCTION hq.store_proposals_since(xid8, uuid[]) FROM PUBLIC;
DO $$
DECLARE group_role text := 'hx_' || (SELECT short FROM hq.organisation) || '_laptop';
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.store_proposals_since(xid8, uuid[]) TO %I', group_role);
END $$;

INSERT INTO hq.schema_version (version) VALUES (12);
