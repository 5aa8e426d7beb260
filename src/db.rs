//! The SQLite store: opening a file safely, per-connection settings, migrations with a backup first.
//!
//! Durability: WAL with `synchronous=NORMAL`. Every committed transaction survives a crash of the
//! process (SIGKILL); an OS crash or power loss can lose the last few commits, never corrupt the file.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags, Transaction};

use crate::error::{Error, Result};

/// Migrations in order; the number is the `user_version` after applying it.
/// A released migration is never edited. `tests` checks this list against `migrations/`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("../migrations/0001_init.sql")),
    (
        "0002_invitations",
        include_str!("../migrations/0002_invitations.sql"),
    ),
    (
        "0003_seating",
        include_str!("../migrations/0003_seating.sql"),
    ),
    ("0004_deals", include_str!("../migrations/0004_deals.sql")),
    (
        "0005_followups",
        include_str!("../migrations/0005_followups.sql"),
    ),
    (
        "0006_stations",
        include_str!("../migrations/0006_stations.sql"),
    ),
    (
        "0007_conversion_indexes",
        include_str!("../migrations/0007_conversion_indexes.sql"),
    ),
    ("0008_talk", include_str!("../migrations/0008_talk.sql")),
    (
        "0009_contact_stores",
        include_str!("../migrations/0009_contact_stores.sql"),
    ),
    (
        "0010_scores_segments",
        include_str!("../migrations/0010_scores_segments.sql"),
    ),
    (
        "0011_replica",
        include_str!("../migrations/0011_replica.sql"),
    ),
    (
        "0012_batches_segment_cadence",
        include_str!("../migrations/0012_batches_segment_cadence.sql"),
    ),
    (
        "0013_partner_payouts",
        include_str!("../migrations/0013_partner_payouts.sql"),
    ),
    ("0014_sync", include_str!("../migrations/0014_sync.sql")),
    (
        "0015_hq_on_screen",
        include_str!("../migrations/0015_hq_on_screen.sql"),
    ),
    (
        "0016_whom_speed",
        include_str!("../migrations/0016_whom_speed.sql"),
    ),
    (
        "0017_store_merge",
        include_str!("../migrations/0017_store_merge.sql"),
    ),
    (
        "0018_clash_position",
        include_str!("../migrations/0018_clash_position.sql"),
    ),
    (
        "0019_new_staff",
        include_str!("../migrations/0019_new_staff.sql"),
    ),
    (
        "0020_kept_tallies",
        include_str!("../migrations/0020_kept_tallies.sql"),
    ),
    (
        "0021_pull_speed",
        include_str!("../migrations/0021_pull_speed.sql"),
    ),
    (
        "0022_first_pull_picture",
        include_str!("../migrations/0022_first_pull_picture.sql"),
    ),
    (
        "0023_store_pairs_position",
        include_str!("../migrations/0023_store_pairs_position.sql"),
    ),
];

/// The schema version this build of the app writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// One SQLite connection behind a mutex: the app's writer, shared by every transport.
pub struct Db {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
}

impl Db {
    /// Opens (or creates) the database at `path`, refusing files that are not SQLite or are newer
    /// than this app, backing up an older database before migrating it.
    pub fn open(path: &Path) -> Result<Db> {
        Db::open_with(path, MIGRATIONS)
    }

    /// [`Db::open`] with an explicit migration list (tests of the upgrade path use a longer one).
    pub fn open_with(path: &Path, migrations: &[(&str, &str)]) -> Result<Db> {
        let latest = migrations.len() as i64;
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() && !dir.exists() {
                std::fs::create_dir_all(dir)?;
            }
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let offer = |e| crate::backup::offer_latest_good(path, e);
        let (conn, version) = open_checked(path, path, flags, latest, offer)?;
        configure(&conn).map_err(|e| corrupt(path, e, offer))?;
        if version > 0 && version < latest {
            crate::backup::file::before_migration(&conn, path)?;
        }
        migrate(&conn, migrations).map_err(|e| corrupt(path, e, offer))?;
        tracing::info!(path = %path.display(), from = version, to = latest, "database open");
        Ok(Db {
            conn: Mutex::new(conn),
            path: Some(path.to_owned()),
        })
    }

    /// A fresh in-memory database with every migration applied (tests, dry runs).
    pub fn in_memory() -> Result<Db> {
        let conn = Connection::open_in_memory()?;
        configure(&conn)?;
        migrate(&conn, MIGRATIONS)?;
        Ok(Db {
            conn: Mutex::new(conn),
            path: None,
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The connection, for reads and single statements.
    pub fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll back
        // on drop), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Copies the WAL into the database file and empties it, so that older versions of the pages
    /// (an erased contact's, say) are no longer in the WAL file either.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Runs `f` in one IMMEDIATE transaction: all of it is written, or none of it.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Replaces this database's whole content with `src`'s (a restore), after `first` has run on
    /// the live connection under the same lock (the backup of what is replaced: no write slips in
    /// between). SQLite's backup API copies every page in one write transaction of this
    /// connection: other connections, another process's too, read the old content or the new,
    /// never a mix, and a crash midway leaves the old (the WAL holds no commit for it).
    pub fn replace_with<T>(
        &self,
        src: &Connection,
        first: impl FnOnce(&Connection) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.conn();
        let out = first(&conn)?;
        {
            let b = rusqlite::backup::Backup::new(src, &mut conn)?;
            b.run_to_completion(1024, std::time::Duration::ZERO, None)?;
        }
        migrate(&conn, MIGRATIONS)?;
        tracing::info!("database content replaced (restore)");
        Ok(out)
    }
}

/// Opens a copy of a database that is to replace the live one (a restore), with the checks
/// [`Db::open`] makes — not SQLite, not Huixiao's, newer than this app: refused, naming `shown`
/// (the file the user chose) — and one more: a file with no schema at all is no backup. The copy
/// is brought up to date with the migrations and set to a single file (no WAL).
pub fn open_copy(copy: &Path, shown: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let (conn, version) = open_checked(copy, shown, flags, latest_version(), |e| e)?;
    if version == 0 {
        return Err(not_a_db(shown, "no schema version"));
    }
    conn.pragma_update(None, "journal_mode", "DELETE")
        .map_err(|e| not_a_db(shown, e))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate(&conn, MIGRATIONS).map_err(|e| not_a_db(shown, e))?;
    Ok(conn)
}

/// Opens `path` and reads its schema version, refusing a file that is not SQLite (before SQLite
/// touches it), an SQLite file of another program (tables but no version of ours) and a file of a
/// newer Huixiao. Messages name `shown`; `damaged` adds to the refusal of a file that is not (or
/// no longer) a database (the live file: the latest good backup).
fn open_checked(
    path: &Path,
    shown: &Path,
    flags: OpenFlags,
    latest: i64,
    damaged: impl Fn(Error) -> Error,
) -> Result<(Connection, i64)> {
    check_header(path, shown).map_err(&damaged)?;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| damaged(not_a_db(shown, e)))?;
    let version = user_version(&conn).map_err(|e| damaged(not_a_db(shown, e)))?;
    if version > latest {
        return Err(too_new(shown, version, latest));
    }
    if version == 0 {
        let objects: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| damaged(not_a_db(shown, e)))?;
        if objects > 0 {
            return Err(not_a_db(shown, "tables without a Huixiao schema version"));
        }
    }
    Ok((conn, version))
}

/// `PRAGMA integrity_check` on `conn`: true when SQLite finds nothing wrong.
pub fn integrity_ok(conn: &Connection) -> Result<bool> {
    let first: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    Ok(first == "ok")
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // What is deleted or overwritten is zeroed, not left in freed pages: an erased person's data
    // leaves the file (see `checkpoint` for the WAL).
    conn.pragma_update(None, "secure_delete", "ON")?;
    // Pages are read straight from the file's memory map instead of being copied in by a system
    // call each time: on a large organisation (200,000 stores) a read that visits thousands of
    // scattered stores and contacts spent most of its time in those copies.
    conn.pragma_update(None, "mmap_size", 256i64 << 20)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Applies the missing migrations, all in one transaction.
fn migrate(conn: &Connection, migrations: &[(&str, &str)]) -> Result<()> {
    let current = user_version(conn)?;
    if current >= migrations.len() as i64 {
        return Ok(());
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let run = || -> Result<()> {
        for (i, (name, sql)) in migrations.iter().enumerate().skip(current as usize) {
            tracing::info!(migration = name, "applying migration");
            conn.execute_batch(sql)?;
            conn.pragma_update(None, "user_version", i as i64 + 1)?;
        }
        Ok(())
    };
    match run() {
        Ok(()) => {
            conn.execute_batch("COMMIT")?;
            Ok(())
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Every table's rows as text, in a stable order: tests compare dumps before and after a refused
/// change to prove nothing was written.
pub fn dump(conn: &Connection) -> Result<String> {
    use std::fmt::Write;
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = String::new();
    for t in tables {
        let _ = writeln!(out, "== {t}");
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\" ORDER BY rowid"))?;
        let n = stmt.column_count();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let cells: Vec<String> = (0..n)
                .map(|i| format!("{:?}", row.get_ref(i).map(|v| v.to_owned()).ok()))
                .collect();
            let _ = writeln!(out, "{}", cells.join("|"));
        }
    }
    Ok(out)
}

/// A non-empty file that does not start with SQLite's magic header is refused before SQLite
/// touches it (SQLite would otherwise only fail on the first query, after creating a WAL file).
fn check_header(path: &Path, shown: &Path) -> Result<()> {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(path) else {
        return Ok(()); // does not exist yet: it will be created
    };
    let mut head = [0u8; 16];
    let n = f.read(&mut head)?;
    if n == 0 {
        return Ok(());
    }
    if n < 16 || &head != b"SQLite format 3\0" {
        return Err(not_a_db(shown, "bad header"));
    }
    Ok(())
}

/// An error of SQLite's that says the live file is damaged becomes "not a Huixiao database (or
/// damaged)" with `offer` (the latest good backup); any other error stays as it is.
fn corrupt(path: &Path, e: Error, offer: impl Fn(Error) -> Error) -> Error {
    match e {
        Error::Sqlite(s)
            if matches!(
                s.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
            ) =>
        {
            offer(not_a_db(path, s))
        }
        other => other,
    }
}

fn not_a_db(path: &Path, cause: impl std::fmt::Display) -> Error {
    tracing::warn!(path = %path.display(), %cause, "cannot open database");
    Error::Database {
        zh: format!(
            "{} 不是 Huixiao 的数据库文件（或已损坏），没有打开也没有改动它。请选择正确的文件。",
            path.display()
        ),
        en: format!(
            "{} is not a Huixiao database (or it is damaged); it was neither opened nor changed. Choose the right file.",
            path.display()
        ),
    }
}

fn too_new(path: &Path, version: i64, latest: i64) -> Error {
    Error::Database {
        zh: format!(
            "{} 由更新版本的 Huixiao 创建（数据结构版本 {version}，本程序支持到 {}），没有改动它。请升级 Huixiao。",
            path.display(),
            latest
        ),
        en: format!(
            "{} was written by a newer Huixiao (schema version {version}; this app knows up to {}); it was not changed. Please update Huixiao.",
            path.display(),
            latest
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_list_matches_the_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .map(|n| n.trim_end_matches(".sql").to_owned())
            .collect();
        files.sort();
        let listed: Vec<&str> = MIGRATIONS.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            files, listed,
            "every file in migrations/ must be listed in db::MIGRATIONS, in order"
        );
    }

    #[test]
    fn in_memory_database_is_fully_migrated_with_foreign_keys_on() {
        let db = Db::in_memory().unwrap();
        let conn = db.conn();
        assert_eq!(user_version(&conn).unwrap(), latest_version());
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
    }
}
