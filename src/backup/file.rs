//! One backup file: its name (which database, when, why), how it is written so that a failure
//! leaves nothing half-written, and what it holds, read from the file itself.
//!
//! `h.db` backed up daily at 2026-11-22 01:00:00 UTC → `backups/h-20261122T010000Z-daily.db`
//! (`…-daily-2.db` for a second one in the same second). A backup is an ordinary SQLite file in
//! rollback-journal mode (no `-wal` beside it): it can be copied, opened and restored as it is.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::{Connection, OpenFlags};

use super::BackupReason;
use crate::db;
use crate::error::{invalid, Error, Result};

const STAMP: &str = "%Y%m%dT%H%M%SZ";
/// A file being written: hidden, and never listed.
const PARTIAL: &str = ".partial";

/// The folder beside the database that holds its automatic backups.
pub fn folder(db: &Path) -> PathBuf {
    let db = std::path::absolute(db).unwrap_or_else(|_| db.to_owned());
    db.parent().unwrap_or(Path::new("")).join("backups")
}

/// The database file's name without its extension: what its backups' names start with.
pub fn stem(db: &Path) -> String {
    db.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "huixiao".into())
}

/// When and why a file named like a backup of the database called `stem` was written; `None`
/// for any other file.
pub fn parse(stem: &str, name: &str) -> Option<(DateTime<Utc>, BackupReason)> {
    let rest = name
        .strip_prefix(stem)?
        .strip_prefix('-')?
        .strip_suffix(".db")?;
    let (stamp, rest) = rest.split_at_checked(16)?;
    let at = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?.and_utc();
    let rest = rest.strip_prefix('-')?;
    let (reason, seq) = match rest.split_once('-') {
        Some((r, n)) => (r, Some(n)),
        None => (rest, None),
    };
    if seq.is_some_and(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    Some((at, BackupReason::parse(reason)?))
}

/// What [`write`] wrote.
pub struct Written {
    pub path: PathBuf,
    pub bytes: u64,
    /// `PRAGMA integrity_check` found nothing wrong in the written copy.
    pub checked: bool,
}

/// Writes a backup of `src` (the database at `db`) into `dir` with SQLite's online backup API:
/// to a hidden temporary name, checked with `PRAGMA integrity_check`, flushed to the disk, then
/// renamed into place. Whatever fails (a full or read-only disk, a stick pulled out, a damaged
/// source), the temporary file is removed and nothing else in `dir` is touched. A copy that fails
/// its check is refused — except the copy taken before a restore, which is all there is of the
/// data being replaced: it is kept, marked unchecked.
pub fn write(
    src: &Connection,
    db: &Path,
    dir: &Path,
    reason: BackupReason,
    at: DateTime<Utc>,
) -> Result<Written> {
    let tmp = partial(dir, db, reason, at);
    let result = (|| -> Result<Written> {
        if !dir.is_dir() {
            return Err(Error::Io(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                "not a folder",
            )));
        }
        let checked = {
            let mut out = Connection::open(&tmp)?;
            rusqlite::backup::Backup::new(src, &mut out)?.run_to_completion(
                1024,
                std::time::Duration::ZERO,
                None,
            )?;
            out.pragma_update(None, "journal_mode", "DELETE")?;
            db::integrity_ok(&out)?
        };
        if !checked && reason != BackupReason::BeforeRestore {
            return Err(damaged_source(db));
        }
        let file = std::fs::File::open(&tmp)?;
        file.sync_all()?;
        let bytes = file.metadata()?.len();
        drop(file);
        let path = place(&tmp, dir, db, reason, at)?;
        Ok(Written {
            path,
            bytes,
            checked,
        })
    })();
    match result {
        Ok(w) => {
            tracing::info!(path = %w.path.display(), bytes = w.bytes, reason = reason.as_str(), checked = w.checked, "backup written");
            Ok(w)
        }
        Err(e) => {
            remove_partial(&tmp);
            tracing::warn!(dir = %dir.display(), reason = reason.as_str(), error = %e, "backup not written");
            Err(match e {
                Error::Io(_) | Error::Sqlite(_) => not_written(dir, &e),
                other => other,
            })
        }
    }
}

/// The name of a backup of `db` taken at `at` for `reason`; `seq` > 1 for a second one in the
/// same second.
fn name(db: &Path, reason: BackupReason, at: DateTime<Utc>, seq: u32) -> String {
    let n = if seq > 1 {
        format!("-{seq}")
    } else {
        String::new()
    };
    format!(
        "{}-{}-{}{n}.db",
        stem(db),
        at.format(STAMP),
        reason.as_str()
    )
}

/// A hidden temporary name in `dir` for a file on its way to becoming a backup (or a restore).
pub fn partial(dir: &Path, db: &Path, reason: BackupReason, at: DateTime<Utc>) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    dir.join(format!(
        ".{}-{}-{nanos}{PARTIAL}",
        name(db, reason, at, 1),
        std::process::id()
    ))
}

/// Renames a complete, flushed temporary file to the first free backup name.
fn place(
    tmp: &Path,
    dir: &Path,
    db: &Path,
    reason: BackupReason,
    at: DateTime<Utc>,
) -> Result<PathBuf> {
    let path = (1..)
        .map(|seq| dir.join(name(db, reason, at, seq)))
        .find(|p| !p.exists())
        .expect("a free name");
    std::fs::rename(tmp, &path)?;
    sync_dir(dir);
    Ok(path)
}

/// Keeps the database file at `db` as it is (with its `-wal`, if any), as the backup before a
/// restore, when it cannot be opened (damaged): a file copy, which is safe only because no
/// connection has it open. Unchecked.
pub fn copy_as_is(db: &Path, dir: &Path, at: DateTime<Utc>) -> Result<Written> {
    let tmp = partial(dir, db, BackupReason::BeforeRestore, at);
    let result = (|| -> Result<Written> {
        let bytes = std::fs::copy(db, &tmp)?;
        std::fs::File::open(&tmp)?.sync_all()?;
        let path = place(&tmp, dir, db, BackupReason::BeforeRestore, at)?;
        let wal = with_suffix(db, "-wal");
        if wal.is_file() {
            std::fs::copy(&wal, with_suffix(&path, "-wal"))?;
        }
        Ok(Written {
            path,
            bytes,
            checked: false,
        })
    })();
    if result.is_err() {
        remove_partial(&tmp);
    }
    result.map_err(|e| not_written(dir, &e))
}

/// `path` with `suffix` after its whole name (`h.db` → `h.db-wal`).
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// The backup before migrating an older database (the migration runs in one transaction; this
/// is the file as it was, should the new version have to be given up).
pub fn before_migration(src: &Connection, db: &Path) -> Result<Written> {
    let dir = folder(db);
    std::fs::create_dir_all(&dir)?;
    write(src, db, &dir, BackupReason::Migration, Utc::now())
}

/// What a backup holds: its seminars and stores, read from the file (opened read-only); `None`
/// for a file that is not a readable Huixiao database.
pub fn contents(path: &Path) -> Option<(i64, i64)> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    let count = |t: &str| -> Option<i64> {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .ok()
    };
    Some((count("seminars")?, count("stores")?))
}

/// Opens a backup read-only and checks it with `PRAGMA integrity_check`.
pub fn is_good(path: &Path) -> bool {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()
    .and_then(|c| db::integrity_ok(&c).ok())
    .unwrap_or(false)
}

/// Removes a temporary file and the journal SQLite may have left beside it.
pub fn remove_partial(tmp: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(tmp, suffix));
    }
}

/// Temporary files an interrupted backup or restore (the app killed) left in `dir`, older than
/// ten minutes (a younger one may be another process's, still being written).
pub fn sweep_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(600);
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let modified = e.metadata().and_then(|m| m.modified()).ok();
        if name.starts_with('.') && name.contains(PARTIAL) && modified.is_some_and(|m| m < old) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// After a rename, the folder's entry reaches the disk too (Unix; elsewhere a no-op).
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn not_written(dir: &Path, cause: &Error) -> Error {
    invalid(
        "folder",
        format!(
            "没能把备份写到 {}（{}）。已有的备份和数据库都没有改动。请检查那里是否还有空间、能否写入（U 盘是否还插着），或换一个文件夹。",
            dir.display(),
            cause_text(cause)
        ),
        format!(
            "The backup could not be written to {} ({}). The existing backups and the database were not changed. Check that there is space, that it can be written (is the USB stick still in?), or choose another folder.",
            dir.display(),
            cause_text(cause)
        ),
    )
}

fn cause_text(e: &Error) -> String {
    match e {
        Error::Io(io) => io.to_string(),
        Error::Sqlite(s) => s.to_string(),
        other => other.to_string(),
    }
}

/// The live database failed the check of its own copy: it is damaged.
pub(super) fn damaged_source(db: &Path) -> Error {
    Error::Database {
        zh: format!(
            "数据库 {} 的副本没有通过完整性检查：数据库文件可能已损坏。这份备份没有保存，已有的备份没有改动。",
            db.display()
        ),
        en: format!(
            "The copy of the database {} failed its integrity check: the database file may be damaged. This backup was not kept; the existing backups were not changed.",
            db.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_which_database_when_and_why() {
        let at = parse("h", "h-20261122T010000Z-daily.db").unwrap();
        assert_eq!(at.0.to_rfc3339(), "2026-11-22T01:00:00+00:00");
        assert_eq!(at.1, BackupReason::Daily);
        assert_eq!(
            parse("h", "h-20261122T010000Z-before_restore-3.db").map(|p| p.1),
            Some(BackupReason::BeforeRestore)
        );
        for other in [
            "h-x-20261122T010000Z-daily.db",
            "h-20261122T010000Z-weekly.db",
            "h-20261122T010000Z-daily-.db",
            "h-20261122T010000Z-daily.db-journal",
            ".h-20261122T010000Z-daily.db-12.partial",
            "hh-20261122T010000Z-daily.db",
        ] {
            assert!(parse("h", other).is_none(), "{other}");
        }
        assert!(parse("h-x", "h-x-20261122T010000Z-manual.db").is_some());
    }
}
