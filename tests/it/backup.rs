//! Backups on real files: back up, list, restore (through the operations and the command line),
//! files that are refused, the retention rule, a damaged database that offers its latest good
//! backup, the daily backup when the app opens.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Duration, TimeZone, Utc};
use huixiao::app::Clock;
use huixiao::backup::{self, keep, BackupReason};
use huixiao::i18n::Lang;
use huixiao::App;
use serde_json::{json, Value};

use crate::support::{call, dump, fixed_now};

pub fn huixiao() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_huixiao"));
    c.env(
        "HUIXIAO_DATA_DIR",
        std::env::temp_dir().join("huixiao-test-data"),
    );
    c.env_remove("HUIXIAO_LANG");
    c
}

/// Runs `huixiao --db DB args…`; stdout parsed as JSON on success, stderr on failure.
pub fn cli(db: &Path, args: &[&str]) -> Result<Value, String> {
    let out = huixiao().arg("--db").arg(db).args(args).output().unwrap();
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).unwrap_or(Value::Null))
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

pub fn open(path: &Path) -> App {
    App::open(path)
        .unwrap()
        .with_clock(Clock::Fixed(fixed_now()))
}

pub fn add_store(app: &App, name: &str) {
    call(app, "stores.create", json!({"name": name, "city": "长沙"})).unwrap();
}

pub fn store_names(app: &App) -> Vec<String> {
    let page = call(app, "stores.list", json!({"page_size": 500})).unwrap();
    let mut names: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn back_up_then_restore_brings_the_data_back_and_keeps_what_it_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    let app = open(&path);
    add_store(&app, "备份前的门店");
    let written = call(&app, "backups.now", json!({})).unwrap();
    assert_eq!(written["checked"], true);
    add_store(&app, "备份后才写的门店");

    let restored = call(&app, "backups.restore", json!({"path": written["path"]})).unwrap();
    assert_eq!(restored["stores"], 1);
    assert_eq!(
        store_names(&app),
        ["备份前的门店"],
        "the running app sees the restored data"
    );
    add_store(&app, "恢复后的门店");
    assert_eq!(store_names(&app).len(), 2, "and goes on working");

    let list = call(&app, "backups.list", json!({})).unwrap();
    let before = list
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["reason"] == "before_restore")
        .expect("the replaced data was backed up first");
    assert_eq!(before["path"], restored["before_restore"]["path"]);
    assert_eq!(
        before["stores"], 2,
        "it holds the store written after the backup"
    );
    let old = open(Path::new(before["path"].as_str().unwrap()));
    assert!(store_names(&old).contains(&"备份后才写的门店".to_owned()));

    // Reopened, the file holds what the app showed.
    drop(app);
    let again = open(&path);
    assert_eq!(store_names(&again), ["备份前的门店", "恢复后的门店"]);
}

#[test]
fn the_command_line_contract() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    cli(
        &db,
        &[
            "call",
            "stores.create",
            r#"{"name":"丰收农资店","city":"长沙"}"#,
        ],
    )
    .unwrap();
    cli(
        &db,
        &[
            "call",
            "seminars.create",
            r#"{"title":"订货会","date":"2027-03-01","start_time":"10:00","capacity":50}"#,
        ],
    )
    .unwrap();

    let now = cli(&db, &["backup", "now", "--json"]).unwrap();
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&now), ["bytes", "checked", "path"]);
    assert_eq!(now["checked"], true);
    assert!(now["bytes"].as_u64().unwrap() > 4096);
    assert!(Path::new(now["path"].as_str().unwrap()).is_file());

    let out = huixiao()
        .arg("--db")
        .arg(&db)
        .args(["backup", "now", "--json", "--to"])
        .arg(&usb)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("手机号"), "said before writing: {stderr}");
    let to_usb: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(to_usb["path"]
        .as_str()
        .unwrap()
        .starts_with(usb.to_str().unwrap()));

    let list = cli(&db, &["backup", "list", "--json"]).unwrap();
    let list = list.as_array().unwrap();
    // The second command of the day opened an existing file: the day's backup (before the
    // seminar was created), then the two written by hand.
    let mut reasons: Vec<&str> = list.iter().map(|b| b["reason"].as_str().unwrap()).collect();
    reasons.sort();
    assert_eq!(reasons, ["daily", "manual", "manual"], "{list:?}");
    for b in list {
        assert_eq!(
            keys(b),
            ["at", "bytes", "path", "reason", "seminars", "stores"]
        );
        DateTime::parse_from_rfc3339(b["at"].as_str().unwrap()).unwrap();
        let held = (b["seminars"].as_i64(), b["stores"].as_i64());
        if b["reason"] == "manual" {
            assert_eq!(held, (Some(1), Some(1)));
        } else {
            assert_eq!(held, (Some(0), Some(1)));
        }
    }
    assert!(
        list.iter().any(|b| b["path"] == to_usb["path"]),
        "the backup written with --to is listed"
    );

    cli(
        &db,
        &[
            "call",
            "stores.create",
            r#"{"name":"之后的门店","city":"长沙"}"#,
        ],
    )
    .unwrap();
    let restored = cli(
        &db,
        &[
            "backup",
            "restore",
            "--from",
            to_usb["path"].as_str().unwrap(),
            "--json",
        ],
    )
    .unwrap();
    assert_eq!(restored["stores"], 1);
    let list = cli(&db, &["backup", "list", "--json"]).unwrap();
    let reasons: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["reason"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"before_restore"), "{reasons:?}");
    let stores = cli(&db, &["call", "stores.list", "{}"]).unwrap();
    assert_eq!(stores["total"], 1);

    // A database from another laptop (another folder, another name) restores too.
    let other = dir.path().join("laptop2").join("huixiao.db");
    cli(
        &other,
        &[
            "call",
            "stores.create",
            r#"{"name":"另一台电脑的门店","city":"株洲"}"#,
        ],
    )
    .unwrap();
    cli(
        &other,
        &[
            "call",
            "stores.create",
            r#"{"name":"另一台电脑的门店二","city":"株洲"}"#,
        ],
    )
    .unwrap();
    let restored = cli(
        &db,
        &[
            "backup",
            "restore",
            "--from",
            other.to_str().unwrap(),
            "--json",
        ],
    )
    .unwrap();
    assert_eq!(restored["stores"], 2);
    let stores = cli(&db, &["call", "stores.list", "{}"]).unwrap();
    assert_eq!(stores["total"], 2);
}

#[test]
fn a_file_that_is_not_a_huixiao_database_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    let app = open(&path);
    add_store(&app, "丰收农资店");
    call(&app, "backups.now", json!({})).unwrap();
    let before = (dump(&app), names_in(&dir.path().join("backups")));

    let notes = dir.path().join("notes.db");
    std::fs::write(&notes, "这是一份会议纪要。\n".repeat(200)).unwrap();
    let foreign = dir.path().join("other-app.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x');")
        .unwrap();
    let empty = dir.path().join("empty.db");
    rusqlite::Connection::open(&empty)
        .unwrap()
        .execute_batch("PRAGMA user_version = 0; VACUUM;")
        .unwrap();
    let newer = dir.path().join("newer.db");
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
        .unwrap();
    let damaged = dir.path().join("damaged.db");
    let good = backup::list_for(&path).unwrap()[0].path.clone();
    // The pages of the stores' table are overwritten (the schema stays readable, so the file is
    // still a Huixiao database, only a damaged one).
    let (page_size, root): (i64, i64) = rusqlite::Connection::open(&good)
        .unwrap()
        .query_row(
            "SELECT (SELECT page_size FROM pragma_page_size), rootpage FROM sqlite_master WHERE name = 'stores'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let mut bytes = std::fs::read(&good).unwrap();
    let start = ((root - 1) * page_size) as usize;
    for b in &mut bytes[start..start + page_size as usize] {
        *b = 0x5a;
    }
    std::fs::write(&damaged, &bytes).unwrap();

    for (file, says) in [
        (&notes, "不是 Huixiao 的数据库文件"),
        (&foreign, "不是 Huixiao 的数据库文件"),
        (&empty, "不是 Huixiao 的数据库文件"),
        (&newer, "更新版本"),
        (&damaged, "完整性检查"),
        (&dir.path().join("missing.db"), "找不到"),
        (&path, "正在使用的数据库"),
    ] {
        let kept = std::fs::read(file).ok();
        let err = call(&app, "backups.restore", json!({"path": file})).unwrap_err();
        let msg = err.message(Lang::Zh);
        assert!(msg.contains(says), "{}: {msg}", file.display());
        let err = cli(
            &path,
            &["backup", "restore", "--from", file.to_str().unwrap()],
        )
        .unwrap_err();
        assert!(err.contains(says), "{}: {err}", file.display());
        assert_eq!(
            std::fs::read(file).ok(),
            kept,
            "the chosen file is not changed"
        );
        assert_eq!(
            (dump(&app), names_in(&dir.path().join("backups"))),
            before,
            "{}: nothing changed",
            file.display()
        );
    }
}

fn day(n: i64) -> DateTime<Utc> {
    // 09:00 in Shanghai, from Monday 2026-01-05.
    Utc.with_ymd_and_hms(2026, 1, 5, 1, 0, 0).unwrap() + Duration::days(n)
}

#[test]
fn retention_keeps_exactly_what_the_rule_says() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    let base = open(&path);
    add_store(&base, "门店");
    let on = |n: i64| base.clone().with_clock(Clock::Fixed(day(n)));
    for n in 0..100 {
        backup::daily(&on(n)).unwrap();
        backup::daily(&on(n)).unwrap(); // once a day
        if n == 3 {
            call(&on(n), "backups.now", json!({})).unwrap();
        }
        if n == 10 {
            let s = call(
                &on(n),
                "seminars.create",
                json!({"title": "会", "date": "2026-01-20", "start_time": "14:00", "capacity": 10}),
            )
            .unwrap();
            call(
                &on(n),
                "seminars.set_status",
                json!({"id": s["id"], "status": "closed"}),
            )
            .unwrap();
        }
    }
    // Seven restores: the last five of their backups stay.
    let source = backup::list_for(&path)
        .unwrap()
        .last()
        .unwrap()
        .path
        .clone();
    for n in 100..107 {
        call(&on(n), "backups.restore", json!({"path": source})).unwrap();
    }
    let list = backup::list_for(&path).unwrap();
    let of = |r: BackupReason| -> Vec<String> {
        let mut v: Vec<String> = list
            .iter()
            .filter(|b| b.reason == r)
            .map(|b| b.at[..10].to_owned())
            .collect();
        v.sort();
        v
    };
    let date = |n: i64| day(n).format("%Y-%m-%d").to_string();
    // 14 days: 86..=99. Weeks (Monday 2026-01-05 is day 0): the newest daily of each of the 8
    // most recent weeks: day 99 (a Tuesday, this week) and the Sundays 97, 90, 83, 76, 69, 62,
    // 55 — the first three already among the 14 days.
    let mut expected: Vec<String> = (86..100).map(date).collect();
    for sunday in [97, 90, 83, 76, 69, 62, 55] {
        let d = date(sunday);
        if !expected.contains(&d) {
            expected.push(d);
        }
    }
    expected.sort();
    assert_eq!(day(97).format("%a").to_string(), "Sun");
    assert_eq!(of(BackupReason::Daily), expected);
    assert_eq!(of(BackupReason::Daily).len(), keep::DAILY_DAYS + 5);
    assert_eq!(of(BackupReason::Manual), [date(3)]);
    assert_eq!(of(BackupReason::Closed), [date(10)]);
    assert_eq!(
        of(BackupReason::BeforeRestore),
        (102..107).map(date).collect::<Vec<_>>()
    );
}

#[test]
fn a_damaged_database_offers_its_latest_good_backup_and_restores_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    {
        let app = open(&path);
        add_store(&app, "丰收农资店");
    }
    drop(App::open(&path).unwrap()); // the day's backup
    let good = backup::list_for(&path).unwrap();
    assert_eq!(good.len(), 1);
    assert_eq!(good[0].reason, BackupReason::Daily);

    // The first page overwritten: SQLite no longer knows the file.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[..100].fill(0x33);
    std::fs::write(&path, &bytes).unwrap();
    let msg = App::open(&path).err().expect("refused").message(Lang::Zh);
    assert!(msg.contains(&good[0].path), "{msg}");
    assert!(msg.contains("huixiao backup restore"), "{msg}");
    assert!(msg.contains(&good[0].at), "{msg}");

    let restored = cli(
        &path,
        &["backup", "restore", "--from", &good[0].path, "--json"],
    )
    .unwrap();
    assert_eq!(
        restored["before_restore"]["checked"], false,
        "the damaged file, kept as it was"
    );
    let kept = PathBuf::from(restored["before_restore"]["path"].as_str().unwrap());
    assert_eq!(std::fs::read(&kept).unwrap(), bytes);
    let app = open(&path);
    assert_eq!(store_names(&app), ["丰收农资店"]);
}

#[test]
fn a_database_damaged_inside_is_found_by_the_days_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    {
        let app = open(&path);
        for i in 0..400 {
            add_store(&app, &format!("门店{i}"));
        }
        let yesterday = app.with_clock(Clock::Fixed(Utc::now() - Duration::days(1)));
        backup::daily(&yesterday).unwrap();
    }
    let good = backup::list_for(&path).unwrap();
    assert_eq!(good.len(), 1);
    // Pages in the middle overwritten; the header is intact, so the file still opens.
    let mut bytes = std::fs::read(&path).unwrap();
    let len = bytes.len();
    assert!(len > 40_000, "{len}");
    bytes[len / 2..len / 2 + 16384].fill(0x5a);
    std::fs::write(&path, &bytes).unwrap();
    let msg = App::open(&path).err().expect("refused").message(Lang::En);
    assert!(msg.contains("damaged"), "{msg}");
    assert!(msg.contains(&good[0].path), "{msg}");
    assert_eq!(
        backup::list_for(&path).unwrap().len(),
        1,
        "no damaged copy kept"
    );
}

#[test]
fn the_app_backs_up_once_a_day_when_it_opens_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    {
        let app = App::open(&path).unwrap();
        call(&app, "demo.load", json!({})).unwrap();
    }
    let started = std::time::Instant::now();
    drop(App::open(&path).unwrap());
    let with_backup = started.elapsed();
    let started = std::time::Instant::now();
    drop(App::open(&path).unwrap());
    let without = started.elapsed();
    eprintln!("App::open of the demo database: {with_backup:?} with the daily backup, {without:?} without");
    let list = backup::list_for(&path).unwrap();
    assert_eq!(list.len(), 1, "one a day");
    assert_eq!(list[0].reason, BackupReason::Daily);
    assert!(
        list[0].stores >= 100 && list[0].seminars >= 1,
        "{:?}",
        list[0]
    );
    assert!(
        with_backup < std::time::Duration::from_secs(2),
        "{with_backup:?}"
    );
}

#[test]
fn a_restore_from_the_command_line_reaches_the_app_that_has_the_file_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    let app = open(&path); // the desktop window, say
    add_store(&app, "备份里的门店");
    let b = call(&app, "backups.now", json!({})).unwrap();
    add_store(&app, "之后的门店");
    cli(
        &path,
        &["backup", "restore", "--from", b["path"].as_str().unwrap()],
    )
    .unwrap();
    assert_eq!(
        store_names(&app),
        ["备份里的门店"],
        "read at once, no reopening"
    );
    add_store(&app, "窗口里又写的门店");
    assert_eq!(store_names(&open(&path)).len(), 2);
}

#[test]
fn an_older_backup_is_brought_up_to_date_when_restored_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let older = dir.path().join("older.db");
    let previous = &huixiao::db::MIGRATIONS[..huixiao::db::MIGRATIONS.len() - 1];
    {
        let db = huixiao::db::Db::open_with(&older, previous).unwrap();
        db.conn()
            .execute(
                "INSERT INTO stores (name, created_at) VALUES ('旧版本的门店', '2026-01-01T00:00:00Z')",
                [],
            )
            .unwrap();
    }
    let kept = std::fs::read(&older).unwrap();
    let path = dir.path().join("h.db");
    let app = open(&path);
    add_store(&app, "现在的门店");
    call(&app, "backups.restore", json!({"path": older})).unwrap();
    assert_eq!(store_names(&app), ["旧版本的门店"]);
    let version: i64 = app
        .db
        .conn()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, huixiao::db::latest_version());
    assert_eq!(
        std::fs::read(&older).unwrap(),
        kept,
        "the chosen file is not changed"
    );
}
