//! Backups when things go wrong: a target that is a file, read-only, full, or removed while the
//! backup is written; the app killed (SIGKILL) during a backup or a restore. The database and the
//! existing backups are left as they were, and the database opens afterwards.
//!
//! Read-only and full targets are real mounts (a tmpfs mounted read-only, a 64 KB tmpfs) in a
//! private mount namespace of the one command (`unshare -m`): root ignores file modes, so a
//! folder without write permission would prove nothing when the tests run as root. Where
//! `unshare` cannot mount (not root, no user namespaces), those two say so and pass. A folder the
//! user may not write is tested with the command run as `nobody`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use huixiao::backup;
use huixiao::db::{self, Db};

use crate::backup::{add_store, cli, huixiao, open};

/// A database of `rows` stores (about 0.5 KB each) and one store named `marker`.
fn big_db(path: &Path, rows: i64, marker: &str) {
    let app = open(path);
    add_store(&app, marker);
    app.db
        .conn()
        .execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
             INSERT INTO stores (name, city, note, created_at)
             SELECT '门店' || i, '长沙', hex(randomblob(200)), '2026-11-22T01:00:00Z' FROM n",
            [rows],
        )
        .unwrap();
}

fn backups_dir(db: &Path) -> PathBuf {
    db.parent().unwrap().join("backups")
}

/// The backups beside `db`, name and content, and the database's rows.
fn state(db: &Path) -> (Vec<(String, Vec<u8>)>, String) {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(backups_dir(db))
        .map(|d| {
            d.map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect()
        })
        .unwrap_or_default();
    files.sort();
    let dump = db::dump(&Db::open(db).unwrap().conn()).unwrap();
    (files, dump)
}

fn refused_and_untouched(err: &str) {
    assert!(err.contains("没能把备份写到"), "{err}");
    assert!(err.contains("已有的备份和数据库都没有改动"), "{err}");
}

#[test]
fn a_target_that_is_a_file_or_is_missing_changes_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    big_db(&db, 10, "门店");
    cli(&db, &["backup", "now"]).unwrap();
    let before = state(&db);
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    for target in [file.clone(), dir.path().join("no-such-folder")] {
        let err = cli(&db, &["backup", "now", "--to", target.to_str().unwrap()]).unwrap_err();
        refused_and_untouched(&err);
        assert_eq!(state(&db), before);
    }
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
}

/// Runs `huixiao backup now --to DIR` with a fresh tmpfs (`mount_opts`) mounted on DIR in a
/// private mount namespace; what the command printed and what it left on the tmpfs. `None`
/// where this machine cannot mount.
fn backup_onto_tmpfs(db: &Path, dir: &Path, mount_opts: &str) -> Option<(bool, String, String)> {
    let can = Command::new("unshare")
        .args([
            "-m",
            "sh",
            "-c",
            "mount -t tmpfs -o size=8k tmpfs \"$1\"",
            "sh",
        ])
        .arg(dir)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !can {
        eprintln!("SKIPPED: cannot mount a tmpfs here (unshare -m as root is needed)");
        return None;
    }
    let script = r#"mount -t tmpfs -o "$1" tmpfs "$2" || exit 99
"$3" --db "$4" backup now --to "$2" --json
rc=$?
echo "LEFT:$(ls -A "$2" | tr '\n' ' ')"
exit $rc"#;
    let out = Command::new("unshare")
        .args(["-m", "sh", "-c", script, "sh", mount_opts])
        .arg(dir)
        .arg(env!("CARGO_BIN_EXE_huixiao"))
        .arg(db)
        .env(
            "HUIXIAO_DATA_DIR",
            std::env::temp_dir().join("huixiao-test-data"),
        )
        .env_remove("HUIXIAO_LANG")
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(99), "mount failed");
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

#[test]
fn a_read_only_or_full_target_changes_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    big_db(&db, 2_000, "门店");
    cli(&db, &["backup", "now"]).unwrap();
    let before = state(&db);
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    // Read-only: the mount itself (root may write anywhere else).
    let Some((ok, stdout, stderr)) = backup_onto_tmpfs(&db, &usb, "ro,size=4m") else {
        return;
    };
    assert!(!ok, "{stdout}");
    refused_and_untouched(&stderr);
    assert!(stdout.trim_end().ends_with("LEFT:"), "{stdout}");
    assert_eq!(state(&db), before);
    // Full: 64 KB for a database of about 1 MB.
    let (ok, stdout, stderr) = backup_onto_tmpfs(&db, &usb, "size=64k").unwrap();
    assert!(!ok, "{stdout}");
    refused_and_untouched(&stderr);
    assert!(
        stdout.trim_end().ends_with("LEFT:"),
        "no half file left: {stdout}"
    );
    assert_eq!(state(&db), before);
    // A tmpfs large enough takes it: the mount works, the failures above were the faults.
    let (ok, stdout, _) = backup_onto_tmpfs(&db, &usb, "size=16m").unwrap();
    assert!(ok && stdout.contains("\"checked\": true"), "{stdout}");
}

#[test]
fn a_folder_the_user_may_not_write_changes_nothing_and_says_so() {
    // File modes bind a user other than root: the command runs as `nobody` (setpriv).
    use std::os::unix::fs::{chown, PermissionsExt};
    const NOBODY: u32 = 65534;
    let runs_as_nobody = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !runs_as_nobody {
        eprintln!("SKIPPED: cannot run a command as another user here (setpriv as root)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let db = home.join("h.db");
    big_db(&db, 100, "门店");
    cli(&db, &["backup", "now"]).unwrap();
    for p in [&home, &db, &backups_dir(&db)] {
        chown(p, Some(NOBODY), Some(NOBODY)).unwrap();
    }
    for e in std::fs::read_dir(backups_dir(&db)).unwrap() {
        chown(e.unwrap().path(), Some(NOBODY), Some(NOBODY)).unwrap();
    }
    let theirs = dir.path().join("not-yours");
    std::fs::create_dir(&theirs).unwrap(); // root's, 0755
    let before = state(&db);
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_huixiao"))
        .arg("--db")
        .arg(&db)
        .args(["backup", "now", "--to"])
        .arg(&theirs)
        .env("HUIXIAO_DATA_DIR", &home)
        .env_remove("HUIXIAO_LANG")
        .output()
        .unwrap();
    assert!(!out.status.success());
    refused_and_untouched(&String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_dir(&theirs).unwrap().count(), 0);
    assert_eq!(state(&db), before);
}

/// How long `args` takes to run to the end.
fn duration(db: &Path, args: &[&str]) -> Duration {
    let started = Instant::now();
    cli(db, args).unwrap();
    started.elapsed()
}

#[test]
fn a_target_removed_while_the_backup_is_written_changes_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    big_db(&db, 40_000, "门店");
    cli(&db, &["backup", "now"]).unwrap();
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    // The quicker of two runs: a first run on a cold cache overstates the time, and a removal
    // planned at "30%" of it can then come after the backup is done.
    let whole = (0..2)
        .map(|_| {
            let d = duration(&db, &["backup", "now", "--to", usb.to_str().unwrap()]);
            std::fs::remove_dir_all(&usb).unwrap();
            std::fs::create_dir(&usb).unwrap();
            d
        })
        .min()
        .unwrap();
    std::fs::remove_dir_all(&usb).unwrap();
    let mut before = state(&db);
    let mut failed = 0;
    for tenths in [1, 2, 3, 5, 7] {
        std::fs::create_dir(&usb).unwrap();
        let child = huixiao()
            .arg("--db")
            .arg(&db)
            .args(["backup", "now", "--to"])
            .arg(&usb)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(whole * tenths / 10);
        std::fs::remove_dir_all(&usb).unwrap(); // the stick pulled out
        let out = child.wait_with_output().unwrap();
        let now = state(&db);
        if out.status.success() {
            // The stick came out after the backup was done (a busy machine is faster on one run
            // than another): it is listed, and the next removal is compared with that.
            before = now;
            continue;
        }
        failed += 1;
        refused_and_untouched(&String::from_utf8_lossy(&out.stderr));
        let names = |s: &(Vec<(String, Vec<u8>)>, String)| -> Vec<String> {
            s.0.iter().map(|(name, _)| name.clone()).collect()
        };
        assert!(
            now == before,
            "at {tenths}/10 a failed backup changed the backups ({:?} → {:?}) or the database",
            names(&before),
            names(&now)
        );
    }
    assert!(
        failed > 0,
        "a whole backup takes {whole:?}: some removal must have hit it"
    );
}

/// The store marking which of two databases a file holds.
fn marker(db: &Path) -> String {
    let db = Db::open(db).expect("the database opens");
    let conn = db.conn();
    assert!(db::integrity_ok(&conn).unwrap());
    conn.query_row(
        "SELECT name FROM stores WHERE name IN ('旧数据', '新数据')",
        [],
        |r| r.get(0),
    )
    .expect("exactly one of them")
}

#[test]
fn killing_a_restore_leaves_a_database_that_opens_with_the_old_or_the_new_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let old = dir.path().join("old.db");
    let new = dir.path().join("new.db");
    big_db(&old, 30_000, "旧数据");
    big_db(&new, 20_000, "新数据");
    std::fs::copy(&old, &db).unwrap();
    let rows = |db: &Path| -> i64 {
        Db::open(db)
            .unwrap()
            .conn()
            .query_row("SELECT count(*) FROM stores", [], |r| r.get(0))
            .unwrap()
    };
    let (old_rows, new_rows) = (rows(&old), rows(&new));
    let from = |m: &str| if m == "旧数据" { &new } else { &old };
    let whole = duration(&db, &["backup", "restore", "--from", new.to_str().unwrap()]);
    assert_eq!(marker(&db), "新数据");
    let (mut unchanged, mut replaced) = (0, 0);
    // From the start (copying and checking the backup) to the end (the replacement itself).
    for percent in [1, 5, 15, 30, 50, 65, 75, 85, 90, 95, 100, 110] {
        let at = whole * percent / 100;
        let current = marker(&db);
        let mut child = huixiao()
            .arg("--db")
            .arg(&db)
            .args(["backup", "restore", "--from"])
            .arg(from(&current))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let now = marker(&db);
        assert_eq!(
            rows(&db),
            if now == "旧数据" {
                old_rows
            } else {
                new_rows
            },
            "killed after {at:?}: all of one or all of the other"
        );
        if now == current {
            unchanged += 1;
        } else {
            replaced += 1;
        }
        for b in backup::list_for(&db).unwrap() {
            assert!(backup::file::is_good(Path::new(&b.path)), "{}", b.path);
        }
    }
    eprintln!(
        "a whole restore takes {whole:?}; killed: {unchanged} left the old data, {replaced} the new"
    );
}

#[test]
fn killing_a_backup_leaves_the_database_and_only_whole_backups() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    big_db(&db, 30_000, "旧数据");
    let whole = duration(&db, &["backup", "now"]);
    let before = db::dump(&Db::open(&db).unwrap().conn()).unwrap();
    for tenths in [1, 3, 5, 8] {
        let mut child = huixiao()
            .arg("--db")
            .arg(&db)
            .args(["backup", "now"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole * tenths / 10);
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(db::dump(&Db::open(&db).unwrap().conn()).unwrap(), before);
        for b in backup::list_for(&db).unwrap() {
            assert!(backup::file::is_good(Path::new(&b.path)), "{}", b.path);
        }
    }
}
