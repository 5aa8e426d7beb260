//! The invitation-list builder (邀约名单): matched before exclusions, each exclusion counted,
//! the N highest scores kept, spread over the inviters, the money-holder pre-selected, expected
//! turnout, and the invitations created in one transaction, all or nothing.

use huixiao::i18n::Lang;
use huixiao::App;
use serde_json::{json, Value};

use crate::support::{app, call, dump};

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

fn store(app: &App, name: &str, level: &str, contacts: &[(&str, &str, bool)]) -> i64 {
    let s = id(&call(app, "stores.create", json!({"name": name, "city": "长沙", "district": "岳麓区", "industry": "幼儿园", "level": level})).unwrap());
    for (n, (who, role, opted_out)) in contacts.iter().enumerate() {
        call(app, "contacts.create", json!({"store_id": s, "name": who, "role": role, "phone": format!("139{:04}{:04}", s, n), "opted_out": opted_out})).unwrap();
    }
    s
}

fn seminar(app: &App, title: &str, date: &str) -> i64 {
    id(&call(app, "seminars.create", json!({"title": title, "date": date, "start_time": "14:00", "capacity": 10, "city": "长沙"})).unwrap())
}

fn inviter(app: &App, name: &str) -> i64 {
    id(&call(
        app,
        "staff.create",
        json!({"name": name, "roles": ["inviter"]}),
    )
    .unwrap())
}

fn invite(app: &App, seminar: i64, store: i64, inviter: Option<i64>) -> i64 {
    let contact = huixiao::invitation::who_comes(&app.db.conn(), store)
        .unwrap()
        .unwrap();
    id(&call(app, "invitations.create", json!({"seminar_id": seminar, "store_id": store, "inviter_id": inviter, "contact_ids": [contact]})).unwrap())
}

/// Everything but the kept scores (a cache a preview may fill).
fn facts(app: &App) -> String {
    app.db
        .conn()
        .execute("DELETE FROM store_scores", [])
        .unwrap();
    dump(app)
}

struct Org {
    target: i64,
    eligible: i64,
    inviter: i64,
}

/// A target seminar on 2027-01-20 and one store per reason to leave a store out, plus one that
/// can be invited (level A, with an owner and the owner's wife).
fn org(app: &App) -> Org {
    let inviter = inviter(app, "彭小燕");
    let target = seminar(app, "春季招生研讨会", "2027-01-20");
    let overlapping = seminar(app, "元旦答谢会", "2026-12-28"); // window to 2027-01-27
    let early = seminar(app, "秋季沙龙", "2026-11-25"); // window to 2026-12-25: no overlap
    let early2 = seminar(app, "冬季沙龙", "2026-11-26");
    let eligible = store(
        app,
        "小太阳幼儿园",
        "A",
        &[("陈建国", "owner", false), ("刘丽", "owner_spouse", false)],
    );
    let s = store(app, "蓝天幼儿园", "B", &[("王强", "owner", false)]);
    invite(app, overlapping, s, None);
    store(app, "没人的店", "B", &[]);
    store(app, "退订的店", "B", &[("李退", "owner", true)]);
    let s = store(app, "两次拒绝的店", "B", &[("张拒", "owner", false)]);
    for sem in [early, early2] {
        let inv = invite(app, sem, s, None);
        call(
            app,
            "invitations.set_status",
            json!({"id": inv, "status": "declined", "decline_reason": "没时间"}),
        )
        .unwrap();
    }
    let s = store(app, "联系太多的店", "B", &[("赵多", "owner", false)]);
    let inv = invite(app, early, s, None);
    let touches: Vec<i64> = {
        let conn = app.db.conn();
        let mut st = conn
            .prepare("SELECT id FROM touches WHERE invitation_id = ?1 ORDER BY step")
            .unwrap();
        st.query_map([inv], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(touches.len() >= 5);
    for t in touches.iter().take(5) {
        call(
            app,
            "touches.record",
            json!({"id": t, "outcome": "reached"}),
        )
        .unwrap();
    }
    let s = store(app, "已在本场的店", "B", &[("钱在", "owner", false)]);
    invite(app, target, s, None);
    // Another city: not matched.
    call(
        app,
        "stores.create",
        json!({"name": "武汉的店", "city": "武汉", "level": "A"}),
    )
    .unwrap();
    Org {
        target,
        eligible,
        inviter,
    }
}

fn build(app: &App, op: &str, input: Value) -> Result<Value, huixiao::api::Failure> {
    call(app, op, input)
}

#[test]
fn preview_counts_matched_before_exclusions_and_each_reason_and_writes_nothing() {
    let app = app();
    let o = org(&app);
    let before = facts(&app);
    let p = build(
        &app,
        "invite_list.preview",
        json!({"seminar_id": o.target, "filter": {"city": "长沙"}}),
    )
    .unwrap();
    assert_eq!(p["matched"], json!(7), "{p}");
    assert_eq!(
        p["excluded"],
        json!({"overlapping_seminar": 1, "opted_out": 1, "no_contact": 1, "recently_declined": 1, "touched_too_often": 1, "already_invited": 1})
    );
    assert_eq!(p["invited"], json!(1));
    assert_eq!(p["dry_run"], json!(true));
    let chosen = &p["stores"][0];
    assert_eq!(chosen["store_id"], json!(o.eligible));
    assert_eq!(
        chosen["role"],
        json!("owner_spouse"),
        "the money-holder is pre-selected"
    );
    assert_eq!(chosen["contact_name"], json!("刘丽"));
    assert_eq!(
        p["per_inviter"],
        json!([{"inviter_id": o.inviter, "name": "彭小燕", "count": 1}])
    );
    // No past seminar: no expected turnout, and a warning (never a refusal).
    assert_eq!(p["expected_turnout"], Value::Null);
    assert!(p["warnings"][0].as_str().unwrap().contains("2–3 倍"), "{p}");
    // Only kept scores may have been written by a preview.
    assert_eq!(facts(&app), before);
}

#[test]
fn create_invites_the_list_through_the_one_invitation_path() {
    let app = app();
    let o = org(&app);
    let r = build(
        &app,
        "invite_list.create",
        json!({"seminar_id": o.target, "filter": {"city": "长沙"}}),
    )
    .unwrap();
    assert_eq!(r["invited"], json!(1));
    assert_eq!(r["dry_run"], json!(false));
    let inv = r["stores"][0]["invitation_id"].as_i64().unwrap();
    let got = call(&app, "invitations.list", json!({"seminar_id": o.target})).unwrap();
    let mine = got
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == json!(inv))
        .unwrap();
    assert_eq!(mine["inviter_id"], json!(o.inviter));
    assert_eq!(mine["guests"][0]["role"], json!("owner_spouse"));
    let touches: i64 = app
        .db
        .conn()
        .query_row(
            "SELECT count(*) FROM touches WHERE invitation_id = ?1",
            [inv],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        touches > 0,
        "the cadence is scheduled as for any invitation"
    );
    // Again: everyone is invited or left out now.
    let again = build(
        &app,
        "invite_list.preview",
        json!({"seminar_id": o.target, "filter": {"city": "长沙"}}),
    )
    .unwrap();
    assert_eq!(again["invited"], json!(0));
    assert_eq!(again["excluded"]["already_invited"], json!(2));
}

#[test]
fn the_limit_keeps_the_highest_scores_spread_over_the_inviters() {
    let app = app();
    let peng = inviter(&app, "彭小燕");
    let wang = inviter(&app, "王芳");
    let target = seminar(&app, "春季招生研讨会", "2027-01-20");
    let past = seminar(&app, "秋季沙龙", "2026-11-25");
    let mut stores = Vec::new();
    for (n, level) in ["C", "A", "B", "A", "B"].iter().enumerate() {
        stores.push(store(
            &app,
            &format!("店{n}"),
            level,
            &[("老板", "owner", false)],
        ));
    }
    call(&app, "stores.update", json!({"id": stores[3], "name": "店3", "city": "长沙", "district": "岳麓区", "industry": "幼儿园", "level": "A", "key_customer": true})).unwrap();
    // 王芳 invited 店2 before: it goes back to her.
    invite(&app, past, stores[2], Some(wang));
    let p = build(
        &app,
        "invite_list.preview",
        json!({"seminar_id": target, "filter": {"city": "长沙"}, "limit": 3}),
    )
    .unwrap();
    assert_eq!(p["matched"], json!(5));
    assert_eq!(p["invited"], json!(3));
    let ids: Vec<i64> = p["stores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["store_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![stores[3], stores[1], stores[2]], "{p}"); // A + key, A, then B invited before
    let scores: Vec<f64> = p["stores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
    let to = |s: i64| {
        p["stores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["store_id"] == json!(s))
            .unwrap()["inviter_id"]
            .clone()
    };
    assert_eq!(to(stores[2]), json!(wang));
    let counts: Vec<i64> = p["per_inviter"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts.iter().sum::<i64>(), 3);
    assert!(counts.iter().all(|&c| (1..=2).contains(&c)), "{p}");
    // Score band.
    let p = build(
        &app,
        "invite_list.preview",
        json!({"seminar_id": target, "filter": {"city": "长沙", "score_min": 15}}),
    )
    .unwrap();
    assert_eq!(p["matched"], json!(2));
    // Only one inviter asked for: all of it goes to her.
    let p = build(
        &app,
        "invite_list.preview",
        json!({"seminar_id": target, "filter": {"level": "A"}, "inviter_ids": [peng]}),
    )
    .unwrap();
    assert_eq!(
        p["per_inviter"],
        json!([{"inviter_id": peng, "name": "彭小燕", "count": 2}])
    );
}

#[test]
fn expected_turnout_comes_from_the_organisations_confirm_and_show_rates() {
    let app = app();
    let past = seminar(&app, "秋季沙龙", "2026-11-25");
    let mut invs = Vec::new();
    for n in 0..4 {
        let s = store(
            &app,
            &format!("老客户{n}"),
            "B",
            &[("老板", "owner", false)],
        );
        invs.push(invite(&app, past, s, None));
    }
    for &inv in &invs[..2] {
        call(
            &app,
            "invitations.set_status",
            json!({"id": inv, "status": "confirmed"}),
        )
        .unwrap();
    }
    app.db
        .write(|tx| {
            huixiao::checkin::record(tx, invs[0], None, None, "2026-11-25T06:00:00Z", "door", 0)
        })
        .unwrap();
    // A week after: confirm rate 2/4, show rate 1/2; 8 new stores → 2 expected.
    let later = app.clone().with_clock(huixiao::app::Clock::Fixed(
        chrono::DateTime::parse_from_rfc3339("2026-12-02T02:00:00Z")
            .unwrap()
            .into(),
    ));
    let target = seminar(&later, "春季招生研讨会", "2027-01-20");
    for n in 0..8 {
        store(
            &later,
            &format!("新店{n}"),
            "B",
            &[("老板", "owner", false)],
        );
    }
    let p = build(
        &later,
        "invite_list.preview",
        json!({"seminar_id": target, "filter": {"never_invited": true}}),
    )
    .unwrap();
    assert_eq!(p["invited"], json!(8));
    assert_eq!(p["confirm_rate"], json!(0.5));
    assert_eq!(p["show_rate"], json!(0.5));
    assert_eq!(p["expected_turnout"], json!(2));
    assert!(
        p["warnings"][0]
            .as_str()
            .unwrap()
            .contains("少于 10 个座位"),
        "{p}"
    );
    // last_attended_before: the store that came on 11-25.
    let p = build(
        &later,
        "invite_list.preview",
        json!({"seminar_id": target, "filter": {"last_attended_before": "2026-12-01"}}),
    )
    .unwrap();
    assert_eq!(p["matched"], json!(1));
    let p = build(
        &later,
        "invite_list.preview",
        json!({"seminar_id": target, "filter": {"never_invited": false}}),
    )
    .unwrap();
    assert_eq!(p["matched"], json!(4));
}

#[test]
fn a_failure_mid_batch_leaves_nothing_written() {
    let app = app();
    let target = seminar(&app, "春季招生研讨会", "2027-01-20");
    let mut stores = Vec::new();
    for n in 0..5 {
        stores.push(store(
            &app,
            &format!("店{n}"),
            "B",
            &[("老板", "owner", false)],
        ));
    }
    // The storage refuses the fourth store's invitation, after three were written in the batch.
    app.db
        .conn()
        .execute_batch(&format!(
            "CREATE TEMP TRIGGER refuse_one BEFORE INSERT ON invitations WHEN NEW.store_id = {}
             BEGIN SELECT RAISE(ABORT, 'disk says no'); END;",
            stores[3]
        ))
        .unwrap();
    let before = dump(&app);
    build(
        &app,
        "invite_list.create",
        json!({"seminar_id": target, "filter": {"city": "长沙"}}),
    )
    .unwrap_err();
    assert_eq!(dump(&app), before, "all or nothing");
    let n: i64 = app
        .db
        .conn()
        .query_row("SELECT count(*) FROM invitations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
    app.db
        .conn()
        .execute_batch("DROP TRIGGER temp.refuse_one")
        .unwrap();
    let r = build(
        &app,
        "invite_list.create",
        json!({"seminar_id": target, "filter": {"city": "长沙"}}),
    )
    .unwrap();
    assert_eq!(r["invited"], json!(5));
}

#[test]
fn bad_input_is_refused_with_a_clear_message_and_nothing_written() {
    let app = app();
    let o = org(&app);
    let assistant = id(&call(
        &app,
        "staff.create",
        json!({"name": "赵磊", "roles": ["assistant"]}),
    )
    .unwrap());
    let closed = seminar(&app, "已结束的会", "2026-12-05");
    call(
        &app,
        "seminars.set_status",
        json!({"id": closed, "status": "closed"}),
    )
    .unwrap();
    let before = facts(&app);
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"seminar_id": o.target, "segment": "不存在的分群"}),
            "不存在的分群",
        ),
        (
            json!({"seminar_id": o.target, "filter": {"city": "火星"}}),
            "没有门店符合",
        ),
        (
            json!({"seminar_id": o.target, "filter": {"stage": "buying"}}),
            "阶段",
        ),
        (
            json!({"seminar_id": o.target, "filter": {"level": "S"}}),
            "等级",
        ),
        (
            json!({"seminar_id": o.target, "filter": {"city": "长沙"}, "inviter_ids": [assistant]}),
            "赵磊不是",
        ),
        (
            json!({"seminar_id": closed, "filter": {"city": "长沙"}}),
            "已结束",
        ),
        (json!({"seminar_id": o.target}), "二选一"),
        (
            json!({"seminar_id": o.target, "filter": {"city": "长沙"}, "limit": 0}),
            "至少为 1",
        ),
    ];
    for (input, says) in cases {
        for op in ["invite_list.preview", "invite_list.create"] {
            let err = build(&app, op, input.clone()).unwrap_err();
            let msg = err.message(Lang::Zh);
            assert!(msg.contains(says), "{op} {input}: {msg}");
        }
    }
    // An unknown filter field: refused by name.
    let err = huixiao::invite_list::StoreFilter::parse(r#"{"town": "长沙"}"#).unwrap_err();
    assert!(err.message(Lang::Zh).contains("town"));
    assert!(err.message(Lang::En).contains("city"), "lists the fields");
    let err = build(
        &app,
        "invite_list.create",
        json!({"seminar_id": o.target, "filter": {"town": "长沙"}}),
    )
    .unwrap_err();
    assert!(
        err.message(Lang::En).contains("town"),
        "{}",
        err.message(Lang::En)
    );
    // A seminar whose day has passed.
    let later = app.clone().with_clock(huixiao::app::Clock::Fixed(
        chrono::DateTime::parse_from_rfc3339("2027-02-01T02:00:00Z")
            .unwrap()
            .into(),
    ));
    let err = build(
        &later,
        "invite_list.create",
        json!({"seminar_id": o.target, "filter": {"city": "长沙"}}),
    )
    .unwrap_err();
    assert!(
        err.message(Lang::Zh).contains("已经举办过了"),
        "{}",
        err.message(Lang::Zh)
    );
    assert_eq!(facts(&app), before);
}
