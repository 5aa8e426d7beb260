//! Invitations: the one transition (its rules table and its consequences, whoever changes the
//! status), inviting many stores at once, bulk status all or nothing, editing who comes, and
//! the list's filters.

use huixiao::i18n::Lang;
use serde_json::{json, Value};

use crate::support::{app, call, dump, world, World};

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

/// The world's owner (陈建国): the first contact of its store.
fn owner(app: &huixiao::App, w: &World) -> i64 {
    let store = call(app, "stores.get", json!({"id": w.store})).unwrap();
    store["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "owner")
        .map(id)
        .unwrap()
}

fn invite(app: &huixiao::App, w: &World, contacts: &[i64]) -> Value {
    call(
        app,
        "invitations.create",
        json!({"seminar_id": w.seminar, "store_id": w.store, "inviter_id": w.inviter, "contact_ids": contacts}),
    )
    .unwrap()
}

fn set(app: &huixiao::App, inv: i64, status: &str) -> Result<Value, huixiao::api::Failure> {
    call(
        app,
        "invitations.set_status",
        json!({"id": inv, "status": status, "decline_reason": "临时出差"}),
    )
}

fn open_touches(app: &huixiao::App, inv: i64) -> i64 {
    app.db
        .conn()
        .query_row(
            "SELECT count(*) FROM touches WHERE invitation_id = ?1 AND done_at IS NULL",
            [inv],
            |r| r.get(0),
        )
        .unwrap()
}

fn scan(app: &huixiao::App, w: &World, code: &str) -> Value {
    call(
        app,
        "checkins.scan",
        json!({"seminar_id": w.seminar, "code": code}),
    )
    .unwrap()
}

fn codes(inv: &Value) -> Vec<String> {
    inv["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_rules_table_every_move_allowed_or_refused() {
    let all = ["invited", "confirmed", "declined", "cancelled"];
    let refused = [("declined", "cancelled"), ("cancelled", "declined")];
    for from in all {
        for to in all {
            let app = app();
            let w = world(&app);
            let inv = id(&invite(&app, &w, &[w.spouse]));
            if from != "invited" {
                set(&app, inv, from).unwrap();
            }
            let before = dump(&app);
            let r = set(&app, inv, to);
            if refused.contains(&(from, to)) {
                let e = r.expect_err(&format!("{from} → {to} must be refused"));
                assert_eq!(e.code(), "conflict", "{from} → {to}");
                assert!(e.message(Lang::Zh).contains("小太阳幼儿园"), "{e}");
                assert!(
                    e.message(Lang::En).contains("set it back to invited"),
                    "{e}"
                );
                assert!(dump(&app) == before, "{from} → {to} wrote nothing");
            } else {
                let r = r.unwrap_or_else(|e| panic!("{from} → {to}: {e}"));
                assert_eq!(r["status"], to, "{from} → {to}");
            }
        }
    }
}

#[test]
fn declining_needs_a_reason_whoever_declines() {
    let app = app();
    let w = world(&app);
    let inv = id(&invite(&app, &w, &[w.spouse]));
    let before = dump(&app);
    let e = call(
        &app,
        "invitations.set_status",
        json!({"id": inv, "status": "declined"}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("decline_reason"));
    assert!(e.message(Lang::Zh).contains("拒绝原因"));
    assert!(e.message(Lang::En).contains("reason"));
    assert!(dump(&app) == before);
}

#[test]
fn confirming_tickets_every_guest_once_and_skips_the_confirmation_touches() {
    let app = app();
    let w = world(&app);
    let owner = owner(&app, &w);
    let inv = invite(&app, &w, &[w.spouse, owner]);
    assert!(codes(&inv).is_empty(), "no tickets before confirming");
    assert!(
        open_touches(&app, id(&inv)) > 0,
        "the sequence is scheduled"
    );
    let confirmed = set(&app, id(&inv), "confirmed").unwrap();
    let tickets = codes(&confirmed);
    assert_eq!(tickets.len(), 2, "one ticket per guest: {confirmed}");
    assert_eq!(confirmed["tickets"][0]["contact_name"], "陈建国");
    // Confirming again issues nothing more.
    let again = set(&app, id(&inv), "confirmed").unwrap();
    assert_eq!(codes(&again), tickets);
    let kinds: Vec<String> = app
        .db
        .conn()
        .prepare(
            "SELECT kind FROM touches WHERE invitation_id = ?1 AND done_at IS NULL ORDER BY step",
        )
        .unwrap()
        .query_map([id(&inv)], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        !kinds.iter().any(|k| k == "invite" || k == "confirm"),
        "the until-confirmed touches are skipped: {kinds:?}"
    );
}

#[test]
fn declining_or_cancelling_closes_touches_and_cancels_tickets_a_scan_answers_cancelled() {
    for status in ["declined", "cancelled"] {
        let app = app();
        let w = world(&app);
        let inv = id(&invite(&app, &w, &[w.spouse]));
        let code = codes(&set(&app, inv, "confirmed").unwrap())[0].clone();
        assert!(open_touches(&app, inv) > 0);
        let r = set(&app, inv, status).unwrap();
        assert!(codes(&r).is_empty(), "{status}: no live tickets: {r}");
        assert_eq!(open_touches(&app, inv), 0, "{status}: touches closed");
        assert_eq!(scan(&app, &w, &code)["outcome"], "cancelled", "{status}");
        // Confirmed again: a new ticket; the old one stays cancelled.
        let back = set(&app, inv, "confirmed").unwrap();
        let new = codes(&back);
        assert_eq!(new.len(), 1);
        assert_ne!(new[0], code);
        assert_eq!(scan(&app, &w, &code)["outcome"], "cancelled");
        assert_eq!(scan(&app, &w, &new[0])["outcome"], "checked_in");
    }
}

#[test]
fn an_arrival_closes_touches_and_an_arrived_store_cannot_be_declined_cancelled_or_set_back() {
    let app = app();
    let w = world(&app);
    let inv = id(&invite(&app, &w, &[w.spouse]));
    let code = codes(&set(&app, inv, "confirmed").unwrap())[0].clone();
    assert!(open_touches(&app, inv) > 0);
    let checked = scan(&app, &w, &code);
    assert_eq!(checked["outcome"], "checked_in");
    assert_eq!(open_touches(&app, inv), 0, "the arrival closes the touches");
    let listed = call(&app, "invitations.list", json!({"seminar_id": w.seminar})).unwrap();
    assert_eq!(listed[0]["arrived"], true);

    let before = dump(&app);
    for to in ["declined", "cancelled", "invited"] {
        let e = set(&app, inv, to).unwrap_err();
        assert_eq!(e.code(), "conflict", "{to}");
        assert!(e.message(Lang::Zh).contains("请先撤销签到"), "{e}");
        assert!(
            e.message(Lang::En).contains("undo the check-in first"),
            "{e}"
        );
    }
    assert!(dump(&app) == before);
    assert_eq!(set(&app, inv, "confirmed").unwrap()["status"], "confirmed");

    // After undoing the check-in, the store can be declined.
    call(&app, "checkins.undo", json!({"id": checked["checkin_id"]})).unwrap();
    assert_eq!(set(&app, inv, "declined").unwrap()["status"], "declined");
}

#[test]
fn a_touch_outcome_goes_through_the_same_rules() {
    let app = app();
    let w = world(&app);
    let inv = id(&invite(&app, &w, &[w.spouse]));
    let touch: i64 = app
        .db
        .conn()
        .query_row(
            "SELECT id FROM touches WHERE invitation_id = ?1 AND done_at IS NULL ORDER BY step LIMIT 1",
            [inv],
            |r| r.get(0),
        )
        .unwrap();
    let r = call(
        &app,
        "touches.record",
        json!({"id": touch, "outcome": "declined", "decline_reason": "不感兴趣"}),
    )
    .unwrap();
    assert_eq!(r["invitation"]["status"], "declined");
    assert_eq!(open_touches(&app, inv), 0);
    // declined → cancelled is refused whoever asks.
    assert_eq!(set(&app, inv, "cancelled").unwrap_err().code(), "conflict");
}

#[test]
fn a_walk_in_of_a_declined_store_is_confirmed_through_the_transition() {
    let app = app();
    let w = world(&app);
    let inv = id(&invite(&app, &w, &[w.spouse]));
    let old = codes(&set(&app, inv, "confirmed").unwrap())[0].clone();
    set(&app, inv, "declined").unwrap();
    // The owner turns up at the door after all (found by phone).
    let r = call(
        &app,
        "checkins.walk_in",
        json!({"seminar_id": w.seminar, "store_name": "小太阳幼儿园", "guest_name": "陈建国", "phone": "13800138000"}),
    )
    .unwrap();
    assert_eq!(r["outcome"], "checked_in", "{r}");
    let listed = call(&app, "invitations.list", json!({"seminar_id": w.seminar})).unwrap();
    let inv = &listed[0];
    assert_eq!(inv["status"], "confirmed");
    assert_eq!(inv["decline_reason"], "");
    assert_eq!(inv["arrived"], true);
    assert_eq!(codes(inv).len(), 2, "both guests hold a live ticket: {inv}");
    assert_eq!(scan(&app, &w, &old)["outcome"], "cancelled");
    assert_eq!(open_touches(&app, id(inv)), 0);
}

#[test]
fn a_walk_in_created_as_an_invitation_is_confirmed_with_tickets() {
    let app = app();
    let w = world(&app);
    let inv = call(
        &app,
        "invitations.create",
        json!({"seminar_id": w.seminar, "store_id": w.store, "contact_ids": [w.spouse], "walk_in": true}),
    )
    .unwrap();
    assert_eq!(inv["status"], "confirmed");
    assert_eq!(codes(&inv).len(), 1);
    assert_eq!(open_touches(&app, id(&inv)), 0, "a walk-in has no sequence");
}

#[test]
fn inviting_many_stores_picks_the_money_holder_and_skips_what_it_cannot_invite() {
    let app = app();
    let w = world(&app);
    let store = |name: &str, contacts: &[(&str, &str)]| {
        let s = id(&call(&app, "stores.create", json!({"name": name, "city": "长沙"})).unwrap());
        let ids: Vec<i64> = contacts
            .iter()
            .map(|(n, role)| {
                id(&call(
                    &app,
                    "contacts.create",
                    json!({"store_id": s, "name": n, "role": role}),
                )
                .unwrap())
            })
            .collect();
        (s, ids)
    };
    let (owner_only, oo) = store("花店", &[("店员小张", "staff"), ("王老板", "owner")]);
    let (staff_only, so) = store("药店", &[("店员小李", "staff"), ("店员小赵", "staff")]);
    let (empty, _) = store("空店", &[]);
    let (invited, io) = store("已邀约的店", &[("周老板", "owner")]);
    call(
        &app,
        "invitations.create",
        json!({"seminar_id": w.seminar, "store_id": invited, "contact_ids": io}),
    )
    .unwrap();

    // An unknown store refuses the whole batch.
    let before = dump(&app);
    let e = call(
        &app,
        "invitations.create_many",
        json!({"seminar_id": w.seminar, "store_ids": [w.store, 9999]}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("store_ids"));
    assert!(e.message(Lang::Zh).contains("9999"));
    assert!(e.message(Lang::En).contains("no store was invited"));
    assert!(dump(&app) == before);

    let r = call(
        &app,
        "invitations.create_many",
        json!({"seminar_id": w.seminar, "store_ids": [w.store, owner_only, staff_only, empty, invited, w.store], "inviter_id": w.inviter}),
    )
    .unwrap();
    let created: Vec<(i64, i64)> = r["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["store_id"].as_i64().unwrap(),
                i["guests"][0]["contact_id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        created,
        [
            (w.store, w.spouse),
            (owner_only, oo[1]),
            (staff_only, so[0])
        ],
        "the owner's spouse, else the owner, else the first contact"
    );
    assert!(r["created"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["status"] == "invited"
            && i["inviter_id"] == w.inviter
            && i["guests"].as_array().unwrap().len() == 1));
    let skipped: Vec<(i64, &str, &str)> = r["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["store_id"].as_i64().unwrap(),
                s["store_name"].as_str().unwrap(),
                s["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        skipped,
        [
            (empty, "空店", "no_contact"),
            (invited, "已邀约的店", "already_invited")
        ]
    );
    // Each new invitation has its sequence.
    let first = id(&r["created"][0]);
    assert!(open_touches(&app, first) > 0);
}

#[test]
fn bulk_status_is_all_or_nothing_and_names_the_store_that_cannot_change() {
    let app = app();
    let w = world(&app);
    let (mut ids, mut codes_of) = (Vec::new(), Vec::new());
    for name in ["甲店", "乙店", "丙店"] {
        let s = id(&call(&app, "stores.create", json!({"name": name, "city": "长沙"})).unwrap());
        let c = id(&call(
            &app,
            "contacts.create",
            json!({"store_id": s, "name": "老板娘", "role": "owner_spouse"}),
        )
        .unwrap());
        let inv = call(
            &app,
            "invitations.create",
            json!({"seminar_id": w.seminar, "store_id": s, "contact_ids": [c]}),
        )
        .unwrap();
        ids.push(id(&inv));
    }
    let all = call(
        &app,
        "invitations.bulk_status",
        json!({"seminar_id": w.seminar, "ids": ids, "status": "confirmed"}),
    )
    .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 3);
    for inv in all.as_array().unwrap() {
        assert_eq!(inv["status"], "confirmed");
        codes_of.push(codes(inv)[0].clone());
    }
    // 乙店 arrives: declining all three is refused, naming it, and nothing changes.
    scan(&app, &w, &codes_of[1]);
    let before = dump(&app);
    let e = call(
        &app,
        "invitations.bulk_status",
        json!({"seminar_id": w.seminar, "ids": ids, "status": "declined", "decline_reason": "活动改期"}),
    )
    .unwrap_err();
    assert_eq!(e.code(), "conflict");
    assert!(e.message(Lang::Zh).contains("乙店"), "{e}");
    assert!(e.message(Lang::En).contains("乙店"), "{e}");
    assert!(dump(&app) == before, "all or nothing");
    // Declining without a reason is a field error.
    let e = call(
        &app,
        "invitations.bulk_status",
        json!({"seminar_id": w.seminar, "ids": [ids[0]], "status": "declined"}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("decline_reason"));
    // An invitation of another seminar is refused.
    let other = call(
        &app,
        "seminars.create",
        json!({"title": "另一场", "date": "2026-12-20", "start_time": "14:00", "capacity": 50}),
    )
    .unwrap();
    let before = dump(&app);
    let e = call(
        &app,
        "invitations.bulk_status",
        json!({"seminar_id": id(&other), "ids": [ids[0]], "status": "cancelled"}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("ids"));
    assert!(dump(&app) == before);
    // The two that did not come can be cancelled together; their tickets stop working.
    let r = call(
        &app,
        "invitations.bulk_status",
        json!({"seminar_id": w.seminar, "ids": [ids[0], ids[2]], "status": "cancelled", "decline_reason": "活动改期"}),
    )
    .unwrap();
    assert!(r
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["status"] == "cancelled" && i["decline_reason"] == "活动改期"));
    assert_eq!(scan(&app, &w, &codes_of[0])["outcome"], "cancelled");
    assert_eq!(scan(&app, &w, &codes_of[2])["outcome"], "cancelled");
}

#[test]
fn changing_who_comes_re_tickets_a_confirmed_invitation() {
    let app = app();
    let w = world(&app);
    let owner = owner(&app, &w);
    let inv = id(&invite(&app, &w, &[w.spouse]));
    let spouse_code = codes(&set(&app, inv, "confirmed").unwrap())[0].clone();

    let r = call(
        &app,
        "invitations.update",
        json!({"id": inv, "contact_ids": [owner], "inviter_id": null, "note": "老板娘临时有事，换老板来"}),
    )
    .unwrap();
    assert_eq!(r["guests"].as_array().unwrap().len(), 1);
    assert_eq!(r["guests"][0]["contact_id"], owner);
    assert_eq!(r["inviter_id"], Value::Null);
    assert_eq!(r["note"], "老板娘临时有事，换老板来");
    assert_eq!(r["tickets"].as_array().unwrap().len(), 1);
    assert_eq!(
        r["tickets"][0]["contact_id"], owner,
        "the added guest is ticketed"
    );
    assert_eq!(
        scan(&app, &w, &spouse_code)["outcome"],
        "cancelled",
        "the removed guest's ticket is cancelled"
    );
    let owner_code = codes(&r)[0].clone();
    assert_eq!(scan(&app, &w, &owner_code)["outcome"], "checked_in");

    // A guest who has checked in cannot be removed; a contact of another store cannot be added.
    let before = dump(&app);
    let e = call(
        &app,
        "invitations.update",
        json!({"id": inv, "contact_ids": [w.spouse], "note": ""}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("contact_ids"));
    assert!(
        e.message(Lang::En).contains("undo the check-in first"),
        "{e}"
    );
    assert!(dump(&app) == before);
    let s = id(&call(
        &app,
        "stores.create",
        json!({"name": "别家", "city": "长沙"}),
    )
    .unwrap());
    let stranger = id(&call(
        &app,
        "contacts.create",
        json!({"store_id": s, "name": "路人", "role": "owner"}),
    )
    .unwrap());
    let before = dump(&app);
    let e = call(
        &app,
        "invitations.update",
        json!({"id": inv, "contact_ids": [owner, stranger], "note": ""}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("contact_ids"));
    assert!(dump(&app) == before);

    // On an invitation not confirmed, changing guests issues nothing.
    let inv2 = call(
        &app,
        "invitations.create",
        json!({"seminar_id": w.seminar, "store_id": s, "contact_ids": [stranger]}),
    )
    .unwrap();
    let r = call(
        &app,
        "invitations.update",
        json!({"id": id(&inv2), "contact_ids": [stranger], "inviter_id": w.inviter, "note": ""}),
    )
    .unwrap();
    assert!(codes(&r).is_empty());
    assert_eq!(r["inviter_id"], w.inviter);
}

#[test]
fn the_list_filters_by_status_inviter_and_name_or_the_phones_last_four_digits() {
    let app = app();
    let w = world(&app);
    invite(&app, &w, &[w.spouse]);
    let s = id(&call(
        &app,
        "stores.create",
        json!({"name": "星星花店", "city": "长沙"}),
    )
    .unwrap());
    let c = id(&call(
        &app,
        "contacts.create",
        json!({"store_id": s, "name": "黄蓉", "role": "owner", "phone": "13700001234"}),
    )
    .unwrap());
    let other = call(
        &app,
        "invitations.create",
        json!({"seminar_id": w.seminar, "store_id": s, "contact_ids": [c]}),
    )
    .unwrap();
    set(&app, id(&other), "confirmed").unwrap();

    let names = |q: Value| -> Vec<String> {
        let mut input = q;
        input["seminar_id"] = json!(w.seminar);
        call(&app, "invitations.list", input)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["store_name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(json!({})), ["小太阳幼儿园", "星星花店"]);
    assert_eq!(names(json!({"status": "confirmed"})), ["星星花店"]);
    assert_eq!(names(json!({"inviter_id": w.inviter})), ["小太阳幼儿园"]);
    assert_eq!(names(json!({"q": "花店"})), ["星星花店"]);
    assert_eq!(names(json!({"q": "刘丽"})), ["小太阳幼儿园"]);
    assert_eq!(names(json!({"q": "1234"})), ["星星花店"]);
    assert_eq!(names(json!({"q": "8001"})), ["小太阳幼儿园"]);
    assert!(names(json!({"q": "没有这家"})).is_empty());
    assert_eq!(names(json!({"q": "  "})).len(), 2);
    // Over HTTP the same query arrives as form pairs.
    let op = huixiao::api::find("invitations.list").unwrap();
    let form = vec![
        ("seminar_id".to_owned(), w.seminar.to_string()),
        ("status".to_owned(), "invited".to_owned()),
        ("q".to_owned(), "幼儿园".to_owned()),
    ];
    let out = op
        .call(
            &huixiao::api::Host::new(app.clone()),
            &crate::support::organizer(huixiao::i18n::Lang::Zh),
            huixiao::api::Input::Form(form),
        )
        .unwrap();
    assert_eq!(out.as_array().unwrap().len(), 1);
}
