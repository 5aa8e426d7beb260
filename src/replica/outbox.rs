//! The outbox as the sync sends it: the oldest changes, stamped with a batch id *before* they are
//! sent, so that a retry after a lost answer (a dropped connection, the app killed) sends the very
//! same batch and head office applies it once. Only the answer removes them.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use super::capture::NEW_GID;
use crate::error::Result;

/// Changes sent together, under one id.
#[derive(Debug, Clone)]
pub struct Batch {
    pub id: String,
    /// As `hq.push` reads them: `{tbl, gid, op, hlc, row, changed, seminar, city}`.
    pub changes: Vec<Value>,
}

/// The batch to send: one stamped before and not yet answered, else the oldest `max` changes,
/// stamped now. None when nothing is waiting.
pub fn next(conn: &Connection, max: usize) -> Result<Option<Batch>> {
    let stamped: Option<String> = conn
        .query_row(
            "SELECT batch FROM sync_outbox WHERE batch IS NOT NULL ORDER BY seq LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let id = match stamped {
        Some(id) => id,
        None => {
            let id: String = conn.query_row(&format!("SELECT {NEW_GID}"), [], |r| r.get(0))?;
            let n = conn.execute(
                "UPDATE sync_outbox SET batch = ?1
                  WHERE seq IN (SELECT seq FROM sync_outbox ORDER BY seq LIMIT ?2)",
                params![id, max as i64],
            )?;
            if n == 0 {
                return Ok(None);
            }
            id
        }
    };
    let mut stmt = conn.prepare(
        "SELECT tbl, gid, op, hlc, row, changed, seminar, city FROM sync_outbox
          WHERE batch = ?1 ORDER BY seq",
    )?;
    let changes = stmt
        .query_map([&id], |r| {
            let json_of =
                |s: Option<String>| s.and_then(|s| serde_json::from_str::<Value>(&s).ok());
            Ok(json!({
                "tbl": r.get::<_, String>(0)?,
                "gid": r.get::<_, String>(1)?,
                "op": r.get::<_, String>(2)?,
                "hlc": r.get::<_, i64>(3)?,
                "row": json_of(r.get(4)?),
                "changed": json_of(r.get(5)?),
                "seminar": r.get::<_, Option<String>>(6)?,
                "city": r.get::<_, Option<String>>(7)?,
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(Batch { id, changes }))
}

/// A change head office refused, with its reason code.
#[derive(Debug, Clone)]
pub struct Refused {
    pub tbl: String,
    pub gid: String,
    pub reason: String,
}

/// Head office answered the batch: its changes leave the outbox, and each refused one becomes a
/// conflict a person sees (with the change as it was sent), in one transaction.
pub fn acknowledge(
    conn: &mut Connection,
    batch: &Batch,
    refused: &[Refused],
    now: &str,
) -> Result<()> {
    let tx = conn.transaction()?;
    for r in refused {
        let sent = batch
            .changes
            .iter()
            .find(|c| c["tbl"] == r.tbl.as_str() && c["gid"] == r.gid.as_str());
        tx.execute(
            "INSERT INTO sync_conflicts (at, kind, tbl, gid, reason, detail)
             VALUES (?1, 'refused', ?2, ?3, ?4, ?5)",
            params![now, r.tbl, r.gid, r.reason, sent.map(|c| c.to_string())],
        )?;
    }
    tx.execute("DELETE FROM sync_outbox WHERE batch = ?1", [&batch.id])?;
    tx.execute(
        "UPDATE sync_state SET last_sync_at = ?1, last_error = NULL",
        [now],
    )?;
    tx.commit()?;
    Ok(())
}

/// Changes waiting to be sent.
pub fn waiting(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM sync_outbox", [], |r| r.get(0))?)
}
