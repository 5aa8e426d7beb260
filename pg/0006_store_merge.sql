-- Huixiao's organisation database, schema version 6: two stores that share a person's mobile under
-- two names, proposed to a person (issue #14, item 4). Two stores with the same name and city are
-- already one (hq.push aliases them by their match key); the same mobile under another store name
-- is, by the import's rule (src/matching.rs, `compare`), for a person to settle: merge, or keep
-- apart. Head office gathers the pairs; whether a pair is one to propose is decided on the laptop by
-- that rule, written once. What a person settled is kept here, so that it holds on every laptop.

-- A pair of stores a person settled: kept apart, or merged (a < b).
CREATE TABLE hq.store_pairs (
    a       uuid NOT NULL,
    b       uuid NOT NULL,
    settled text NOT NULL CHECK (settled IN ('apart', 'merged')),
    laptop  integer REFERENCES hq.laptops,
    at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (a, b),
    CHECK (a < b)
);

-- The rows that refer to a store or a person, found from their data; and people by their mobile.
CREATE INDEX rows_store_ref ON hq.rows ((data ->> 'store_id'));
CREATE INDEX rows_contact_ref ON hq.rows ((data ->> 'contact_id'));
CREATE INDEX rows_contact_phone ON hq.rows ((data ->> 'phone')) WHERE tbl = 'contacts';

-- Pairs of live stores the signed-in laptop may read whose people share a (normalised) mobile,
-- that nobody settled yet: both stores' names and cities, the laptop that typed each, the mobile.
-- A person erased is nobody's. Whether the names differ is decided on the laptop.
CREATE FUNCTION hq.store_proposals()
    RETURNS TABLE (store uuid, name text, city text, laptop text,
                   other_store uuid, other_name text, other_city text, other_laptop text, mobile text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
    WITH me AS (SELECT * FROM hq.me()),
    -- The mobiles of live people in more than one store: a city laptop's people only (by the index
    -- by city; it reads no other city's stores), head office's all. Only these pairs are checked.
    shared AS MATERIALIZED (
        SELECT c.data ->> 'phone' AS phone
          FROM hq.rows c, me
         WHERE c.tbl = 'contacts' AND c.kind = 'shared' AND NOT c.deleted
           AND c.data ->> 'phone_kind' = 'mobile' AND c.data ->> 'erased_at' IS NULL
           AND me.id IS NOT NULL AND (me.is_hq OR c.city = ANY (me.cities))
         GROUP BY 1 HAVING count(DISTINCT c.data ->> 'store_id') > 1)
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
     ORDER BY sa.gid, sb.gid, shared.phone
    $$;

-- Both stores, live and readable by the signed-in laptop (locked, in gid order), or an error a
-- laptop tells its person about (HX001).
CREATE FUNCTION hq.store_pair(p_a uuid, p_b uuid) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, hq
    AS $$
BEGIN
    IF (hq.me()).id IS NULL THEN
        RAISE EXCEPTION 'this role is not a laptop of the organisation, or it was revoked' USING ERRCODE = '28000';
    END IF;
    IF p_a = p_b OR (SELECT count(*) FROM (SELECT 1 FROM hq.rows r
                                            WHERE r.tbl = 'stores' AND r.gid IN (p_a, p_b) AND NOT r.deleted
                                              AND hq.may_read(r.kind, r.owner, r.seminar, r.city)
                                            ORDER BY r.gid FOR UPDATE) x) <> 2 THEN
        RAISE EXCEPTION 'one of the two stores is gone, or not this laptop''s to read' USING ERRCODE = 'HX001';
    END IF;
END $$;

-- Keep two stores apart: they are not proposed again, on any laptop.
CREATE FUNCTION hq.keep_stores_apart(p_a uuid, p_b uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
BEGIN
    PERFORM hq.store_pair(p_a, p_b);
    INSERT INTO hq.store_pairs (a, b, settled, laptop)
    VALUES (least(p_a, p_b), greatest(p_a, p_b), 'apart', (hq.me()).id)
    ON CONFLICT (a, b) DO UPDATE SET settled = 'apart', laptop = EXCLUDED.laptop, at = now();
END $$;

-- Every live row whose column p_col refers to p_from (of these tables, or any) now refers to p_to,
-- written to the log; a person's second link to a store they already belong to goes instead.
-- With p_city, shared rows move to that city (a person with their store).
CREATE FUNCTION hq.move_refs(p_col text, p_tbls text[], p_from uuid, p_to uuid, p_city text,
                             p_hlc bigint, p_me hq.laptops) RETURNS integer
    LANGUAGE plpgsql SET search_path = pg_catalog, hq
    AS $$
DECLARE
    r hq.rows;
    v_data jsonb;
    v_key text;
    n integer := 0;
BEGIN
    FOR r IN EXECUTE format(
        'SELECT * FROM hq.rows x WHERE x.data ->> %L = $1 AND NOT x.deleted AND ($2 IS NULL OR x.tbl = ANY ($2))
          ORDER BY x.tbl, x.gid FOR UPDATE', p_col) USING p_from::text, p_tbls
    LOOP
        v_data := jsonb_set(r.data, ARRAY[p_col], to_jsonb(p_to::text));
        IF r.tbl = 'contact_stores' AND (
               EXISTS (SELECT 1 FROM hq.rows o WHERE o.tbl = 'contact_stores' AND o.gid <> r.gid AND NOT o.deleted
                          AND o.data ->> 'contact_id' = v_data ->> 'contact_id'
                          AND o.data ->> 'store_id' = v_data ->> 'store_id')
            OR EXISTS (SELECT 1 FROM hq.rows c WHERE c.tbl = 'contacts' AND NOT c.deleted
                          AND c.gid = (v_data ->> 'contact_id')::uuid
                          AND c.data ->> 'store_id' = v_data ->> 'store_id')) THEN
            UPDATE hq.rows x SET deleted = true WHERE x.tbl = r.tbl AND x.gid = r.gid RETURNING * INTO r;
        ELSE
            -- A person's key is their mobile within their store: it moves with them.
            v_key := CASE WHEN r.tbl = 'contacts' AND p_col = 'store_id' AND r.match_key IS NOT NULL
                          THEN left(r.match_key, length(r.match_key) - length(p_from::text)) || p_to::text END;
            UPDATE hq.rows x
               SET data = v_data,
                   clocks = jsonb_set(x.clocks, ARRAY[p_col], jsonb_build_array(p_hlc, p_me.name)),
                   city = CASE WHEN x.kind = 'shared' AND p_city IS NOT NULL THEN p_city ELSE x.city END,
                   match_key = CASE WHEN v_key IS NULL THEN x.match_key
                                    WHEN EXISTS (SELECT 1 FROM hq.rows o WHERE o.tbl = x.tbl AND o.match_key = v_key
                                                    AND o.gid <> x.gid AND NOT o.deleted) THEN NULL
                                    ELSE v_key END
             WHERE x.tbl = r.tbl AND x.gid = r.gid
            RETURNING * INTO r;
        END IF;
        INSERT INTO hq.changes (laptop, tbl, gid, hlc, data, deleted, kind, owner, seminar, city)
        VALUES (p_me.id, r.tbl, r.gid, p_hlc, r.data, r.deleted, r.kind, r.owner, r.seminar, r.city);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;

-- A row that goes into another: an alias of it from now on (aliases of it too), deleted, and the
-- deletion written to the log with the row it went into (`merged_into`), so that a laptop moves
-- what it holds of the row there first.
CREATE FUNCTION hq.merge_row(p_tbl text, p_gone uuid, p_into uuid, p_hlc bigint, p_me hq.laptops) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, hq
    AS $$
DECLARE
    r hq.rows;
BEGIN
    INSERT INTO hq.aliases (tbl, gid, canonical, laptop) VALUES (p_tbl, p_gone, p_into, p_me.id)
        ON CONFLICT (tbl, gid) DO UPDATE SET canonical = EXCLUDED.canonical;
    UPDATE hq.aliases a SET canonical = p_into WHERE a.tbl = p_tbl AND a.canonical = p_gone;
    UPDATE hq.rows x SET deleted = true WHERE x.tbl = p_tbl AND x.gid = p_gone RETURNING * INTO r;
    INSERT INTO hq.changes (laptop, tbl, gid, hlc, data, deleted, kind, owner, seminar, city)
    VALUES (p_me.id, r.tbl, r.gid, p_hlc, r.data || jsonb_build_object('merged_into', p_into::text), true,
            r.kind, r.owner, r.seminar, r.city);
END $$;

-- Merges store p_gone into p_keep, in one transaction: the same person in both (same mobile)
-- becomes one (what referred to the second now refers to the first), every row that refers to
-- p_gone refers to p_keep, p_gone's name is kept in p_keep's note, and p_gone becomes an alias of
-- p_keep (a laptop's change still under p_gone is taken as p_keep's) — all written to the log, so
-- every laptop pulls it. Only stores the signed-in laptop may read (HX001); not two stores invited to
-- the same seminar, which would be one store invited twice (HX002).
CREATE FUNCTION hq.merge_stores(p_keep uuid, p_gone uuid) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
DECLARE
    me hq.laptops := hq.me();
    v_keep hq.rows;
    v_gone hq.rows;
    v_hlc bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint << 16;
    c hq.rows;
    twin uuid;
    people integer := 0;
    moved integer := 0;
    v_note text;
BEGIN
    PERFORM hq.store_pair(p_keep, p_gone);
    IF EXISTS (SELECT 1 FROM hq.rows a
                 JOIN hq.rows b ON b.tbl = 'invitations' AND b.seminar = a.seminar AND NOT b.deleted
                               AND b.data ->> 'store_id' = p_gone::text
                WHERE a.tbl = 'invitations' AND NOT a.deleted AND a.data ->> 'store_id' = p_keep::text) THEN
        RAISE EXCEPTION 'both stores are invited to the same seminar' USING ERRCODE = 'HX002';
    END IF;
    SELECT * INTO v_keep FROM hq.rows WHERE tbl = 'stores' AND gid = p_keep;
    SELECT * INTO v_gone FROM hq.rows WHERE tbl = 'stores' AND gid = p_gone;
    -- The same person in both stores: one person, the kept store's.
    FOR c IN SELECT * FROM hq.rows x
              WHERE x.tbl = 'contacts' AND x.data ->> 'store_id' = p_gone::text AND NOT x.deleted
                AND x.data ->> 'phone_kind' = 'mobile' AND x.data ->> 'erased_at' IS NULL
              ORDER BY x.gid FOR UPDATE
    LOOP
        SELECT t.gid INTO twin FROM hq.rows t
         WHERE t.tbl = 'contacts' AND t.data ->> 'store_id' = p_keep::text AND NOT t.deleted
           AND t.data ->> 'phone' = c.data ->> 'phone' AND t.data ->> 'erased_at' IS NULL
         ORDER BY t.gid LIMIT 1;
        IF twin IS NOT NULL THEN
            PERFORM hq.merge_row('contacts', c.gid, twin, v_hlc, me);
            moved := moved + hq.move_refs('contact_id', NULL, c.gid, twin, NULL, v_hlc, me);
            people := people + 1;
        END IF;
    END LOOP;
    PERFORM hq.merge_row('stores', p_gone, p_keep, v_hlc, me);
    moved := moved + hq.move_refs('store_id', NULL, p_gone, p_keep, v_keep.city, v_hlc, me)
                   + hq.move_refs('referrer_id', ARRAY['stores'], p_gone, p_keep, NULL, v_hlc, me)
                   + hq.move_refs('partner_id', ARRAY['partner_payouts'], p_gone, p_keep, v_keep.city, v_hlc, me);
    -- The other name stays findable: in the kept store's note.
    IF v_gone.data ->> 'name' IS DISTINCT FROM v_keep.data ->> 'name'
       AND position(v_gone.data ->> 'name' IN coalesce(v_keep.data ->> 'note', '')) = 0 THEN
        v_note := btrim(coalesce(v_keep.data ->> 'note', '') || ' 又名 ' || (v_gone.data ->> 'name'));
        UPDATE hq.rows x
           SET data = jsonb_set(x.data, '{note}', to_jsonb(v_note)),
               clocks = jsonb_set(x.clocks, '{note}', jsonb_build_array(v_hlc, me.name))
         WHERE x.tbl = 'stores' AND x.gid = p_keep
        RETURNING * INTO v_keep;
        INSERT INTO hq.changes (laptop, tbl, gid, hlc, data, deleted, kind, owner, seminar, city)
        VALUES (me.id, 'stores', p_keep, v_hlc, v_keep.data, false, v_keep.kind, v_keep.owner, v_keep.seminar,
                v_keep.city);
    END IF;
    INSERT INTO hq.store_pairs (a, b, settled, laptop)
    VALUES (least(p_keep, p_gone), greatest(p_keep, p_gone), 'merged', me.id)
    ON CONFLICT (a, b) DO UPDATE SET settled = 'merged', laptop = EXCLUDED.laptop, at = now();
    RETURN jsonb_build_object('kept', p_keep, 'gone', p_gone, 'people', people, 'moved', moved);
END $$;

-- An erased person leaves nothing behind in the rows merged into theirs either (the same person
-- in two stores a person merged, erased on a laptop that still knew them by the other row): those
-- take the erased row, and their history and their versions in the log go.
CREATE FUNCTION hq.erase_merged() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, hq
    AS $$
BEGIN
    UPDATE hq.rows r SET data = NEW.data
      FROM hq.aliases a
     WHERE a.tbl = 'contacts' AND a.canonical = NEW.gid AND r.tbl = 'contacts' AND r.gid = a.gid;
    DELETE FROM hq.history h USING hq.aliases a
     WHERE a.tbl = 'contacts' AND a.canonical = NEW.gid AND h.tbl = 'contacts' AND h.gid = a.gid;
    UPDATE hq.changes ch
       SET data = CASE WHEN ch.data ? 'merged_into'
                       THEN NEW.data || jsonb_build_object('merged_into', ch.data -> 'merged_into')
                       ELSE NEW.data END
      FROM hq.aliases a
     WHERE a.tbl = 'contacts' AND a.canonical = NEW.gid AND ch.tbl = 'contacts' AND ch.gid = a.gid;
    RETURN NULL;
END $$;
CREATE TRIGGER rows_erase_merged AFTER UPDATE ON hq.rows FOR EACH ROW
    WHEN (NEW.tbl = 'contacts' AND NEW.data ->> 'erased_at' IS NOT NULL AND OLD.data ->> 'erased_at' IS NULL)
    EXECUTE FUNCTION hq.erase_merged();

REVOKE ALL ON FUNCTION hq.erase_merged() FROM PUBLIC;
REVOKE ALL ON FUNCTION hq.store_proposals() FROM PUBLIC;
REVOKE ALL ON FUNCTION hq.store_pair(uuid, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION hq.keep_stores_apart(uuid, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION hq.move_refs(text, text[], uuid, uuid, text, bigint, hq.laptops) FROM PUBLIC;
REVOKE ALL ON FUNCTION hq.merge_row(text, uuid, uuid, bigint, hq.laptops) FROM PUBLIC;
REVOKE ALL ON FUNCTION hq.merge_stores(uuid, uuid) FROM PUBLIC;
DO $$
DECLARE group_role text := 'hx_' || (SELECT short FROM hq.organisation) || '_laptop';
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.store_proposals() TO %I', group_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.keep_stores_apart(uuid, uuid) TO %I', group_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION hq.merge_stores(uuid, uuid) TO %I', group_role);
END $$;

INSERT INTO hq.schema_version (version) VALUES (6);
