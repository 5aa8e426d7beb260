//! Undoing a batch of invitations (the builder's one click, a selection of the store list): the
//! invitations nothing has happened to are taken back as if never made, in one transaction; the
//! others stay, each with why. And a segment's own cadence: the invitations made from it follow
//! its template's steps, the seminar's other invitations the seminar's cadence.

use huixiao::App;
use serde_json::{json, Value};

use crate::support::{app, call, dump};

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

fn store(app: &App, name: &str, level: &str) -> i64 {
    let s = id(&call(
        app,
        "stores.create",
        json!({"name": name, "city": "长沙", "industry": "幼儿园", "level": level}),
    )
    .unwrap());
    call(app, "contacts.create", json!({"store_id": s, "name": format!("{name}老板娘"), "role": "owner_spouse", "phone": format!("1390000{:04}", s)})).unwrap();
    s
}

fn seminar(app: &App, title: &str, date: &str) -> i64 {
    id(&call(app, "seminars.create", json!({"title": title, "date": date, "start_time": "14:00", "capacity": 10, "city": "长沙"})).unwrap())
}

/// Everything but the caches: the kept scores (the builder may fill them) and the kept seminar
/// counts (what changed is noted for the next read; they are counted again from scratch then).
fn facts(app: &App) -> String {
    app.db
        .conn()
        .execute_batch(
            "DELETE FROM store_scores; DELETE FROM tally_seminar; DELETE FROM tally_credit;
             DELETE FROM tally_dirty; INSERT INTO tally_dirty (kind, id) VALUES ('all', 0);",
        )
        .unwrap();
    dump(app)
}

fn count(app: &App, sql: &str) -> i64 {
    app.db.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn invitation_of(list: &Value, store: i64) -> i64 {
    list["stores"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["store_id"] == json!(store))
        .unwrap()["invitation_id"]
        .as_i64()
        .unwrap()
}

#[test]
fn undoing_a_builder_batch_takes_back_only_the_untouched_invitations() {
    let app = app();
    call(
        &app,
        "staff.create",
        json!({"name": "彭小燕", "roles": ["inviter"]}),
    )
    .unwrap();
    let target = seminar(&app, "春季招生研讨会", "2027-01-20");
    let stores: Vec<i64> = ["甲", "乙", "丙", "丁"]
        .iter()
        .map(|n| store(&app, n, "A"))
        .collect();
    let list = call(
        &app,
        "invite_list.create",
        json!({"seminar_id": target, "filter": {"city": "长沙"}}),
    )
    .unwrap();
    assert_eq!(list["invited"], json!(4));
    let batch = list["batch"].as_str().unwrap().to_owned();
    assert_eq!(batch.len(), 36, "a UUID: {batch}");
    // Something happens to two of them: one is confirmed, one inviter records a call.
    let confirmed = invitation_of(&list, stores[0]);
    call(
        &app,
        "invitations.set_status",
        json!({"id": confirmed, "status": "confirmed"}),
    )
    .unwrap();
    let called = invitation_of(&list, stores[1]);
    let touch: i64 = app
        .db
        .conn()
        .query_row(
            "SELECT min(id) FROM touches WHERE invitation_id = ?1",
            [called],
            |r| r.get(0),
        )
        .unwrap();
    call(
        &app,
        "touches.record",
        json!({"id": touch, "outcome": "no_answer"}),
    )
    .unwrap();
    let untouched = [
        invitation_of(&list, stores[2]),
        invitation_of(&list, stores[3]),
    ];
    let undo = call(&app, "invitations.undo_batch", json!({"batch": batch})).unwrap();
    assert_eq!(undo["undone"], json!(2));
    let kept: Vec<(i64, &str)> = undo["kept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["invitation_id"].as_i64().unwrap(),
                k["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kept,
        [(confirmed, "status_changed"), (called, "touched")],
        "the others stay, each with why"
    );
    let left = count(
        &app,
        &format!(
            "SELECT count(*) FROM invitations WHERE id IN ({}, {})",
            untouched[0], untouched[1]
        ),
    );
    assert_eq!(left, 0);
    let orphans = count(
        &app,
        "SELECT count(*) FROM touches WHERE invitation_id NOT IN (SELECT id FROM invitations)",
    );
    assert_eq!(orphans, 0, "their scheduled touches went with them");
    // Again: nothing more to take back, and it says so without writing anything.
    let before = facts(&app);
    let again = call(&app, "invitations.undo_batch", json!({"batch": batch})).unwrap();
    assert_eq!(again["undone"], json!(0));
    assert_eq!(again["kept"].as_array().unwrap().len(), 2);
    assert_eq!(facts(&app), before);
    // The untouched stores can be invited again.
    let re = call(
        &app,
        "invite_list.preview",
        json!({"seminar_id": target, "filter": {"city": "长沙"}}),
    )
    .unwrap();
    assert_eq!(re["invited"], json!(2));
}

#[test]
fn a_store_list_selection_is_one_batch_and_its_undo_leaves_no_trace() {
    let app = app();
    let target = seminar(&app, "春季招生研讨会", "2027-01-20");
    let stores: Vec<i64> = ["甲", "乙", "丙"]
        .iter()
        .map(|n| store(&app, n, "B"))
        .collect();
    let before = facts(&app);
    let r = call(
        &app,
        "invitations.create_many",
        json!({"seminar_id": target, "store_ids": stores}),
    )
    .unwrap();
    assert_eq!(r["created"].as_array().unwrap().len(), 3);
    let batch = r["batch"].as_str().unwrap().to_owned();
    assert!(count(&app, "SELECT count(*) FROM touches") > 0);
    let undo = call(&app, "invitations.undo_batch", json!({"batch": batch})).unwrap();
    assert_eq!(undo["undone"], json!(3));
    assert_eq!(undo["kept"], json!([]));
    assert_eq!(facts(&app), before, "as if the batch was never made");
    // An unknown batch: a clear message, nothing written.
    let err = call(
        &app,
        "invitations.undo_batch",
        json!({"batch": "no-such-batch"}),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("batch"));
    let msg = err.message(huixiao::i18n::Lang::Zh);
    assert!(msg.contains("没有这批邀约"), "{msg}");
    assert_eq!(facts(&app), before);
    // A selection where every store was skipped makes no batch.
    let nobody = id(&call(
        &app,
        "stores.create",
        json!({"name": "没人的店", "city": "长沙"}),
    )
    .unwrap());
    let r = call(
        &app,
        "invitations.create_many",
        json!({"seminar_id": target, "store_ids": [nobody]}),
    )
    .unwrap();
    assert_eq!(r["batch"], Value::Null);
}

/// The steps of a saved template "上门版": a visit due at once (70 days before: already past,
/// so due the day the invitation is made), a reminder the day before.
fn visit_template(app: &App) -> i64 {
    let other = seminar(app, "样板会", "2027-02-20");
    let steps = json!([
        {"offset_days": -70, "kind": "invite", "channel": "visit", "message": "上门拜访{店名}", "until_confirmed": true},
        {"offset_days": -1, "kind": "reminder", "channel": "call", "message": "{姓名}明天见"}
    ]);
    call(app, "cadence.set", json!({"seminar_id": other, "name": "上门版", "steps": steps, "save_as_template": "上门版"})).unwrap();
    let t = call(app, "cadence.templates", json!({})).unwrap();
    t.as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == json!("上门版"))
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

fn channels(app: &App, invitation: i64) -> Vec<String> {
    let conn = app.db.conn();
    let mut st = conn
        .prepare("SELECT channel FROM touches WHERE invitation_id = ?1 ORDER BY step")
        .unwrap();
    st.query_map([invitation], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_segment_with_its_own_cadence_gives_its_invitations_that_cadence() {
    let app = app();
    let target = seminar(&app, "春季招生研讨会", "2027-01-20");
    let template = visit_template(&app);
    let a = store(&app, "甲", "A");
    let b = store(&app, "乙", "B");
    // A template that does not exist: a clear message, nothing written.
    let before = facts(&app);
    let err = call(
        &app,
        "segments.create",
        json!({"name": "A级上门", "filter": {"level": "A"}, "cadence_id": 999}),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("cadence_id"));
    assert_eq!(facts(&app), before);
    let seg = call(
        &app,
        "segments.create",
        json!({"name": "A级上门", "filter": {"level": "A"}, "cadence_id": template}),
    )
    .unwrap();
    assert_eq!(seg["cadence_name"], json!("上门版"));
    assert_eq!(seg["count"], json!(1));
    let list = call(
        &app,
        "invite_list.create",
        json!({"seminar_id": target, "segment": "A级上门"}),
    )
    .unwrap();
    assert_eq!(list["cadence"], json!("上门版"));
    let from_segment = invitation_of(&list, a);
    assert_eq!(channels(&app, from_segment), ["visit", "call"]);
    // The seminar's other invitations keep the seminar's (default) cadence.
    let other = call(
        &app,
        "invite_list.create",
        json!({"seminar_id": target, "filter": {"level": "B"}}),
    )
    .unwrap();
    assert_eq!(other["cadence"], Value::Null);
    let default_steps = huixiao::cadence::default_steps(huixiao::i18n::Lang::Zh).len();
    assert_eq!(
        channels(&app, invitation_of(&other, b)).len(),
        default_steps
    );
    // Today's touches read the segment's template: the visit, its message filled in.
    let today = call(&app, "touches.today", json!({"seminar_id": target})).unwrap();
    let visit = today
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["invitation_id"] == json!(from_segment))
        .expect("the visit is due today");
    assert_eq!(visit["channel"], json!("visit"));
    assert_eq!(visit["message"], json!("上门拜访甲"));
    // Editing or deleting the template later does not renumber the steps its touches point at;
    // a seminar cadence change reschedules from the invitation's own copy.
    app.db
        .conn()
        .execute("DELETE FROM cadences WHERE id = ?1", [template])
        .unwrap();
    let seg = call(&app, "segments.list", json!({})).unwrap();
    assert_eq!(seg[0]["cadence_id"], Value::Null);
    let steps = json!([{"offset_days": -3, "kind": "confirm", "channel": "call", "message": "{姓名}您好", "until_confirmed": true}]);
    call(
        &app,
        "cadence.set",
        json!({"seminar_id": target, "name": "简版", "steps": steps}),
    )
    .unwrap();
    assert_eq!(channels(&app, from_segment), ["visit", "call"]);
    assert_eq!(channels(&app, invitation_of(&other, b)), ["call"]);
}
