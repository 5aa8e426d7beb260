-- The organisation of benches/hq.rs, generated inside PostgreSQL in the shape a laptop's push
-- writes: hq.rows holds each row's columns as the laptop sent them (references by gid) with one
-- clock per column, hq.changes the log entry the push appends, hq.seminars who runs each seminar.
-- Every row starts from a template, the row of the same table that a real laptop pushed through
-- hq.push (bench_tmpl), so no column is missing or of another type.
--
-- benches/hq.rs runs each step below in slices ({from} to {to}, one transaction each, parents
-- before children so a pull applies front to back) after replacing the {names}: L laptops
-- (bench_laptop, n = 0 … L-1), C cities ({cities}, laptop n in city n % C), S stores (store i in
-- city i % C, written by laptop i % L), M seminars (seminar j run by laptop j % L, every few days
-- over five years, oldest first), P invitations per seminar (stores of the seminar's city, 60%
-- confirmed, 30% attended), D deals per seminar (at the event, by stores that came).

-- step: setup
CREATE TEMP TABLE bench_tmpl AS SELECT DISTINCT ON (tbl) tbl, data FROM hq.rows ORDER BY tbl, gid;
CREATE TEMP TABLE bench_laptop AS
    SELECT (row_number() OVER (ORDER BY id))::int - 1 AS n, id, name FROM hq.laptops WHERE name LIKE '城市电脑%';
CREATE FUNCTION pg_temp.ts(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;
CREATE FUNCTION pg_temp.hlc(t timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE
    AS $$ SELECT (extract(epoch FROM t) * 1000)::bigint << 16 $$;
CREATE FUNCTION pg_temp.clocks(d jsonb, h bigint, who text) RETURNS jsonb LANGUAGE sql IMMUTABLE
    AS $$ SELECT jsonb_object_agg(k, jsonb_build_array(h, who)) FROM jsonb_object_keys(d) k $$;
-- The store of invitation k of seminar j: P different stores of the seminar's city.
CREATE FUNCTION pg_temp.store_of(j bigint, k bigint) RETURNS bigint LANGUAGE sql IMMUTABLE
    AS $$ SELECT (j % {L}) % {C} + {C} * ((j * 7919 + k) % ({S} / {C})) $$;
CREATE FUNCTION pg_temp.day_of(j bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE
    AS $$ SELECT '2021-12-01 00:00:00+00'::timestamptz + (j * 1825 / {M}) * interval '1 day' $$;

-- step: stores
WITH d AS MATERIALIZED (
    SELECT md5('store' || i)::uuid AS gid, l.id AS laptop, l.name AS who, city, sname,
           pg_temp.hlc(at) AS hlc,
           t.data || jsonb_build_object('name', sname, 'city', city, 'district', city || (i % 9 + 1) || '区',
                                        'address', city || '中山路' || (i % 500 + 1) || '号',
                                        'industry', (ARRAY['母婴', '美容', '烘焙', '服装', '超市'])[1 + i % 5],
                                        'level', (ARRAY['A', 'B', 'C'])[1 + i % 3], 'key_customer', (i % 20 = 0)::int,
                                        'referrer_id', NULL, 'note', '', 'created_at', pg_temp.ts(at)) AS data
      FROM generate_series({from}, {to} - 1) i
      JOIN bench_laptop l ON l.n = i % {L}
     CROSS JOIN LATERAL (SELECT ({cities})[1 + i % {C}] AS city, '门店' || lpad(i::text, 7, '0') AS sname,
                                '2021-11-01 02:00:00+00'::timestamptz + (i % 30) * interval '1 day' AS at) x
      JOIN bench_tmpl t ON t.tbl = 'stores'
), r AS (
    INSERT INTO hq.rows (tbl, gid, kind, owner, seminar, city, match_key, data, clocks)
    SELECT 'stores', gid, 'shared', NULL, NULL, city, sname || chr(1) || city, data, pg_temp.clocks(data, hlc, who) FROM d
)
INSERT INTO hq.changes (laptop, tbl, gid, hlc, data, deleted, kind, owner, seminar, city)
SELECT laptop, 'stores', gid, hlc, data, false, 'shared', NULL, NULL, city FROM d;

-- step: contacts
WITH d AS MATERIALIZED (
    SELECT md5('contact' || i)::uuid AS gid, l.id AS laptop, l.name AS who, ({cities})[1 + i % {C}] AS city,
           phone, md5('store' || i)::uuid::text AS store, pg_temp.hlc(at) AS hlc,
           t.data || jsonb_build_object('store_id', md5('store' || i)::uuid::text, 'name', '店主' || i,
                                        'role', 'owner', 'phone', phone, 'phone_kind', 'mobile',
                                        'opted_out', 0, 'erased_at', NULL, 'created_at', pg_temp.ts(at)) AS data
      FROM generate_series({from}, {to} - 1) i
      JOIN bench_laptop l ON l.n = i % {L}
     CROSS JOIN LATERAL (SELECT '139' || lpad(i::text, 8, '0') AS phone,
                                '2021-11-01 02:00:00+00'::timestamptz + (i % 30) * interval '1 day' AS at) x
      JOIN bench_tmpl t ON t.tbl = 'contacts'
), r AS (
    INSERT INTO hq.rows (tbl, gid, kind, owner, seminar, city, match_key, data, clocks)
    SELECT 'contacts', gid, 'shared', NULL, NULL, city, phone || '|' || store, data, pg_temp.clocks(data, hlc, who) FROM d
)
INSERT INTO hq.changes (laptop, tbl, gid, hlc, data, deleted, kind, owner, seminar, city)
SELECT laptop, 'contacts', gid, hlc, data, false, 'shared', NULL, NULL, city FROM d;

-- step: seminars
WITH d AS MATERIALIZED (
    SELECT md5('seminar' || j)::uuid AS gid, l.id AS laptop, l.name AS who, pg_temp.hlc(day - interval '30 days') AS hlc,
           t.data || jsonb_build_object('title', city || '门店增长会 第' || j || '场', 'date', to_char(day, 'YYYY-MM-DD'),
                                        'start_time', '14:00', 'timezone', 'Asia/Shanghai', 'venue', city || '国际会展中心',
                                        'city', city, 'capacity', 600, 'lecturer_id', NULL,
                                        'layout', (ARRAY['round_tables', 'classroom'])[1 + j % 2], 'status', 'closed',
                                        'attribution_days', 30, 'created_at', pg_temp.ts(day - interval '30 days')) AS data
      FROM generate_series({from}, {to} - 1) j
      JOIN bench_laptop l ON l.n = j % {L}
     CROSS JOIN LATERAL (SELECT ({cities})[1 + (j % {L}) % {C}] AS city, pg_temp.day_of(j) AS day) x
      JOIN bench_tmpl t ON t.tbl = 'seminars'
), s AS (
    INSERT INTO hq.seminars (gid, owner) SELECT gid, laptop FROM d
), r AS (
    INSERT INTO hq.rows (tbl, gid, kind, owner, seminar, city, data, clocks)
    SELECT 'seminars', gid, 'seminar', laptop, gid, NULL, data, pg_temp.clocks(data, hlc, who) FROM d
)
INSERT INTO hq.changes (laptop, tbl, gid, hlc, data, deleted, kind, owner, seminar, city)
SELECT laptop, 'seminars', gid, hlc, data, false, 'seminar', laptop, gid, NULL FROM d;

-- step: invitations
WITH d AS MATERIALIZED (
    SELECT md5('invitation' || j || '/' || k)::uuid AS gid, l.id AS laptop, l.name AS who,
           md5('seminar' || j)::uuid AS seminar, pg_temp.hlc(at) AS hlc,
           t.data || jsonb_build_object('seminar_id', md5('seminar' || j)::uuid::text,
                                        'store_id', md5('store' || pg_temp.store_of(j, k))::uuid::text,
                                        'inviter_id', {inviter},
                                        'status', CASE WHEN k % 10 < 6 THEN 'confirmed' WHEN k % 10 < 8 THEN 'invited'
                                                       WHEN k % 10 = 8 THEN 'declined' ELSE 'cancelled' END,
                                        'walk_in', 0, 'decline_reason', '', 'note', '',
                                        'created_at', pg_temp.ts(at)) AS data
      FROM generate_series({from}, {to} - 1) j
      JOIN bench_laptop l ON l.n = j % {L}
     CROSS JOIN generate_series(0, {P} - 1) k
     CROSS JOIN LATERAL (SELECT pg_temp.day_of(j) - interval '14 days' + k * interval '1 minute' AS at) x
      JOIN bench_tmpl t ON t.tbl = 'invitations'
), r AS (
    INSERT INTO hq.rows (tbl, gid, kind, owner, seminar, city, data, clocks)
    SELECT 'invitations', gid, 'seminar', laptop, seminar, NULL, data, pg_temp.clocks(data, hlc, who) FROM d
)
INSERT INTO hq.changes (laptop, tbl, gid, hlc, data, deleted, kind, owner, seminar, city)
SELECT laptop, 'invitations', gid, hlc, data, false, 'seminar', laptop, seminar, NULL FROM d;

-- step: checkins
WITH d AS MATERIALIZED (
    SELECT md5('checkin' || j || '/' || k)::uuid AS gid, l.id AS laptop, l.name AS who,
           md5('seminar' || j)::uuid AS seminar, pg_temp.hlc(at) AS hlc,
           t.data || jsonb_build_object('invitation_id', md5('invitation' || j || '/' || k)::uuid::text,
                                        'ticket_id', NULL,
                                        'contact_id', md5('contact' || pg_temp.store_of(j, k))::uuid::text,
                                        'at', pg_temp.ts(at), 'station', '', 'companions', k % 2, 'nonce', NULL,
                                        'undone_at', NULL) AS data
      FROM generate_series({from}, {to} - 1) j
      JOIN bench_laptop l ON l.n = j % {L}
     CROSS JOIN generate_series(0, {P} - 1) k
     CROSS JOIN LATERAL (SELECT pg_temp.day_of(j) + interval '5 hours 30 minutes' + k * interval '3 seconds' AS at) x
      JOIN bench_tmpl t ON t.tbl = 'checkins'
     WHERE k % 10 < 3
), r AS (
    INSERT INTO hq.rows (tbl, gid, kind, owner, seminar, city, data, clocks)
    SELECT 'checkins', gid, 'seminar', laptop, seminar, NULL, data, pg_temp.clocks(data, hlc, who) FROM d
)
INSERT INTO hq.changes (laptop, tbl, gid, hlc, data, deleted, kind, owner, seminar, city)
SELECT laptop, 'checkins', gid, hlc, data, false, 'seminar', laptop, seminar, NULL FROM d;

-- step: deals
WITH d AS MATERIALIZED (
    SELECT md5('deal' || j || '/' || dn)::uuid AS gid, l.id AS laptop, l.name AS who,
           md5('seminar' || j)::uuid AS seminar, pg_temp.hlc(at) AS hlc,
           t.data || jsonb_build_object('seminar_id', md5('seminar' || j)::uuid::text,
                                        'store_id', md5('store' || pg_temp.store_of(j, k))::uuid::text,
                                        'contact_id', md5('contact' || pg_temp.store_of(j, k))::uuid::text,
                                        'product_id', {product}, 'tier_id', NULL, 'quantity', 1,
                                        'amount_fen', CASE WHEN dn % 4 = 0 THEN 500000 ELSE 1980000 END,
                                        'payment', CASE WHEN dn % 4 = 0 THEN 'deposit' ELSE 'full' END,
                                        'method', '', 'state', 'active', 'assistant_id', NULL, 'note', '',
                                        'at', pg_temp.ts(at)) AS data
      FROM generate_series({from}, {to} - 1) j
      JOIN bench_laptop l ON l.n = j % {L}
     CROSS JOIN generate_series(0, {D} - 1) dn
     -- deal dn goes to the store of invitation k, one that came (k % 10 < 3)
     CROSS JOIN LATERAL (SELECT (dn / 3) * 10 + dn % 3 AS k,
                                pg_temp.day_of(j) + interval '8 hours' + dn * interval '1 minute' AS at) x
      JOIN bench_tmpl t ON t.tbl = 'deals'
), r AS (
    INSERT INTO hq.rows (tbl, gid, kind, owner, seminar, city, data, clocks)
    SELECT 'deals', gid, 'seminar', laptop, seminar, NULL, data, pg_temp.clocks(data, hlc, who) FROM d
)
INSERT INTO hq.changes (laptop, tbl, gid, hlc, data, deleted, kind, owner, seminar, city)
SELECT laptop, 'deals', gid, hlc, data, false, 'seminar', laptop, seminar, NULL FROM d;
