//! Head office's own lists matched when a laptop joins (issue #14, item 5): a laptop that joins
//! holding 王芳 and 招生系统 where head office already has them takes head office's rows (their ids
//! and values) instead of making a second of each, its seminar's deal and table now point at
//! them, and what head office has none of (a new assistant 李娜) is adopted. A staff member of the
//! same name is told apart by phone; a copy added on a laptop that already holds head office's
//! row is merged into it there. Real SQLite files against a real PostgreSQL.

use huixiao::app::Clock;
use huixiao::App;
use serde_json::json;

use crate::deals::{deal, setup};
use crate::hq_laptops::{laptop, Laptop};
use crate::hq_sync::org;
use crate::pg::cluster;
use crate::support::{call, on_the_day};

fn id(v: &serde_json::Value) -> i64 {
    v["id"].as_i64().unwrap()
}

pub(crate) fn one(l: &Laptop, sql: &str) -> String {
    l.app
        .db
        .conn()
        .query_row(sql, [], |r| r.get::<_, String>(0))
        .unwrap()
}

#[test]
fn a_laptop_joining_with_data_takes_head_offices_staff_and_products_of_the_same_name() {
    let o = org();
    let pg = |sql: &str| cluster().psql(&o.db, sql);
    // Head office has 王芳 and 招生系统 (its own prices) before 长沙 joins.
    let head = laptop(&o.hq);
    call(
        &head.app,
        "staff.create",
        json!({"name": "王芳", "roles": ["assistant", "inviter"], "phone": "139 1234 5678"}),
    )
    .unwrap();
    call(
        &head.app,
        "products.create",
        json!({"name": "招生系统", "description": "总部定价", "tiers": [
            {"name": "原价", "price_fen": 2_000_000},
            {"name": "会场价", "price_fen": 1_500_000},
            {"name": "限时价", "price_fen": 1_000_000, "quota": 20}
        ]}),
    )
    .unwrap();
    head.join();
    head.sync();

    // 长沙 ran a seminar with its own 王芳 (the same phone) at table 1 and its own 招生系统 sold
    // there, and added a new assistant, 李娜.
    let mut changsha = laptop(&o.changsha);
    changsha.app = App::open(&changsha.path)
        .unwrap()
        .with_clock(Clock::Fixed(on_the_day()));
    let (w, product, limited) = setup(&changsha.app, 10);
    changsha
        .app
        .db
        .conn()
        .execute(
            "UPDATE staff SET roles = '[\"inviter\",\"assistant\"]' WHERE id = ?1",
            [w.inviter],
        )
        .unwrap();
    let li_na = id(&call(
        &changsha.app,
        "staff.create",
        json!({"name": "李娜", "roles": ["assistant"]}),
    )
    .unwrap());
    call(
        &changsha.app,
        "tables.create",
        json!({"seminar_id": w.seminar, "number": 1, "seats": 10, "assistant_id": w.inviter}),
    )
    .unwrap();
    call(
        &changsha.app,
        "tables.create",
        json!({"seminar_id": w.seminar, "number": 2, "seats": 10, "assistant_id": li_na}),
    )
    .unwrap();
    let mut d = deal(&w, product, limited);
    d["assistant_id"] = json!(w.inviter);
    call(&changsha.app, "deals.create", d).unwrap();
    changsha.join();
    let joined = changsha.sync();
    assert_eq!(
        (joined.conflicts, joined.pending),
        (0, 0),
        "nothing refused, nothing left: {joined:?}"
    );

    // Head office: one 王芳, one 招生系统 with its three tiers and its prices; 李娜 adopted.
    assert_eq!(
        pg("SELECT count(*) FROM hq.rows WHERE tbl = 'staff' AND data->>'name' = '王芳'"),
        "1"
    );
    assert_eq!(
        pg("SELECT count(*) FROM hq.rows WHERE tbl = 'staff' AND data->>'name' = '李娜'"),
        "1"
    );
    assert_eq!(
        pg("SELECT count(*) FROM hq.rows WHERE tbl = 'products'"),
        "1"
    );
    assert_eq!(
        pg("SELECT string_agg(data->>'price_fen', ',' ORDER BY data->>'rank') FROM hq.rows WHERE tbl = 'price_tiers'"),
        "2000000,1500000,1000000",
        "head office's prices stand"
    );
    assert_eq!(
        pg("SELECT data->>'description' FROM hq.rows WHERE tbl = 'products'"),
        "总部定价"
    );
    let wang_fang = pg("SELECT gid FROM hq.rows WHERE tbl = 'staff' AND data->>'name' = '王芳'");
    let zhaosheng = pg("SELECT gid FROM hq.rows WHERE tbl = 'products'");
    let rank3 = pg("SELECT gid FROM hq.rows WHERE tbl = 'price_tiers' AND data->>'rank' = '3'");
    // 长沙's deal and table point at head office's rows there.
    assert_eq!(
        pg("SELECT concat_ws(',', data->>'product_id', data->>'tier_id', data->>'assistant_id') FROM hq.rows WHERE tbl = 'deals'"),
        format!("{zhaosheng},{rank3},{wang_fang}")
    );
    assert_eq!(
        pg("SELECT data->>'assistant_id' FROM hq.rows WHERE tbl = 'venue_tables' AND data->>'number' = '1'"),
        wang_fang
    );

    // 长沙's own rows now are head office's: their ids and their values.
    assert_eq!(
        changsha.names("SELECT name FROM staff"),
        ["李娜", "李明", "王芳", "赵磊"]
    );
    assert_eq!(
        one(&changsha, "SELECT gid FROM staff WHERE name = '王芳'"),
        wang_fang
    );
    assert_eq!(
        one(&changsha, "SELECT roles FROM staff WHERE name = '王芳'"),
        r#"["assistant","inviter"]"#,
        "head office's values came down"
    );
    assert_eq!(one(&changsha, "SELECT gid FROM products"), zhaosheng);
    assert_eq!(
        one(&changsha, "SELECT description FROM products"),
        "总部定价"
    );
    assert_eq!(
        one(&changsha, "SELECT group_concat(price_fen, ',') FROM (SELECT price_fen FROM price_tiers ORDER BY rank)"),
        "2000000,1500000,1000000"
    );
    assert_eq!(
        one(&changsha, "SELECT p.gid || ',' || t.gid || ',' || s.gid FROM deals d JOIN products p ON p.id = d.product_id
                         JOIN price_tiers t ON t.id = d.tier_id JOIN staff s ON s.id = d.assistant_id"),
        format!("{zhaosheng},{rank3},{wang_fang}")
    );
    // Nothing of this is a change waiting to go out, or a problem for a person.
    let again = changsha.sync();
    assert_eq!((again.pushed, again.conflicts, again.pending), (0, 0, 0));

    // Head office's laptop: one of each, 李娜 adopted, 长沙's deal and table on its own rows.
    head.sync();
    assert_eq!(
        head.names("SELECT name FROM staff"),
        ["李娜", "李明", "王芳", "赵磊"]
    );
    assert_eq!(head.names("SELECT name FROM products"), ["招生系统"]);
    assert_eq!(
        one(&head, "SELECT p.name || ',' || t.rank || ',' || s.name FROM deals d JOIN products p ON p.id = d.product_id
                     JOIN price_tiers t ON t.id = d.tier_id JOIN staff s ON s.id = d.assistant_id"),
        "招生系统,3,王芳"
    );
    assert_eq!(
        head.names("SELECT t.number || ':' || s.name FROM venue_tables t JOIN staff s ON s.id = t.assistant_id"),
        ["1:王芳", "2:李娜"]
    );

    // Another 王芳, with another phone, is another person: 株洲's is adopted beside head office's.
    let zhuzhou = laptop(&o.zhuzhou);
    call(
        &zhuzhou.app,
        "staff.create",
        json!({"name": "王芳", "roles": ["inviter"], "phone": "13700001111"}),
    )
    .unwrap();
    call(
        &zhuzhou.app,
        "products.create",
        json!({"name": "招生 系统", "tiers": [{"name": "原价", "price_fen": 1_800_000}]}),
    )
    .unwrap();
    zhuzhou.join();
    assert_eq!(zhuzhou.sync().conflicts, 0);
    assert_eq!(
        pg("SELECT count(*) FROM hq.rows WHERE tbl = 'staff' AND data->>'name' = '王芳'"),
        "2"
    );
    assert_eq!(
        pg("SELECT count(*) FROM hq.rows WHERE tbl = 'products'"),
        "1",
        "the same name, spaces aside"
    );
    assert_eq!(zhuzhou.names("SELECT name FROM products"), ["招生系统"]);

    // 长沙, already holding both 王芳, types 株洲's again on the day (offline): head office matches
    // it, and 长沙 merges its copy into the row it holds — the table it was given keeps it.
    changsha.sync();
    let copy = id(&call(
        &changsha.app,
        "staff.create",
        json!({"name": "王芳", "roles": ["assistant"], "phone": "137-0000-1111"}),
    )
    .unwrap());
    call(
        &changsha.app,
        "tables.create",
        json!({"seminar_id": w.seminar, "number": 3, "seats": 10, "assistant_id": copy}),
    )
    .unwrap();
    let day = changsha.sync();
    assert_eq!((day.conflicts, day.pending), (0, 0), "{day:?}");
    assert_eq!(
        changsha
            .names("SELECT name FROM staff WHERE name = '王芳'")
            .len(),
        2
    );
    let theirs =
        pg("SELECT gid FROM hq.rows WHERE tbl = 'staff' AND data->>'phone' = '13700001111'");
    assert_eq!(
        one(&changsha, "SELECT s.gid FROM venue_tables t JOIN staff s ON s.id = t.assistant_id WHERE t.number = 3"),
        theirs
    );
    assert_eq!(
        pg("SELECT data->>'assistant_id' FROM hq.rows WHERE tbl = 'venue_tables' AND data->>'number' = '3'"),
        theirs
    );
    assert_eq!(
        pg("SELECT count(*) FROM hq.rows WHERE tbl = 'staff' AND data->>'name' = '王芳'"),
        "2"
    );

    // The same for a product typed again, with a deal on its 会场价: the deal ends on head office's
    // product and tier, here and there, and its copy and the copy's tiers are gone.
    let again = call(
        &changsha.app,
        "products.create",
        json!({"name": "招生系统", "tiers": [
            {"name": "原价", "price_fen": 1_990_000},
            {"name": "会场价", "price_fen": 1_290_000}
        ]}),
    )
    .unwrap();
    let copy_tier = again["tiers"][1]["id"].as_i64().unwrap();
    call(
        &changsha.app,
        "deals.create",
        deal(&w, id(&again), copy_tier),
    )
    .unwrap();
    let day = changsha.sync();
    assert_eq!((day.conflicts, day.pending), (0, 0), "{day:?}");
    assert_eq!(changsha.names("SELECT name FROM products"), ["招生系统"]);
    assert_eq!(
        one(&changsha, "SELECT count(*) || '' FROM price_tiers"),
        "3"
    );
    let rank2 = pg("SELECT gid FROM hq.rows WHERE tbl = 'price_tiers' AND data->>'rank' = '2'");
    let mut both = [
        format!("{zhaosheng},{rank3}"),
        format!("{zhaosheng},{rank2}"),
    ];
    both.sort();
    assert_eq!(
        changsha.names(
            "SELECT p.gid || ',' || t.gid FROM deals d JOIN products p ON p.id = d.product_id
              JOIN price_tiers t ON t.id = d.tier_id"
        ),
        both
    );
    assert_eq!(
        pg("SELECT count(*) FROM hq.rows WHERE tbl IN ('products', 'price_tiers')"),
        "4"
    );
    let mut tiers = [rank3.clone(), rank2.clone()];
    tiers.sort();
    assert_eq!(
        pg("SELECT string_agg(data->>'tier_id', ',' ORDER BY data->>'tier_id') FROM hq.rows WHERE tbl = 'deals'"),
        tiers.join(",")
    );
}

/// Saves templates on a laptop as the app stores them: a cadence and a checklist not bound to a
/// seminar, and (with `seminar`) that seminar's own copy of the cadence.
fn templates(l: &Laptop, steps: &str, items: &str, seminar: Option<i64>) {
    let conn = l.app.db.conn();
    conn.execute(
        "INSERT INTO cadences (seminar_id, name, steps, created_at) VALUES (NULL, '标准邀约节奏', ?1, '2026-11-01T00:00:00Z')",
        [steps],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO checklist_templates (name, items, created_at) VALUES ('会场布置', ?1, '2026-11-01T00:00:00Z')",
        [items],
    )
    .unwrap();
    if let Some(seminar) = seminar {
        conn.execute(
            "INSERT INTO cadences (seminar_id, name, steps, created_at) VALUES (?1, '标准邀约节奏', ?2, '2026-11-01T00:00:00Z')",
            rusqlite::params![seminar, steps],
        )
        .unwrap();
    }
}

#[test]
fn templates_of_the_same_name_are_head_offices_and_rows_from_before_get_their_keys() {
    let o = org();
    let pg = |sql: &str| cluster().psql(&o.db, sql);
    let head = laptop(&o.hq);
    templates(&head, r#"[{"day":-7}]"#, r#"["音响"]"#, None);
    call(
        &head.app,
        "staff.create",
        json!({"name": "王芳", "roles": ["assistant"]}),
    )
    .unwrap();
    head.join();
    head.sync();
    // As if head office's rows had been written before schema version 5 (no keys): `hq init`
    // gives them theirs, and changes nothing the second time.
    pg("UPDATE hq.rows SET match_key = NULL WHERE kind = 'head_office'");
    let url = cluster().url(&o.db);
    crate::hq::huixiao(&["hq", "init", "--pg", &url, "--json"]);
    assert_eq!(
        pg("SELECT count(*) FROM hq.rows WHERE kind = 'head_office' AND match_key IS NULL"),
        "0"
    );
    let keys = pg("SELECT string_agg(match_key, ',' ORDER BY match_key) FROM hq.rows");
    crate::hq::huixiao(&["hq", "init", "--pg", &url, "--json"]);
    assert_eq!(
        pg("SELECT string_agg(match_key, ',' ORDER BY match_key) FROM hq.rows"),
        keys
    );

    // 长沙 saved templates of the same names (its own steps), and its seminar has its own copy.
    let changsha = laptop(&o.changsha);
    let w = crate::support::world(&changsha.app);
    templates(&changsha, r#"[{"day":-3}]"#, r#"["灯光"]"#, Some(w.seminar));
    changsha.join();
    let joined = changsha.sync();
    assert_eq!((joined.conflicts, joined.pending), (0, 0), "{joined:?}");
    assert_eq!(
        pg("SELECT count(*) FROM hq.rows WHERE tbl = 'cadences' AND seminar IS NULL"),
        "1",
        "one template"
    );
    assert_eq!(
        pg("SELECT count(*) FROM hq.rows WHERE tbl = 'cadences' AND seminar IS NOT NULL"),
        "1",
        "the seminar's own copy is the seminar's"
    );
    assert_eq!(
        pg("SELECT count(*) FROM hq.rows WHERE tbl = 'checklist_templates'"),
        "1"
    );
    assert_eq!(
        pg("SELECT count(*) FROM hq.rows WHERE tbl = 'staff' AND data->>'name' = '王芳'"),
        "1",
        "a key given by hq init is matched"
    );
    // 长沙 holds head office's templates, and its seminar keeps its own steps.
    assert_eq!(
        changsha.names("SELECT steps FROM cadences WHERE seminar_id IS NULL"),
        [r#"[{"day":-7}]"#]
    );
    assert_eq!(
        changsha.names("SELECT steps FROM cadences WHERE seminar_id IS NOT NULL"),
        [r#"[{"day":-3}]"#]
    );
    assert_eq!(
        changsha.names("SELECT items FROM checklist_templates"),
        [r#"["音响"]"#]
    );
}
