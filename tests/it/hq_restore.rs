//! Restoring a backup on a laptop joined to head office (issue #14, item 9): the answer names the
//! changes made here that head office had not taken (they are not in the restored data); the
//! next sync pulls again from the start, pushes what the restored outbox holds, and the laptop
//! ends equal to head office with nothing applied twice.

use serde_json::json;

use crate::hq_laptops::{changsha_with_data, Laptop};
use crate::hq_mirror::assert_mirrors;
use crate::hq_sync::{org, Org};
use crate::pg::cluster;
use crate::support::{call, organizer};
use huixiao::i18n::Lang;

fn note_of(l: &Laptop, store: &str) -> Option<String> {
    l.app
        .db
        .conn()
        .query_row("SELECT note FROM stores WHERE name = ?1", [store], |r| {
            r.get(0)
        })
        .unwrap()
}

fn set_note(l: &Laptop, store: &str, note: &str) {
    let n = l
        .app
        .db
        .conn()
        .execute("UPDATE stores SET note = ?1 WHERE name = ?2", [note, store])
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn restoring_a_backup_on_a_joined_laptop_names_what_was_not_pushed_and_syncs_again() {
    let o = org();
    let admin = cluster().url(&o.db);
    let changsha = changsha_with_data(&o);
    let joined_with = changsha.join() as i64;
    changsha.sync();

    // A change not yet pushed when the backup is taken: the restored outbox holds it.
    set_note(&changsha, "小太阳幼儿园", "备份时还没同步");
    let backup = call(&changsha.app, "backups.now", json!({})).unwrap();
    changsha.sync();

    // After the backup: some changes pushed (a new store, a newer note on the same store) …
    call(
        &changsha.app,
        "stores.create",
        json!({"name": "备份后同步的店", "city": "长沙", "level": "A"}),
    )
    .unwrap();
    set_note(&changsha, "小太阳幼儿园", "备份后已同步");
    changsha.sync();
    let changes = cluster().psql(&o.db, "SELECT count(*) FROM hq.changes");
    let stores_at_hq = cluster().psql(&o.db, "SELECT count(*) FROM hq.rows WHERE tbl = 'stores'");
    // … and some not: a store added, another store changed.
    call(
        &changsha.app,
        "stores.create",
        json!({"name": "没同步的新店", "city": "长沙", "level": "B"}),
    )
    .unwrap();
    set_note(&changsha, "株洲好孩子托育", "没同步的备注");

    // Asked in English (the database's own language is Chinese): the sentence follows the caller.
    let restored = huixiao::api::dispatch(
        &huixiao::api::Host::new(changsha.app.clone()),
        &organizer(Lang::En),
        "backups.restore",
        json!({"path": backup["path"]}),
    )
    .unwrap();
    assert_eq!(restored["unpushed"], 2, "{restored}");
    let listed: Vec<(String, String, String)> = restored["unpushed_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["tbl"].as_str().unwrap().to_owned(),
                c["op"].as_str().unwrap().to_owned(),
                c["label"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("stores".into(), "added".into(), "没同步的新店".into()),
            ("stores".into(), "changed".into(), "株洲好孩子托育".into()),
        ]
    );
    let note = restored["sync_note"].as_str().unwrap();
    assert!(
        note.starts_with("2 changes made on this laptop had not reached head office")
            && note.contains("没同步的新店")
            && note.contains("株洲好孩子托育"),
        "said in the caller's language: {note}"
    );
    assert_eq!(
        note_of(&changsha, "小太阳幼儿园").as_deref(),
        Some("备份时还没同步")
    );
    let status = call(&changsha.app, "sync.status", json!({})).unwrap();
    assert_eq!(status["pending"], 1, "the restored outbox: {status}");
    let checked: (Option<String>, Option<String>) = changsha
        .app
        .db
        .conn()
        .query_row("SELECT clashes_xid, pairs_xid FROM sync_state", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        checked,
        (None, None),
        "the clash and store-merge checks ask about everything again"
    );

    // The next sync pushes the restored outbox (an older change: it does not win) and pulls again
    // from the start: the store and the note made after the backup come back.
    let report = changsha.sync();
    assert_eq!((report.conflicts, report.pending), (0, 0), "{report:?}");
    assert!(
        report.pulled >= joined_with,
        "pulled again from the start ({joined_with} rows joined with): {report:?}"
    );
    assert_eq!(
        note_of(&changsha, "小太阳幼儿园").as_deref(),
        Some("备份后已同步")
    );
    assert!(changsha.stores().contains(&"备份后同步的店".to_owned()));
    assert!(!changsha.stores().contains(&"没同步的新店".to_owned()));
    assert_eq!(
        cluster().psql(
            &o.db,
            "SELECT data ->> 'note' FROM hq.rows WHERE data ->> 'name' = '小太阳幼儿园'"
        ),
        "备份后已同步",
        "head office keeps the newer note"
    );
    assert_eq!(
        cluster().psql(&o.db, "SELECT count(*) FROM hq.rows WHERE tbl = 'stores'"),
        stores_at_hq,
        "no store twice"
    );
    let resent: i64 = cluster()
        .psql(&o.db, "SELECT count(*) FROM hq.changes")
        .parse::<i64>()
        .unwrap()
        - changes.parse::<i64>().unwrap();
    assert_eq!(
        resent, 1,
        "only the restored outbox's one change went out again"
    );
    assert_mirrors("长沙", &changsha.app.db.conn(), &changsha.link, &admin);

    // Synced again, nothing moves: nothing is applied twice.
    let again = changsha.sync();
    assert_eq!((again.pushed, again.pulled), (0, 0), "{again:?}");
}

#[test]
fn the_command_line_says_what_a_restore_leaves_behind() {
    let o = org();
    let changsha = changsha_with_data(&o);
    changsha.join();
    changsha.sync();
    let backup = call(&changsha.app, "backups.now", json!({})).unwrap();
    set_note(&changsha, "小太阳幼儿园", "没同步");
    let path = changsha.path.clone();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_huixiao"))
        .args([
            "backup",
            "restore",
            "--db",
            path.to_str().unwrap(),
            "--from",
            backup["path"].as_str().unwrap(),
            "--lang",
            "en",
        ])
        .env("HUIXIAO_DATA_DIR", path.parent().unwrap())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("1 change made on this laptop had not reached head office")
            && said.contains("store \"小太阳幼儿园\" changed"),
        "{said}"
    );
}

/// 长沙 with a backup taken while it was still an island (a store deleted after it, before joining),
/// then joined and synced, with a store added since: the backup's path, and how many seminars and
/// stores head office holds.
fn joined_since_a_backup(o: &Org) -> (Laptop, String, String, i64) {
    let changsha = changsha_with_data(o);
    for name in ["加入前删掉的店", "加入前的店"] {
        call(
            &changsha.app,
            "stores.create",
            json!({"name": name, "city": "长沙", "level": "C"}),
        )
        .unwrap();
    }
    let backup = call(&changsha.app, "backups.now", json!({})).unwrap();
    let n = changsha
        .app
        .db
        .conn()
        .execute("DELETE FROM stores WHERE name = '加入前删掉的店'", [])
        .unwrap();
    assert_eq!(n, 1);
    changsha.join();
    changsha.sync();
    call(
        &changsha.app,
        "stores.create",
        json!({"name": "加入后的店", "city": "长沙", "level": "A"}),
    )
    .unwrap();
    changsha.sync();
    let count = |sql: &str| cluster().psql(&o.db, sql);
    let seminars = count("SELECT count(*) FROM hq.rows WHERE tbl = 'seminars'");
    let stores = count("SELECT count(*) FROM hq.rows WHERE tbl = 'stores'");
    (
        changsha,
        backup["path"].as_str().unwrap().to_owned(),
        seminars,
        stores.parse().unwrap(),
    )
}

/// Once that backup is restored: still joined, only the store head office never had goes out, the
/// seminar is not sent again under a new id, and the laptop ends equal to head office.
fn back_in_the_organisation(changsha: &Laptop, o: &Org, seminars_at_hq: &str, stores_at_hq: i64) {
    let count = |sql: &str| cluster().psql(&o.db, sql);
    let status = call(&changsha.app, "sync.status", json!({})).unwrap();
    assert_eq!(
        status["joined"], true,
        "still in the organisation: {status}"
    );
    assert_eq!(
        status["pending"], 1,
        "only the store head office never had waits to go: {status}"
    );
    let report = changsha.sync();
    assert_eq!((report.conflicts, report.pending), (0, 0), "{report:?}");
    assert_eq!(
        count("SELECT count(*) FROM hq.rows WHERE tbl = 'seminars'"),
        seminars_at_hq,
        "the seminar is not sent again under a new id"
    );
    assert_eq!(
        count("SELECT count(*) FROM hq.rows WHERE tbl = 'stores'")
            .parse::<i64>()
            .unwrap(),
        stores_at_hq + 1,
        "one store more: the one only the backup held"
    );
    assert!(
        changsha.stores().contains(&"加入后的店".to_owned()),
        "what was synced after joining comes back: {:?}",
        changsha.stores()
    );
    assert_mirrors(
        "长沙",
        &changsha.app.db.conn(),
        &changsha.link,
        &cluster().url(&o.db),
    );
}

#[test]
fn a_backup_from_before_the_laptop_joined_restores_into_the_organisation() {
    let o = org();
    let (changsha, backup, seminars_at_hq, stores_at_hq) = joined_since_a_backup(&o);
    call(&changsha.app, "backups.restore", json!({ "path": backup })).unwrap();
    back_in_the_organisation(&changsha, &o, &seminars_at_hq, stores_at_hq);

    // A change made now travels as before.
    set_note(&changsha, "小太阳幼儿园", "恢复后改的");
    changsha.sync();
    assert_eq!(
        cluster().psql(
            &o.db,
            "SELECT data ->> 'note' FROM hq.rows WHERE data ->> 'name' = '小太阳幼儿园'"
        ),
        "恢复后改的"
    );
}

#[test]
fn a_backup_from_before_the_laptop_joined_restored_over_a_damaged_file_stays_in_the_organisation() {
    let o = org();
    let (mut changsha, backup, seminars_at_hq, stores_at_hq) = joined_since_a_backup(&o);
    // The day's automatic backup, once joined.
    call(&changsha.app, "backups.now", json!({})).unwrap();

    // Tea on the laptop: the file no longer opens.
    changsha.close();
    let mut bytes = std::fs::read(&changsha.path).unwrap();
    bytes[..100].fill(0x5a);
    std::fs::write(&changsha.path, bytes).unwrap();
    assert!(huixiao::App::open(&changsha.path).is_err());

    huixiao::backup::restore_file(
        &changsha.path,
        std::path::Path::new(&backup),
        chrono::Utc::now(),
        Lang::Zh,
    )
    .unwrap();
    changsha.reopen();
    back_in_the_organisation(&changsha, &o, &seminars_at_hq, stores_at_hq);
}
