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
        check_header(path)?;
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| not_a_db(path, e))?;
        let version = user_version(&conn).map_err(|e| not_a_db(path, e))?;
        if version > latest {
            return Err(too_new(path, version, latest));
        }
        configure(&conn)?;
        if version > 0 && version < latest {
            backup(&conn, &backup_path(path, version))?;
        }
        migrate(&conn, migrations)?;
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
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // What is deleted or overwritten is zeroed, not left in freed pages: an erased person's data
    // leaves the file (see `checkpoint` for the WAL).
    conn.pragma_update(None, "secure_delete", "ON")?;
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

/// Copies the whole database to `dest` with SQLite's online backup API.
pub fn backup(conn: &Connection, dest: &Path) -> Result<()> {
    let mut out = Connection::open(dest)?;
    let b = rusqlite::backup::Backup::new(conn, &mut out)?;
    b.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
    tracing::info!(dest = %dest.display(), "database backed up before migration");
    Ok(())
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

/// `huixiao.db` at version 3 → `huixiao.db.v3-20261122T140000.bak`
pub fn backup_path(path: &Path, version: i64) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".v{version}-{stamp}.bak"));
    path.with_file_name(name)
}

/// A non-empty file that does not start with SQLite's magic header is refused before SQLite
/// touches it (SQLite would otherwise only fail on the first query, after creating a WAL file).
fn check_header(path: &Path) -> Result<()> {
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
        return Err(not_a_db(path, "bad header"));
    }
    Ok(())
}

fn not_a_db(path: &Path, cause: impl std::fmt::Display) -> Error {
    tracing::warn!(path = %path.display(), %cause, "cannot open database");
    Error::Database {
        zh: format!(
            "{} 不是 Huixiao 的数据库文件（或已损坏），没有打开也没有改动它。请用 --db 指定正确的文件。",
            path.display()
        ),
        en: format!(
            "{} is not a Huixiao database (or it is damaged); it was neither opened nor changed. Choose the right file with --db.",
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
