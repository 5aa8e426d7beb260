//! A laptop compared with head office, field by field: every row the laptop holds, its columns as
//! they travel (references as the gid of the row they point at), against head office's current
//! row of that gid; and every row head office lets the laptop read, present on the laptop.

use std::collections::BTreeMap;

use huixiao::hq::{self, link::Link};
use huixiao::replica::tables::TABLES;
use rusqlite::types::Value as Sql;
use rusqlite::Connection;
use serde_json::{Map, Value};

/// (table, gid) → the row's columns.
pub(crate) type Rows = BTreeMap<(String, String), Map<String, Value>>;

/// The laptop's replicated rows, as they would travel.
pub(crate) fn laptop_rows(conn: &Connection) -> Rows {
    let mut out = Rows::new();
    for table in TABLES {
        let t = table.name;
        let exists: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
                [t],
                |r| r.get(0),
            )
            .unwrap();
        if !exists {
            continue;
        }
        let refs: BTreeMap<String, String> = conn
            .prepare(&format!("PRAGMA foreign_key_list({t})"))
            .unwrap()
            .query_map([], |r| Ok((r.get::<_, String>(3)?, r.get::<_, String>(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let mut gid = None;
            let mut map = Map::new();
            for (i, name) in names.iter().enumerate() {
                let v: Sql = r.get(i).unwrap();
                if name == "gid" {
                    if let Sql::Text(g) = v {
                        gid = Some(g);
                    }
                    continue;
                }
                if name == "id" {
                    continue;
                }
                let value = match (refs.get(name), v) {
                    (Some(to), Sql::Integer(id)) => {
                        if TABLES.iter().all(|t| t.name != to) {
                            continue; // a reference that stays on the laptop
                        }
                        conn.query_row(
                            &format!("SELECT gid FROM \"{to}\" WHERE rowid = ?1"),
                            [id],
                            |r| r.get::<_, Option<String>>(0),
                        )
                        .unwrap()
                        .map_or(Value::Null, Value::String)
                    }
                    (Some(to), Sql::Null) if TABLES.iter().all(|t| t.name != to) => continue,
                    (_, Sql::Null) => Value::Null,
                    (_, Sql::Integer(i)) => Value::from(i),
                    (_, Sql::Real(f)) => Value::from(f),
                    (_, Sql::Text(s)) => Value::String(s),
                    (_, Sql::Blob(_)) => continue,
                };
                map.insert(name.clone(), value);
            }
            let gid = gid.unwrap_or_else(|| panic!("a {t} row without a gid on a joined laptop"));
            out.insert((t.to_string(), gid), map);
        }
    }
    out
}

/// What head office holds and lets `link` read: a laptop's link, its own role under row-level
/// security; the superuser's, everything.
pub(crate) fn head_office_rows(link: &Link) -> Rows {
    let link = link.clone();
    hq::block_on(async move {
        let c = hq::connect::connect(&link).await?;
        let rows = c
            .query(
                "SELECT tbl, gid::text, data::text FROM hq.rows WHERE NOT deleted",
                &[],
            )
            .await
            .unwrap();
        Ok(rows
            .iter()
            .map(|r| {
                let data: Value = serde_json::from_str(r.get::<_, &str>(2)).unwrap();
                let Value::Object(map) = data else {
                    panic!("a row that is not an object")
                };
                ((r.get::<_, String>(0), r.get::<_, String>(1)), map)
            })
            .collect())
    })
    .unwrap()
}

/// The differences between the laptop and head office, in words (empty when they agree): a row
/// the laptop holds that head office does not (or holds otherwise, field by field), and a row
/// head office lets the laptop read (`readable`) that the laptop does not hold.
pub(crate) fn differences(laptop: &Rows, office: &Rows, readable: &Rows) -> Vec<String> {
    let mut out = Vec::new();
    for (key, mine) in laptop {
        let Some(theirs) = office.get(key) else {
            out.push(format!(
                "{key:?} is on the laptop, not at head office: {mine:?}"
            ));
            continue;
        };
        for (col, v) in theirs {
            let here = mine.get(col).unwrap_or(&Value::Null);
            if !same(here, v) {
                out.push(format!("{key:?}.{col}: laptop {here}, head office {v}"));
            }
        }
    }
    for key in readable.keys() {
        if !laptop.contains_key(key) {
            out.push(format!("{key:?} is at head office, not on the laptop"));
        }
    }
    out
}

/// Numbers compare by value (SQLite's 1.0 and JSON's 1 are one number).
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Asserts that every row the laptop holds is head office's, field by field, and that it holds
/// every row head office lets it read. `admin` is the database's superuser URL.
pub(crate) fn assert_mirrors(who: &str, conn: &Connection, link: &Link, admin: &str) {
    let all = head_office_rows(&Link::parse(admin).unwrap());
    let diffs = differences(&laptop_rows(conn), &all, &head_office_rows(link));
    assert!(
        diffs.is_empty(),
        "{who} differs from head office in {} places:\n{}",
        diffs.len(),
        diffs
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
