//! Where this laptop stands in its organisation: joined or not, the changes waiting to go out,
//! the conflicts waiting for a person, the last sync and the last error.

use rusqlite::Connection;
use serde::Serialize;

use crate::error::Result;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SyncStatus {
    pub joined: bool,
    pub organisation: Option<String>,
    pub laptop: Option<String>,
    pub last_sync_at: Option<String>,
    /// Changes made here and not yet accepted by head office.
    pub pending: i64,
    /// Conflicts no person has resolved yet.
    pub conflicts: i64,
    /// Rows pulled from head office that wait for a row they refer to.
    pub waiting: i64,
    /// What went wrong in the last attempt (cleared by the next sync that works).
    pub last_error: Option<String>,
}

pub fn status(conn: &Connection) -> Result<SyncStatus> {
    Ok(conn.query_row(
        "SELECT organisation, laptop, last_sync_at, last_error,
                (SELECT count(*) FROM sync_outbox),
                (SELECT count(*) FROM sync_conflicts WHERE resolved_at IS NULL),
                (SELECT count(*) FROM sync_waiting)
           FROM sync_state",
        [],
        |r| {
            let organisation: Option<String> = r.get(0)?;
            Ok(SyncStatus {
                joined: organisation.is_some(),
                organisation,
                laptop: r.get(1)?,
                last_sync_at: r.get(2)?,
                last_error: r.get(3)?,
                pending: r.get(4)?,
                conflicts: r.get(5)?,
                waiting: r.get(6)?,
            })
        },
    )?)
}

/// Keeps the message of a failed sync for the status (in the organizer's language it was said in).
pub fn record_error(conn: &Connection, message: &str) -> Result<()> {
    conn.execute("UPDATE sync_state SET last_error = ?1", [message])?;
    Ok(())
}

/// The pull position: head office's transaction id (as text) and position in its log.
pub fn position(conn: &Connection) -> Result<(String, i64)> {
    Ok(
        conn.query_row("SELECT pulled_xid, pulled_pos FROM sync_state", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?,
    )
}
