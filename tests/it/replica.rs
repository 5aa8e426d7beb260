//! Change capture on the laptop (issue #14): an unjoined laptop writes no outbox; joining puts
//! everything it holds in the outbox with references by gid; afterwards every change lands in the
//! outbox in the same transaction as the change, and only then.

use huixiao::replica::capture;
use rusqlite::Connection;
use serde_json::{json, Value};

use crate::support::{app, call, world};

/// An outbox row: table, gid, op, row, changed columns, clock.
type OutboxRow = (String, String, String, Option<Value>, Option<Value>, i64);

fn outbox(conn: &Connection) -> Vec<OutboxRow> {
    conn.prepare("SELECT tbl, gid, op, row, changed, hlc FROM sync_outbox ORDER BY seq")
        .unwrap()
        .query_map([], |r| {
            let json = |s: Option<String>| s.map(|s| serde_json::from_str::<Value>(&s).unwrap());
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                json(r.get(3)?),
                json(r.get(4)?),
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn gid_of(conn: &Connection, table: &str, id: i64) -> String {
    conn.query_row(
        &format!("SELECT gid FROM {table} WHERE id = ?1"),
        [id],
        |r| r.get(0),
    )
    .unwrap()
}

fn is_uuid_v7(s: &str) -> bool {
    s.len() == 36
        && s.as_bytes()[14] == b'7'
        && matches!(s.as_bytes()[19], b'8' | b'9' | b'a' | b'b')
        && s.chars().filter(|c| *c == '-').count() == 4
}

#[test]
fn an_unjoined_laptop_captures_nothing() {
    let app = app();
    world(&app);
    let conn = app.db.conn();
    assert!(outbox(&conn).is_empty());
    let triggers: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(triggers, 0);
}

#[test]
fn joining_puts_everything_held_in_the_outbox_with_references_by_gid() {
    let app = app();
    let w = world(&app);
    let mut conn = app.db.conn();
    let joined = capture::join(&mut conn, "org-1", "长沙1号").unwrap();
    let rows = outbox(&conn);
    assert_eq!(joined.snapshot, rows.len());
    let count = |t: &str| rows.iter().filter(|r| r.0 == t).count();
    assert_eq!(count("stores"), 1);
    assert_eq!(count("contacts"), 2);
    assert_eq!(count("staff"), 3);
    assert_eq!(count("seminars"), 1);
    assert!(
        rows.iter().all(|r| is_uuid_v7(&r.1)),
        "every row has a UUIDv7: {:?}",
        rows.iter().map(|r| &r.1).collect::<Vec<_>>()
    );
    let store_gid = gid_of(&conn, "stores", w.store);
    let spouse = rows
        .iter()
        .find(|r| r.0 == "contacts" && r.1 == gid_of(&conn, "contacts", w.spouse))
        .unwrap();
    let row = spouse.3.as_ref().unwrap();
    assert_eq!(
        row["store_id"],
        store_gid.as_str(),
        "a reference travels as the gid, never the local id"
    );
    assert_eq!(row["name"], "刘丽");
    assert!(row.get("id").is_none() && row.get("gid").is_none());

    // Who owns a row travels with it: a shared row's city, the seminar a row is under.
    let scope = |tbl: &str, gid: &str| -> (Option<String>, Option<String>) {
        conn.query_row(
            "SELECT seminar, city FROM sync_outbox WHERE tbl = ?1 AND gid = ?2",
            [tbl, gid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    assert_eq!(scope("contacts", &spouse.1), (None, Some("长沙".into())));
    let seminar_gid = gid_of(&conn, "seminars", w.seminar);
    assert_eq!(
        scope("seminars", &seminar_gid),
        (Some(seminar_gid.clone()), None)
    );

    // Again with the same organisation: nothing more; another organisation: refused.
    assert_eq!(
        capture::join(&mut conn, "org-1", "长沙1号")
            .unwrap()
            .snapshot,
        0
    );
    assert_eq!(outbox(&conn).len(), rows.len());
    let other = capture::join(&mut conn, "org-2", "x").unwrap_err();
    assert!(other
        .message(huixiao::i18n::Lang::Zh)
        .contains("另一个组织"));
}

#[test]
fn after_joining_every_change_is_in_the_outbox_in_its_own_transaction() {
    let app = app();
    let w = world(&app);
    capture::join(&mut app.db.conn(), "org-1", "长沙1号").unwrap();
    app.db
        .conn()
        .execute_batch("DELETE FROM sync_outbox")
        .unwrap();

    let store = call(
        &app,
        "stores.create",
        json!({"name": "星星超市", "city": "株洲", "referrer_id": w.store}),
    )
    .unwrap();
    let id = store["id"].as_i64().unwrap();
    call(
        &app,
        "stores.update",
        json!({"id": id, "name": "星星超市（河西店）", "city": "株洲", "referrer_id": w.store}),
    )
    .unwrap();
    let conn = app.db.conn();
    let rows = outbox(&conn);
    let gid = gid_of(&conn, "stores", id);
    assert!(is_uuid_v7(&gid));
    let mine: Vec<_> = rows.iter().filter(|r| r.1 == gid).collect();
    assert_eq!(mine.len(), 2, "{rows:?}");
    assert_eq!(mine[0].2, "upsert");
    assert_eq!(mine[0].3.as_ref().unwrap()["name"], "星星超市");
    assert_eq!(
        mine[0].3.as_ref().unwrap()["referrer_id"],
        gid_of(&conn, "stores", w.store).as_str()
    );
    assert_eq!(mine[0].4, None, "an insert carries every column");
    assert_eq!(mine[1].3.as_ref().unwrap()["name"], "星星超市（河西店）");
    assert_eq!(
        mine[1].4,
        Some(json!(["name"])),
        "an update says which columns changed"
    );
    assert!(
        rows.windows(2).all(|p| p[0].5 < p[1].5),
        "the clock only moves forward"
    );

    // A change that is rolled back leaves no trace in the outbox; a delete is one row.
    let before = outbox(&conn).len();
    conn.execute_batch("BEGIN; UPDATE stores SET note = 'x' WHERE id = 1; ROLLBACK;")
        .unwrap();
    assert_eq!(outbox(&conn).len(), before);
    conn.execute("DELETE FROM stores WHERE id = ?1", [id])
        .unwrap();
    let last = outbox(&conn).pop().unwrap();
    assert_eq!(
        (last.0.as_str(), last.1.as_str(), last.2.as_str()),
        ("stores", gid.as_str(), "delete")
    );

    // Rows applied from a pull (capture off) do not bounce back.
    let before = outbox(&conn).len();
    conn.execute_batch("UPDATE sync_state SET capturing = 0; UPDATE stores SET note = 'pulled'; UPDATE sync_state SET capturing = 1;").unwrap();
    assert_eq!(outbox(&conn).len(), before);
}

#[test]
fn a_joined_laptops_triggers_follow_a_new_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    {
        let app = huixiao::App::open(&path)
            .unwrap()
            .with_clock(huixiao::app::Clock::Fixed(crate::support::fixed_now()));
        world(&app);
        capture::join(&mut app.db.conn(), "org-1", "a").unwrap();
        app.db
            .conn()
            .execute_batch("ALTER TABLE stores ADD COLUMN wechat TEXT; DELETE FROM sync_outbox;")
            .unwrap();
    }
    let app = huixiao::App::open(&path).unwrap();
    let conn = app.db.conn();
    conn.execute_batch("UPDATE stores SET wechat = 'w1'")
        .unwrap();
    let rows = outbox(&conn);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].3.as_ref().unwrap()["wechat"], "w1");
    assert_eq!(rows[0].4, Some(json!(["wechat"])));
}

#[test]
fn every_replicated_table_exists_and_has_a_gid() {
    let app = app();
    let conn = app.db.conn();
    for table in huixiao::replica::tables::TABLES {
        let has_gid: i64 = conn
            .query_row(
                &format!(
                    "SELECT count(*) FROM pragma_table_info('{}') WHERE name = 'gid'",
                    table.name
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            has_gid, 1,
            "{} is replicated: it needs a gid column (a migration)",
            table.name
        );
    }
}
