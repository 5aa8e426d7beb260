//! The invitation sequence: scheduling across month and year ends in venue-local dates, today's
//! work, outcomes advancing or ending the sequence, opt-outs, progress, tickets.

use chrono::Utc;
use huixiao::app::Clock;
use huixiao::i18n::Lang;
use huixiao::App;
use serde_json::{json, Value};

use crate::support::{call, dump};

/// A file database reopened with a different clock for each "day".
struct Days {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

impl Days {
    fn new() -> Days {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        Days { _dir: dir, path }
    }
    /// The app as of `utc` (RFC 3339).
    fn at(&self, utc: &str) -> App {
        let t = chrono::DateTime::parse_from_rfc3339(utc)
            .unwrap()
            .with_timezone(&Utc);
        App::open(&self.path).unwrap().with_clock(Clock::Fixed(t))
    }
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

struct Setup {
    inviter: i64,
    seminar: i64,
    store: i64,
    spouse: i64,
    owner: i64,
}

/// An inviter, a store with owner and spouse, and a seminar on `date` in `tz`.
fn setup(app: &App, date: &str, tz: &str) -> Setup {
    let inviter = id(&call(
        app,
        "staff.create",
        json!({"name": "王芳", "roles": ["inviter"]}),
    )
    .unwrap());
    let store = id(&call(
        app,
        "stores.create",
        json!({"name": "小太阳幼儿园", "city": "长沙", "industry": "幼儿园"}),
    )
    .unwrap());
    let owner = id(&call(
        app,
        "contacts.create",
        json!({"store_id": store, "name": "陈建国", "role": "owner", "phone": "13800138000"}),
    )
    .unwrap());
    let spouse = id(&call(
        app,
        "contacts.create",
        json!({"store_id": store, "name": "刘丽", "role": "owner_spouse", "phone": "13800138001"}),
    )
    .unwrap());
    let seminar = id(&call(
        app,
        "seminars.create",
        json!({"title": "新年招生研讨会", "date": date, "start_time": "14:00", "capacity": 2, "city": "长沙", "venue": "华天大酒店", "timezone": tz}),
    )
    .unwrap());
    Setup {
        inviter,
        seminar,
        store,
        spouse,
        owner,
    }
}

fn invite(app: &App, s: &Setup, contacts: &[i64]) -> i64 {
    id(&call(
        app,
        "invitations.create",
        json!({"seminar_id": s.seminar, "store_id": s.store, "inviter_id": s.inviter, "contact_ids": contacts}),
    )
    .unwrap())
}

fn due_dates(app: &App) -> Vec<(String, String)> {
    app.db
        .conn()
        .prepare("SELECT kind, due_date FROM touches WHERE done_at IS NULL ORDER BY due_date, id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn today(app: &App, inviter: i64) -> Vec<Value> {
    call(app, "touches.today", json!({"inviter_id": inviter}))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn touches_fall_on_venue_local_dates_across_the_year_end() {
    let days = Days::new();
    // 2026-12-01 09:00 in Shanghai.
    let app = days.at("2026-12-01T01:00:00Z");
    let s = setup(&app, "2027-01-03", "Asia/Shanghai");
    invite(&app, &s, &[s.spouse]);
    let dates: Vec<String> = due_dates(&app).into_iter().map(|(_, d)| d).collect();
    assert_eq!(
        dates,
        [
            "2026-12-24",
            "2026-12-29",
            "2026-12-31",
            "2027-01-02",
            "2027-01-03"
        ]
    );
    let cadence = call(&app, "cadence.get", json!({"seminar_id": s.seminar})).unwrap();
    assert_eq!(cadence["dates"][2], "2026-12-31");
    drop(app);

    // 2027-01-02 23:30 UTC is already the morning of the 3rd in Shanghai: D-1 overdue, D-0 due.
    let app = days.at("2027-01-02T23:30:00Z");
    let list = today(&app, s.inviter);
    let kinds: Vec<(&str, i64)> = list
        .iter()
        .map(|t| {
            (
                t["kind"].as_str().unwrap(),
                t["overdue_days"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("invite", 10),
            ("purpose", 5),
            ("confirm", 3),
            ("reminder", 1),
            ("morning", 0)
        ]
    );
    let morning = &list[4];
    assert_eq!(morning["contact_name"], "刘丽");
    assert_eq!(
        morning["message"],
        "刘丽早上好！今天1月3日（周日）14:00见，地址：长沙 华天大酒店，您的座位：签到时安排。入场票码：确认后发送。"
    );
}

#[test]
fn a_late_invitation_has_its_past_steps_due_the_day_it_is_made_in_a_leap_february() {
    let days = Days::new();
    let app = days.at("2028-02-27T02:00:00Z");
    let s = setup(&app, "2028-03-01", "Asia/Shanghai");
    invite(&app, &s, &[s.spouse]);
    let got = due_dates(&app);
    assert_eq!(
        got,
        [
            ("invite".to_string(), "2028-02-27".to_string()),
            ("purpose".into(), "2028-02-27".into()),
            ("confirm".into(), "2028-02-27".into()),
            ("reminder".into(), "2028-02-29".into()),
            ("morning".into(), "2028-03-01".into()),
        ]
    );
}

#[test]
fn confirming_issues_tickets_and_skips_the_confirmation_call_declining_ends_the_sequence() {
    let days = Days::new();
    let app = days.at("2026-12-24T01:00:00Z");
    let s = setup(&app, "2027-01-03", "Asia/Shanghai");
    let inv = invite(&app, &s, &[s.spouse, s.owner]);
    let list = today(&app, s.inviter);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["kind"], "invite");
    assert_eq!(list[0]["channel"], "call");
    assert_eq!(
        list[0]["role"], "owner_spouse",
        "the money-holder is called first"
    );
    assert!(list[0]["message"].as_str().unwrap().contains("我是王芳"));

    let r = call(
        &app,
        "touches.record",
        json!({"id": list[0]["touch_id"], "outcome": "confirmed", "staff_id": s.inviter}),
    )
    .unwrap();
    assert_eq!(r["invitation"]["status"], "confirmed");
    let codes = r["tickets"].as_array().unwrap();
    assert_eq!(codes.len(), 2, "one ticket per guest");
    let again = call(
        &app,
        "touches.record",
        json!({"id": list[0]["touch_id"], "outcome": "reached"}),
    );
    assert_eq!(again.unwrap_err().code(), "conflict");
    let kinds: Vec<String> = due_dates(&app).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        kinds,
        ["purpose", "reminder", "morning"],
        "the confirmation call is skipped"
    );
    drop(app);

    // D-1: the reminder carries the spouse's ticket code.
    let app = days.at("2027-01-02T01:00:00Z");
    let list = today(&app, s.inviter);
    let reminder = list.iter().find(|t| t["kind"] == "reminder").unwrap();
    let code = reminder["ticket_code"].as_str().unwrap();
    assert!(reminder["message"].as_str().unwrap().contains(code));
    let tickets = call(&app, "tickets.list", json!({"seminar_id": s.seminar})).unwrap();
    let spouse_ticket = tickets
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["contact_id"] == s.spouse)
        .unwrap();
    assert_eq!(spouse_ticket["code"], code);

    // Declining by hand later ends the sequence.
    call(
        &app,
        "invitations.set_status",
        json!({"id": inv, "status": "declined", "decline_reason": "临时出差"}),
    )
    .unwrap();
    assert!(due_dates(&app).is_empty());
    assert!(today(&app, s.inviter).is_empty());
}

#[test]
fn declining_needs_a_reason_and_ends_the_touches_call_back_schedules_a_new_one() {
    let days = Days::new();
    let app = days.at("2026-12-24T01:00:00Z");
    let s = setup(&app, "2027-01-03", "Asia/Shanghai");
    invite(&app, &s, &[s.spouse]);
    let t = today(&app, s.inviter)[0]["touch_id"].as_i64().unwrap();

    let before = dump(&app);
    let e = call(
        &app,
        "touches.record",
        json!({"id": t, "outcome": "declined"}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("decline_reason"));
    assert!(e.message(Lang::Zh).contains("拒绝原因"));
    let e = call(
        &app,
        "touches.record",
        json!({"id": t, "outcome": "call_back", "call_back_date": "2026-12-01"}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("call_back_date"));
    assert_eq!(dump(&app), before);

    let r = call(
        &app,
        "touches.record",
        json!({"id": t, "outcome": "call_back", "call_back_date": "2026-12-26", "call_back_time": "15:30", "note": "在开会"}),
    )
    .unwrap();
    assert!(r["call_back_touch_id"].is_i64());
    drop(app);
    let app = days.at("2026-12-26T01:00:00Z");
    let list = today(&app, s.inviter);
    let cb = list.iter().find(|x| x["call_back"] == true).unwrap();
    assert_eq!(
        (cb["call_back_at"].as_str(), cb["kind"].as_str()),
        (Some("15:30"), Some("invite"))
    );
    let r = call(
        &app,
        "touches.record",
        json!({"id": cb["touch_id"], "outcome": "declined", "decline_reason": "不感兴趣"}),
    )
    .unwrap();
    assert_eq!(r["invitation"]["status"], "declined");
    assert_eq!(r["invitation"]["decline_reason"], "不感兴趣");
    assert!(today(&app, s.inviter).is_empty());
}

#[test]
fn opted_out_contacts_get_no_messages() {
    let days = Days::new();
    let app = days.at("2026-12-24T01:00:00Z");
    let s = setup(&app, "2027-01-03", "Asia/Shanghai");
    call(&app, "contacts.update", json!({"id": s.spouse, "name": "刘丽", "role": "owner_spouse", "phone": "13800138001", "opted_out": true})).unwrap();
    invite(&app, &s, &[s.spouse]);
    let kinds: Vec<String> = due_dates(&app).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        kinds,
        ["invite", "confirm"],
        "calls only: no message touches"
    );
    drop(app);

    // A guest who opts out after the touches were made: their messages disappear from the list,
    // and with two guests the other one (who did not opt out) gets them.
    let days = Days::new();
    let app = days.at("2026-12-24T01:00:00Z");
    let s = setup(&app, "2027-01-03", "Asia/Shanghai");
    invite(&app, &s, &[s.spouse, s.owner]);
    call(&app, "contacts.update", json!({"id": s.spouse, "name": "刘丽", "role": "owner_spouse", "phone": "13800138001", "opted_out": true})).unwrap();
    drop(app);
    let app = days.at("2026-12-29T01:00:00Z");
    let purpose = today(&app, s.inviter)
        .into_iter()
        .find(|t| t["kind"] == "purpose")
        .unwrap();
    assert_eq!(purpose["contact_name"], "陈建国");
    call(&app, "contacts.update", json!({"id": s.owner, "name": "陈建国", "role": "owner", "phone": "13800138000", "opted_out": true})).unwrap();
    let kinds: Vec<String> = today(&app, s.inviter)
        .iter()
        .map(|t| t["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["invite"], "no messages once everyone opted out");
}

#[test]
fn progress_per_inviter_against_capacity() {
    let days = Days::new();
    let app = days.at("2026-12-24T01:00:00Z");
    let s = setup(&app, "2027-01-03", "Asia/Shanghai");
    invite(&app, &s, &[s.spouse, s.owner]);
    let other = id(&call(
        &app,
        "stores.create",
        json!({"name": "美丽人生", "city": "长沙"}),
    )
    .unwrap());
    let c = id(&call(
        &app,
        "contacts.create",
        json!({"store_id": other, "name": "张敏", "role": "owner", "phone": "13900001111"}),
    )
    .unwrap());
    call(&app, "invitations.create", json!({"seminar_id": s.seminar, "store_id": other, "inviter_id": s.inviter, "contact_ids": [c]})).unwrap();
    let list = today(&app, s.inviter);
    call(
        &app,
        "touches.record",
        json!({"id": list[0]["touch_id"], "outcome": "confirmed"}),
    )
    .unwrap();
    call(
        &app,
        "touches.record",
        json!({"id": list[1]["touch_id"], "outcome": "no_answer"}),
    )
    .unwrap();
    let p = call(
        &app,
        "invitations.progress",
        json!({"seminar_id": s.seminar}),
    )
    .unwrap();
    assert_eq!(p["capacity"], 2);
    assert_eq!(p["inviters"][0]["inviter_name"], "王芳");
    for (k, v) in [
        ("invited", 2),
        ("reached", 1),
        ("confirmed", 1),
        ("declined", 0),
        ("confirmed_guests", 2),
        ("due_today", 0),
    ] {
        assert_eq!(p["inviters"][0][k], v, "{k}: {p}");
    }
}

#[test]
fn an_edited_cadence_is_saved_as_a_template_and_reschedules_open_touches() {
    let days = Days::new();
    let app = days.at("2026-12-01T01:00:00Z");
    let s = setup(&app, "2027-01-03", "Asia/Shanghai");
    invite(&app, &s, &[s.spouse]);
    let steps = json!([
        {"offset_days": -7, "kind": "invite", "channel": "visit", "message": "上门拜访{店名}", "until_confirmed": true},
        {"offset_days": -1, "kind": "reminder", "channel": "message", "message": "{姓名}明天见，票码 {票码}", "with_ticket": true}
    ]);
    let v = call(&app, "cadence.set", json!({"seminar_id": s.seminar, "name": "上门版", "steps": steps, "save_as_template": "上门版"})).unwrap();
    assert_eq!(v["dates"], json!(["2026-12-27", "2027-01-02"]));
    assert_eq!(
        due_dates(&app),
        [
            ("invite".to_string(), "2026-12-27".to_string()),
            ("reminder".into(), "2027-01-02".into())
        ]
    );
    let t = call(&app, "cadence.templates", json!({})).unwrap();
    let names: Vec<&str> = t
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["默认邀约节奏", "上门版"]);
    let before = dump(&app);
    let bad =
        json!([{"offset_days": -1, "kind": "reminder", "channel": "message", "message": "{名字}"}]);
    let e = call(
        &app,
        "cadence.set",
        json!({"seminar_id": s.seminar, "name": "x", "steps": bad}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("steps"));
    assert_eq!(dump(&app), before);
}

#[test]
fn every_one_character_change_of_a_ticket_code_is_rejected() {
    let app = crate::support::app();
    let w = crate::support::world(&app);
    let inv = id(&call(
        &app,
        "invitations.create",
        json!({"seminar_id": w.seminar, "store_id": w.store, "contact_ids": [w.spouse]}),
    )
    .unwrap());
    call(
        &app,
        "invitations.set_status",
        json!({"id": inv, "status": "confirmed"}),
    )
    .unwrap();
    let tickets = call(&app, "tickets.list", json!({"seminar_id": w.seminar})).unwrap();
    let code = tickets[0]["code"].as_str().unwrap().to_owned();
    let conn = app.db.conn();
    assert!(huixiao::ticket::verify(&conn, &code).is_ok());
    assert!(
        huixiao::ticket::verify(&conn, &code.to_lowercase()).is_ok(),
        "typed in lower case"
    );
    let alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZILOU-a ";
    let mut tried = 0;
    for i in 0..code.len() {
        for c in alphabet.chars() {
            if code.as_bytes()[i] as char == c
                || (c.is_ascii_lowercase() && code.as_bytes()[i] as char == c.to_ascii_uppercase())
            {
                continue;
            }
            let mut changed: Vec<char> = code.chars().collect();
            changed[i] = c;
            let changed: String = changed.into_iter().collect();
            let e = huixiao::ticket::verify(&conn, &changed).expect_err(&changed);
            assert_eq!(e.field(), Some("code"));
            tried += 1;
        }
        // Dropped or doubled characters too.
        let mut shorter = code.clone();
        shorter.remove(i);
        assert!(huixiao::ticket::verify(&conn, &shorter).is_err());
        let mut longer = code.clone();
        longer.insert(i, 'A');
        assert!(huixiao::ticket::verify(&conn, &longer).is_err());
    }
    assert!(tried > 26 * 30);
}

#[test]
fn ticket_qr_png_and_pdf() {
    let app = crate::support::app();
    let w = crate::support::world(&app);
    let inv = id(&call(
        &app,
        "invitations.create",
        json!({"seminar_id": w.seminar, "store_id": w.store, "contact_ids": [w.spouse]}),
    )
    .unwrap());
    call(
        &app,
        "invitations.set_status",
        json!({"id": inv, "status": "confirmed"}),
    )
    .unwrap();
    let code = call(&app, "tickets.list", json!({"seminar_id": w.seminar})).unwrap()[0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    use base64::Engine;
    let decode = |v: &Value| {
        base64::engine::general_purpose::STANDARD
            .decode(v["data_base64"].as_str().unwrap())
            .unwrap()
    };
    let png = call(&app, "tickets.qr", json!({"code": code})).unwrap();
    assert_eq!(png["mime"], "image/png");
    assert!(decode(&png).starts_with(b"\x89PNG"));
    assert!(png["file_name"].as_str().unwrap().contains("小太阳幼儿园"));
    let pdf = call(&app, "tickets.pdf", json!({"code": code})).unwrap();
    assert!(decode(&pdf).starts_with(b"%PDF-"));
    let all = call(
        &app,
        "tickets.seminar_pdf",
        json!({"seminar_id": w.seminar}),
    )
    .unwrap();
    assert!(decode(&all).len() < 200_000);
    let e = call(
        &app,
        "tickets.qr",
        json!({"code": "0000000000000000000000000Z"}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("code"));
}

#[test]
fn a_store_invited_without_an_inviter_hears_from_the_organisation() {
    let days = Days::new();
    let app = days.at("2026-12-01T01:00:00Z");
    let s = setup(&app, "2026-12-11", "Asia/Shanghai");
    let message = |app: &App| -> String {
        let all = call(app, "touches.today", json!({"seminar_id": s.seminar})).unwrap();
        let first = all
            .as_array()
            .unwrap()
            .first()
            .cloned()
            .expect("a touch due");
        first["message"].as_str().unwrap().to_owned()
    };
    call(
        &app,
        "invitations.create",
        json!({"seminar_id": s.seminar, "store_id": s.store, "contact_ids": [s.spouse]}),
    )
    .unwrap();
    // No inviter and no organisation name yet: the event team speaks, never "我是。".
    let before = message(&app);
    assert!(before.contains("我是会务组"), "{before}");
    call(
        &app,
        "settings.update",
        json!({"org_name": "好邻居商学院", "language": "zh-CN", "timezone": "Asia/Shanghai"}),
    )
    .unwrap();
    let after = message(&app);
    assert!(after.contains("我是好邻居商学院"), "{after}");
    assert!(!after.contains("我是。"), "{after}");
}

/// A call nobody answered comes back tomorrow, unless the next step's touch is due by then.
#[test]
fn an_unanswered_call_comes_back_tomorrow() {
    let days = Days::new();
    // Seminar 2027-01-03: the invite call is due 2026-12-24 (D-10), the next touch 12-29 (D-5).
    let app = days.at("2026-12-24T01:00:00Z");
    let s = setup(&app, "2027-01-03", "Asia/Shanghai");
    invite(&app, &s, &[s.owner]);
    let list = today(&app, s.inviter);
    assert_eq!(list.len(), 1, "{list:?}");
    let out = call(
        &app,
        "touches.record",
        json!({"id": list[0]["touch_id"], "outcome": "no_answer"}),
    )
    .unwrap();
    assert!(out["call_back_touch_id"].as_i64().is_some(), "{out}");
    assert!(today(&app, s.inviter).is_empty(), "done for today");
    let tomorrow = days.at("2026-12-25T01:00:00Z");
    let again = today(&tomorrow, s.inviter);
    assert_eq!(again.len(), 1, "the call is back the next day: {again:?}");
    assert_eq!(again[0]["kind"], "invite");
    let out = call(
        &tomorrow,
        "touches.record",
        json!({"id": again[0]["touch_id"], "outcome": "no_answer"}),
    )
    .unwrap();
    assert!(
        out["call_back_touch_id"].as_i64().is_some(),
        "again the next day: {out}"
    );
    // Unanswered on the 28th (the retry was left open): the D-5 touch is due the 29th, so the
    // sequence goes on from there and no retry is added.
    let late = days.at("2026-12-28T01:00:00Z");
    let open = today(&late, s.inviter);
    let retry = open.iter().find(|t| t["kind"] == "invite").unwrap();
    let out = call(
        &late,
        "touches.record",
        json!({"id": retry["touch_id"], "outcome": "no_answer"}),
    )
    .unwrap();
    assert!(out["call_back_touch_id"].is_null(), "{out}");
}
