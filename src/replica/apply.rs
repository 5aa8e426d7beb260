//! Applying what head office sent: each pulled row is written by its gid, its references turned
//! back into this laptop's ids, with capture off (a pulled row is not a change of this laptop's to
//! send back). One page and the pull position move together, in one transaction: a crash re-pulls
//! the page, and applying a row twice writes the same values.
//!
//! - A row this laptop changed since its last push is left alone: the change goes out next, head
//!   office merges it column by column and the merged row comes back.
//! - A row whose reference has not arrived yet waits (`sync_waiting`) and is applied once it has.
//! - A row that cannot be written here (a rule of this database refuses it) becomes a conflict.

use std::collections::HashMap;

use rusqlite::types::Value as Sql;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::capture::{shape, Shape};
use super::tables::find;
use crate::error::Result;

/// One change as head office's log holds it: the whole row as it stands there.
#[derive(Debug, Clone)]
pub struct Pulled {
    pub tbl: String,
    pub gid: String,
    pub hlc: i64,
    pub data: Option<Value>,
    pub deleted: bool,
}

/// What head office's log says about a pulled change beside the row: the laptop that runs the
/// seminar (for a seminar) and the laptop that wrote the change.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub owner: Option<String>,
    pub writer: Option<String>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Rows written or deleted here.
    pub applied: usize,
    /// Rows left as they are because this laptop changed them since its last push.
    pub kept_local: usize,
    /// Rows still waiting for a row they refer to.
    pub waiting: usize,
    /// Rows this database refused (now conflicts).
    pub not_applied: usize,
}

pub(super) enum Outcome {
    Done,
    /// A reference to a row this laptop does not hold (yet).
    Waits,
}

/// Applies a page of pulled changes and moves the position past it, in one transaction.
/// `origins` are beside the page's changes, one for one.
pub fn apply_page(
    conn: &mut Connection,
    page: &[Pulled],
    origins: &[Origin],
    position: (&str, i64),
    now: &str,
) -> Result<Applied> {
    let tx = conn.transaction()?;
    tx.execute_batch("UPDATE sync_state SET capturing = 0")?;
    let mut out = Applied::default();
    let mut shapes = Shapes::default();
    let mut highest = 0;
    let none = Origin::default();
    for (i, change) in page.iter().enumerate() {
        let origin = origins.get(i).unwrap_or(&none);
        highest = highest.max(change.hlc);
        let local: bool = tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM sync_outbox WHERE tbl = ?1 AND gid = ?2)",
            )?
            .query_row(params![change.tbl, change.gid], |r| r.get(0))?;
        // A row merged into another at head office goes whatever this laptop still holds for it:
        // what it holds moves to the other row first, and its waiting change is taken as the
        // other row's by head office.
        if local && merged_into(change).is_none() {
            out.kept_local += 1;
            continue;
        }
        match attempt(&tx, &mut shapes, change)? {
            Some(Outcome::Done) => {
                tx.prepare_cached("DELETE FROM sync_waiting WHERE tbl = ?1 AND gid = ?2")?
                    .execute(params![change.tbl, change.gid])?;
                if let (Some(owner), "seminars") = (&origin.owner, change.tbl.as_str()) {
                    tx.execute(
                        "UPDATE seminars SET laptop = ?1 WHERE gid = ?2",
                        params![owner, change.gid],
                    )?;
                }
                super::overwritten::seen(&tx, change, origin.writer.as_deref(), now)?;
                out.applied += 1;
            }
            Some(Outcome::Waits) => {
                tx.execute(
                    "INSERT OR REPLACE INTO sync_waiting (tbl, gid, hlc, data, deleted) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![change.tbl, change.gid, change.hlc, change.data.as_ref().map(Value::to_string), change.deleted],
                )?;
            }
            None => {
                out.not_applied += 1;
                conflict(&tx, change, now)?;
            }
        }
    }
    out.applied += retry_waiting(&tx, &mut shapes, now)?;
    out.waiting = tx.query_row("SELECT count(*) FROM sync_waiting", [], |r| {
        r.get::<_, i64>(0)
    })? as usize;
    tx.execute(
        "UPDATE sync_state SET capturing = 1, pulled_xid = ?1, pulled_pos = ?2, hlc = max(hlc, ?3), last_sync_at = ?4",
        params![position.0, position.1, highest, now],
    )?;
    tx.commit()?;
    Ok(out)
}

/// Writes one row from head office with capture off, inside the caller's transaction; false when
/// it cannot be written here (a reference missing, or a rule of this database refuses it).
pub fn apply_one(tx: &Connection, change: &Pulled) -> Result<bool> {
    tx.execute_batch("UPDATE sync_state SET capturing = 0")?;
    let done = matches!(
        attempt(tx, &mut Shapes::default(), change)?,
        Some(Outcome::Done)
    );
    tx.execute_batch("UPDATE sync_state SET capturing = 1")?;
    Ok(done)
}

/// Rows that waited for a reference, applied now that it may have come; until nothing moves.
fn retry_waiting(tx: &Connection, shapes: &mut Shapes, now: &str) -> Result<usize> {
    let mut done = 0;
    loop {
        let waiting: Vec<Pulled> = tx
            .prepare("SELECT tbl, gid, hlc, data, deleted FROM sync_waiting ORDER BY rowid")?
            .query_map([], |r| {
                Ok(Pulled {
                    tbl: r.get(0)?,
                    gid: r.get(1)?,
                    hlc: r.get(2)?,
                    data: r
                        .get::<_, Option<String>>(3)?
                        .and_then(|s| serde_json::from_str(&s).ok()),
                    deleted: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut moved = 0;
        for change in &waiting {
            match attempt(tx, shapes, change)? {
                Some(Outcome::Waits) => continue,
                Some(Outcome::Done) => moved += 1,
                None => conflict(tx, change, now)?,
            }
            tx.execute(
                "DELETE FROM sync_waiting WHERE tbl = ?1 AND gid = ?2",
                params![change.tbl, change.gid],
            )?;
        }
        done += moved;
        if moved == 0 {
            return Ok(done);
        }
    }
}

/// The tables' shapes, read once per page (each is two PRAGMAs): None for a table this
/// database does not have.
#[derive(Default)]
struct Shapes(HashMap<&'static str, Option<Shape>>);

impl Shapes {
    fn of(&mut self, tx: &Connection, table: &'static str) -> Result<Option<&Shape>> {
        if !self.0.contains_key(table) {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
                [table],
                |r| r.get(0),
            )?;
            let shape = if exists {
                Some(shape(tx, table)?)
            } else {
                None
            };
            self.0.insert(table, shape);
        }
        Ok(self.0[table].as_ref())
    }
}

/// Writes one change inside a savepoint; None when this database refuses it (nothing written).
fn attempt(tx: &Connection, shapes: &mut Shapes, change: &Pulled) -> Result<Option<Outcome>> {
    let Some(table) = find(&change.tbl) else {
        // A table this version of the app does not know: nothing to write it into.
        return Ok(Some(Outcome::Done));
    };
    let Some(s) = shapes.of(tx, table.name)? else {
        return Ok(Some(Outcome::Done));
    };
    tx.prepare_cached("SAVEPOINT pulled")?.execute([])?;
    match write(tx, table.name, s, change) {
        Ok(outcome) => {
            tx.prepare_cached("RELEASE pulled")?.execute([])?;
            Ok(Some(outcome))
        }
        Err(crate::error::Error::Sqlite(e)) if is_refusal(&e) => {
            tx.execute_batch("ROLLBACK TO pulled; RELEASE pulled")?;
            tracing::warn!(table = table.name, gid = %change.gid, "a pulled row was refused here: {e}");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// A rule of the database (unique, not null, foreign key, check), as opposed to a broken file.
fn is_refusal(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ConstraintViolation)
    )
}

fn write(tx: &Connection, t: &str, s: &Shape, change: &Pulled) -> Result<Outcome> {
    if let (true, Some(into)) = (change.deleted, merged_into(change)) {
        return super::merge::merged_away(tx, t, &change.gid, into);
    }
    if change.deleted {
        tx.execute(
            &format!("DELETE FROM \"{t}\" WHERE gid = ?1"),
            [&change.gid],
        )?;
        return Ok(Outcome::Done);
    }
    let Some(Value::Object(data)) = &change.data else {
        return Ok(Outcome::Done);
    };
    let mut columns = Vec::new();
    let mut values = Vec::new();
    for column in &s.columns {
        let Some(v) = data.get(column) else { continue };
        let value = match (s.reference(column), v) {
            (Some(to), Value::String(gid)) => {
                let id: Option<i64> = tx
                    .prepare_cached(&format!("SELECT rowid FROM \"{to}\" WHERE gid = ?1"))?
                    .query_row([gid], |r| r.get(0))
                    .optional()?;
                match id {
                    Some(id) => Sql::Integer(id),
                    None => return Ok(Outcome::Waits),
                }
            }
            (_, v) => sql(v),
        };
        columns.push(format!("\"{column}\""));
        values.push(value);
    }
    values.push(Sql::Text(change.gid.clone()));
    let found: Option<i64> = tx
        .prepare_cached(&format!("SELECT rowid FROM \"{t}\" WHERE gid = ?1"))?
        .query_row([&change.gid], |r| r.get(0))
        .optional()?;
    let n = columns.len();
    if found.is_some() {
        if n == 0 {
            return Ok(Outcome::Done);
        }
        let sets: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ?{}", i + 1))
            .collect();
        tx.prepare_cached(&format!(
            "UPDATE \"{t}\" SET {} WHERE gid = ?{}",
            sets.join(", "),
            n + 1
        ))?
        .execute(rusqlite::params_from_iter(values))?;
    } else {
        let marks: Vec<String> = (1..=n + 1).map(|i| format!("?{i}")).collect();
        columns.push("gid".into());
        tx.prepare_cached(&format!(
            "INSERT INTO \"{t}\" ({}) VALUES ({})",
            columns.join(", "),
            marks.join(", ")
        ))?
        .execute(rusqlite::params_from_iter(values))?;
    }
    Ok(Outcome::Done)
}

/// The row a deleted row went into, when head office merged it (two stores found to be one, the
/// same person in both).
fn merged_into(change: &Pulled) -> Option<&str> {
    change.data.as_ref()?.get("merged_into")?.as_str()
}

/// A JSON value as SQLite stores it.
pub(super) fn sql(v: &Value) -> Sql {
    match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(*b as i64),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Sql::Integer(i),
            None => Sql::Real(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

fn conflict(tx: &Connection, change: &Pulled, now: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_conflicts (at, kind, tbl, gid, reason, detail)
         VALUES (?1, 'not_applied', ?2, ?3, 'refused_here', ?4)",
        params![
            now,
            change.tbl,
            change.gid,
            change.data.as_ref().map(Value::to_string)
        ],
    )?;
    Ok(())
}
