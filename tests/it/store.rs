//! The SQLite store: migrations, the backup taken before migrating, files it must not touch.

use huixiao::db::{self, Db, MIGRATIONS};
use huixiao::App;
use serde_json::json;

use crate::support::call;

#[test]
fn data_survives_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    {
        let app = App::open(&path).unwrap();
        call(
            &app,
            "stores.create",
            json!({"name": "丽人坊美容院", "city": "株洲"}),
        )
        .unwrap();
    }
    let app = App::open(&path).unwrap();
    let page = call(&app, "stores.list", json!({})).unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["name"], "丽人坊美容院");
}

#[test]
fn migrating_an_older_database_backs_it_up_first_and_the_backup_restores() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    {
        let app = App::open(&path).unwrap();
        call(
            &app,
            "stores.create",
            json!({"name": "丰收农资店", "city": "长沙"}),
        )
        .unwrap();
        call(
            &app,
            "stores.create",
            json!({"name": "最后写入的门店", "city": "长沙"}),
        )
        .unwrap();
    }
    // A newer app with one more migration opens the file.
    let mut newer: Vec<(&str, &str)> = MIGRATIONS.to_vec();
    newer.push((
        "9999_test",
        "ALTER TABLE stores ADD COLUMN loyalty INTEGER NOT NULL DEFAULT 0;",
    ));
    drop(Db::open_with(&path, &newer).unwrap());

    let backups: Vec<_> = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with("-migration.db"))
        .collect();
    assert_eq!(backups.len(), 1, "exactly one backup: {backups:?}");
    let name = backups[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("h-"), "{name}");
    let listed = huixiao::backup::list_for(&path).unwrap();
    assert_eq!(listed[0].reason, huixiao::backup::BackupReason::Migration);

    // Restore: copy the backup over the database and open it with the current app.
    let restored = dir.path().join("restored.db");
    std::fs::copy(&backups[0], &restored).unwrap();
    let app = App::open(&restored).unwrap();
    let page = call(&app, "stores.list", json!({})).unwrap();
    assert_eq!(page["total"], 2);
    assert_eq!(
        page["items"][0]["name"], "最后写入的门店",
        "the last committed row is in the backup"
    );
}

#[test]
fn a_failing_migration_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    {
        let app = App::open(&path).unwrap();
        call(
            &app,
            "stores.create",
            json!({"name": "便民超市", "city": "长沙"}),
        )
        .unwrap();
    }
    let before = db::dump(&Db::open(&path).unwrap().conn()).unwrap();
    let mut broken: Vec<(&str, &str)> = MIGRATIONS.to_vec();
    broken.push(("9998_ok", "CREATE TABLE extra (id INTEGER PRIMARY KEY);"));
    broken.push(("9999_bad", "ALTER TABLE no_such_table ADD COLUMN x;"));
    assert!(Db::open_with(&path, &broken).is_err());
    let db = Db::open(&path).unwrap();
    assert_eq!(
        db::dump(&db.conn()).unwrap(),
        before,
        "the first new migration was rolled back too"
    );
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    let content = "这是一份会议纪要，不是数据库。\n".repeat(100);
    std::fs::write(&path, &content).unwrap();
    let err = App::open(&path).err().expect("refused");
    assert_eq!(err.code(), "database");
    assert!(err
        .message(huixiao::i18n::Lang::Zh)
        .contains("不是 Huixiao 的数据库文件"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), content);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names.len(),
        1,
        "no -wal or -shm file was created: {names:?}"
    );
}

#[test]
fn a_database_from_a_newer_app_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE future (x); INSERT INTO future VALUES (1); PRAGMA user_version = 99;",
        )
        .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = App::open(&path).err().expect("refused");
    assert_eq!(err.code(), "database");
    assert!(err
        .message(huixiao::i18n::Lang::En)
        .contains("newer Huixiao"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn connections_use_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("h.db")).unwrap();
    let conn = db.conn();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    let fk: i64 = conn
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    let sync: i64 = conn
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .unwrap();
    assert_eq!((mode.as_str(), fk, sync), ("wal", 1, 1));
}

/// Erasing on request leaves no byte of the phone number in the database file or its WAL — not
/// even in the pages SQLite freed (PIPL: erased is gone).
#[test]
fn an_erased_phone_number_is_in_no_byte_of_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("erase.db");
    let app = App::open(&path).unwrap();
    let store = call(
        &app,
        "stores.create",
        json!({"name": "丽人坊美容院", "city": "株洲"}),
    )
    .unwrap();
    let contact = call(
        &app,
        "contacts.create",
        json!({"store_id": store["id"], "name": "周红", "role": "owner_spouse", "phone": "13912345678"}),
    )
    .unwrap();
    let bytes_of = |name: &str| std::fs::read(dir.path().join(name)).unwrap_or_default();
    let holds = |needle: &[u8]| {
        ["erase.db", "erase.db-wal"]
            .iter()
            .any(|f| bytes_of(f).windows(needle.len()).any(|w| w == needle))
    };
    assert!(holds(b"13912345678"), "the number is stored before");
    call(&app, "contacts.erase", json!({"id": contact["id"]})).unwrap();
    assert!(
        !holds(b"13912345678"),
        "the number is in no byte after erasing"
    );
    assert!(!holds("周红".as_bytes()), "nor the name");
}
