//! Backups a person can trust (issue 16): copies of the database taken with SQLite's online
//! backup API (never a file copy of a live database), each checked with `PRAGMA integrity_check`
//! once written; listed with their date, size and what they hold; restored in place.
//!
//! When: daily when the app is used (the first time it opens on a venue day, [`daily`]), before
//! every migration ([`file::before_migration`]), when a seminar is closed ([`after_close`]), by
//! hand ([`now`], optionally to another folder or a USB stick), and before every restore. Which
//! are kept: [`keep`].
//!
//! Where the record of them lives: in the files, not in the database. A backup's name says which
//! database, when and why (`backups/h-20261122T010000Z-daily.db`, see [`file`]); what it holds
//! (seminars, stores) is read from the backup itself. A registry table in the live database was
//! the other choice, and the wrong one: a restore replaces the database and with it the record of
//! every later backup, the one taken just before the restore included. Backups written elsewhere
//! (`--to`) are remembered in a small file beside the others (`backups/h.elsewhere.json`: their
//! paths), so the list shows them while they are there (a stick that is not plugged in: not).
//!
//! What a backup does not hold: the music files chosen for cues (the script names them; the files
//! stay where they are) and the LAN certificate (a new one is made when needed). What it does
//! hold: every customer's name and phone — a copy on a USB stick must be kept like the laptop.

pub mod file;
pub mod keep;
mod restore;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::db::Db;
use crate::error::{invalid, Error, Result};
use crate::input::Empty;
use crate::{settings, venue};

pub use restore::{restore, restore_file, RestoreInput, Restored};

/// Why a backup was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BackupReason {
    Daily,
    Migration,
    Closed,
    Manual,
    BeforeRestore,
}

impl BackupReason {
    pub fn as_str(self) -> &'static str {
        match self {
            BackupReason::Daily => "daily",
            BackupReason::Migration => "migration",
            BackupReason::Closed => "closed",
            BackupReason::Manual => "manual",
            BackupReason::BeforeRestore => "before_restore",
        }
    }
    pub fn parse(s: &str) -> Option<BackupReason> {
        [
            BackupReason::Daily,
            BackupReason::Migration,
            BackupReason::Closed,
            BackupReason::Manual,
            BackupReason::BeforeRestore,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// One backup of this database.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Backup {
    pub path: String,
    /// When it was written (RFC 3339, UTC).
    pub at: String,
    pub bytes: i64,
    pub reason: BackupReason,
    /// What it holds.
    pub seminars: i64,
    pub stores: i64,
}

/// A backup just written.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct BackupWritten {
    pub path: String,
    pub bytes: i64,
    /// `PRAGMA integrity_check` passed on the written copy.
    pub checked: bool,
}

impl From<file::Written> for BackupWritten {
    fn from(w: file::Written) -> BackupWritten {
        BackupWritten {
            path: w.path.display().to_string(),
            bytes: w.bytes as i64,
            checked: w.checked,
        }
    }
}

/// Back up now: into the backups folder beside the database, or into `folder` (a USB stick).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct BackupNowInput {
    #[serde(default)]
    #[ts(optional)]
    pub folder: Option<String>,
}

/// Said before a backup is written to a folder of the user's choice (a USB stick).
pub const PHONES_WARNING: (&str, &str) = (
    "这份备份包含每一位客户的姓名和手机号。写到 U 盘后，请像保管电脑一样保管它，不用时删除。",
    "This backup holds every customer's name and phone number. Once it is on a USB stick, keep the stick as safe as the laptop, and delete the copy when it is no longer needed.",
);

/// What no backup holds.
pub const NOT_HELD: (&str, &str) = (
    "备份不包含：为提示选的音乐文件（请另外保存），以及局域网证书（需要时会重新生成）。",
    "A backup does not hold the music files chosen for cues (keep them separately) nor the LAN certificate (a new one is made when needed).",
);

/// Every backup of the app's database, newest first.
pub fn list(app: &App, _: Empty) -> Result<Vec<Backup>> {
    match app.db.path() {
        Some(path) => list_for(path),
        None => Ok(vec![]),
    }
}

/// Every backup of the database at `db`, newest first: the backups folder beside it, and those
/// written elsewhere that are still there. Files that cannot be read as a database are left out.
pub fn list_for(db: &Path) -> Result<Vec<Backup>> {
    let stem = file::stem(db);
    let mut found: Vec<(DateTime<Utc>, BackupReason, PathBuf)> = in_folder(db)?;
    for path in elsewhere(db) {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        if let Some((at, reason)) = name.and_then(|n| file::parse(&stem, &n)) {
            if path.is_file() && !found.iter().any(|f| f.2 == path) {
                found.push((at, reason, path));
            }
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.2.cmp(&a.2)));
    Ok(found
        .into_iter()
        .filter_map(|(at, reason, path)| {
            let (seminars, stores) = file::contents(&path)?;
            let bytes = std::fs::metadata(&path).ok()?.len() as i64;
            Some(Backup {
                path: path.display().to_string(),
                at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                bytes,
                reason,
                seminars,
                stores,
            })
        })
        .collect())
}

/// The backups in the folder beside the database, by their names (nothing is opened).
fn in_folder(db: &Path) -> Result<Vec<(DateTime<Utc>, BackupReason, PathBuf)>> {
    let stem = file::stem(db);
    let entries = match std::fs::read_dir(file::folder(db)) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(e.into()),
    };
    Ok(entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (at, reason) = file::parse(&stem, &name)?;
            Some((at, reason, e.path()))
        })
        .collect())
}

/// Backs the app's database up now (reason `manual`).
pub fn now(app: &App, input: BackupNowInput) -> Result<BackupWritten> {
    let Some(path) = app.db.path() else {
        return Err(invalid(
            "folder",
            "内存中的数据库不能备份。",
            "An in-memory database has no backups.",
        ));
    };
    let to = input
        .folder
        .filter(|f| !f.trim().is_empty())
        .map(PathBuf::from);
    now_on(&app.db, path, to.as_deref(), app.now())
}

/// Backs up `db` (the file at `path`) now, into its backups folder or `to`.
pub fn now_on(db: &Db, path: &Path, to: Option<&Path>, at: DateTime<Utc>) -> Result<BackupWritten> {
    let home = file::folder(path);
    let dir = match to {
        Some(to) if !same_dir(to, &home) => std::path::absolute(to)?,
        _ => {
            std::fs::create_dir_all(&home)?;
            home.clone()
        }
    };
    let w = file::write(&db.conn(), path, &dir, BackupReason::Manual, at)?;
    if dir != home {
        remember_elsewhere(path, &w.path);
    } else if let Ok(tz) = settings::timezone(&db.conn()) {
        prune(path, tz);
    }
    Ok(w.into())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The first time the app opens on a venue day, a backup (reason `daily`) unless one was already
/// taken that day; then the old ones are pruned. A fault of the disk is logged and the app opens
/// all the same; a copy that fails its integrity check means the database is damaged: the app
/// refuses to open it and offers the latest good backup.
pub fn daily(app: &App) -> Result<()> {
    let Some(path) = app.db.path() else {
        return Ok(());
    };
    let tz = settings::timezone(&app.db.conn())?;
    let today = venue::today_in(app, tz);
    let taken = in_folder(path)
        .unwrap_or_default()
        .iter()
        .any(|(at, _, _)| at.with_timezone(&tz).date_naive() == today);
    if taken {
        return Ok(());
    }
    let written = std::fs::create_dir_all(file::folder(path))
        .map_err(Error::from)
        .and_then(|()| {
            file::write(
                &app.db.conn(),
                path,
                &file::folder(path),
                BackupReason::Daily,
                app.now(),
            )
        });
    match written {
        Ok(_) => prune(path, tz),
        // The copy failed its check: the database itself is damaged, unless it passes its own.
        Err(e @ Error::Database { .. })
            if !crate::db::integrity_ok(&app.db.conn()).unwrap_or(false) =>
        {
            return Err(offer_latest_good(path, e))
        }
        Err(e) => tracing::warn!(error = %e, "daily backup not written"),
    }
    Ok(())
}

/// A backup when a seminar is closed (its last state, kept for good). The seminar is closed
/// whatever happens here: a fault is logged.
pub fn after_close(app: &App, seminar_id: i64) {
    let Some(path) = app.db.path() else {
        return;
    };
    let dir = file::folder(path);
    let written = std::fs::create_dir_all(&dir)
        .map_err(Error::from)
        .and_then(|()| file::write(&app.db.conn(), path, &dir, BackupReason::Closed, app.now()));
    match written {
        Ok(_) => {
            if let Ok(tz) = settings::timezone(&app.db.conn()) {
                prune(path, tz);
            }
        }
        Err(e) => {
            tracing::warn!(seminar = seminar_id, error = %e, "backup after closing not written")
        }
    }
}

/// Deletes the backups beside the database that the rule ([`keep`]) does not keep, and leftovers
/// of interrupted backups.
pub fn prune(db: &Path, tz: chrono_tz::Tz) {
    file::sweep_partials(&file::folder(db));
    let Ok(mut found) = in_folder(db) else {
        return;
    };
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.2.cmp(&b.2)));
    let keys: Vec<_> = found.iter().map(|(at, r, _)| (*at, *r)).collect();
    for ((_, _, path), kept) in found.iter().zip(keep::keep(&keys, tz)) {
        if !kept {
            match std::fs::remove_file(path) {
                Ok(()) => tracing::info!(path = %path.display(), "old backup removed"),
                Err(e) => tracing::warn!(path = %path.display(), error = %e, "cannot remove"),
            }
        }
    }
}

/// A damaged database's refusal, with the latest backup that passes its integrity check and how
/// to restore it; the refusal as it is when there is none.
pub fn offer_latest_good(db: &Path, refusal: Error) -> Error {
    let Error::Database { zh, en } = refusal else {
        return refusal;
    };
    let good = list_for(db)
        .unwrap_or_default()
        .into_iter()
        .find(|b| file::is_good(Path::new(&b.path)));
    let Some(b) = good else {
        return Error::Database { zh, en };
    };
    let command = format!(
        "huixiao backup restore --db \"{}\" --from \"{}\"",
        db.display(),
        b.path
    );
    Error::Database {
        zh: format!(
            "{zh}\n最近一份完好的备份：{}（{}，{} 场会销，{} 家门店）。恢复它：{command}",
            b.path, b.at, b.seminars, b.stores
        ),
        en: format!(
            "{en}\nThe latest good backup: {} ({}, {} seminars, {} stores). To restore it: {command}",
            b.path, b.at, b.seminars, b.stores
        ),
    }
}

/// The file that remembers backups written to other folders.
fn elsewhere_file(db: &Path) -> PathBuf {
    file::folder(db).join(format!("{}.elsewhere.json", file::stem(db)))
}

fn elsewhere(db: &Path) -> Vec<PathBuf> {
    std::fs::read(elsewhere_file(db))
        .ok()
        .and_then(|b| serde_json::from_slice::<Vec<PathBuf>>(&b).ok())
        .unwrap_or_default()
}

/// Adds a backup written elsewhere to the record (written to a temporary file, then renamed).
/// A failure only means the list will not show it: logged.
fn remember_elsewhere(db: &Path, written: &Path) {
    let mut paths: Vec<PathBuf> = elsewhere(db).into_iter().filter(|p| p.exists()).collect();
    paths.push(written.to_owned());
    let target = elsewhere_file(db);
    let tmp = target.with_extension("json.tmp");
    let saved = std::fs::create_dir_all(file::folder(db))
        .and_then(|()| std::fs::write(&tmp, serde_json::to_vec_pretty(&paths).expect("json")))
        .and_then(|()| std::fs::rename(&tmp, &target));
    if let Err(e) = saved {
        tracing::warn!(error = %e, "cannot record a backup written elsewhere");
    }
}
