//! A field this laptop wrote that a later write of another laptop overwrote (head office decides
//! by the hybrid logical clock; the later write wins everywhere and head office keeps the value
//! that lost). The laptop sees it as it pulls: the fields of its edits head office took are kept
//! (`sync_sent`, by a trigger as a batch is answered); once its own change has come back from
//! head office's log (same row, same clock), a pulled version of the row with another value in
//! one of those fields is that overwrite — a conflict of kind `overwritten`, with both values,
//! who wrote the other and when. Before its own change comes back, an older version of the row
//! is no overwrite: the log is in commit order.

use chrono::{DateTime, SecondsFormat};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use super::apply::{sql, Pulled};
use super::capture::shape;
use super::tables::find;
use crate::error::{invalid, Result};

/// Columns that say when a row was written, not what a person wrote: never listed as overwritten.
const BOOKKEEPING: &[&str] = &["updated_at"];

/// The time a hybrid clock value stands for (ms << 16 | counter), as RFC 3339.
fn clock_time(hlc: i64) -> Option<String> {
    DateTime::from_timestamp_millis(hlc >> 16).map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// What a person knows the row by: a store's or a person's name, a seminar's title.
fn label(tx: &Connection, tbl: &str, gid: &str) -> Result<Option<String>> {
    let column = match tbl {
        "stores" | "contacts" | "staff" | "products" => "name",
        "seminars" => "title",
        _ => return Ok(None),
    };
    Ok(tx
        .query_row(
            &format!("SELECT \"{column}\" FROM \"{tbl}\" WHERE gid = ?1"),
            [gid],
            |r| r.get(0),
        )
        .optional()?)
}

/// A pulled row has been written here: records the fields of this laptop's that it overwrote.
/// `writer` is the laptop that wrote that version (head office's log says).
pub(super) fn seen(
    tx: &Connection,
    change: &Pulled,
    writer: Option<&str>,
    now: &str,
) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "SELECT col, value, hlc, echoed FROM sync_sent WHERE tbl = ?1 AND gid = ?2",
    )?;
    let kept: Vec<(String, Option<String>, i64, bool)> = stmt
        .query_map(params![change.tbl, change.gid], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if kept.is_empty() {
        return Ok(());
    }
    if change.deleted {
        tx.execute(
            "DELETE FROM sync_sent WHERE tbl = ?1 AND gid = ?2",
            params![change.tbl, change.gid],
        )?;
        return Ok(());
    }
    let me: Option<String> = tx.query_row("SELECT laptop FROM sync_state", [], |r| r.get(0))?;
    for (col, value, hlc, echoed) in kept {
        if BOOKKEEPING.contains(&col.as_str()) {
            continue;
        }
        // This laptop's own change, back from head office's log (or a later one of this laptop's,
        // when the row was edited again before the pull): later versions are compared.
        let mine_later = writer.is_some() && writer == me.as_deref() && change.hlc > hlc;
        let echoed = echoed || change.hlc == hlc || mine_later;
        if !echoed {
            continue;
        }
        let mine: Value = value
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or(Value::Null);
        let theirs = change
            .data
            .as_ref()
            .and_then(|d| d.get(&col))
            .cloned()
            .unwrap_or(Value::Null);
        if mine == theirs {
            tx.execute(
                "UPDATE sync_sent SET echoed = 1 WHERE tbl = ?1 AND gid = ?2 AND col = ?3",
                params![change.tbl, change.gid, col],
            )?;
            continue;
        }
        if mine_later {
            // A later write of this laptop's own (made before a backup was restored, say): no
            // overwrite; later versions are compared with it.
            tx.execute(
                "UPDATE sync_sent SET value = ?4, hlc = ?5, echoed = 1
                  WHERE tbl = ?1 AND gid = ?2 AND col = ?3",
                params![change.tbl, change.gid, col, theirs.to_string(), change.hlc],
            )?;
            continue;
        }
        // The label rides on both sides (the same there, so not shown as a difference).
        let name = label(tx, &change.tbl, &change.gid)?;
        let side = |value: Value, laptop: Option<&str>, at: Option<String>| {
            let mut o = serde_json::Map::new();
            o.insert(col.clone(), value);
            o.insert("by".into(), json!(laptop));
            o.insert("when".into(), json!(at));
            if let Some(name) = &name {
                o.insert("store".into(), json!(name));
            }
            Value::Object(o)
        };
        let (their_at, my_at) = (clock_time(change.hlc), clock_time(hlc));
        tx.execute(
            "INSERT INTO sync_conflicts (at, kind, tbl, gid, reason, detail, theirs)
             VALUES (?1, 'overwritten', ?2, ?3, 'overwritten', ?4, ?5)",
            params![
                now,
                change.tbl,
                change.gid,
                side(mine, me.as_deref(), my_at).to_string(),
                side(theirs, writer, their_at).to_string()
            ],
        )?;
        tx.execute(
            "DELETE FROM sync_sent WHERE tbl = ?1 AND gid = ?2 AND col = ?3",
            params![change.tbl, change.gid, col],
        )?;
    }
    Ok(())
}

/// "Use mine again": writes this laptop's value back as a new edit (it goes out with the next
/// sync, with a clock later than the write that overwrote it, so it wins everywhere), and the
/// conflict leaves the list.
pub fn use_mine(conn: &mut Connection, id: i64, now: &str) -> Result<()> {
    let tx = conn.transaction()?;
    let found: Option<(String, String, Option<String>)> = tx
        .query_row(
            "SELECT tbl, gid, detail FROM sync_conflicts
              WHERE id = ?1 AND kind = 'overwritten' AND resolved_at IS NULL",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((tbl, gid, detail)) = found else {
        return Err(invalid(
            "id",
            format!("没有待处理的被覆盖修改 {id}（可能已经处理过）。"),
            format!(
                "There is no open overwritten change {id} (it may have been resolved already)."
            ),
        ));
    };
    let detail: Value = detail
        .and_then(|d| serde_json::from_str(&d).ok())
        .unwrap_or_default();
    let table = find(&tbl);
    let s = match table {
        Some(t) => Some(shape(&tx, t.name)?),
        None => None,
    };
    let written = match (table, &s) {
        (Some(t), Some(s)) => {
            let column = s.columns.iter().find(|c| {
                !["by", "when", "store"].contains(&c.as_str()) && detail.get(c.as_str()).is_some()
            });
            match column {
                Some(c) => {
                    let value = &detail[c.as_str()];
                    let value = match (s.reference(c), value) {
                        (Some(to), Value::String(g)) => tx
                            .query_row(
                                &format!("SELECT rowid FROM \"{to}\" WHERE gid = ?1"),
                                [g],
                                |r| r.get::<_, i64>(0),
                            )
                            .optional()?
                            .map(rusqlite::types::Value::Integer),
                        (_, v) => Some(sql(v)),
                    };
                    match value {
                        Some(v) => {
                            tx.execute(
                                &format!("UPDATE \"{}\" SET \"{c}\" = ?1 WHERE gid = ?2", t.name),
                                params![v, gid],
                            )? > 0
                        }
                        None => false,
                    }
                }
                None => false,
            }
        }
        _ => false,
    };
    if !written {
        return Err(invalid(
            "id",
            "本机的版本已无法写回（这一行或它引用的数据已不在本机）。请选择“保留对方的版本”。",
            "This laptop's version can no longer be written back (the row, or what it refers to, is no longer here). Choose \"Keep theirs\".",
        ));
    }
    tx.execute(
        "UPDATE sync_conflicts SET resolved_at = ?2, resolution = 'used_mine' WHERE id = ?1",
        params![id, now],
    )?;
    tx.commit()?;
    Ok(())
}
