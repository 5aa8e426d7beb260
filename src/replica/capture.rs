//! Change capture: triggers on every replicated table write each insert, update and delete into
//! `sync_outbox` in the same transaction as the change, so no code path can forget one and a crash
//! between "saved" and "synced" loses nothing. The triggers are generated from the tables' own
//! columns and foreign keys (`PRAGMA table_info`, `foreign_key_list`): a row travels with its
//! references named by gid, never by local id. They are installed when the laptop joins an
//! organisation and refreshed when the app opens a joined database (a migration may have added
//! columns); `sync_state.capturing` silences them while pulled rows are applied.

use rusqlite::{params, Connection, OptionalExtension};

use super::tables::{Table, TABLES};
use crate::error::Result;

/// A UUIDv7 (48 bits of milliseconds, version 7, variant 10, 74 random bits), made in SQL so the
/// triggers can give a new row its gid. Each `random()` is drawn per row.
pub const NEW_GID: &str = "printf('%08x-%04x-7%03x-%04x-%012x', \
    (CAST(unixepoch('subsec') * 1000 AS INTEGER)) >> 16, \
    (CAST(unixepoch('subsec') * 1000 AS INTEGER)) & 65535, \
    random() & 4095, 32768 | (random() & 16383), random() & 281474976710655)";

/// Advances the hybrid logical clock: never backwards, past every clock seen in a pull.
const TICK: &str =
    "UPDATE sync_state SET hlc = max(hlc + 1, CAST(unixepoch('subsec') * 1000 AS INTEGER) << 16)";

const CAPTURING: &str = "(SELECT capturing FROM sync_state)";

/// A table's columns as they travel: every column but the local integer key, the gid and
/// references to tables that stay on the laptop; and which of them reference another table.
pub(super) struct Shape {
    pub(super) columns: Vec<String>,
    refs: Vec<(String, String)>,
}

/// Columns of replicated tables that stay on this laptop: what head office says about a row, not
/// part of it (the laptop that runs a seminar comes with the pull, never goes with a push).
const LOCAL_COLUMNS: &[(&str, &str)] = &[("seminars", "laptop")];

pub(super) fn shape(conn: &Connection, table: &str) -> Result<Shape> {
    let mut columns = Vec::new();
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let name: String = r.get(1)?;
        let kind: String = r.get(2)?;
        let pk: i64 = r.get(5)?;
        let local_key = pk == 1 && kind.eq_ignore_ascii_case("INTEGER") && name == "id";
        let local_only = LOCAL_COLUMNS.contains(&(table, name.as_str()));
        if !local_key && name != "gid" && !local_only {
            columns.push(name);
        }
    }
    let mut refs = Vec::new();
    let mut stmt = conn.prepare(&format!("PRAGMA foreign_key_list({table})"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (to, from): (String, String) = (r.get(2)?, r.get(3)?);
        if super::tables::find(&to).is_some() {
            refs.push((from, to));
        } else {
            // A reference to a table that stays on the laptop (a station) does not travel.
            columns.retain(|c| *c != from);
        }
    }
    Ok(Shape { columns, refs })
}

impl Shape {
    /// The table `column` refers to, if it is a reference that travels.
    pub(super) fn reference(&self, column: &str) -> Option<&str> {
        self.refs
            .iter()
            .find(|(from, _)| from == column)
            .map(|(_, to)| to.as_str())
    }

    /// The value of `column` of the row `rec` (NEW, OLD or a table name), a reference as the gid
    /// of the row it points at.
    fn value(&self, rec: &str, column: &str) -> String {
        match self.refs.iter().find(|(from, _)| from == column) {
            Some((_, to)) => format!("(SELECT gid FROM \"{to}\" WHERE rowid = {rec}.\"{column}\")"),
            None => format!("{rec}.\"{column}\""),
        }
    }

    fn row_json(&self, rec: &str) -> String {
        let pairs: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("'{c}', {}", self.value(rec, c)))
            .collect();
        format!("json_object({})", pairs.join(", "))
    }

    fn any_change(&self) -> String {
        let diffs: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("NEW.\"{c}\" IS NOT OLD.\"{c}\""))
            .collect();
        format!("({})", diffs.join(" OR "))
    }

    fn changed_json(&self) -> String {
        let names: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("CASE WHEN NEW.\"{c}\" IS NOT OLD.\"{c}\" THEN '{c}' END"))
            .collect();
        format!(
            "(SELECT json_group_array(value) FROM json_each(json_array({})) WHERE value IS NOT NULL)",
            names.join(", ")
        )
    }
}

fn exists(conn: &Connection, table: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [table],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The seminar's gid and the city of the row `rec`, as SQL (NULL where the table has none).
fn scope(table: &Table, rec: &str) -> (String, String) {
    let seminar = table.seminar.map_or("NULL".into(), |path| {
        format!(
            "(SELECT gid FROM seminars WHERE id = {})",
            path.replace("{r}", rec)
        )
    });
    let city = table
        .city
        .map_or("NULL".into(), |path| path.replace("{r}", rec));
    (seminar, city)
}

fn triggers_for(conn: &Connection, table: &Table) -> Result<String> {
    let t = table.name;
    let s = shape(conn, t)?;
    let (seminar, city) = scope(table, "NEW");
    let (old_seminar, old_city) = scope(table, "OLD");
    Ok(format!(
        "CREATE TRIGGER sync_{t}_insert AFTER INSERT ON {t} WHEN {CAPTURING} BEGIN
           UPDATE {t} SET gid = {NEW_GID} WHERE rowid = NEW.rowid AND gid IS NULL;
           {TICK};
           INSERT INTO sync_outbox (tbl, gid, op, hlc, row, seminar, city)
             SELECT '{t}', gid, 'upsert', (SELECT hlc FROM sync_state), {row}, {seminar}, {city}
               FROM {t} WHERE rowid = NEW.rowid;
         END;
         CREATE TRIGGER sync_{t}_update AFTER UPDATE ON {t}
           WHEN {CAPTURING} AND OLD.gid IS NOT NULL AND {any} BEGIN
           {TICK};
           INSERT INTO sync_outbox (tbl, gid, op, hlc, row, changed, seminar, city)
             VALUES ('{t}', NEW.gid, 'upsert', (SELECT hlc FROM sync_state), {row}, {changed}, {seminar}, {city});
         END;
         CREATE TRIGGER sync_{t}_delete AFTER DELETE ON {t} WHEN {CAPTURING} AND OLD.gid IS NOT NULL BEGIN
           {TICK};
           INSERT INTO sync_outbox (tbl, gid, op, hlc, seminar, city)
             VALUES ('{t}', OLD.gid, 'delete', (SELECT hlc FROM sync_state), {old_seminar}, {old_city});
         END;",
        row = s.row_json("NEW"),
        any = s.any_change(),
        changed = s.changed_json(),
    ))
}

/// (Re)installs the capture triggers of every replicated table. Idempotent.
pub fn install(conn: &Connection) -> Result<()> {
    uninstall(conn)?;
    for table in TABLES {
        if exists(conn, table.name)? {
            conn.execute_batch(&triggers_for(conn, table)?)?;
        }
    }
    Ok(())
}

/// Removes the capture triggers (the laptop leaves the organisation, or before reinstalling).
pub fn uninstall(conn: &Connection) -> Result<()> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync\\_%' ESCAPE '\\'",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for name in names {
        conn.execute_batch(&format!("DROP TRIGGER {name}"))?;
    }
    Ok(())
}

/// Whether this laptop has joined an organisation.
pub fn joined(conn: &Connection) -> Result<bool> {
    Ok(
        conn.query_row("SELECT organisation IS NOT NULL FROM sync_state", [], |r| {
            r.get(0)
        })?,
    )
}

/// Refreshes the triggers of a joined laptop (run when the app opens its database).
pub fn refresh(conn: &Connection) -> Result<()> {
    if joined(conn)? {
        install(conn)?;
    }
    Ok(())
}

/// What joining wrote.
#[derive(Debug, PartialEq, Eq)]
pub struct Joined {
    /// Rows put in the outbox: everything the laptop held (0 when it had joined already).
    pub snapshot: usize,
}

/// Joins the laptop's own data to an organisation, in one transaction: every replicated row gets
/// a gid, the whole of it goes into the outbox (a laptop joins with its history, not only with
/// what changes afterwards), and capture starts. Joining the same organisation again is a no-op.
pub fn join(conn: &mut Connection, organisation: &str, laptop: &str) -> Result<Joined> {
    let tx = conn.transaction()?;
    let current: Option<String> =
        tx.query_row("SELECT organisation FROM sync_state", [], |r| r.get(0))?;
    if current.as_deref() == Some(organisation) {
        return Ok(Joined { snapshot: 0 });
    }
    if let Some(other) = current {
        return Err(crate::error::Error::Conflict {
            zh: format!("这台电脑已加入另一个组织（{other}），不能再加入别的组织。"),
            en: format!("This laptop has joined another organisation ({other}) and cannot join a second one."),
        });
    }
    tx.execute_batch("UPDATE sync_state SET capturing = 0")?;
    tx.execute_batch(TICK)?;
    let mut snapshot = 0;
    for table in TABLES {
        let t = table.name;
        if !exists(&tx, t)? {
            continue;
        }
        tx.execute_batch(&format!("UPDATE {t} SET gid = {NEW_GID} WHERE gid IS NULL"))?;
    }
    for table in TABLES {
        if exists(&tx, table.name)? {
            snapshot += send_rows(&tx, table, None)?;
        }
    }
    install(&tx)?;
    tx.execute(
        "UPDATE sync_state SET organisation = ?1, laptop = ?2, joined_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), capturing = 1",
        params![organisation, laptop],
    )?;
    tx.commit()?;
    Ok(Joined { snapshot })
}

/// Puts rows of `table` in the outbox as they stand, whole: every row, or those of `rowids`.
fn send_rows(conn: &Connection, table: &Table, rowids: Option<&[i64]>) -> Result<usize> {
    let t = table.name;
    let s = shape(conn, t)?;
    let (seminar, city) = scope(table, "r");
    let which = match rowids {
        None => "1",
        Some(_) => "r.rowid IN (SELECT value FROM json_each(?1))",
    };
    let ids = serde_json::to_string(&rowids.unwrap_or_default()).unwrap_or_default();
    let sql = format!(
        "INSERT INTO sync_outbox (tbl, gid, op, hlc, row, seminar, city)
         SELECT '{t}', r.gid, 'upsert', (SELECT hlc FROM sync_state), {row}, {seminar}, {city}
           FROM {t} AS r WHERE {which} ORDER BY r.rowid",
        row = s.row_json("r")
    );
    Ok(match rowids {
        None => conn.execute(&sql, [])?,
        Some(_) => conn.execute(&sql, [ids])?,
    })
}

/// A backup taken before this laptop joined, restored once it has joined (`restored` is the backup's
/// copy, `live` the database it replaces): the laptop stays joined. Each restored row takes the
/// gid the live database gave the same row when it joined (the same local row id, and the same
/// `created_at` where the table has one), so nothing goes to head office again under a new id;
/// a row the live database no longer holds gets a new gid and goes out as a new row. Answers
/// whether there was a join to carry over.
pub fn carry_join(restored: &Connection, live: &Connection) -> Result<bool> {
    if joined(restored)? || !joined(live)? {
        return Ok(false);
    }
    type Place = (String, String, Option<String>, i64);
    let (organisation, laptop, joined_at, hlc): Place = live.query_row(
        "SELECT organisation, laptop, joined_at, hlc FROM sync_state",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    restored.execute(
        "UPDATE sync_state SET organisation = ?1, laptop = ?2, joined_at = ?3,
                hlc = max(hlc, ?4), capturing = 0",
        params![organisation, laptop, joined_at, hlc],
    )?;
    for table in TABLES {
        let t = table.name;
        if !exists(restored, t)? || !exists(live, t)? {
            continue;
        }
        let created =
            if has_column(restored, t, "created_at")? && has_column(live, t, "created_at")? {
                "AND created_at IS ?3"
            } else {
                "AND ?3 IS NULL"
            };
        let mut take = restored.prepare(&format!(
            "UPDATE {t} SET gid = ?2 WHERE rowid = ?1 AND gid IS NULL {created}"
        ))?;
        let mut rows = live.prepare(&format!(
            "SELECT rowid, gid, {} FROM {t} WHERE gid IS NOT NULL",
            if created.contains("created_at") {
                "created_at"
            } else {
                "NULL"
            }
        ))?;
        let mut rows = rows.query([])?;
        while let Some(r) = rows.next()? {
            take.execute(params![
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?
            ])?;
        }
        let new: Vec<i64> = restored
            .prepare(&format!("SELECT rowid FROM {t} WHERE gid IS NULL"))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if !new.is_empty() {
            restored.execute_batch(&format!("UPDATE {t} SET gid = {NEW_GID} WHERE gid IS NULL"))?;
            send_rows(restored, table, Some(&new))?;
        }
    }
    install(restored)?;
    restored.execute_batch("UPDATE sync_state SET capturing = 1")?;
    Ok(true)
}

fn has_column(conn: &Connection, table: &str, column: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            &format!("SELECT 1 FROM pragma_table_info('{table}') WHERE name = ?1"),
            [column],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// An erased row's earlier values must neither travel nor linger: the changes not yet accepted by
/// head office that still hold them are dropped — the erasure itself goes out as the whole row —
/// and so are the conflicts and waiting rows that hold them. Head office purges its own copies when
/// the erasure arrives.
pub fn forget(conn: &Connection, table: &str, id: i64) -> Result<()> {
    let gid: Option<String> = conn
        .query_row(
            &format!("SELECT gid FROM \"{table}\" WHERE id = ?1"),
            [id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let Some(gid) = gid else { return Ok(()) };
    conn.execute(
        "DELETE FROM sync_outbox WHERE tbl = ?1 AND gid = ?2
           AND seq < (SELECT max(seq) FROM sync_outbox WHERE tbl = ?1 AND gid = ?2)",
        params![table, gid],
    )?;
    conn.execute(
        "UPDATE sync_outbox SET changed = NULL WHERE tbl = ?1 AND gid = ?2",
        params![table, gid],
    )?;
    conn.execute(
        "DELETE FROM sync_conflicts WHERE tbl = ?1 AND gid = ?2",
        params![table, gid],
    )?;
    conn.execute(
        "DELETE FROM sync_waiting WHERE tbl = ?1 AND gid = ?2",
        params![table, gid],
    )?;
    Ok(())
}
