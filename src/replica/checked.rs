//! What the checks at the end of a sync that ask head office only about what changed since the
//! last one share (double invitations, [`super::clash`]; store merges, [`super::pairs`]): what a
//! check asked about, and the rows of the conflicts it still lists, asked about again.

use rusqlite::Connection;

use crate::error::Result;

/// What a check asked head office about.
#[derive(Debug, Clone, Copy)]
pub enum Asked<'a> {
    /// Everything this laptop may read (a first check, or after a restore).
    All,
    /// What was written since the last check, and these rows (the open conflicts'), again.
    Since(&'a [String]),
}

/// The rows of the conflicts of `kind` this laptop still lists.
pub(super) fn open(conn: &Connection, kind: &str) -> Result<Vec<String>> {
    Ok(conn
        .prepare(
            "SELECT DISTINCT gid FROM sync_conflicts
              WHERE kind = ?1 AND resolved_at IS NULL ORDER BY gid",
        )?
        .query_map([kind], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}
