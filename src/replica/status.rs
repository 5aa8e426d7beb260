//! Where this laptop stands in its organisation: joined or not, the changes waiting to go out,
//! the conflicts waiting for a person, the last sync and the last error.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;
use utoipa::ToSchema;

use super::apply::{apply_one, Pulled};
use crate::error::{invalid, Result};

#[derive(Debug, Clone, Serialize, PartialEq, TS, ToSchema)]
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

/// Where this laptop's pull stands: in head office's log, or part-way through a first pull.
pub fn position(conn: &Connection) -> Result<Position> {
    Ok(conn.query_row(
        "SELECT pulled_xid, pulled_pos, picture_xid, picture_tbl, picture_gid FROM sync_state",
        [],
        |r| {
            Ok(match (r.get(2)?, r.get(3)?, r.get(4)?) {
                (Some(horizon), Some(tbl), Some(gid)) => Position::Picture { horizon, tbl, gid },
                _ => Position::Log(r.get(0)?, r.get(1)?),
            })
        },
    )?)
}

/// Where this laptop's pull stands in what head office sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// In head office's change log: past the change of this transaction (an xid8, as text) and
    /// position. `("0", 0)` is before everything: the next pull is a first pull.
    Log(String, i64),
    /// Part-way through a first pull's picture of head office's rows: past this table's row of
    /// this gid; once every table is read, the log is pulled from `horizon`.
    Picture {
        horizon: String,
        tbl: String,
        gid: String,
    },
}

impl Position {
    /// Before anything was pulled.
    pub fn start() -> Position {
        Position::Log("0".into(), 0)
    }

    /// The table a first pull's picture stands in.
    pub(super) fn table(&self) -> Option<&str> {
        match self {
            Position::Picture { tbl, .. } => Some(tbl),
            Position::Log(..) => None,
        }
    }

    /// Checks that the laptop's pull stands here (no other sync or restore moved it since this
    /// page was read).
    pub(super) fn is_current(&self, conn: &Connection) -> Result<bool> {
        Ok(position(conn)? == *self)
    }

    /// Moves the laptop's pull here, inside the caller's transaction.
    pub(super) fn write(&self, conn: &Connection) -> Result<()> {
        match self {
            Position::Log(xid, pos) => conn.execute(
                "UPDATE sync_state SET pulled_xid = ?1, pulled_pos = ?2,
                        picture_xid = NULL, picture_tbl = NULL, picture_gid = NULL",
                params![xid, pos],
            )?,
            Position::Picture { horizon, tbl, gid } => conn.execute(
                "UPDATE sync_state SET picture_xid = ?1, picture_tbl = ?2, picture_gid = ?3",
                params![horizon, tbl, gid],
            )?,
        };
        Ok(())
    }
}

/// A restored backup knows only the changes it held: the next sync pulls again from the start
/// (head office's rows written by gid, so a row seen before is written with the same values and
/// the changes made after that backup come back), and pushes whatever its outbox holds (a batch
/// stamped before is sent under its own id, so head office answers what it answered then). Its
/// clash check asks about every invitation again, its store-merge check about every pair. Indexes
/// a first pull had put off are built.
pub fn restart_pull(conn: &Connection) -> Result<()> {
    super::indexes::build_put_off(conn)?;
    conn.execute_batch(
        "UPDATE sync_state SET pulled_xid = '0', pulled_pos = 0, clashes_xid = NULL, pairs_xid = NULL,
                last_error = NULL, picture_xid = NULL, picture_tbl = NULL, picture_gid = NULL;
         DELETE FROM sync_waiting;",
    )?;
    Ok(())
}

/// Something the sync could not settle by itself, shown on the 同步问题 list with both sides.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct SyncConflict {
    pub id: i64,
    pub at: String,
    /// `refused`: head office refused a change made here; `not_applied`: a row from head office
    /// that this laptop's database refused; `double_invitation`: a store another laptop invited
    /// to a seminar whose attribution window overlaps this laptop's; `overwritten`: a field of
    /// this laptop's another laptop wrote later; `store_merge`: two stores sharing a person's
    /// mobile under two names (`mine` and `theirs` are the two stores), to merge or keep apart;
    /// `new_staff` (on a head-office laptop): a staff member a city laptop added (`mine`), beside
    /// head office's staff with the same name or phone (`theirs.similar`), to approve, merge or
    /// retire.
    pub kind: String,
    /// The table (stores, staff, invitations, …) and the row's organisation-wide id.
    pub tbl: String,
    pub gid: String,
    /// Why, as a code: not_your_seminar, head_office_only, unknown_table, refused_here,
    /// double_invitation, overwritten, same_mobile, added_on_laptop.
    pub reason: String,
    /// What a person knows the row by (a name or a title), when it has one.
    pub label: Option<String>,
    /// This laptop's version (the change as sent, or the row as received).
    #[ts(type = "Record<string, unknown> | null")]
    #[schema(value_type = Option<Object>)]
    pub mine: Option<Value>,
    /// Head office's version, when it was readable.
    #[ts(type = "Record<string, unknown> | null")]
    #[schema(value_type = Option<Object>)]
    pub theirs: Option<Value>,
}

/// The conflicts no person has resolved yet, oldest first.
pub fn conflicts(conn: &Connection) -> Result<Vec<SyncConflict>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, kind, tbl, gid, reason, detail, theirs FROM sync_conflicts
          WHERE resolved_at IS NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        let json = |s: Option<String>| s.and_then(|s| serde_json::from_str::<Value>(&s).ok());
        let detail = json(r.get(6)?);
        // A refused change is kept as sent ({row: …}); a received row as the row itself.
        let mine = match detail {
            Some(Value::Object(mut o)) if o.contains_key("op") => o.remove("row"),
            other => other,
        };
        let theirs = json(r.get(7)?);
        let label = [&mine, &theirs]
            .into_iter()
            .flatten()
            .find_map(|v| {
                ["store", "name", "title"]
                    .iter()
                    .find_map(|k| v[k].as_str())
            })
            .map(str::to_owned);
        Ok(SyncConflict {
            id: r.get(0)?,
            at: r.get(1)?,
            kind: r.get(2)?,
            tbl: r.get(3)?,
            gid: r.get(4)?,
            reason: r.get(5)?,
            label,
            mine,
            theirs,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What a person chose for a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncResolution {
    /// Take head office's version here (a refused change is undone on this laptop).
    UseTheirs,
    /// Try again to write a row head office sent (after fixing what stood in its way).
    Retry,
    /// Cancel this laptop's invitation of a store another laptop invited first.
    CancelMine,
    /// Leave things as they are; the conflict leaves the list.
    Dismiss,
    /// Two stores that share a person's mobile are two stores: they are not proposed again, on
    /// any laptop.
    KeepApart,
    /// A staff member a city laptop added is one of head office's staff, as they are.
    Approve,
    /// A staff member a city laptop added is kept (what they did stays theirs) but no longer
    /// active, on every laptop.
    Retire,
}

impl SyncResolution {
    fn as_str(self) -> &'static str {
        match self {
            SyncResolution::UseTheirs => "use_theirs",
            SyncResolution::Retry => "retried",
            SyncResolution::CancelMine => "cancelled_mine",
            SyncResolution::Dismiss => "dismissed",
            SyncResolution::KeepApart => "kept_apart",
            SyncResolution::Approve => "approved",
            SyncResolution::Retire => "retired",
        }
    }
}

/// Resolves a conflict, with head office's current version of the row when there is one (the
/// caller fetched it; else the one kept when the change was refused).
pub fn resolve(
    conn: &mut Connection,
    id: i64,
    how: SyncResolution,
    theirs_now: Option<Value>,
    now: &str,
) -> Result<()> {
    let tx = conn.transaction()?;
    /// kind, table, gid, the change as sent or received, head office's version when refused
    type Kept = (String, String, String, Option<String>, Option<String>);
    let found: Option<Kept> = tx
        .query_row(
            "SELECT kind, tbl, gid, detail, theirs FROM sync_conflicts WHERE id = ?1 AND resolved_at IS NULL",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((kind, tbl, gid, detail, kept)) = found else {
        return Err(invalid(
            "id",
            format!("没有待处理的同步问题 {id}（可能已经处理过）。"),
            format!("There is no open sync conflict {id} (it may have been resolved already)."),
        ));
    };
    let data = match how {
        // Dismissed, a pair of stores would be proposed again at the next sync.
        SyncResolution::Dismiss if kind == "store_merge" => {
            return Err(invalid(
                "resolution",
                "这两家门店请选择“合并”或“分开保留”。",
                "For these two stores, choose Merge or Keep apart.",
            ))
        }
        // Dismissed, a new staff member would be proposed again at the next sync.
        SyncResolution::Dismiss if kind == "new_staff" => {
            return Err(invalid(
                "resolution",
                "这位新员工请选择“认可”“并入已有员工”或“停用”。",
                "For this new staff member, choose Approve, Merge into a staff member, or Retire.",
            ))
        }
        SyncResolution::Dismiss => None,
        SyncResolution::UseTheirs if kind == "refused" => {
            let theirs = theirs_now.or_else(|| kept.and_then(|s| serde_json::from_str(&s).ok()));
            Some(theirs.ok_or_else(|| {
                invalid(
                    "resolution",
                    "读不到总部的版本：请连上网络后再试，或选择“忽略”。",
                    "Head office's version cannot be read: try again once online, or choose Dismiss.",
                )
            })?)
        }
        SyncResolution::Retry if kind == "not_applied" => {
            detail.and_then(|s| serde_json::from_str(&s).ok())
        }
        // The caller cancelled the invitation through the invitation's own transition.
        SyncResolution::CancelMine if kind == "double_invitation" => None,
        // The caller told head office.
        SyncResolution::KeepApart if kind == "store_merge" => None,
        SyncResolution::Approve | SyncResolution::Retire if kind == "new_staff" => None,
        _ => {
            return Err(invalid(
                "resolution",
                "这个同步问题不能这样处理。",
                "This sync conflict cannot be resolved that way.",
            ))
        }
    };
    if let Some(data) = data {
        let change = Pulled {
            tbl,
            gid: gid.clone(),
            hlc: 0,
            data: Some(data),
            deleted: false,
        };
        if !apply_one(&tx, &change)? {
            return Err(invalid(
                "resolution",
                "这一行仍然写不进本机的数据库（与本机已有的数据冲突）。请先改正本机的数据，或选择“忽略”。",
                "The row still cannot be written here (it clashes with data on this laptop). Fix the data here first, or choose Dismiss.",
            ));
        }
        // The change head office refused is not sent again.
        tx.execute(
            "DELETE FROM sync_outbox WHERE gid = ?1 AND batch IS NULL",
            [&gid],
        )?;
    }
    tx.execute(
        "UPDATE sync_conflicts SET resolved_at = ?2, resolution = ?3 WHERE id = ?1",
        params![id, now, how.as_str()],
    )?;
    tx.commit()?;
    Ok(())
}
