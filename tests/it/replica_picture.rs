//! A first pull's picture as the laptop applies it (issue #14): a table it fills from empty has its
//! other indexes put off and built as the picture moves on, sorted, in one go; a table that holds
//! rows, or any table while a seminar is live, keeps them; at the end every index is back, the pull
//! stands in the log at the picture's horizon, and the dashboard's counts are computed again.

use huixiao::replica::apply::{apply_page, Pulled};
use huixiao::replica::capture;
use huixiao::replica::status::{position, Position};
use rusqlite::Connection;
use serde_json::json;

use crate::support::app;

const NOW: &str = "2026-12-01T10:00:00Z";
const HORIZON: &str = "1234";

fn indexes(conn: &Connection, table: &str) -> Vec<String> {
    conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 ORDER BY name",
    )
    .unwrap()
    .query_map([table], |r| r.get(0))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn gid(n: u32) -> String {
    format!("01a23142-0000-7000-8000-{n:012}")
}

fn store(n: u32) -> Pulled {
    Pulled {
        tbl: "stores".into(),
        gid: gid(n),
        hlc: 7 << 16,
        data: Some(
            json!({"name": format!("门店{n}"), "city": "长沙", "level": "B", "created_at": NOW}),
        ),
        deleted: false,
    }
}

fn contact(n: u32, of_store: u32) -> Pulled {
    Pulled {
        tbl: "contacts".into(),
        gid: gid(n),
        hlc: 8 << 16,
        data: Some(
            json!({"store_id": gid(of_store), "name": format!("老板{n}"), "role": "owner",
                          "phone": format!("139{n:08}"), "phone_kind": "mobile", "created_at": NOW}),
        ),
        deleted: false,
    }
}

fn at(tbl: &str, n: u32) -> Position {
    Position::Picture {
        horizon: HORIZON.into(),
        tbl: tbl.into(),
        gid: gid(n),
    }
}

fn page(conn: &mut Connection, rows: &[Pulled], from: &Position, to: &Position) {
    let applied = apply_page(conn, rows, &[], from, to, NOW).unwrap();
    assert_eq!(applied.map(|a| a.applied), Some(rows.len()), "{to:?}");
}

fn joined() -> (huixiao::App, Vec<String>, Vec<String>) {
    let app = app();
    let (stores, contacts) = {
        let mut conn = app.db.conn();
        capture::join(&mut conn, "org-1", "总部2号").unwrap();
        (indexes(&conn, "stores"), indexes(&conn, "contacts"))
    };
    (app, stores, contacts)
}

#[test]
fn a_picture_puts_off_the_indexes_of_a_table_it_fills_and_builds_them_as_it_moves_on() {
    let (app, stores_before, contacts_before) = joined();
    let mut conn = app.db.conn();
    assert!(
        stores_before.contains(&"stores_name".to_string()),
        "{stores_before:?}"
    );

    // The picture's first page of stores: their lookups by name, city and referrer are put off;
    // the unique ones (the gid's finds the rows) stay.
    page(
        &mut conn,
        &[store(1), store(2)],
        &Position::start(),
        &at("stores", 2),
    );
    let now = indexes(&conn, "stores");
    assert!(!now.contains(&"stores_name".to_string()), "{now:?}");
    assert!(now.contains(&"stores_gid".to_string()), "{now:?}");
    page(&mut conn, &[store(3)], &at("stores", 2), &at("stores", 3));
    assert_eq!(
        indexes(&conn, "stores"),
        now,
        "a second page of the same table"
    );

    // Moving on to the contacts: the stores' indexes are built, the contacts' put off.
    page(
        &mut conn,
        &[contact(11, 1), contact(12, 3)],
        &at("stores", 3),
        &at("contacts", 12),
    );
    assert_eq!(indexes(&conn, "stores"), stores_before);
    assert!(!indexes(&conn, "contacts").contains(&"contacts_phone".to_string()));

    // The end of the picture: every index back, the pull in the log at the picture's horizon,
    // the dashboard's counts to be computed again.
    page(
        &mut conn,
        &[],
        &at("contacts", 12),
        &Position::Log(HORIZON.into(), 0),
    );
    assert_eq!(indexes(&conn, "stores"), stores_before);
    assert_eq!(indexes(&conn, "contacts"), contacts_before);
    assert_eq!(position(&conn).unwrap(), Position::Log(HORIZON.into(), 0));
    let (put_off, all, ok): (i64, i64, String) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM sync_put_off_indexes),
                    (SELECT count(*) FROM tally_dirty WHERE kind = 'all'),
                    (SELECT integrity_check FROM pragma_integrity_check)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((put_off, all, ok.as_str()), (0, 1, "ok"));
    let found: String = conn
        .query_row(
            "SELECT group_concat(s.name, ',') FROM contacts c JOIN stores s ON s.id = c.store_id
              WHERE c.phone IN ('13900000011', '13900000012') ORDER BY c.phone",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(found, "门店1,门店3");
}

#[test]
fn a_table_holding_rows_or_a_live_seminar_keeps_its_indexes() {
    let (app, stores_before, contacts_before) = joined();
    let mut conn = app.db.conn();
    conn.execute_batch(
        "UPDATE sync_state SET capturing = 0;
         INSERT INTO stores (name, city, level, created_at) VALUES ('本机的店', '长沙', 'A', '2026-11-01');
         INSERT INTO seminars (title, date, start_time, capacity, status, created_at)
         VALUES ('今天的会', '2026-12-01', '09:00', 100, 'live', '2026-12-01T00:00:00Z');
         UPDATE sync_state SET capturing = 1;",
    )
    .unwrap();
    page(&mut conn, &[store(1)], &Position::start(), &at("stores", 1));
    assert_eq!(indexes(&conn, "stores"), stores_before, "stores held rows");
    page(
        &mut conn,
        &[contact(11, 1)],
        &at("stores", 1),
        &at("contacts", 11),
    );
    assert_eq!(
        indexes(&conn, "contacts"),
        contacts_before,
        "a seminar is live"
    );
}
