//! Laptops syncing with head office (issue #14), each a real SQLite file against a real
//! PostgreSQL: a laptop joins with everything it holds; head office receives every laptop's
//! seminars; a city laptop receives its cities' stores and head office's staff but not another
//! city's stores; a change head office refuses stays visible as a conflict; a batch whose answer
//! was lost is sent again and applied once; the later edit of a field wins on every laptop.

use std::path::{Path, PathBuf};

use huixiao::app::Clock;
use huixiao::hq::{self, link::Link, sync::SyncReport};
use huixiao::replica::{outbox, status};
use huixiao::App;
use serde_json::{json, Value};

use crate::hq::{huixiao, json_of};
use crate::hq_sync::{org, Org};
use crate::pg::cluster;
use crate::support::{call, fixed_now, world};

pub(crate) struct Laptop {
    pub(crate) app: App,
    pub(crate) path: PathBuf,
    pub(crate) link: Link,
    _dir: tempfile::TempDir,
}

pub(crate) fn laptop(join_url: &str) -> Laptop {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huixiao.db");
    Laptop {
        app: open(&path),
        path,
        link: Link::parse(join_url).unwrap(),
        _dir: dir,
    }
}

pub(crate) fn open(path: &Path) -> App {
    App::open(path)
        .unwrap()
        .with_clock(Clock::Fixed(fixed_now()))
}

impl Laptop {
    pub(crate) fn join(&self) -> usize {
        hq::block_on(hq::sync::join(&self.app, &self.link)).unwrap()
    }
    pub(crate) fn sync(&self) -> SyncReport {
        hq::block_on(hq::sync::sync(&self.app, &self.link)).unwrap()
    }
    /// Joins through the window's own operation (the link is kept, as the 同步问题 actions need it).
    pub(crate) fn join_in_window(&self, url: &str) {
        call(&self.app, "sync.join", json!({ "link": url })).unwrap();
    }
    /// Syncs through the window's own operation.
    pub(crate) fn sync_in_window(&self) {
        call(&self.app, "sync.run", json!({})).unwrap();
    }
    /// The open 同步问题 of one kind, as the window lists them.
    pub(crate) fn open_conflicts(&self, kind: &str) -> Vec<Value> {
        call(&self.app, "sync.conflicts", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == kind)
            .cloned()
            .collect()
    }
    /// Lets go of the database file (the app quits).
    pub(crate) fn close(&mut self) {
        self.app = App::in_memory().unwrap();
    }
    /// Opens the database file again (the app starts).
    pub(crate) fn reopen(&mut self) {
        self.app = open(&self.path);
    }
    pub(crate) fn names(&self, sql: &str) -> Vec<String> {
        let conn = self.app.db.conn();
        let mut stmt = conn.prepare(sql).unwrap();
        let mut names: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        names.sort();
        names
    }
    pub(crate) fn stores(&self) -> Vec<String> {
        self.names("SELECT name FROM stores")
    }
    fn staff(&self) -> Vec<String> {
        self.names("SELECT name FROM staff")
    }
}

/// 长沙's laptop already holds a seminar, its staff, a 长沙 store and a 株洲 store when it joins.
pub(crate) fn changsha_with_data(o: &Org) -> Laptop {
    let l = laptop(&o.changsha);
    world(&l.app);
    call(
        &l.app,
        "stores.create",
        json!({"name": "株洲好孩子托育", "city": "株洲", "level": "B"}),
    )
    .unwrap();
    l
}

#[test]
fn head_office_sees_every_laptop_and_a_city_laptop_only_its_cities() {
    let o = org();
    let changsha = changsha_with_data(&o);
    let snapshot = changsha.join();
    assert!(snapshot >= 8, "joins with what it holds: {snapshot}");
    let first = changsha.sync();
    assert_eq!(first.pushed as usize, snapshot);
    assert_eq!((first.conflicts, first.pending), (0, 0));

    let head = laptop(&o.hq);
    head.join();
    let pulled = head.sync();
    assert!(pulled.pulled >= snapshot as i64, "{pulled:?}");
    assert_eq!(head.stores(), ["小太阳幼儿园", "株洲好孩子托育"]);
    assert_eq!(
        head.staff(),
        ["李明", "王芳", "赵磊"],
        "a laptop's staff are adopted by head office"
    );
    let seminars = call(&head.app, "seminars.list", json!({})).unwrap();
    assert_eq!(
        seminars[0]["title"], "幼儿园招生增长研讨会",
        "head office sees 长沙's seminar: {seminars}"
    );
    // References arrive as this laptop's own ids.
    let lecturer: String = head
        .app
        .db
        .conn()
        .query_row(
            "SELECT st.name FROM seminars s JOIN staff st ON st.id = s.lecturer_id",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(lecturer, "李明");

    // 株洲 receives its city's store and head office's staff, never 长沙's stores or seminars.
    let zhuzhou = laptop(&o.zhuzhou);
    zhuzhou.join();
    zhuzhou.sync();
    assert_eq!(zhuzhou.stores(), ["株洲好孩子托育"]);
    assert!(zhuzhou.names("SELECT title FROM seminars").is_empty());
    assert_eq!(zhuzhou.staff(), ["李明", "王芳", "赵磊"]);

    // Staff added at head office reach both city laptops.
    call(
        &head.app,
        "staff.create",
        json!({"name": "彭小燕", "roles": ["inviter"]}),
    )
    .unwrap();
    assert_eq!(head.sync().pushed, 1);
    zhuzhou.sync();
    changsha.sync();
    assert!(zhuzhou.staff().contains(&"彭小燕".to_string()));
    assert!(changsha.staff().contains(&"彭小燕".to_string()));

    // A city laptop cannot change head office's staff: refused, and kept as a conflict to see.
    zhuzhou
        .app
        .db
        .conn()
        .execute("UPDATE staff SET name = '彭大燕' WHERE name = '彭小燕'", [])
        .unwrap();
    let refused = zhuzhou.sync();
    assert_eq!(
        (refused.pushed, refused.conflicts, refused.pending),
        (1, 1, 0)
    );
    let reason: String = zhuzhou
        .app
        .db
        .conn()
        .query_row("SELECT reason FROM sync_conflicts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(reason, "head_office_only");
    head.sync();
    assert!(
        head.staff().contains(&"彭小燕".to_string()),
        "head office's name stands"
    );

    // The 同步问题 list shows both sides; taking head office's version puts it back here.
    let open = call(&zhuzhou.app, "sync.conflicts", json!({})).unwrap();
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open[0]["label"], "彭大燕");
    assert_eq!(open[0]["mine"]["name"], "彭大燕");
    assert_eq!(open[0]["theirs"]["name"], "彭小燕");
    let id = open[0]["id"].as_i64().unwrap();
    let wrong = call(
        &zhuzhou.app,
        "sync.resolve",
        json!({"id": id, "resolution": "retry"}),
    )
    .unwrap_err();
    assert!(wrong
        .message(huixiao::i18n::Lang::Zh)
        .contains("不能这样处理"));
    let left = call(
        &zhuzhou.app,
        "sync.resolve",
        json!({"id": id, "resolution": "use_theirs"}),
    )
    .unwrap();
    assert_eq!(left, json!([]));
    assert!(zhuzhou.staff().contains(&"彭小燕".to_string()));
    let after = zhuzhou.sync();
    assert_eq!(
        (after.pushed, after.conflicts),
        (0, 0),
        "the undone change is not sent again"
    );
    let gone = call(
        &zhuzhou.app,
        "sync.resolve",
        json!({"id": id, "resolution": "dismiss"}),
    )
    .unwrap_err();
    assert!(gone
        .message(huixiao::i18n::Lang::En)
        .contains("no open sync conflict"));
}

#[test]
fn a_batch_whose_answer_was_lost_is_sent_again_and_applied_once() {
    let o = org();
    let changsha = changsha_with_data(&o);
    changsha.join();
    // The batch is stamped and sent, and head office applies it; the answer never arrives.
    let batch = outbox::next(&changsha.app.db.conn(), hq::sync::BATCH)
        .unwrap()
        .unwrap();
    let sent = Value::Array(batch.changes.clone()).to_string();
    let url = changsha.link.clone();
    hq::block_on(async move {
        let c = hq::connect::connect(&url).await?;
        c.query_one(
            "SELECT hq.push($1::text::uuid, $2::text::jsonb)::text",
            &[&batch.id, &sent],
        )
        .await
        .unwrap();
        Ok(())
    })
    .unwrap();
    let changes = cluster().psql(&o.db, "SELECT count(*) FROM hq.changes");
    // The app restarts (the same file) and syncs: the same batch again, answered, applied once.
    let again = open(&changsha.path);
    let report = hq::block_on(hq::sync::sync(&again, &changsha.link)).unwrap();
    assert_eq!(report.pending, 0);
    assert_eq!(
        cluster().psql(&o.db, "SELECT count(*) FROM hq.changes"),
        changes,
        "nothing applied twice"
    );
    assert_eq!(
        cluster().psql(&o.db, "SELECT count(*) FROM hq.rows WHERE tbl = 'stores'"),
        "2"
    );
}

#[test]
fn the_later_edit_of_a_field_wins_everywhere_and_the_other_is_kept() {
    let o = org();
    let changsha = changsha_with_data(&o);
    changsha.join();
    changsha.sync();
    let head = laptop(&o.hq);
    head.join();
    head.sync();
    let note = |l: &Laptop| -> String {
        l.app
            .db
            .conn()
            .query_row(
                "SELECT note FROM stores WHERE name = '小太阳幼儿园'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    // Both edit the same store's note while apart: 长沙 first, head office a moment later.
    changsha
        .app
        .db
        .conn()
        .execute(
            "UPDATE stores SET note = '长沙：老板娘管钱' WHERE name = '小太阳幼儿园'",
            [],
        )
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    head.app
        .db
        .conn()
        .execute(
            "UPDATE stores SET note = '总部：已签约' WHERE name = '小太阳幼儿园'",
            [],
        )
        .unwrap();
    // Head office syncs first, then 长沙, then head office again: both end with the later value.
    head.sync();
    changsha.sync();
    head.sync();
    assert_eq!(note(&changsha), "总部：已签约");
    assert_eq!(note(&head), "总部：已签约");
    assert_eq!(
        cluster().psql(
            &o.db,
            "SELECT value #>> '{}' FROM hq.history WHERE col = 'note'"
        ),
        "长沙：老板娘管钱",
        "the value that lost is kept"
    );
}

#[test]
fn the_command_line_joins_once_keeps_the_link_private_and_reports_four_integers() {
    let o = org();
    let changsha = changsha_with_data(&o);
    let db = changsha.path.to_str().unwrap().to_string();
    drop(changsha.app);
    let first = json_of(&huixiao(&[
        "sync",
        "--db",
        &db,
        "--join",
        &o.changsha,
        "--json",
    ]));
    for key in ["pushed", "pulled", "conflicts", "pending"] {
        assert!(first[key].is_i64(), "{key} is an integer: {first}");
    }
    assert!(first["pushed"].as_i64().unwrap() >= 8);
    let kept = hq::link::saved_at(&changsha.path);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kept).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the join link holds a secret: only its user reads it"
        );
    }
    // Later syncs need no link; nothing is waiting.
    let again = json_of(&huixiao(&["sync", "--db", &db, "--json"]));
    assert_eq!(
        (again["pushed"].as_i64(), again["pending"].as_i64()),
        (Some(0), Some(0))
    );
    let s = json_of(&huixiao(&["sync", "status", "--db", &db, "--json"]));
    assert_eq!(s["joined"], true);
    assert!(s["last_sync_at"].is_string());
    assert_eq!(
        (s["pending"].as_i64(), s["conflicts"].as_i64()),
        (Some(0), Some(0))
    );

    // An unjoined laptop, and a link that is not a join link: said in words, exit 1.
    let fresh = tempfile::tempdir().unwrap();
    let fresh_db = fresh.path().join("x.db");
    let out = huixiao(&["sync", "--db", fresh_db.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("还没有加入总部"));
    let admin = cluster().database();
    let out = huixiao(&[
        "sync",
        "--db",
        fresh_db.to_str().unwrap(),
        "--join",
        &admin,
        "--lang",
        "en",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a join link"), "{err}");
    assert!(!status::status(&open(&fresh_db).db.conn()).unwrap().joined);
}

#[test]
fn an_erased_person_leaves_nothing_at_head_office_or_on_other_laptops() {
    let o = org();
    let changsha = changsha_with_data(&o);
    changsha.join();
    changsha.sync();
    let head = laptop(&o.hq);
    head.join();
    head.sync();
    let spouse = |l: &Laptop| -> (String, Option<String>) {
        l.app
            .db
            .conn()
            .query_row(
                "SELECT name, phone FROM contacts WHERE role = 'owner_spouse'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    assert_eq!(spouse(&head), ("刘丽".into(), Some("13800138001".into())));
    // Both change her name while apart (head office keeps the value that lost), then 长沙 edits
    // her again and erases her before its next sync.
    head.app
        .db
        .conn()
        .execute(
            "UPDATE contacts SET name = '刘丽（老板娘）' WHERE role = 'owner_spouse'",
            [],
        )
        .unwrap();
    head.sync();
    let id: i64 = changsha
        .app
        .db
        .conn()
        .query_row(
            "SELECT id FROM contacts WHERE role = 'owner_spouse'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    changsha
        .app
        .db
        .conn()
        .execute(
            "UPDATE contacts SET name = '刘丽丽', phone = '13800138009' WHERE id = ?1",
            [id],
        )
        .unwrap();
    call(&changsha.app, "contacts.erase", json!({"id": id})).unwrap();
    let waiting: i64 = changsha
        .app
        .db
        .conn()
        .query_row(
            "SELECT count(*) FROM sync_outbox WHERE row LIKE '%13800138001%' OR row LIKE '%13800138009%' OR row LIKE '%刘丽%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(waiting, 0, "nothing waiting to go out holds her any more");
    changsha.sync();
    head.sync();
    assert_eq!(spouse(&head).1, None);
    assert_eq!(spouse(&changsha).1, None);
    for (what, sql) in [
        ("the log", "SELECT count(*) FROM hq.changes WHERE data::text LIKE '%13800138001%' OR data::text LIKE '%13800138009%' OR data::text LIKE '%刘丽%'"),
        ("the history", "SELECT count(*) FROM hq.history WHERE value::text LIKE '%13800138001%' OR value::text LIKE '%13800138009%' OR value::text LIKE '%刘丽%'"),
        ("the rows", "SELECT count(*) FROM hq.rows WHERE data::text LIKE '%13800138001%' OR data::text LIKE '%13800138009%' OR data::text LIKE '%刘丽%'"),
    ] {
        assert_eq!(cluster().psql(&o.db, sql), "0", "{what} at head office still holds her");
    }
}

#[test]
fn head_office_hands_a_seminar_to_another_laptop() {
    let o = org();
    let changsha = changsha_with_data(&o);
    changsha.join();
    changsha.sync();
    let admin = cluster().url(&o.db);
    let held = json_of(&huixiao(&["hq", "seminars", "--pg", &admin, "--json"]));
    assert_eq!(held[0]["title"], "幼儿园招生增长研讨会");
    assert_eq!(held[0]["laptop"], "长沙");
    let gid = held[0]["gid"].as_str().unwrap().to_string();

    // A replacement laptop (registered as 株洲 here) takes the seminar over.
    let replacement = laptop(&o.zhuzhou);
    replacement.join();
    replacement.sync();
    assert!(replacement.names("SELECT title FROM seminars").is_empty());
    let unknown = huixiao(&[
        "hq",
        "handover",
        "--pg",
        &admin,
        "--seminar",
        &gid,
        "--to",
        "不存在",
    ]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("没有名为“不存在”的电脑"));
    let done = json_of(&huixiao(&[
        "hq",
        "handover",
        "--pg",
        &admin,
        "--seminar",
        &gid,
        "--to",
        "株洲",
        "--json",
    ]));
    assert_eq!(
        (done["from"].as_str(), done["to"].as_str()),
        (Some("长沙"), Some("株洲"))
    );
    assert!(done["rows"].as_i64().unwrap() >= 1);
    replacement.sync();
    assert_eq!(
        replacement.names("SELECT title FROM seminars"),
        ["幼儿园招生增长研讨会"]
    );

    // The new owner changes it; the old one's change is refused and shown.
    replacement
        .app
        .db
        .conn()
        .execute(
            "UPDATE seminars SET title = '幼儿园招生增长研讨会（株洲接手）'",
            [],
        )
        .unwrap();
    assert_eq!(replacement.sync().conflicts, 0);
    changsha
        .app
        .db
        .conn()
        .execute("UPDATE seminars SET capacity = 80", [])
        .unwrap();
    let refused = changsha.sync();
    assert_eq!(refused.conflicts, 1);
    assert_eq!(
        changsha.names("SELECT reason FROM sync_conflicts"),
        ["not_your_seminar"]
    );
    assert_eq!(
        changsha.names("SELECT title FROM seminars"),
        ["幼儿园招生增长研讨会"],
        "the old laptop no longer receives the seminar's changes"
    );
}

#[test]
fn a_store_invited_by_two_laptops_to_overlapping_seminars_comes_back_as_a_conflict_on_both() {
    let o = org();
    let changsha = changsha_with_data(&o);
    let store: i64 = changsha
        .app
        .db
        .conn()
        .query_row(
            "SELECT id FROM stores WHERE name = '小太阳幼儿园'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let seminar: i64 = changsha
        .app
        .db
        .conn()
        .query_row("SELECT id FROM seminars", [], |r| r.get(0))
        .unwrap();
    call(
        &changsha.app,
        "invitations.create_many",
        json!({"seminar_id": seminar, "store_ids": [store]}),
    )
    .unwrap();
    changsha.join();
    changsha.sync();

    // Head office runs its own seminar in 长沙 six days later (within the first one's 30-day
    // window) and, working offline, invites the same store.
    let head = laptop(&o.hq);
    head.join();
    head.sync();
    let lecturer: i64 = head
        .app
        .db
        .conn()
        .query_row("SELECT id FROM staff WHERE name = '李明'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let own = call(
        &head.app,
        "seminars.create",
        json!({"title": "总部大课", "date": "2026-12-05", "start_time": "14:00", "capacity": 200, "lecturer_id": lecturer, "city": "长沙"}),
    )
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    let same_store: i64 = head
        .app
        .db
        .conn()
        .query_row(
            "SELECT id FROM stores WHERE name = '小太阳幼儿园'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    call(
        &head.app,
        "invitations.create_many",
        json!({"seminar_id": own, "store_ids": [same_store]}),
    )
    .unwrap();
    assert_eq!(head.sync().conflicts, 1);
    let clash = call(&head.app, "sync.conflicts", json!({})).unwrap();
    assert_eq!(clash[0]["kind"], "double_invitation");
    assert_eq!(clash[0]["label"], "小太阳幼儿园");
    assert_eq!(clash[0]["theirs"]["laptop"], "长沙", "who holds the store");
    assert_eq!(
        clash[0]["theirs"]["title"], "幼儿园招生增长研讨会",
        "and for which seminar"
    );
    assert_eq!(changsha.sync().conflicts, 1, "长沙 sees it too");

    // Head office cancels its own invitation: the clash leaves both lists.
    let id = clash[0]["id"].as_i64().unwrap();
    call(
        &head.app,
        "sync.resolve",
        json!({"id": id, "resolution": "cancel_mine"}),
    )
    .unwrap();
    let status: String = head
        .app
        .db
        .conn()
        .query_row(
            "SELECT status FROM invitations WHERE seminar_id = ?1",
            [own],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "cancelled");
    assert_eq!(head.sync().conflicts, 0);
    assert_eq!(changsha.sync().conflicts, 0);

    // A seminar outside the window (two months later) is no clash.
    let later = call(
        &head.app,
        "seminars.create",
        json!({"title": "春季大课", "date": "2027-02-01", "start_time": "14:00", "capacity": 200, "lecturer_id": lecturer, "city": "长沙"}),
    )
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    call(
        &head.app,
        "invitations.create_many",
        json!({"seminar_id": later, "store_ids": [same_store]}),
    )
    .unwrap();
    assert_eq!(head.sync().conflicts, 0);
}

#[test]
fn the_same_store_and_person_typed_on_two_laptops_become_one() {
    let o = org();
    let changsha = changsha_with_data(&o);
    changsha.join();
    changsha.sync();
    // Head office typed the same store (spaces differ) and the same owner's mobile before joining.
    let head = laptop(&o.hq);
    let store = call(
        &head.app,
        "stores.create",
        json!({"name": "小太阳 幼儿园", "city": "长沙", "level": "B", "note": "总部录入"}),
    )
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    call(
        &head.app,
        "contacts.create",
        json!({"store_id": store, "name": "陈总", "role": "owner", "phone": "138-0013-8000"}),
    )
    .unwrap();
    head.join();
    head.sync();
    assert_eq!(
        cluster().psql(
            &o.db,
            "SELECT count(*) FROM hq.rows WHERE tbl = 'stores' AND data->>'city' = '长沙'"
        ),
        "1",
        "one store at head office"
    );
    assert_eq!(
        cluster().psql(&o.db, "SELECT count(*) FROM hq.rows WHERE tbl = 'contacts' AND data->>'phone' = '13800138000'"),
        "1",
        "one person"
    );
    assert_eq!(
        cluster().psql(&o.db, "SELECT count(*) FROM hq.aliases"),
        "2"
    );
    // On head office's laptop the store is one row, holding 长沙's contacts too.
    assert_eq!(
        head.names("SELECT name FROM stores WHERE city = '长沙'")
            .len(),
        1,
        "{:?}",
        head.stores()
    );
    let phones = head.names("SELECT phone FROM contacts");
    assert_eq!(phones, ["13800138000", "13800138001"]);
    // 长沙 receives the merged store, with head office's note, and still one row.
    changsha.sync();
    assert_eq!(
        changsha
            .names("SELECT name FROM stores WHERE city = '长沙'")
            .len(),
        1
    );
    let note: String = changsha
        .app
        .db
        .conn()
        .query_row("SELECT note FROM stores WHERE city = '长沙'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(note, "总部录入");
    assert_eq!(
        changsha.names("SELECT phone FROM contacts WHERE phone IS NOT NULL"),
        ["13800138000", "13800138001"]
    );
}

#[test]
fn the_app_syncs_by_itself_but_never_during_a_live_seminar() {
    let o = org();
    let changsha = changsha_with_data(&o);
    changsha.join();
    hq::link::save(&changsha.path, &o.changsha).unwrap();
    let pending = |l: &Laptop| status::status(&l.app.db.conn()).unwrap().pending;
    assert!(pending(&changsha) > 0);
    // A live seminar: the background sync waits.
    changsha
        .app
        .db
        .conn()
        .execute("UPDATE seminars SET status = 'live'", [])
        .unwrap();
    let waiting = pending(&changsha);
    hq::background::start(changsha.app.clone(), std::time::Duration::from_millis(100));
    std::thread::sleep(std::time::Duration::from_millis(800));
    assert!(
        pending(&changsha) >= waiting,
        "nothing sent while the seminar is live"
    );
    changsha
        .app
        .db
        .conn()
        .execute("UPDATE seminars SET status = 'closed'", [])
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while pending(&changsha) > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(
        pending(&changsha),
        0,
        "sent by itself once the seminar closed"
    );
    assert!(status::status(&changsha.app.db.conn())
        .unwrap()
        .last_sync_at
        .is_some());
}

#[test]
fn the_bi_tool_reads_plain_views_with_phones_masked_and_nothing_else() {
    let o = org();
    let changsha = changsha_with_data(&o);
    changsha.join();
    changsha.sync();
    let admin = cluster().url(&o.db);
    let reader = json_of(&huixiao(&["hq", "bi", "add", "--pg", &admin, "--json"]));
    let url = reader["url"].as_str().unwrap();
    let read = |sql: &str| crate::hq::query_as(url, sql);
    assert_eq!(
        read("SELECT string_agg(phone_masked, ',' ORDER BY phone_masked) FROM org.contacts")
            .unwrap()
            .as_deref(),
        Some("138****8000,138****8001")
    );
    assert_eq!(
        read("SELECT title || ' · ' || laptop FROM org.seminars")
            .unwrap()
            .as_deref(),
        Some("幼儿园招生增长研讨会 · 长沙")
    );
    assert_eq!(
        read("SELECT count(*)::text FROM org.stores")
            .unwrap()
            .as_deref(),
        Some("2")
    );
    for forbidden in [
        "SELECT count(*) FROM hq.rows",
        "SELECT count(*) FROM hq.history",
        "SELECT hq.pull('0'::xid8, 0, 10)",
    ] {
        let err = read(forbidden)
            .unwrap_err()
            .message(huixiao::i18n::Lang::En);
        assert!(err.contains("permission denied"), "{forbidden}: {err}");
    }
}

/// The titles of the seminars head office's dashboard compares under a filter.
fn compared(l: &Laptop, filter: Value) -> Vec<String> {
    let c = call(&l.app, "seminars.compare", filter).unwrap();
    let mut titles: Vec<String> = c["seminars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    titles
}

#[test]
fn head_offices_dashboard_is_filtered_by_laptop_and_by_city() {
    let o = org();
    let changsha = changsha_with_data(&o);
    changsha.join();
    let zhuzhou = laptop(&o.zhuzhou);
    call(
        &zhuzhou.app,
        "seminars.create",
        json!({"title": "株洲托育沙龙", "date": "2026-11-28", "start_time": "14:00", "capacity": 60, "city": "株洲"}),
    )
    .unwrap();
    zhuzhou.join();
    changsha.sync();
    zhuzhou.sync();
    let head = laptop(&o.hq);
    head.join();
    head.sync();
    // Head office runs one of its own in 长沙 (its own seminars are its name's).
    call(
        &head.app,
        "seminars.create",
        json!({"title": "总部大课", "date": "2026-11-30", "start_time": "14:00", "capacity": 200, "city": "长沙"}),
    )
    .unwrap();

    assert_eq!(
        compared(&head, json!({})),
        ["幼儿园招生增长研讨会", "总部大课", "株洲托育沙龙"]
    );
    assert_eq!(
        compared(&head, json!({"laptop": "长沙"})),
        ["幼儿园招生增长研讨会"],
        "only 长沙's laptop's seminars"
    );
    assert_eq!(compared(&head, json!({"laptop": "株洲"})), ["株洲托育沙龙"]);
    assert_eq!(compared(&head, json!({"laptop": "总部"})), ["总部大课"]);
    assert_eq!(
        compared(&head, json!({"city": "长沙"})),
        ["幼儿园招生增长研讨会", "总部大课"],
        "only that city's, whichever laptop runs them"
    );
    assert_eq!(
        compared(&head, json!({"city": "长沙", "laptop": "株洲"})),
        Vec::<String>::new()
    );
    let all = call(&head.app, "seminars.compare", json!({"city": "株洲"})).unwrap();
    assert_eq!(all["laptops"], json!(["总部", "株洲", "长沙"]), "{all}");
    assert_eq!(all["cities"], json!(["株洲", "长沙"]));

    // A seminar handed to another laptop is that laptop's on head office's dashboard.
    let gid: String = zhuzhou
        .app
        .db
        .conn()
        .query_row("SELECT gid FROM seminars", [], |r| r.get(0))
        .unwrap();
    huixiao(&[
        "hq",
        "handover",
        "--pg",
        &cluster().url(&o.db),
        "--seminar",
        &gid,
        "--to",
        "长沙",
    ]);
    head.sync();
    assert_eq!(
        compared(&head, json!({"laptop": "长沙"})),
        ["幼儿园招生增长研讨会", "株洲托育沙龙"]
    );
    // The laptop a seminar belongs to never travels as a change of its own.
    assert_eq!(head.sync().pushed, 0);
}

#[test]
fn a_field_another_laptop_overwrote_is_listed_with_both_values_and_mine_can_win_again() {
    let o = org();
    let changsha = changsha_with_data(&o);
    changsha.join();
    changsha.sync();
    let head = laptop(&o.hq);
    head.join();
    head.sync();
    let note = |l: &Laptop| -> String {
        l.app
            .db
            .conn()
            .query_row(
                "SELECT note FROM stores WHERE name = '小太阳幼儿园'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let edit = |l: &Laptop, value: &str| {
        l.app
            .db
            .conn()
            .execute(
                "UPDATE stores SET note = ?1 WHERE name = '小太阳幼儿园'",
                [value],
            )
            .unwrap();
    };
    // 长沙 writes first and syncs; head office, not having seen it, writes a moment later.
    edit(&changsha, "长沙：老板娘管钱");
    std::thread::sleep(std::time::Duration::from_millis(5));
    edit(&head, "总部：已签约");
    assert_eq!(
        changsha.sync().conflicts,
        0,
        "its own change coming back is no conflict"
    );
    head.sync();
    assert_eq!(
        changsha.sync().conflicts,
        1,
        "the earlier writer learns of it"
    );
    assert_eq!(note(&changsha), "总部：已签约");
    let open = status::conflicts(&changsha.app.db.conn()).unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    let c = &open[0];
    assert_eq!((c.kind.as_str(), c.tbl.as_str()), ("overwritten", "stores"));
    assert_eq!(c.label.as_deref(), Some("小太阳幼儿园"));
    let (mine, theirs) = (c.mine.clone().unwrap(), c.theirs.clone().unwrap());
    assert_eq!(mine["note"], "长沙：老板娘管钱");
    assert_eq!(theirs["note"], "总部：已签约");
    assert_eq!(
        (mine["by"].as_str(), theirs["by"].as_str()),
        (Some("长沙"), Some("总部"))
    );
    assert!(theirs["when"].as_str().unwrap() >= mine["when"].as_str().unwrap());
    assert!(
        status::conflicts(&head.app.db.conn()).unwrap().is_empty(),
        "the later writer has nothing to settle"
    );

    // "Use mine again": a new edit here, which wins everywhere after the next syncs.
    let left = call(&changsha.app, "sync.use_mine", json!({"id": c.id})).unwrap();
    assert_eq!(left, json!([]));
    assert_eq!(note(&changsha), "长沙：老板娘管钱");
    assert_eq!(changsha.sync().pushed, 1);
    head.sync();
    assert_eq!(note(&head), "长沙：老板娘管钱");
    assert_eq!(note(&changsha), "长沙：老板娘管钱");
    // Head office, whose value it overwrote, sees it in turn; the 长沙 laptop has nothing open.
    let at_head = status::conflicts(&head.app.db.conn()).unwrap();
    assert_eq!(at_head.len(), 1);
    assert_eq!(at_head[0].mine.as_ref().unwrap()["note"], "总部：已签约");
    changsha.sync();
    assert!(status::conflicts(&changsha.app.db.conn())
        .unwrap()
        .is_empty());
    // A conflict already resolved cannot be used again.
    let again = call(&changsha.app, "sync.use_mine", json!({"id": c.id})).unwrap_err();
    assert!(format!("{again:?}").contains("被覆盖"), "{again:?}");

    // A person's phone overwritten, then the person erased at head office: once the erasure is
    // pulled, nothing of them stays in the list or in what this laptop kept of its edits.
    let phone = |l: &Laptop, value: &str| {
        l.app
            .db
            .conn()
            .execute(
                "UPDATE contacts SET phone = ?1 WHERE role = 'owner_spouse'",
                [value],
            )
            .unwrap();
    };
    phone(&changsha, "13800138011");
    changsha.sync();
    head.sync();
    phone(&head, "13800138022");
    head.sync();
    changsha.sync();
    let open = status::conflicts(&changsha.app.db.conn()).unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].tbl, "contacts");
    let kept = |l: &Laptop| -> i64 {
        l.app
            .db
            .conn()
            .query_row(
                "SELECT (SELECT count(*) FROM sync_sent WHERE tbl = 'contacts')
                      + (SELECT count(*) FROM sync_conflicts WHERE tbl = 'contacts' AND detail LIKE '%1380013801%')",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert!(kept(&changsha) > 0);
    // Also a field of hers this laptop wrote that nobody overwrote.
    changsha
        .app
        .db
        .conn()
        .execute(
            "UPDATE contacts SET name = '刘丽丽' WHERE role = 'owner_spouse'",
            [],
        )
        .unwrap();
    changsha.sync();
    assert!(
        kept(&changsha) >= 2,
        "the name kept and the phone's overwrite"
    );
    let id: i64 = head
        .app
        .db
        .conn()
        .query_row(
            "SELECT id FROM contacts WHERE role = 'owner_spouse'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    head.sync();
    call(&head.app, "contacts.erase", json!({"id": id})).unwrap();
    head.sync();
    changsha.sync();
    assert_eq!(kept(&changsha), 0, "an erased person's values are gone");
    assert!(status::conflicts(&changsha.app.db.conn())
        .unwrap()
        .is_empty());
}
