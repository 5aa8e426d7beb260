//! The bow-tie per store (never invited → invited → confirmed → attended → closed → repurchase →
//! advocate) with the day each was reached, the organisation's bow-tie, and the builder's `stage`.

use chrono::{TimeZone, Utc};
use huixiao::app::Clock;
use serde_json::{json, Value};

use crate::support::{app, call};

#[test]
fn each_store_has_its_stage_and_the_day_it_reached_each() {
    let app = app();
    let (w, product, tier) = crate::deals::setup(&app, 100); // invited 11-22, came 11-29
    let inv =
        call(&app, "invitations.list", json!({"seminar_id": w.seminar})).unwrap()[0]["id"].clone();
    call(
        &app,
        "invitations.set_status",
        json!({"id": inv, "status": "confirmed"}),
    )
    .unwrap();
    let day = app.clone().with_clock(Clock::Fixed(
        Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0).unwrap(),
    ));
    call(&day, "deals.create", crate::deals::deal(&w, product, tier)).unwrap();
    // A store it referred closes a week later (by phone).
    let friend = call(
        &day,
        "stores.create",
        json!({"name": "朋友的店", "city": "长沙", "referrer_id": w.store}),
    )
    .unwrap();
    let later = app.clone().with_clock(Clock::Fixed(
        Utc.with_ymd_and_hms(2026, 12, 6, 8, 0, 0).unwrap(),
    ));
    call(&later, "deals.create", json!({"seminar_id": w.seminar, "store_id": friend["id"], "product_id": product, "tier_id": tier,
        "amount_fen": 980_000, "payment": "full", "method": "微信", "reason": "电话成交"})).unwrap();
    let s = call(&later, "bowtie.store", json!({"id": w.store})).unwrap();
    assert_eq!(s["stage"], json!("advocate"));
    assert_eq!(
        s["reached"],
        json!([
            {"stage": "invited", "date": "2026-11-22"},
            {"stage": "confirmed", "date": "2026-11-22"},
            {"stage": "attended", "date": "2026-11-29"},
            {"stage": "closed", "date": "2026-11-29"},
            {"stage": "advocate", "date": "2026-12-06"}
        ])
    );
    let f = call(&later, "bowtie.store", json!({"id": friend["id"]})).unwrap();
    assert_eq!(f["stage"], json!("closed"));
    let b = call(&later, "bowtie.report", json!({"city": "长沙"})).unwrap();
    assert_eq!(b["total"], json!(2));
    let stage = |name: &str| -> Value {
        b["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["stage"] == json!(name))
            .unwrap()
            .clone()
    };
    assert_eq!(stage("invited")["stores"], json!(1));
    assert_eq!(stage("invited")["conversion"], json!(0.5));
    assert_eq!(stage("attended")["median_days"], json!(7));
    assert_eq!(stage("closed")["stores"], json!(2));
    assert_eq!(stage("repurchase")["stores"], json!(0));
    assert_eq!(stage("repurchase")["conversion"], json!(0.0));
    assert_eq!(stage("advocate")["stores"], json!(1));
    assert_eq!(
        stage("advocate")["conversion"],
        Value::Null,
        "nobody reached repurchase"
    );
    // The builder's stage filter.
    let next = call(
        &later,
        "seminars.create",
        json!({"title": "回访会", "date": "2026-12-20", "start_time": "14:00", "capacity": 5}),
    )
    .unwrap();
    let p = call(
        &later,
        "invite_list.preview",
        json!({"seminar_id": next["id"], "filter": {"stage": "advocate"}}),
    )
    .unwrap();
    assert_eq!(p["matched"], json!(1));
    // Its invitation to the seminar of 11-29 is still in that seminar's window: left out.
    assert_eq!(p["excluded"]["overlapping_seminar"], json!(1));
    let err = call(&later, "bowtie.report", json!({"city": "火星"})).unwrap_err();
    assert!(err.message(huixiao::i18n::Lang::Zh).contains("火星"));
}

#[test]
fn a_store_that_bought_and_went_quiet_for_60_days_is_flagged_for_the_next_seminar() {
    let app = app();
    let (w, product, tier) = crate::deals::setup(&app, 100); // came 2026-11-29
    let at = |y, m, d| {
        app.clone().with_clock(Clock::Fixed(
            Utc.with_ymd_and_hms(y, m, d, 4, 0, 0).unwrap(),
        ))
    };
    call(
        &at(2026, 11, 29),
        "deals.create",
        crate::deals::deal(&w, product, tier),
    )
    .unwrap();
    let quiet = |day: &huixiao::App| {
        call(day, "bowtie.store", json!({"id": w.store})).unwrap()["quiet"].clone()
    };
    // 59 days after the deal: not yet.
    assert_eq!(quiet(&at(2027, 1, 27)), Value::Null);
    // 60 days: quiet, on the store, on the bow-tie's list and as the store list's filter.
    let day = at(2027, 1, 28);
    let q = quiet(&day);
    assert_eq!(q["days"], json!(60), "{q}");
    assert_eq!(q["last_deal"], json!("2026-11-29"));
    assert_eq!(q["last_activity"], json!("2026-11-29"));
    let b = call(&day, "bowtie.report", json!({"city": "长沙"})).unwrap();
    assert_eq!(b["quiet_days"], json!(60));
    assert_eq!(b["quiet"].as_array().unwrap().len(), 1);
    assert_eq!(b["quiet"][0]["store_name"], json!("小太阳幼儿园"));
    let listed = call(&day, "stores.list", json!({"quiet": true})).unwrap();
    assert_eq!(listed["total"], json!(1));
    assert_eq!(listed["items"][0]["quiet"], json!(true));
    assert_eq!(listed["items"][0]["stage"], json!("closed"));
    // Invited again (on 01-20): no longer quiet, and the filter follows.
    let next = call(
        &day,
        "seminars.create",
        json!({"title": "回访会", "date": "2027-03-20", "start_time": "14:00", "capacity": 50}),
    )
    .unwrap();
    call(
        &at(2027, 1, 20),
        "invitations.create",
        json!({"seminar_id": next["id"], "store_id": w.store, "contact_ids": [w.spouse]}),
    )
    .unwrap();
    assert_eq!(quiet(&day), Value::Null);
    assert_eq!(
        call(&day, "stores.list", json!({"quiet": true})).unwrap()["total"],
        json!(0)
    );
    // 60 days after that invitation it is quiet again, counted from it.
    assert_eq!(
        quiet(&at(2027, 3, 21))["last_activity"],
        json!("2027-01-20")
    );
}
