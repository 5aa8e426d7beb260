//! Restoring a backup (or a database from another laptop) in place of the live database.
//!
//! First the chosen file is copied into the backups folder and that copy is checked: refused if
//! it is not a Huixiao database or is newer than this app (the checks of [`crate::db`]), or if it
//! fails `PRAGMA integrity_check`; an older one is migrated (the copy, not the chosen file, which
//! is never changed). Nothing has changed yet when any of this refuses.
//!
//! Then, while the database opens: under the one connection's lock, the current content is backed
//! up (reason `before_restore`) and replaced with SQLite's backup API, copying into the live
//! connection. That is one write transaction: a crash (the app killed) leaves the old content or
//! the new, and every open connection — the desktop window's, in another process too — reads the
//! restored data at once, with no reopening. Writing to a temporary file and renaming it over the
//! database would break the window that holds the file open.
//!
//! When the database cannot be opened (damaged), no connection holds it: the damaged file is kept
//! as it is (a `before_restore` file, unchecked), its `-wal` and `-shm` are removed (a stale WAL
//! would be replayed onto the new file) and the checked copy is renamed into its place.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::{file, prune, BackupReason, BackupWritten};
use crate::app::App;
use crate::caller::Caller;
use crate::db::{self, Db};
use crate::error::{invalid, Error, Result};
use crate::i18n::Lang;
use crate::replica::capture::carry_join;
use crate::replica::status::restart_pull;
use crate::replica::unpushed::{self, Unpushed};
use crate::settings;

/// The backup to restore: a file of the list, or any Huixiao database (from another laptop).
#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct RestoreInput {
    pub path: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Restored {
    /// The file restored from.
    pub from: String,
    /// What the database holds now.
    pub seminars: i64,
    pub stores: i64,
    /// The database as it was, backed up first.
    pub before_restore: BackupWritten,
    /// On a laptop joined to head office: how many rows had changes that head office had not
    /// taken yet. The restored data does not hold them (the `before_restore` backup does).
    pub unpushed: i64,
    /// The first of them (at most 50), as a person knows them.
    pub unpushed_changes: Vec<Unpushed>,
    /// The same in a sentence of the user's language, for the window to show; None when nothing
    /// was waiting.
    pub sync_note: Option<String>,
}

/// How many of the changes not yet pushed are listed in the answer.
const LISTED: usize = 50;

/// The live database's changes that head office had not taken, read under the restore's lock.
struct Left {
    total: i64,
    listed: Vec<Unpushed>,
    note: Option<String>,
}

fn left_behind(live: &Connection, lang: Lang) -> Result<Left> {
    let mut all = unpushed::unpushed(live)?;
    let total = all.len();
    all.truncate(LISTED);
    let note = unpushed::describe(&all, total, lang);
    Ok(Left {
        total: total as i64,
        listed: all,
        note,
    })
}

/// Restores a backup into the app's database, which goes on working on the restored data.
/// Restores for `caller`, whose language the answer's sentences follow.
pub fn restore(app: &App, caller: &Caller, input: RestoreInput) -> Result<Restored> {
    let Some(path) = app.db.path() else {
        return Err(invalid(
            "path",
            "内存中的数据库不能恢复备份。",
            "An in-memory database cannot be restored.",
        ));
    };
    into_open(
        &app.db,
        path,
        Path::new(&input.path),
        app.now(),
        caller.lang,
    )
}

/// Restores `from` into the database file at `db_path` (the command line): in place through a
/// connection when the file opens, by replacing the file when it is damaged.
pub fn restore_file(
    db_path: &Path,
    from: &Path,
    at: DateTime<Utc>,
    lang: Lang,
) -> Result<Restored> {
    match Db::open(db_path) {
        Ok(db) => into_open(&db, db_path, from, at, lang),
        Err(e) => {
            tracing::warn!(error = %e, "the database does not open: replacing the file");
            into_damaged(db_path, from, at)
        }
    }
}

fn into_open(
    db: &Db,
    db_path: &Path,
    from: &Path,
    at: DateTime<Utc>,
    lang: Lang,
) -> Result<Restored> {
    let dir = file::folder(db_path);
    let (tmp, src) = prepare(db_path, from)?;
    let result = (|| -> Result<Restored> {
        let live_page: i64 = db
            .conn()
            .pragma_query_value(None, "page_size", |r| r.get(0))?;
        let page: i64 = src.pragma_query_value(None, "page_size", |r| r.get(0))?;
        if page != live_page {
            // A WAL database takes another's pages only at its own size.
            src.execute_batch(&format!("PRAGMA page_size = {live_page}; VACUUM;"))?;
        }
        let (seminars, stores) = counts(&src)?;
        // A backup from before this laptop joined stays in the organisation it has joined since.
        carry_join(&src, &db.conn())?;
        restart_pull(&src)?;
        let (before, left) = db.replace_with(&src, |live| {
            let left = left_behind(live, lang)?;
            Ok((
                file::write(live, db_path, &dir, BackupReason::BeforeRestore, at)?,
                left,
            ))
        })?;
        Ok(Restored {
            from: from.display().to_string(),
            seminars,
            stores,
            before_restore: before.into(),
            unpushed: left.total,
            unpushed_changes: left.listed,
            sync_note: left.note,
        })
    })();
    drop(src);
    file::remove_partial(&tmp);
    let restored = result?;
    tracing::info!(from = %from.display(), "backup restored");
    if let Ok(tz) = settings::timezone(&db.conn()) {
        prune(db_path, tz);
    }
    Ok(restored)
}

fn into_damaged(db_path: &Path, from: &Path, at: DateTime<Utc>) -> Result<Restored> {
    let dir = file::folder(db_path);
    let (tmp, src) = prepare(db_path, from)?;
    let result = (|| -> Result<(i64, i64, chrono_tz::Tz, file::Written)> {
        let (seminars, stores) = counts(&src)?;
        // A backup from before this laptop joined stays in the organisation it has joined since:
        // the damaged file cannot be read, so the join and the ids its rows went out under come
        // from the newest good backup taken once the laptop had joined.
        // Should that backup not serve (an older layout), the restore goes on as it would without.
        if let Some(joined) = latest_joined(db_path, from) {
            src.execute_batch("SAVEPOINT carry")?;
            match carry_join(&src, &joined) {
                Ok(_) => src.execute_batch("RELEASE carry")?,
                Err(e) => {
                    tracing::warn!(error = %e, "the join could not be carried from the latest joined backup");
                    src.execute_batch("ROLLBACK TO carry; RELEASE carry")?;
                }
            }
        }
        restart_pull(&src)?;
        let tz = settings::timezone(&src)?;
        let before = file::copy_as_is(db_path, &dir, at)?;
        Ok((seminars, stores, tz, before))
    })();
    drop(src);
    let (seminars, stores, tz, before) = match result {
        Ok(r) => r,
        Err(e) => {
            file::remove_partial(&tmp);
            return Err(e);
        }
    };
    let replaced = (|| -> std::io::Result<()> {
        std::fs::File::open(&tmp)?.sync_all()?;
        for suffix in ["-wal", "-shm"] {
            match std::fs::remove_file(file::with_suffix(db_path, suffix)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        std::fs::rename(&tmp, db_path)?;
        if let Some(parent) = db_path.parent() {
            file::sync_dir(parent);
        }
        Ok(())
    })();
    if let Err(e) = replaced {
        file::remove_partial(&tmp);
        return Err(e.into());
    }
    tracing::info!(from = %from.display(), "backup restored over a damaged database");
    prune(db_path, tz);
    Ok(Restored {
        from: from.display().to_string(),
        seminars,
        stores,
        before_restore: before.into(),
        // The damaged file cannot be read: what it had not pushed cannot be said.
        unpushed: 0,
        unpushed_changes: Vec::new(),
        sync_note: None,
    })
}

/// The newest backup of the database at `db_path` (other than `from`) that was taken once the
/// laptop had joined head office and passes its integrity check, opened read-only.
fn latest_joined(db_path: &Path, from: &Path) -> Option<Connection> {
    super::list_for(db_path)
        .ok()?
        .into_iter()
        .map(|b| PathBuf::from(b.path))
        .filter(|path| !same_file(path, from))
        .find_map(|path| {
            let conn = Connection::open_with_flags(
                &path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .ok()?;
            let joined = crate::replica::capture::joined(&conn).unwrap_or(false);
            (joined && db::integrity_ok(&conn).unwrap_or(false)).then_some(conn)
        })
}

/// A checked, up-to-date copy of `from` in the backups folder, and a connection to it.
fn prepare(db_path: &Path, from: &Path) -> Result<(PathBuf, Connection)> {
    if !from.is_file() {
        return Err(invalid(
            "path",
            format!("找不到要恢复的文件 {}。", from.display()),
            format!("There is no file {} to restore.", from.display()),
        ));
    }
    if same_file(from, db_path) {
        return Err(invalid(
            "path",
            "这就是正在使用的数据库，不能用它恢复它自己。",
            "This is the database in use: it cannot be restored from itself.",
        ));
    }
    let dir = file::folder(db_path);
    std::fs::create_dir_all(&dir)?;
    file::sweep_partials(&dir);
    let tmp = file::partial(&dir, db_path, BackupReason::BeforeRestore, Utc::now());
    let opened = (|| -> Result<Connection> {
        std::fs::copy(from, &tmp)?;
        let wal = file::with_suffix(from, "-wal");
        if wal.is_file() {
            std::fs::copy(&wal, file::with_suffix(&tmp, "-wal"))?;
        }
        let conn = db::open_copy(&tmp, from)?;
        if !db::integrity_ok(&conn).unwrap_or(false) {
            return Err(damaged_backup(from));
        }
        Ok(conn)
    })();
    match opened {
        Ok(conn) => Ok((tmp, conn)),
        Err(e) => {
            file::remove_partial(&tmp);
            Err(e)
        }
    }
}

fn counts(conn: &Connection) -> Result<(i64, i64)> {
    let count = |t: &str| -> Result<i64> {
        Ok(conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?)
    };
    Ok((count("seminars")?, count("stores")?))
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

fn damaged_backup(from: &Path) -> Error {
    Error::Database {
        zh: format!(
            "{} 没有通过完整性检查（文件已损坏），没有用它恢复，数据库没有改动。请选另一份备份。",
            from.display()
        ),
        en: format!(
            "{} failed its integrity check (the file is damaged); nothing was restored and the database was not changed. Choose another backup.",
            from.display()
        ),
    }
}
