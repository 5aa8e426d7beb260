//! A second copy of one of head office's rows on this laptop: a staff member, product, price tier
//! or template added here (offline, on the day) that head office matched to the one this laptop
//! already holds from it ([`crate::matching::ListKey`]). The copy is merged into head office's row:
//! whatever referred to it here (a seminar's lecturer, a table's assistant, a deal's product) now
//! refers to head office's row, and the copy goes. Head office already holds those references
//! under its row's id (`hq.push` follows the alias), so nothing of this travels: capture is off.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::apply::Outcome;

use crate::error::Result;

/// Merges each `(table, copy's gid, head office's gid)` inside the caller's transaction (capture
/// off): references first, for all of them, then the copies, last first (a price tier before its
/// product). All or nothing: false, with nothing changed, when a rule of this database stands in
/// the way; the copies then stay for a person.
pub fn merge_copies(tx: &Connection, copies: &[(String, String, String)]) -> Result<bool> {
    tx.execute_batch("SAVEPOINT merge_copies")?;
    match merge(tx, copies) {
        Ok(()) => {
            tx.execute_batch("RELEASE merge_copies")?;
            Ok(true)
        }
        Err(crate::error::Error::Sqlite(e))
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) =>
        {
            tx.execute_batch("ROLLBACK TO merge_copies; RELEASE merge_copies")?;
            tracing::warn!("a second copy of head office's rows could not be merged here: {e}");
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

fn merge(tx: &Connection, copies: &[(String, String, String)]) -> Result<()> {
    let mut gone = Vec::new();
    for (tbl, copy, theirs) in copies {
        let id = |gid: &str| -> Result<Option<i64>> {
            Ok(tx
                .query_row(
                    &format!("SELECT rowid FROM \"{tbl}\" WHERE gid = ?1"),
                    [gid],
                    |r| r.get(0),
                )
                .optional()?)
        };
        let (Some(copy_id), Some(their_id)) = (id(copy)?, id(theirs)?) else {
            continue;
        };
        for (table, column) in references_to(tx, tbl)? {
            // A row that would then break a rule (the same rank twice under one product) stays
            // on the copy and goes with it.
            tx.execute(
                &format!(
                    "UPDATE OR IGNORE \"{table}\" SET \"{column}\" = ?1 WHERE \"{column}\" = ?2"
                ),
                [their_id, copy_id],
            )?;
        }
        gone.push((tbl, copy_id));
    }
    for (tbl, id) in gone.into_iter().rev() {
        tx.execute(&format!("DELETE FROM \"{tbl}\" WHERE rowid = ?1"), [id])?;
    }
    Ok(())
}

/// Every column of this database that refers to `table`, whether it travels or not (a station's
/// staff member too).
fn references_to(tx: &Connection, table: &str) -> Result<Vec<(String, String)>> {
    let tables: Vec<String> = tx
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = tx.prepare(&format!("PRAGMA foreign_key_list(\"{t}\")"))?;
        let refs = stmt
            .query_map([], |r| Ok((r.get::<_, String>(2)?, r.get::<_, String>(3)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (to, from) in refs {
            if to == table {
                out.push((t.clone(), from));
            }
        }
    }
    Ok(out)
}

/// A row head office merged into another (two stores a person found to be one, the same person in
/// both), pulled: whatever refers to it here — what travels and what stays on this laptop (a
/// score, a station's scans) — now refers to the row it went into, then it goes. The fields this
/// laptop sent that named it name the other row (so the move is no overwrite of theirs). Waits
/// while the other row has not arrived here; a rule of this database in the way is an error
/// (the caller keeps the change as a conflict, nothing moved).
pub(super) fn merged_away(tx: &Connection, tbl: &str, gone: &str, into: &str) -> Result<Outcome> {
    let id = |gid: &str| -> Result<Option<i64>> {
        Ok(tx
            .query_row(
                &format!("SELECT rowid FROM \"{tbl}\" WHERE gid = ?1"),
                [gid],
                |r| r.get(0),
            )
            .optional()?)
    };
    if id(gone)?.is_none() {
        return Ok(Outcome::Done);
    }
    if id(into)?.is_none() {
        return Ok(Outcome::Waits);
    }
    merge(tx, &[(tbl.to_owned(), gone.to_owned(), into.to_owned())])?;
    tx.execute(
        "UPDATE sync_sent SET value = ?2 WHERE value = ?1",
        params![Value::from(gone).to_string(), Value::from(into).to_string()],
    )?;
    tx.execute(
        "DELETE FROM sync_sent WHERE tbl = ?1 AND gid = ?2",
        params![tbl, gone],
    )?;
    Ok(Outcome::Done)
}
