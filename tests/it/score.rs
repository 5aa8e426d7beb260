//! Lead scores (客户评分): every point a reason, fit that never fades, behaviour that halves
//! every half-life, the cached scores following the facts in the same transaction, the weights
//! as the organisation's settings.

use chrono::{TimeZone, Utc};
use huixiao::app::Clock;
use huixiao::i18n::Lang;
use huixiao::App;
use serde_json::{json, Value};

use crate::support::{app, call, organizer, world};

/// The same database seen at another instant.
fn at(app: &App, y: i32, m: u32, d: u32) -> App {
    app.clone().with_clock(Clock::Fixed(
        Utc.with_ymd_and_hms(y, m, d, 4, 0, 0).unwrap(),
    ))
}

fn score(app: &App, store: i64) -> Value {
    call(app, "scores.get", json!({"id": store})).unwrap()
}

fn whys(s: &Value) -> Vec<String> {
    s["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["why"].as_str().unwrap().to_owned())
        .collect()
}

/// The score as the lists read it (the cache, computed and kept when missing).
fn listed(app: &App, store: i64) -> f64 {
    let conn = app.db.conn();
    let today = huixiao::venue::today(app, &conn, None).unwrap();
    let day = huixiao::score::Day::of(&conn, today).unwrap();
    let s = huixiao::score::scores(&conn, Some(&[store]), &day, true).unwrap();
    huixiao::score::round1(s[&store])
}

fn cached_rows(app: &App, store: i64) -> i64 {
    app.db
        .conn()
        .query_row(
            "SELECT count(*) FROM store_scores WHERE store_id = ?1",
            [store],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_store_with_no_history_scores_zero() {
    let app = app();
    let store = call(
        &app,
        "stores.create",
        json!({"name": "新开的店", "city": "长沙"}),
    )
    .unwrap();
    let s = score(&app, store["id"].as_i64().unwrap());
    assert_eq!(s["score"], json!(0.0));
    assert_eq!(s["fit"], json!(0));
    assert_eq!(s["engagement"], json!(0.0));
    assert_eq!(s["reasons"], json!([]));
}

#[test]
fn every_point_is_a_reason_and_behaviour_halves_every_half_life() {
    let app = app();
    let w = world(&app); // a level A store, a seminar on 2026-11-29
    let inv = call(
        &app,
        "invitations.create",
        json!({"seminar_id": w.seminar, "store_id": w.store, "contact_ids": [w.spouse]}),
    )
    .unwrap();
    let inv = inv["id"].as_i64().unwrap();
    call(
        &app,
        "invitations.set_status",
        json!({"id": inv, "status": "confirmed"}),
    )
    .unwrap();
    // Before: fit 15 (level A) and the confirmation (+10, dated the seminar's day, not yet fading).
    let s = score(&app, w.store);
    assert_eq!(s["fit"], json!(15));
    assert_eq!(s["engagement"], json!(10.0));
    assert_eq!(s["score"], json!(25.0));
    assert_eq!(listed(&app, w.store), 25.0);
    assert_eq!(cached_rows(&app, w.store), 1);
    // The money-holder checks in: the trigger drops the cached row in the same transaction.
    app.db
        .write(|tx| {
            huixiao::checkin::record(
                tx,
                inv,
                None,
                Some(w.spouse),
                "2026-11-29T06:00:00Z",
                "door",
                0,
            )
        })
        .unwrap();
    assert_eq!(
        cached_rows(&app, w.store),
        0,
        "a check-in must drop the kept score"
    );
    let day = at(&app, 2026, 11, 29);
    let s = score(&day, w.store);
    assert_eq!(s["engagement"], json!(45.0), "{s}"); // confirmed 10 + attended 25 + money-holder 10
    assert_eq!(s["score"], json!(60.0));
    assert_eq!(listed(&day, w.store), 60.0);
    let reasons = s["reasons"].as_array().unwrap();
    let attended = reasons.iter().find(|r| r["kind"] == "attended").unwrap();
    assert_eq!(attended["points"], json!(25));
    assert_eq!(attended["at"], json!("2026-11-29"));
    assert_eq!(
        attended["why"],
        json!("到场 2026-11-29 幼儿园招生增长研讨会")
    );
    assert!(whys(&s).contains(&"A 级门店".to_owned()));
    assert!(whys(&s).contains(&"老板娘到场 2026-11-29 幼儿园招生增长研讨会".to_owned()));
    // 30 days on: behaviour halves, fit stays; the kept score fades the same way without a recompute.
    let later = at(&app, 2026, 12, 29);
    let s = score(&later, w.store);
    assert_eq!(s["fit"], json!(15));
    assert_eq!(s["engagement"], json!(22.5));
    assert_eq!(s["score"], json!(37.5));
    assert_eq!(listed(&later, w.store), 37.5);
    let attended = s["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "attended")
        .unwrap()
        .clone();
    assert_eq!(attended["points"], json!(25));
    assert_eq!(attended["now"], json!(12.5));
    // In English.
    let en = huixiao::api::dispatch(
        &huixiao::api::Host::new(later.clone()),
        &organizer(Lang::En),
        "scores.get",
        json!({"id": w.store}),
    )
    .unwrap();
    assert!(
        whys(&en).contains(&"Attended 2026-11-29 幼儿园招生增长研讨会".to_owned()),
        "{en}"
    );
    assert!(whys(&en).contains(&"Level A store".to_owned()));
}

#[test]
fn a_confirmed_guest_who_did_not_come_loses_points_once_the_day_has_passed() {
    let app = app();
    let w = world(&app);
    let inv = call(
        &app,
        "invitations.create",
        json!({"seminar_id": w.seminar, "store_id": w.store, "contact_ids": [w.spouse]}),
    )
    .unwrap();
    call(
        &app,
        "invitations.set_status",
        json!({"id": inv["id"], "status": "confirmed"}),
    )
    .unwrap();
    assert_eq!(listed(&app, w.store), 25.0); // kept, valid until the seminar's day passes
    let next_day = at(&app, 2026, 11, 30);
    let s = score(&next_day, w.store);
    let no_show = s["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "no_show")
        .cloned();
    assert_eq!(no_show.unwrap()["points"], json!(-10));
    assert_eq!(listed(&next_day, w.store), s["score"].as_f64().unwrap());
    assert!(s["score"].as_f64().unwrap() < 25.0);
}

#[test]
fn a_closed_deal_and_a_refusal_count_and_a_cancelled_deal_does_not() {
    // Deals are recorded on the seminar's day (a deal dated earlier is refused).
    let app = crate::support::app_on_the_day();
    let (w, product, tier) = crate::deals::setup(&app, 100);
    let before = score(&app, w.store)["score"].as_f64().unwrap();
    let d = call(&app, "deals.create", crate::deals::deal(&w, product, tier)).unwrap();
    let s = score(&app, w.store);
    let deal = s["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "deal")
        .cloned()
        .unwrap();
    assert_eq!(deal["points"], json!(30));
    assert_eq!(deal["at"], json!("2026-11-29"));
    assert_eq!(deal["why"], json!("成交 2026-11-29 招生系统"));
    assert_eq!(s["score"].as_f64().unwrap(), before + 30.0);
    assert_eq!(listed(&app, w.store), before + 30.0);
    call(
        &app,
        "deals.cancel",
        json!({"id": d["deal"]["id"], "reason": "客户反悔"}),
    )
    .unwrap();
    assert_eq!(
        listed(&app, w.store),
        before,
        "a cancelled deal no longer counts"
    );
}

#[test]
fn the_weights_are_the_organisations_settings_and_a_change_rescores_everyone() {
    let app = app();
    let w = world(&app);
    assert_eq!(listed(&app, w.store), 15.0);
    let weights = call(&app, "scores.weights", json!({})).unwrap();
    assert_eq!(weights["level_a"], json!(15));
    assert_eq!(weights["half_life_days"], json!(30));
    let mut changed = weights.clone();
    changed["level_a"] = json!(40);
    call(&app, "scores.set_weights", changed).unwrap();
    assert_eq!(cached_rows(&app, w.store), 0);
    assert_eq!(score(&app, w.store)["fit"], json!(40));
    assert_eq!(listed(&app, w.store), 40.0);
    // Bad weights: a clear message, nothing changed.
    let mut bad = weights.clone();
    bad["half_life_days"] = json!(0);
    let err = call(&app, "scores.set_weights", bad).unwrap_err();
    assert!(
        err.message(Lang::Zh).contains("半衰期"),
        "{}",
        err.message(Lang::Zh)
    );
    assert_eq!(
        call(&app, "scores.weights", json!({})).unwrap()["level_a"],
        json!(40)
    );
    let err = call(&app, "scores.get", json!({"id": 999_999})).unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[test]
fn on_the_demo_every_kept_score_equals_the_sum_of_its_reasons() {
    let app = app();
    call(&app, "demo.load", json!({"today": "2026-11-22"})).unwrap();
    let r = call(&app, "scores.recompute", json!({})).unwrap();
    assert!(r["stores"].as_i64().unwrap() > 10);
    for day in [at(&app, 2026, 11, 22), at(&app, 2027, 1, 15)] {
        let conn = day.db.conn();
        let today = huixiao::venue::today(&day, &conn, None).unwrap();
        let d = huixiao::score::Day::of(&conn, today).unwrap();
        let all = huixiao::score::scores(&conn, None, &d, false).unwrap();
        drop(conn);
        let mut some_behaviour = 0;
        for (&store, &s) in &all {
            let one = score(&day, store);
            let sum: f64 = one["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["now"].as_f64().unwrap())
                .sum();
            assert!(
                (one["score"].as_f64().unwrap() - sum).abs()
                    < 0.05 * (1.0 + one["reasons"].as_array().unwrap().len() as f64),
                "{one}"
            );
            assert!(
                (huixiao::score::round1(s) - one["score"].as_f64().unwrap()).abs() < 0.11,
                "store {store}: kept {s}, from the facts {one}"
            );
            if one["engagement"].as_f64().unwrap() != 0.0 {
                some_behaviour += 1;
            }
        }
        assert!(some_behaviour > 0, "the demo has history");
    }
}

#[test]
fn todays_touches_come_overdue_first_then_hot_first() {
    let app = app();
    let w = world(&app); // seminar on 2026-11-29
    let mk = |app: &App, name: &str, level: &str| {
        let s = call(
            app,
            "stores.create",
            json!({"name": name, "city": "长沙", "level": level}),
        )
        .unwrap();
        let c = call(
            app,
            "contacts.create",
            json!({"store_id": s["id"], "name": "老板娘", "role": "owner_spouse"}),
        )
        .unwrap();
        call(
            app,
            "invitations.create",
            json!({"seminar_id": w.seminar, "store_id": s["id"], "contact_ids": [c["id"]]}),
        )
        .unwrap();
    };
    mk(&app, "冷门店", "C"); // its first call is due today, 11-22
    let next = at(&app, 2026, 11, 23);
    mk(&next, "温门店", "B");
    mk(&next, "热门店", "A");
    let today = call(&next, "touches.today", json!({})).unwrap();
    let order: Vec<(&str, i64, f64)> = today
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["store_name"].as_str().unwrap(),
                t["overdue_days"].as_i64().unwrap(),
                t["score"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        order,
        vec![("冷门店", 1, -5.0), ("热门店", 0, 15.0), ("温门店", 0, 0.0)],
        "overdue first, then the highest score"
    );
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_store_list_sorts_by_score_and_filters_by_segment_and_stage() {
    let app = app();
    let id = |v: Value| v["id"].as_i64().unwrap();
    // Created coldest first, so that the newest-first order is the reverse of hot first.
    let cold = id(call(
        &app,
        "stores.create",
        json!({"name": "丙店", "city": "长沙", "level": "C"}),
    )
    .unwrap());
    let plain = id(call(
        &app,
        "stores.create",
        json!({"name": "乙店", "city": "长沙", "level": "B"}),
    )
    .unwrap());
    call(
        &app,
        "stores.create",
        json!({"name": "丁店", "city": "株洲", "level": "B", "key_customer": true}),
    )
    .unwrap();
    call(
        &app,
        "stores.create",
        json!({"name": "甲店", "city": "长沙", "level": "A"}),
    )
    .unwrap();
    let list = |q: Value| call(&app, "stores.list", q).unwrap();

    let hot = list(json!({"sort": "score_desc"}));
    assert_eq!(names(&hot), ["甲店", "丁店", "乙店", "丙店"]);
    let scores: Vec<f64> = hot["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["score"].as_f64().unwrap())
        .collect();
    assert_eq!(scores, [15.0, 8.0, 0.0, -5.0]);
    assert_eq!(hot["items"][0]["stage"], json!("never_invited"));
    assert_eq!(
        names(&list(json!({"sort": "score_asc"}))),
        ["丙店", "乙店", "丁店", "甲店"]
    );
    assert_eq!(names(&list(json!({}))), ["甲店", "丁店", "乙店", "丙店"]);
    assert_eq!(
        names(&list(json!({"sort": "name"}))),
        ["丁店", "丙店", "乙店", "甲店"]
    );
    // Paged after sorting: the second page of two holds the two coldest.
    let second = list(json!({"sort": "score_desc", "page": 2, "page_size": 2}));
    assert_eq!(names(&second), ["乙店", "丙店"]);
    assert_eq!(second["total"], json!(4));

    // A segment, with the list's own city filter on top.
    let seg = call(
        &app,
        "segments.create",
        json!({"name": "B级及以下", "filter": {"score_max": 1}}),
    )
    .unwrap();
    let in_seg = list(json!({"segment_id": seg["id"], "sort": "score_desc"}));
    assert_eq!(names(&in_seg), ["乙店", "丙店"]);
    assert_eq!(
        names(&list(json!({"segment_id": seg["id"], "city": "株洲"}))),
        Vec::<String>::new()
    );
    let err = call(&app, "stores.list", json!({"segment_id": 999})).unwrap_err();
    assert_eq!(err.field(), Some("segment_id"));
    assert!(err.message(Lang::Zh).contains("999"), "{err}");

    // The stage: an invitation moves 乙店 to invited (and its confirmation up the score).
    let boss = id(call(
        &app,
        "contacts.create",
        json!({"store_id": plain, "name": "乙老板", "role": "owner"}),
    )
    .unwrap());
    let w = call(
        &app,
        "seminars.create",
        json!({"title": "春季会", "date": "2026-12-20", "start_time": "14:00", "capacity": 50}),
    )
    .unwrap();
    let inv = call(
        &app,
        "invitations.create",
        json!({"seminar_id": w["id"], "store_id": plain, "contact_ids": [boss]}),
    )
    .unwrap();
    call(
        &app,
        "invitations.set_status",
        json!({"id": inv["id"], "status": "confirmed"}),
    )
    .unwrap();
    let confirmed = list(json!({"stage": "confirmed"}));
    assert_eq!(names(&confirmed), ["乙店"]);
    assert_eq!(confirmed["items"][0]["score"], json!(10.0));
    assert_eq!(
        names(&list(
            json!({"stage": "never_invited", "sort": "score_asc"})
        )),
        ["丙店", "丁店", "甲店"]
    );
    assert_eq!(
        names(&list(json!({"sort": "score_desc", "city": "长沙"}))),
        ["甲店", "乙店", "丙店"]
    );
    assert_eq!(names(&list(json!({"quiet": true}))), Vec::<String>::new());
    let _ = cold;
}

#[test]
fn follow_ups_come_by_due_day_and_hot_first_within_a_day() {
    let app = crate::support::app_on_the_day();
    let w = world(&app);
    let id = |v: Value| v["id"].as_i64().unwrap();
    // Three confirmed stores that stay away, created coldest first: each gets the same no-show
    // follow-ups, due on the same days.
    for (name, level) in [("冷店", "C"), ("温店", "B"), ("热店", "A")] {
        let s = id(call(
            &app,
            "stores.create",
            json!({"name": name, "city": "长沙", "level": level}),
        )
        .unwrap());
        let c = id(call(
            &app,
            "contacts.create",
            json!({"store_id": s, "name": "老板", "role": "owner"}),
        )
        .unwrap());
        let inv = call(
            &app,
            "invitations.create",
            json!({"seminar_id": w.seminar, "store_id": s, "inviter_id": w.inviter, "contact_ids": [c]}),
        )
        .unwrap();
        call(
            &app,
            "invitations.set_status",
            json!({"id": inv["id"], "status": "confirmed"}),
        )
        .unwrap();
    }
    for status in ["inviting", "live", "closed"] {
        call(
            &app,
            "seminars.set_status",
            json!({"id": w.seminar, "status": status}),
        )
        .unwrap();
    }
    let check = |list: &Value| {
        let rows = list.as_array().unwrap();
        assert!(rows.len() >= 3, "{list}");
        let first_day = rows[0]["due_date"].clone();
        let day: Vec<(&str, f64)> = rows
            .iter()
            .filter(|f| f["due_date"] == first_day)
            .map(|f| {
                (
                    f["store_name"].as_str().unwrap(),
                    f["score"].as_f64().unwrap(),
                )
            })
            .collect();
        // Confirmed +10 on the seminar's day, plus level A 15 / B 0 / C −5.
        assert_eq!(day, [("热店", 25.0), ("温店", 10.0), ("冷店", 5.0)]);
        let dates: Vec<&str> = rows
            .iter()
            .map(|f| f["due_date"].as_str().unwrap())
            .collect();
        assert!(
            dates.windows(2).all(|p| p[0] <= p[1]),
            "by due day first: {dates:?}"
        );
    };
    check(
        &call(
            &app,
            "followups.today",
            json!({"owner_id": null, "date": "2027-03-01"}),
        )
        .unwrap(),
    );
    check(&call(&app, "followups.list", json!({"seminar_id": w.seminar})).unwrap());
    check(&call(&app, "followups.search", json!({"seminar_id": w.seminar})).unwrap());
}

#[test]
fn a_weight_out_of_range_is_named_and_nothing_is_saved() {
    let app = app();
    let mut bad = call(&app, "scores.weights", json!({})).unwrap();
    bad["money_holder_came"] = json!(150);
    let err = call(&app, "scores.set_weights", bad).unwrap_err();
    assert_eq!(err.field(), Some("money_holder_came"));
    assert!(
        err.message(Lang::Zh)
            .contains("“老板娘到场”的分值须在 -100 到 100 之间（现为 150）"),
        "{err}"
    );
    assert!(err.message(Lang::En).contains("The money-holder came"));
    assert_eq!(
        call(&app, "scores.weights", json!({})).unwrap()["money_holder_came"],
        json!(10)
    );
}
