//! Deals: the limited tier's quota (refused or warned, as the seminar says; exactly N under a
//! race over HTTP), deals for stores that did not attend, and the audit trail.

use std::net::SocketAddr;
use std::sync::Arc;

use huixiao::http::{self, Server};
use huixiao::App;
use serde_json::{json, Value};

use crate::station_race;
use crate::support::{app_on_the_day, call, dump, world, World};

/// A product whose third tier is limited to `quota` places, and the world's store checked in.
pub fn setup(app: &App, quota: i64) -> (World, i64, i64) {
    let w = world(app);
    let product = call(
        app,
        "products.create",
        json!({"name": "招生系统", "tiers": [
            {"name": "原价", "price_fen": 1_980_000},
            {"name": "会场价", "price_fen": 1_280_000},
            {"name": "限时价", "price_fen": 980_000, "quota": quota}
        ]}),
    )
    .unwrap();
    let limited = product["tiers"][2]["id"].as_i64().unwrap();
    let inv = call(
        app,
        "invitations.create",
        json!({"seminar_id": w.seminar, "store_id": w.store, "contact_ids": [w.spouse]}),
    )
    .unwrap();
    app.db
        .write(|tx| {
            huixiao::checkin::record(
                tx,
                inv["id"].as_i64().unwrap(),
                None,
                Some(w.spouse),
                "2026-11-29T06:00:00Z",
                "door",
                0,
            )
        })
        .unwrap();
    (w, product["id"].as_i64().unwrap(), limited)
}

pub fn deal(w: &World, product: i64, tier: i64) -> Value {
    json!({"seminar_id": w.seminar, "store_id": w.store, "product_id": product, "tier_id": tier,
           "amount_fen": 980_000, "payment": "deposit", "method": "微信"})
}

#[test]
fn with_a_quota_of_5_the_6th_deal_is_refused_and_nothing_is_written() {
    let app = app_on_the_day();
    let (w, product, limited) = setup(&app, 5);
    for _ in 0..5 {
        let r = call(&app, "deals.create", deal(&w, product, limited)).unwrap();
        assert_eq!(r["warnings"], json!([]));
    }
    let before = dump(&app);
    let err = call(&app, "deals.create", deal(&w, product, limited)).unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(
        err.message(huixiao::i18n::Lang::Zh)
            .contains("“限时价”的名额已满（5/5）"),
        "{err}"
    );
    assert_eq!(dump(&app), before);
    // A cancelled deal frees its place.
    let first =
        call(&app, "deals.list", json!({"seminar_id": w.seminar})).unwrap()[0]["id"].clone();
    call(
        &app,
        "deals.cancel",
        json!({"id": first, "reason": "客户改主意"}),
    )
    .unwrap();
    call(&app, "deals.create", deal(&w, product, limited)).unwrap();
}

#[test]
fn a_seminar_may_warn_instead_of_refusing() {
    let app = app_on_the_day();
    let (w, product, limited) = setup(&app, 1);
    let mut s = call(&app, "seminars.get", json!({"id": w.seminar})).unwrap();
    s["quota_policy"] = json!("warn");
    call(&app, "seminars.update", s).unwrap();
    call(&app, "deals.create", deal(&w, product, limited)).unwrap();
    let caller = huixiao::caller::Caller::organizer(huixiao::i18n::Lang::En);
    let second = huixiao::api::dispatch(
        &huixiao::api::Host::new(app.clone()),
        &caller,
        "deals.create",
        deal(&w, product, limited),
    )
    .unwrap();
    assert_eq!(
        second["warnings"],
        json!(["The “限时价” places are all taken (1/1)."])
    );
    assert_eq!(second["deal"]["state"], "active");
}

#[test]
fn a_store_that_did_not_attend_needs_a_reason() {
    let app = app_on_the_day();
    let (w, product, limited) = setup(&app, 50);
    let other = call(
        &app,
        "stores.create",
        json!({"name": "晚到的母婴店", "city": "长沙"}),
    )
    .unwrap();
    let mut d = deal(&w, product, limited);
    d["store_id"] = other["id"].clone();
    let before = dump(&app);
    let err = call(&app, "deals.create", d.clone()).unwrap_err();
    assert_eq!(err.field(), Some("reason"));
    assert!(err
        .message(huixiao::i18n::Lang::Zh)
        .contains("没有在“幼儿园招生增长研讨会”签到"));
    assert_eq!(dump(&app), before);
    d["reason"] = json!("会后第二天到店补签");
    let ok = call(&app, "deals.create", d).unwrap();
    assert_eq!(ok["deal"]["reason"], "会后第二天到店补签");
}

#[test]
fn negative_and_absurd_amounts_are_refused() {
    let app = app_on_the_day();
    let (w, product, limited) = setup(&app, 50);
    for (amount, part) in [(-1, "不能为负数"), (10_000_000_000i64, "过大")] {
        let mut d = deal(&w, product, limited);
        d["amount_fen"] = json!(amount);
        let err = call(&app, "deals.create", d).unwrap_err();
        assert_eq!(err.field(), Some("amount_fen"));
        assert!(err.message(huixiao::i18n::Lang::Zh).contains(part));
    }
}

#[test]
fn every_change_to_a_deal_is_in_its_audit_trail() {
    let app = app_on_the_day();
    let (w, product, limited) = setup(&app, 50);
    let id = call(&app, "deals.create", deal(&w, product, limited)).unwrap()["deal"]["id"].clone();
    call(&app, "deals.update", json!({"id": id, "quantity": 1, "amount_fen": 1_280_000, "payment": "full", "method": "微信", "note": "补齐尾款"})).unwrap();
    call(
        &app,
        "deals.refund",
        json!({"id": id, "reason": "产品不适合"}),
    )
    .unwrap();
    let h = call(&app, "deals.history", json!({"id": id})).unwrap();
    let rows: Vec<(String, String, String, String)> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["action"].as_str().unwrap().into(),
                c["field"].as_str().unwrap().into(),
                c["old"].as_str().unwrap().into(),
                c["new"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "create".into(),
                "".into(),
                "".into(),
                "deposit 980000".into()
            ),
            (
                "update".into(),
                "amount_fen".into(),
                "980000".into(),
                "1280000".into()
            ),
            (
                "update".into(),
                "payment".into(),
                "deposit".into(),
                "full".into()
            ),
            ("update".into(), "note".into(), "".into(), "补齐尾款".into()),
            (
                "refund".into(),
                "state".into(),
                "active".into(),
                "refunded: 产品不适合".into()
            ),
        ]
    );
    assert!(h
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["actor"] == "organizer" && c["at"].as_str().unwrap().starts_with("2026-11-29")));
    // A refunded deal stays as it is.
    let before = dump(&app);
    let again = call(&app, "deals.cancel", json!({"id": id, "reason": "x"})).unwrap_err();
    assert_eq!(again.code(), "conflict");
    assert_eq!(dump(&app), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn with_a_quota_of_50_a_thousand_concurrent_attempts_from_16_stations_accept_exactly_50() {
    const TOKEN: &str = "quota-race-token";
    let app = app_on_the_day();
    let (w, product, limited) = setup(&app, 50);
    // 16 assistants, each with a paired station of their own.
    let tokens: Vec<String> = (0..16)
        .map(|i| {
            let staff = call(
                &app,
                "staff.create",
                json!({"name": format!("助教{i}"), "roles": ["assistant"]}),
            )
            .unwrap();
            let p = call(
                &app,
                "stations.create",
                json!({"seminar_id": w.seminar, "staff_id": staff["id"], "role": "assistant"}),
            )
            .unwrap();
            call(&app, "stations.pair", json!({"code": p["pairing_code"]})).unwrap()["token"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let server = Arc::new(Server {
        host: huixiao::api::Host::new(app),
        admin_token: TOKEN.into(),
    });
    let (bound_tx, bound_rx) = tokio::sync::oneshot::channel::<SocketAddr>();
    let (_stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(http::serve(
        server.clone(),
        "127.0.0.1:0".parse().unwrap(),
        http::Ui::None,
        move |a| bound_tx.send(a).unwrap(),
        async {
            let _ = stop_rx.await;
        },
    ));
    let url = format!("http://{}/api/deals", bound_rx.await.unwrap());
    let outcome = station_race::race(&url, &tokens, &deal(&w, product, limited), 1000, 4).await;
    println!(
        "quota race: 1,000 attempts from 16 stations (4 in flight each) in {:.2} s, {:.0} attempts/s (debug build)",
        outcome.elapsed.as_secs_f64(),
        outcome.per_second()
    );
    assert_eq!(outcome.accepted, 50, "exactly the quota is accepted");
    assert_eq!(outcome.refused.len(), 950, "every other attempt is refused");
    for body in &outcome.refused {
        assert_eq!(body["code"], "conflict", "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("名额已满（50/50）"),
            "{body}"
        );
    }
    // Exactly 50 deals at the limited tier are stored, each with its one audit entry.
    let conn = server.host.app.db.conn();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [limited], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM deals WHERE tier_id = ?1"), 50);
    assert_eq!(
        count(
            "SELECT count(*) FROM deal_changes c JOIN deals d ON d.id = c.deal_id
             WHERE d.tier_id = ?1 AND c.action = 'create'"
        ),
        50
    );
    // Each deal is recorded as the assistant whose station made it.
    assert_eq!(
        count("SELECT count(*) FROM deals WHERE tier_id = ?1 AND assistant_id IN (SELECT staff_id FROM stations)"),
        50
    );
}

#[test]
fn referral_commissions_at_each_referrals_rate() {
    let app = app_on_the_day();
    let (w, product, limited) = setup(&app, 50);
    // The world's store referred two stores: one at 5%, one at 2.5%.
    let referred = |name: &str, bp: i64| {
        call(&app, "stores.create", json!({"name": name, "city": "长沙", "referrer_id": w.store, "referral_commission_bp": bp})).unwrap()["id"].as_i64().unwrap()
    };
    let a = referred("介绍来的母婴店", 500);
    let b = referred("介绍来的便利店", 250);
    for (store, amount, payment) in [
        (a, 1_000_000, "full"),
        (a, 333_333, "deposit"),
        (b, 980_000, "full"),
        (b, 500_000, "promised"),
    ] {
        let mut d = deal(&w, product, limited);
        d["store_id"] = json!(store);
        d["amount_fen"] = json!(amount);
        d["payment"] = json!(payment);
        d["reason"] = json!("会后到店成交");
        call(&app, "deals.create", d).unwrap();
    }
    let c = call(&app, "referrals.commissions", json!({})).unwrap();
    let partner = &c[0];
    assert_eq!(partner["partner_id"], w.store);
    assert_eq!(
        (
            partner["referred_stores"].as_i64(),
            partner["converted_stores"].as_i64(),
            partner["closed_deals"].as_i64()
        ),
        (Some(2), Some(2), Some(3))
    );
    assert_eq!(
        partner["amount_fen"],
        1_000_000 + 333_333 + 980_000,
        "the promised-only deal does not count"
    );
    // 5% of 1,333,333 = 66,666.65 and 2.5% of 980,000 = 24,500: 91,166.65 fen, rounded.
    assert_eq!(partner["commission_fen"], 91_167);
}

#[test]
fn a_week_early_going_live_is_refused_with_the_date_and_a_deal_is_refused_with_why() {
    // A week before the seminar's day (venue time): the event has not happened yet.
    let app = crate::support::app();
    let (w, product, tier) = setup(&app, 5);
    call(
        &app,
        "seminars.set_status",
        json!({"id": w.seminar, "status": "inviting"}),
    )
    .unwrap();
    let before = dump(&app);
    let err = call(
        &app,
        "seminars.set_status",
        json!({"id": w.seminar, "status": "live"}),
    )
    .unwrap_err();
    assert_eq!(err.code(), "conflict");
    let zh = err.message(huixiao::i18n::Lang::Zh);
    assert!(
        zh.contains("2026-11-29") && zh.contains("2026-11-22"),
        "{zh}"
    );
    let err = call(&app, "deals.create", deal(&w, product, tier)).unwrap_err();
    assert_eq!(err.field(), Some("seminar_id"), "{err}");
    let zh = err.message(huixiao::i18n::Lang::Zh);
    assert!(zh.contains("2026-11-29") && zh.contains("会销之前"), "{zh}");
    let en = err.message(huixiao::i18n::Lang::En);
    assert!(en.contains("before it"), "{en}");
    assert_eq!(dump(&app), before, "nothing written");

    // Moved to today on purpose: live, dated today, and its deals count at the event.
    let s = call(
        &app,
        "seminars.set_status",
        json!({"id": w.seminar, "status": "live", "move_to_today": true}),
    )
    .unwrap();
    assert_eq!(
        (s["status"].as_str(), s["date"].as_str()),
        (Some("live"), Some("2026-11-22"))
    );
    call(&app, "deals.create", deal(&w, product, tier)).unwrap();
    let f = call(&app, "seminars.funnel", json!({"id": w.seminar})).unwrap();
    assert_eq!(f["closed_at_event"], 1, "{f}");
}
