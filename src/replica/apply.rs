//! Applying what head office sent: each pulled row is written by its gid, its references turned
//! back into this laptop's ids, with capture off (a pulled row is not a change of this laptop's to
//! send back). One page and the pull position move together, in one transaction: a crash re-pulls
//! the page, and applying a row twice writes the same values.
//!
//! - A row this laptop changed since its last push is left alone: the change goes out next, head
//!   office merges it column by column and the merged row comes back.
//! - A row whose reference has not arrived yet waits (`sync_waiting`) and is applied once it has.
//! - A row that cannot be written here (a rule of this database refuses it) becomes a conflict.

use std::borrow::Cow;
use std::collections::HashMap;

use rusqlite::types::Value as Sql;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::capture::{shape, Shape};
use super::status::Position;
use super::tables::find;
use crate::db::Db;
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

/// Statements a pull keeps prepared: a page of mixed tables (a seminar day: check-ins, deals, their
/// history, the stores and people they name) uses more than rusqlite's default sixteen.
const KEPT_STATEMENTS: usize = 64;

/// Applies a page of pulled changes and moves the pull from `from` to `to`, in one transaction.
/// `origins` are beside the page's changes, one for one. None, with nothing written, when the
/// pull no longer stands at `from`: another sync of this laptop, or a restore, moved it since the
/// page was read.
pub fn apply_page(
    conn: &mut Connection,
    page: &[Pulled],
    origins: &[Origin],
    from: &Position,
    to: &Position,
    now: &str,
) -> Result<Option<Applied>> {
    conn.set_prepared_statement_cache_capacity(KEPT_STATEMENTS);
    let tx = conn.transaction()?;
    if !from.is_current(&tx)? {
        return Ok(None);
    }
    // A first pull's picture moving on from a table builds the indexes it put off there, and one
    // beginning a table empty here puts off that table's (not while a seminar is live: the door
    // would wait for the building).
    if from.table().is_some() && from.table() != to.table() {
        super::indexes::build_put_off(&tx)?;
    }
    if let Some(table) = to.table().filter(|t| from.table() != Some(t)) {
        if !door_open(&tx)? {
            super::indexes::put_off(&tx, table)?;
        }
    }
    tx.execute_batch("UPDATE sync_state SET capturing = 0")?;
    let mut out = Applied::default();
    let mut here = Here::read(&tx)?;
    let mut shapes = Shapes {
        beyond: beyond_held(&tx, to, page)?,
        ..Shapes::default()
    };
    let mut highest = 0;
    let none = Origin::default();
    for (i, change) in page.iter().enumerate() {
        let origin = origins.get(i).unwrap_or(&none);
        highest = highest.max(change.hlc);
        let local = here.outbox
            && tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM sync_outbox WHERE tbl = ?1 AND gid = ?2)",
                )?
                .query_row(params![change.tbl, change.gid], |r| r.get::<_, bool>(0))?;
        // A row merged into another at head office goes whatever this laptop still holds for it:
        // what it holds moves to the other row first, and its waiting change is taken as the
        // other row's by head office.
        if local && merged_into(change).is_none() {
            out.kept_local += 1;
            continue;
        }
        match attempt(&tx, &mut shapes, change)? {
            Some(Outcome::Done) => {
                if here.waiting {
                    tx.prepare_cached("DELETE FROM sync_waiting WHERE tbl = ?1 AND gid = ?2")?
                        .execute(params![change.tbl, change.gid])?;
                }
                if let (Some(owner), "seminars") = (&origin.owner, change.tbl.as_str()) {
                    tx.prepare_cached("UPDATE seminars SET laptop = ?1 WHERE gid = ?2")?
                        .execute(params![owner, change.gid])?;
                }
                if here.sent {
                    super::overwritten::seen(&tx, change, origin.writer.as_deref(), now)?;
                }
                out.applied += 1;
            }
            Some(Outcome::Waits) => {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO sync_waiting (tbl, gid, hlc, data, deleted) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![change.tbl, change.gid, change.hlc, change.data.as_ref().map(Value::to_string), change.deleted])?;
                here.waiting = true;
            }
            None => {
                out.not_applied += 1;
                conflict(&tx, change, now)?;
            }
        }
    }
    if here.waiting {
        out.applied += retry_waiting(&tx, &mut shapes, now)?;
        out.waiting = tx.query_row("SELECT count(*) FROM sync_waiting", [], |r| {
            r.get::<_, i64>(0)
        })? as usize;
    }
    to.write(&tx)?;
    tx.execute(
        "UPDATE sync_state SET capturing = 1, hlc = max(hlc, ?1), last_sync_at = ?2",
        params![highest, now],
    )?;
    tx.commit()?;
    Ok(Some(out))
}

/// What this laptop holds of its own beside the replicated rows, read as a page begins: a list
/// found empty is not asked about for every row, since applying rows with capture off adds to
/// none of them (only `sync_waiting` grows, and then it is asked about).
struct Here {
    /// Changes made here wait to go out (`sync_outbox`).
    outbox: bool,
    /// Fields this laptop sent are kept, to see them overwritten (`sync_sent`).
    sent: bool,
    /// Rows wait for a row they refer to (`sync_waiting`).
    waiting: bool,
}

impl Here {
    fn read(tx: &Connection) -> Result<Here> {
        let any = |table: &str| -> Result<bool> {
            Ok(
                tx.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {table})"), [], |r| {
                    r.get(0)
                })?,
            )
        };
        Ok(Here {
            outbox: any("sync_outbox")?,
            sent: any("sync_sent")?,
            waiting: any("sync_waiting")?,
        })
    }
}

/// Whether a seminar of this laptop's is live: its door writes, and a pull applies smaller pages
/// so that a check-in waits for at most a short one.
pub fn door_open(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM seminars WHERE status = 'live')",
        [],
        |r| r.get(0),
    )?)
}

/// The page cache the database has while a pull applies its pages, in MiB (SQLite's default is
/// 2 MiB): a first pull writes its rows in random places of the tables' gid indexes.
pub const PULL_CACHE_MIB: i64 = 256;

/// How many pages the WAL takes before it is copied into the database while a pull applies (64
/// MiB; SQLite's default is 1,000 pages, 4 MiB): every commit of a page writes each database
/// page it touched to the WAL, and a page touched again by the next commits is copied once.
pub const PULL_CHECKPOINT_PAGES: i64 = 16_384;

/// `PRAGMA temp_store`: temporary files in memory.
const TEMP_STORE_MEMORY: i64 = 2;

/// The database's settings while a pull applies (a larger page cache, a longer WAL), and the
/// settings as they were once dropped (SQLite then gives the memory back).
pub struct Pulling<'a> {
    db: &'a Db,
    cache: i64,
    checkpoint: i64,
    temp_store: i64,
}

impl<'a> Pulling<'a> {
    pub fn start(db: &'a Db) -> Result<Pulling<'a>> {
        let conn = db.conn();
        let cache: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
        let checkpoint: i64 = conn.pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))?;
        let temp_store: i64 = conn.pragma_query_value(None, "temp_store", |r| r.get(0))?;
        conn.pragma_update(None, "cache_size", -(PULL_CACHE_MIB << 10))?;
        conn.pragma_update(None, "wal_autocheckpoint", PULL_CHECKPOINT_PAGES)?;
        // Each row written fires triggers, so SQLite keeps a statement journal to undo it alone:
        // in memory (a few pages) instead of a temporary file written for every row. (An index a
        // first pull put off is then sorted in memory too: for a table of ten million rows, a few
        // hundred MiB for a moment.)
        conn.pragma_update(None, "temp_store", TEMP_STORE_MEMORY)?;
        Ok(Pulling {
            db,
            cache,
            checkpoint,
            temp_store,
        })
    }
}

impl Drop for Pulling<'_> {
    fn drop(&mut self) {
        let conn = self.db.conn();
        let back = conn
            .pragma_update(None, "cache_size", self.cache)
            .and_then(|()| conn.pragma_update(None, "wal_autocheckpoint", self.checkpoint))
            .and_then(|()| conn.pragma_update(None, "temp_store", self.temp_store));
        if let Err(e) = back {
            tracing::warn!("the database's settings could not be set back after a pull: {e}");
        }
    }
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

/// What a page reads once: the tables' shapes (each is two PRAGMAs; None for a table this
/// database does not have), and the row each table was last referred to at.
#[derive(Default)]
struct Shapes {
    tables: HashMap<&'static str, Option<Shape>>,
    found: Found,
    /// Each table's statements that write a row with every column, made once.
    whole: HashMap<&'static str, Whole>,
    /// The page's rows are all past every row their table holds here: none is asked about.
    beyond: bool,
}

/// The statements that insert a row with every column, or update every column of one, by gid.
struct Whole {
    insert: String,
    update: String,
}

impl Whole {
    fn new(t: &str, s: &Shape) -> Whole {
        let columns: Vec<&str> = s.columns.iter().map(String::as_str).collect();
        Whole {
            insert: insert_sql(t, &columns),
            update: update_sql(t, &columns),
        }
    }
}

/// Inserts a row with these columns and its gid (the values in that order).
fn insert_sql(t: &str, columns: &[&str]) -> String {
    let mut names: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    names.push("gid".into());
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO \"{t}\" ({}) VALUES ({})",
        names.join(", "),
        marks.join(", ")
    )
}

/// Updates these columns of the row of a gid (the values in that order, the gid last).
fn update_sql(t: &str, columns: &[&str]) -> String {
    let sets: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("\"{c}\" = ?{}", i + 1))
        .collect();
    format!(
        "UPDATE \"{t}\" SET {} WHERE gid = ?{}",
        sets.join(", "),
        columns.len() + 1
    )
}

/// Whether a first pull's page holds only rows past every row their table holds here, so none is
/// here already: its rows come in gid order, and a table it fills from empty is only ever
/// appended to. (A row added here meanwhile has a gid of now, past them all: then every row is
/// asked about, as in the log.)
fn beyond_held(tx: &Connection, to: &Position, page: &[Pulled]) -> Result<bool> {
    let (Some(table), Some(first)) = (to.table().and_then(find), page.first()) else {
        return Ok(false);
    };
    let exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
        [table.name],
        |r| r.get(0),
    )?;
    if !exists {
        return Ok(false);
    }
    let beyond: Option<bool> = tx.query_row(
        &format!("SELECT max(gid) < ?1 FROM \"{}\"", table.name),
        [&first.gid],
        |r| r.get(0),
    )?;
    Ok(beyond.unwrap_or(true))
}

fn shape_of<'s>(
    tables: &'s mut HashMap<&'static str, Option<Shape>>,
    tx: &Connection,
    table: &'static str,
) -> Result<Option<&'s Shape>> {
    if !tables.contains_key(table) {
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
        tables.insert(table, shape);
    }
    Ok(tables[table].as_ref())
}

/// The local ids of the rows a page referred to, by table and gid: a page's rows name the same
/// seminars, inviters and products again and again. Forgotten whenever a row is deleted (its id
/// could be given to another).
#[derive(Default)]
struct Found {
    ids: HashMap<String, HashMap<String, i64>>,
    finds: HashMap<String, String>,
}

impl Found {
    fn id(&mut self, tx: &Connection, table: &str, gid: &str) -> Result<Option<i64>> {
        if let Some(id) = self.ids.get(table).and_then(|ids| ids.get(gid)) {
            return Ok(Some(*id));
        }
        let sql = self
            .finds
            .entry(table.to_owned())
            .or_insert_with(|| format!("SELECT rowid FROM \"{table}\" WHERE gid = ?1"));
        let id: Option<i64> = tx
            .prepare_cached(sql)?
            .query_row([gid], |r| r.get(0))
            .optional()?;
        if let Some(id) = id {
            match self.ids.get_mut(table) {
                Some(ids) => {
                    ids.insert(gid.to_owned(), id);
                }
                None => {
                    self.ids
                        .insert(table.to_owned(), HashMap::from([(gid.to_owned(), id)]));
                }
            }
        }
        Ok(id)
    }

    /// Whether `table` holds the row of `gid`.
    fn holds(&mut self, tx: &Connection, table: &str, gid: &str) -> Result<bool> {
        Ok(self.id(tx, table, gid)?.is_some())
    }

    fn forget(&mut self) {
        self.ids.clear();
    }
}

/// Writes one change; None when this database refuses it (nothing written). A row written or
/// deleted is one statement, which SQLite undoes whole, triggers included, when a rule refuses
/// it; a row merged into another is several, inside a savepoint.
fn attempt(tx: &Connection, shapes: &mut Shapes, change: &Pulled) -> Result<Option<Outcome>> {
    let Some(table) = find(&change.tbl) else {
        // A table this version of the app does not know: nothing to write it into.
        return Ok(Some(Outcome::Done));
    };
    let Shapes {
        tables,
        found,
        whole,
        beyond,
    } = shapes;
    let Some(s) = shape_of(tables, tx, table.name)? else {
        return Ok(Some(Outcome::Done));
    };
    let whole = whole
        .entry(table.name)
        .or_insert_with(|| Whole::new(table.name, s));
    let written = match (change.deleted, merged_into(change)) {
        (true, Some(into)) => {
            found.forget();
            savepoint(tx, || {
                super::merge::merged_away(tx, table.name, &change.gid, into)
            })
        }
        _ => write(tx, table.name, s, whole, found, *beyond, change),
    };
    match written {
        Ok(outcome) => Ok(Some(outcome)),
        Err(crate::error::Error::Sqlite(e)) if is_refusal(&e) => {
            tracing::warn!(table = table.name, gid = %change.gid, "a pulled row was refused here: {e}");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Runs `f` inside a savepoint: all of what it writes, or nothing when it fails.
fn savepoint<T>(tx: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    tx.prepare_cached("SAVEPOINT pulled")?.execute([])?;
    match f() {
        Ok(out) => {
            tx.prepare_cached("RELEASE pulled")?.execute([])?;
            Ok(out)
        }
        Err(e) => {
            tx.execute_batch("ROLLBACK TO pulled; RELEASE pulled")?;
            Err(e)
        }
    }
}

/// A rule of the database (unique, not null, foreign key, check), as opposed to a broken file.
fn is_refusal(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ConstraintViolation)
    )
}

/// Writes one change in one statement (its references and whether it is here read first): a
/// delete, an update of a row held here, or an insert. `beyond`: the row is known not to be here.
fn write(
    tx: &Connection,
    t: &str,
    s: &Shape,
    whole: &Whole,
    found: &mut Found,
    beyond: bool,
    change: &Pulled,
) -> Result<Outcome> {
    if change.deleted {
        found.forget();
        tx.prepare_cached(&format!("DELETE FROM \"{t}\" WHERE gid = ?1"))?
            .execute([&change.gid])?;
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
            (Some(to), Value::String(gid)) => match found.id(tx, to, gid)? {
                Some(id) => Sql::Integer(id),
                None => return Ok(Outcome::Waits),
            },
            (_, v) => sql(v),
        };
        columns.push(column.as_str());
        values.push(value);
    }
    values.push(Sql::Text(change.gid.clone()));
    let held = !beyond && found.holds(tx, t, &change.gid)?;
    let every = columns.len() == s.columns.len();
    let sql = match (held, every) {
        (true, _) if columns.is_empty() => return Ok(Outcome::Done),
        (true, true) => Cow::Borrowed(whole.update.as_str()),
        (true, false) => Cow::Owned(update_sql(t, &columns)),
        (false, true) => Cow::Borrowed(whole.insert.as_str()),
        (false, false) => Cow::Owned(insert_sql(t, &columns)),
    };
    tx.prepare_cached(&sql)?
        .execute(rusqlite::params_from_iter(values))?;
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
