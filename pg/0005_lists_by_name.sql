-- Huixiao's organisation database, schema version 5: head office's own lists (staff, products, price
-- plans, templates) matched by name when a laptop joins (issue #14, item 5). A laptop's 王芳 where head
-- office already has 王芳 becomes an alias of head office's row (the laptop takes its id and values)
-- instead of a second 王芳, or a change refused as head office's. What "the same" means is written once,
-- in the app (src/matching.rs, `ListKey`): the laptop sends a key and a tag (a staff member's phone);
-- here two rows are the same when their keys are equal and their tags are too unless one has none.

-- The key a row is found by: a person's mobile within their store, a price tier's rank within its
-- product (both references as head office holds them, aliases followed), and for head office's lists
-- the tag after the key (chr(2) between: a key of a row with no tag is the prefix of every tagged one).
CREATE FUNCTION hq.match_of(p_tbl text, p_listed boolean, p_key text, p_tag text, p_row jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, hq
    AS $$
    SELECT CASE WHEN p_key IS NULL THEN NULL
                WHEN NOT p_listed AND p_tbl = 'contacts' THEN p_key || '|' || coalesce(p_row ->> 'store_id', '')
                WHEN NOT p_listed THEN p_key
                ELSE CASE WHEN p_tbl = 'price_tiers' THEN p_key || '|' || coalesce(p_row ->> 'product_id', '')
                          ELSE p_key END || chr(2) || coalesce(p_tag, '') END
    $$;
REVOKE ALL ON FUNCTION hq.match_of(text, boolean, text, text, jsonb) FROM PUBLIC;

-- hq.push of version 1, with head office's lists matched. Unchanged otherwise.
CREATE OR REPLACE FUNCTION hq.push(p_batch uuid, p_changes jsonb) RETURNS jsonb
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
    v_listed boolean;
    matched boolean;
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
                  key text, tag text)
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
        -- The matching key the laptop computed by the one rule (src/matching.rs): a store's name
        -- and city, a person's mobile within their store; a row of head office's own lists by its
        -- name (a staff member told apart by phone when both have one), a price tier by its rank
        -- within its product.
        v_listed := k IN ('head_office', 'seminar_or_head_office');
        v_match := hq.match_of(c.tbl, v_listed, c.key, c.tag, c."row");
        matched := false;
        SELECT * INTO cur FROM hq.rows r WHERE r.tbl = c.tbl AND r.gid = c.gid FOR UPDATE;
        IF cur.gid IS NULL AND v_match IS NOT NULL AND c.op = 'upsert' THEN
            IF v_listed THEN
                SELECT * INTO cur FROM hq.rows r
                 WHERE r.tbl = c.tbl AND NOT r.deleted
                   AND starts_with(r.match_key, hq.match_of(c.tbl, true, c.key, NULL, c."row"))
                   AND (c.tag IS NULL OR r.match_key IN (v_match, hq.match_of(c.tbl, true, c.key, NULL, c."row")))
                   AND coalesce(r.data ->> 'active', '1') <> '0'
                 ORDER BY r.match_key = v_match DESC, r.gid
                 LIMIT 1 FOR UPDATE;
            ELSE
                SELECT * INTO cur FROM hq.rows r
                 WHERE r.tbl = c.tbl AND r.match_key = v_match AND NOT r.deleted FOR UPDATE;
            END IF;
            IF cur.gid IS NOT NULL THEN
                INSERT INTO hq.aliases (tbl, gid, canonical, laptop) VALUES (c.tbl, c.gid, cur.gid, me.id)
                    ON CONFLICT DO NOTHING;
                aliases := aliases || jsonb_build_object('tbl', c.tbl, 'gid', c.gid, 'canonical', cur.gid);
                c.gid := cur.gid;
                matched := true;
            END IF;
        END IF;
        IF k = 'seminar_or_head_office' THEN
            k := CASE WHEN coalesce(cur.seminar, c.seminar) IS NULL THEN 'head_office' ELSE 'seminar' END;
        END IF;
        -- A laptop's copy of a row of head office's lists is head office's row from now on: the
        -- laptop takes its id and values (they come down at the next pull); nothing is refused,
        -- nothing overwritten.
        IF matched AND k = 'head_office' THEN
            CONTINUE;
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
            VALUES (c.tbl, c.gid, k, owner_id, c.seminar, c.city,
                    -- a key an inactive row still holds stays with it
                    CASE WHEN NOT EXISTS (SELECT 1 FROM hq.rows o WHERE o.tbl = c.tbl AND o.match_key = v_match
                                             AND NOT o.deleted) THEN v_match END,
                    c."row",
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

INSERT INTO hq.schema_version (version) VALUES (5);
