//! Conversion pinned on a hand-built seminar whose numbers are known.

use huixiao::conversion::{funnel_in, report_in, Counts, Funnel};
use huixiao::deal::{self, DealInput, Payment};
use huixiao::invitation::{self, InvitationInput, InvitationStatus};
use huixiao::{checkin, contact, product, seminar, store};
use rusqlite::Connection;
use serde_json::json;

use crate::support::{app, call};

struct Built {
    s1: i64,
    s2: i64,
    empty: i64,
    no_shows: i64,
}

fn build(app: &huixiao::App) -> Built {
    let id = |v: serde_json::Value| v["id"].as_i64().unwrap();
    let new_seminar = |title: &str, date: &str| {
        id(call(
            app,
            "seminars.create",
            json!({"title": title, "date": date, "start_time": "14:00", "capacity": 100}),
        )
        .unwrap())
    };
    let s1 = new_seminar("门店增长研讨会", "2026-11-29");
    let s2 = new_seminar("门店增长研讨会·第二期", "2026-12-06");
    let empty = new_seminar("还没有邀约的会", "2026-12-20");
    let no_shows = new_seminar("没人来的会", "2026-12-21");
    app.db
        .write(|tx| {
            let product = product::insert(
                tx,
                &product::ProductInput {
                    name: "招生系统".into(),
                    description: String::new(),
                    tiers: vec![product::PriceTierInput {
                        name: "会场价".into(),
                        price_fen: 980_000,
                        quota: None,
                    }],
                },
                "2026-11-01T00:00:00Z",
            )?;
            let mut stores = Vec::new();
            for n in 1..=8 {
                let s = store::insert(
                    tx,
                    store::StoreInput {
                        name: format!("门店{}", "甲乙丙丁戊己庚辛".chars().nth(n - 1).unwrap()),
                        city: "长沙".into(),
                        district: String::new(),
                        address: String::new(),
                        industry: String::new(),
                        level: Default::default(),
                        key_customer: false,
                        referrer_id: None,
                        note: String::new(),
                        referral_commission_bp: 0,
                        source: String::new(),
                    },
                    "2026-11-01T00:00:00Z",
                )?;
                // Stores 1–4 send the owner's spouse, stores 5–8 the owner.
                let role = if n <= 4 {
                    contact::ContactRole::OwnerSpouse
                } else {
                    contact::ContactRole::Owner
                };
                let c = contact::insert(
                    tx,
                    s,
                    contact::ContactInput {
                        name: "来宾".into(),
                        role,
                        phone: None,
                        opted_out: false,
                    },
                    "2026-11-01T00:00:00Z",
                )?;
                stores.push((s, c));
            }
            let invite = |tx: &Connection,
                          seminar: i64,
                          n: usize,
                          status: InvitationStatus,
                          walk_in: bool| {
                let (store_id, contact) = stores[n - 1];
                let input = InvitationInput {
                    seminar_id: seminar,
                    store_id,
                    inviter_id: None,
                    contact_ids: vec![contact],
                    walk_in,
                    note: String::new(),
                };
                invitation::insert(tx, &input, status, "2026-11-10T00:00:00Z")
            };
            let came = |tx: &Connection, inv: i64, at: &str| {
                checkin::record(tx, inv, None, None, at, "door", 0)
            };
            let buy = |tx: &Connection, n: usize, payment: Payment, at: &str| {
                let d = DealInput {
                    seminar_id: Some(s1),
                    store_id: stores[n - 1].0,
                    contact_id: None,
                    product_id: product,
                    tier_id: None,
                    quantity: 1,
                    amount_fen: 980_000,
                    payment,
                    method: String::new(),
                    assistant_id: None,
                    note: String::new(),
                    reason: String::new(),
                };
                deal::insert(tx, &d, at, "organizer").map(|(id, _)| id)
            };
            use InvitationStatus::*;
            use Payment::*;
            let event = "2026-11-29T07:30:00Z"; // 15:30 in Shanghai on the day
                                                // 1: came, five closed deals at the event (the owner's spouse buys for two shops…).
            let i1 = invite(tx, s1, 1, Confirmed, false)?;
            came(tx, i1, "2026-11-29T05:50:00Z")?;
            for p in [Full, Deposit, Full, Full, Deposit] {
                buy(tx, 1, p, event)?;
            }
            // 2: came, only promised at the event; paid a deposit three days later (follow-up).
            let i2 = invite(tx, s1, 2, Confirmed, false)?;
            came(tx, i2, "2026-11-29T05:55:00Z")?;
            buy(tx, 2, Promised, event)?;
            buy(tx, 2, Deposit, "2026-12-02T03:00:00Z")?;
            // 3: came, bought, and was refunded.
            let i3 = invite(tx, s1, 3, Confirmed, false)?;
            came(tx, i3, "2026-11-29T06:01:00Z")?;
            let refunded = buy(tx, 3, Full, event)?;
            tx.execute(
                "UPDATE deals SET state = 'refunded' WHERE id = ?1",
                [refunded],
            )?;
            // 4: confirmed, did not come.
            invite(tx, s1, 4, Confirmed, false)?;
            // 5: declined.
            invite(tx, s1, 5, Declined, false)?;
            // 6: a walk-in who bought, and a companion who bought too.
            let i6 = invite(tx, s1, 6, Confirmed, true)?;
            came(tx, i6, "2026-11-29T06:20:00Z")?;
            buy(tx, 6, Full, event)?;
            buy(tx, 6, Full, event)?;
            // 7: never confirmed but came; bought 42 days later, outside the 30-day window.
            let i7 = invite(tx, s1, 7, Invited, false)?;
            came(tx, i7, "2026-11-29T06:05:00Z")?;
            buy(tx, 7, Full, "2027-01-10T03:00:00Z")?;
            // 8: came, then came to the second seminar and bought there.
            let i8 = invite(tx, s1, 8, Confirmed, false)?;
            came(tx, i8, "2026-11-29T06:02:00Z")?;
            let i8b = invite(tx, s2, 8, Confirmed, false)?;
            came(tx, i8b, "2026-12-06T06:00:00Z")?;
            buy(tx, 8, Full, "2026-12-06T07:00:00Z")?;
            // A seminar whose guests all stayed away.
            invite(tx, no_shows, 1, Confirmed, false)?;
            Ok(())
        })
        .unwrap();
    Built {
        s1,
        s2,
        empty,
        no_shows,
    }
}

#[test]
fn every_rate_of_a_hand_built_seminar() {
    let app = app();
    let b = build(&app);
    let f = funnel_in(&app.db.conn(), b.s1).unwrap();
    let expect = Funnel {
        seminar_id: b.s1,
        credited_elsewhere: 1, // store 8's deal belongs to the second seminar
        counts: Counts {
            invited: 8,
            confirmed: 7, // 1, 2, 3, 4, 6 (walk-in), 7 (came), 8 — not 5 (declined)
            attended: 6,  // 1, 2, 3, 6, 7, 8
            closed_at_event: 2, // 1 and 6; 2 only promised, 3 was refunded
            closed_in_followup: 1, // 2 paid a deposit on day 3; 7 bought outside the window
            closed_deals: 8, // 5 (store 1) + 2 (store 6) + 1 (store 2)
            confirm_rate: Some(7.0 / 8.0),
            show_rate: Some(6.0 / 7.0),
            event_close_rate: Some(2.0 / 6.0),
            followup_close_rate: Some(1.0 / 4.0),
            session_conversion: Some(3.0 / 6.0),
            deal_ratio: Some(8.0 / 6.0),
        },
    };
    assert_eq!(f, expect);
    assert!(
        f.counts.deal_ratio.unwrap() > 1.0,
        "more deals than attending stores"
    );

    let second = funnel_in(&app.db.conn(), b.s2).unwrap().counts;
    assert_eq!(
        (second.attended, second.closed_at_event, second.closed_deals),
        (1, 1, 1)
    );

    // The seminar list counts the same way.
    let listed = seminar::get_in(&app.db.conn(), b.s1).unwrap();
    assert_eq!(
        (listed.invited, listed.confirmed, listed.attended),
        (8, 7, 6)
    );
}

#[test]
fn zero_denominators_are_null_not_zero() {
    let app = app();
    let b = build(&app);
    let empty = funnel_in(&app.db.conn(), b.empty).unwrap().counts;
    assert_eq!(
        (empty.invited, empty.confirm_rate, empty.session_conversion),
        (0, None, None)
    );
    let no_shows = funnel_in(&app.db.conn(), b.no_shows).unwrap().counts;
    assert_eq!(no_shows.show_rate, Some(0.0));
    assert_eq!(
        (
            no_shows.event_close_rate,
            no_shows.deal_ratio,
            no_shows.followup_close_rate
        ),
        (None, None, None)
    );
    let json = serde_json::to_value(&no_shows).unwrap();
    assert!(json["deal_ratio"].is_null());
}

#[test]
fn the_demo_seminar_converts_above_100_percent_in_deals() {
    let app = app();
    call(&app, "demo.load", json!({"today": "2026-11-22"})).unwrap();
    let f = call(&app, "seminars.funnel", json!({"id": 1})).unwrap();
    assert_eq!(f["attended"], 40);
    assert!(f["deal_ratio"].as_f64().unwrap() > 1.0, "{f}");
    assert!(f["session_conversion"].as_f64().unwrap() <= 1.0, "{f}");
}

#[test]
fn conversion_by_invitee_role() {
    let app = app();
    let b = build(&app);
    let r = report_in(&app.db.conn(), b.s1).unwrap();
    let role = |k: &str| {
        r.by_role
            .iter()
            .find(|g| g.key == k)
            .unwrap()
            .counts
            .clone()
    };
    let spouse = role("owner_spouse"); // stores 1–4
    assert_eq!(
        (
            spouse.invited,
            spouse.confirmed,
            spouse.attended,
            spouse.closed_at_event,
            spouse.closed_in_followup,
            spouse.closed_deals
        ),
        (4, 4, 3, 1, 1, 6)
    );
    assert_eq!(spouse.session_conversion, Some(2.0 / 3.0));
    let owner = role("owner"); // stores 5–8
    assert_eq!(
        (
            owner.invited,
            owner.confirmed,
            owner.attended,
            owner.closed_at_event,
            owner.closed_in_followup,
            owner.closed_deals
        ),
        (4, 3, 3, 1, 0, 2)
    );
    assert_eq!(owner.session_conversion, Some(1.0 / 3.0));
    // Nobody owns these invitations, and every store is in 长沙: one group each, equal to the whole.
    assert_eq!(r.by_inviter.len(), 1);
    assert_eq!(r.by_city[0].counts, r.funnel.counts);
}

#[test]
fn breakdowns_of_the_demo_add_up() {
    let app = app();
    call(&app, "demo.load", json!({"today": "2026-11-22"})).unwrap();
    let r: huixiao::conversion::SeminarReport =
        serde_json::from_value(call(&app, "seminars.report", json!({"id": 1})).unwrap()).unwrap();
    for groups in [
        &r.by_inviter,
        &r.by_role,
        &r.by_city,
        &r.by_table,
        &r.by_assistant,
    ] {
        let sum = |f: fn(&Counts) -> i64| groups.iter().map(|g| f(&g.counts)).sum::<i64>();
        assert_eq!(sum(|c| c.invited), r.funnel.counts.invited);
        assert_eq!(sum(|c| c.attended), r.funnel.counts.attended);
        assert_eq!(sum(|c| c.closed_deals), r.funnel.counts.closed_deals);
    }
    assert!(r.by_inviter.len() >= 4, "the demo's four inviters");
    let tables = r.by_table.iter().filter(|g| g.counts.attended > 0).count();
    assert_eq!(
        tables, 8,
        "every guest who came sat at one of the eight tables"
    );
    assert!(r
        .by_assistant
        .iter()
        .filter(|g| g.counts.attended > 0)
        .all(|g| !g.label.is_empty()));
}

#[test]
fn the_four_territory_rates() {
    let app = app();
    let b = build(&app);
    // Store 6 (己) comes back to the second seminar and buys again: a repurchase.
    app.db
        .write(|tx| {
            let store: i64 = tx.query_row("SELECT id FROM stores WHERE name = '门店己'", [], |r| r.get(0))?;
            let contact: i64 = tx.query_row("SELECT id FROM contacts WHERE store_id = ?1", [store], |r| r.get(0))?;
            let product: i64 = tx.query_row("SELECT id FROM products", [], |r| r.get(0))?;
            let input = InvitationInput { seminar_id: b.s2, store_id: store, inviter_id: None, contact_ids: vec![contact], walk_in: false, note: String::new() };
            let inv = invitation::insert(tx, &input, InvitationStatus::Confirmed, "2026-11-30T00:00:00Z")?;
            checkin::record(tx, inv, None, Some(contact), "2026-12-06T06:00:00Z", "door", 0)?;
            let d = DealInput {
                seminar_id: Some(b.s2),
                store_id: store,
                contact_id: None,
                product_id: product,
                tier_id: None,
                quantity: 1,
                amount_fen: 980_000,
                payment: Payment::Full,
                method: String::new(),
                assistant_id: None,
                note: String::new(),
                reason: String::new(),
            };
            deal::insert(tx, &d, "2026-12-06T07:00:00Z", "organizer")?;
            // Two stores in the city were never invited, and the catalogue has a second product.
            for name in ["门店壬", "门店癸"] {
                tx.execute("INSERT INTO stores (name, city, district, created_at) VALUES (?1, '长沙', '岳麓区', '2026-11-01T00:00:00Z')", [name])?;
            }
            tx.execute("INSERT INTO products (name, created_at) VALUES ('续费包', '2026-11-01T00:00:00Z')", [])?;
            Ok(())
        })
        .unwrap();
    let t = huixiao::conversion::territory_in(&app.db.conn(), "长沙").unwrap();
    let r = &t.rates;
    // 10 stores; 8 invited; converted: 1, 2, 6, 7 (closed, if outside any window) and 8 — not 3 (refunded).
    assert_eq!(
        (r.stores, r.covered, r.converted, r.repurchased),
        (10, 8, 5, 1)
    );
    assert_eq!(r.coverage, Some(0.8));
    assert_eq!(r.territory_conversion, Some(5.0 / 8.0));
    assert_eq!(r.repurchase, Some(1.0 / 5.0));
    // Each converted store bought one of the two products.
    assert_eq!(r.penetration, Some(0.5));
    let yuelu = t.by_district.iter().find(|g| g.key == "岳麓区").unwrap();
    assert_eq!(
        (
            yuelu.rates.stores,
            yuelu.rates.covered,
            yuelu.rates.coverage
        ),
        (2, 0, Some(0.0))
    );
    assert_eq!(
        yuelu.rates.territory_conversion, None,
        "nothing covered: no conversion rate"
    );
    let err = huixiao::conversion::territory_in(&app.db.conn(), "火星").unwrap_err();
    assert_eq!(err.field(), Some("city"));
}

#[test]
fn the_report_pdf_op_gives_the_session_report_in_the_callers_language() {
    use base64::Engine;
    use huixiao::api::dispatch;
    use huixiao::caller::Caller;
    use huixiao::i18n::Lang;

    let app = app();
    let b = build(&app);
    let dir = tempfile::tempdir().unwrap();
    for (lang, title) in [(Lang::Zh, "会销报告"), (Lang::En, "Seminar report")] {
        let caller = Caller::organizer(lang);
        let out = dispatch(
            &huixiao::api::Host::new(app.clone()),
            &caller,
            "seminars.report_pdf",
            json!({"id": b.s1}),
        )
        .unwrap();
        assert_eq!(out["mime"], "application/pdf");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(out["data_base64"].as_str().unwrap())
            .unwrap();
        assert!(bytes.starts_with(b"%PDF"), "a PDF");
        let f = dir.path().join("r.pdf");
        std::fs::write(&f, &bytes).unwrap();
        let text = std::process::Command::new("pdftotext")
            .arg(&f)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils)");
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains(title), "{title} in:\n{text}");
    }
    let e = call(&app, "seminars.report_pdf", json!({"id": 9999})).unwrap_err();
    assert_eq!(e.code(), "not_found");
}

/// Minutes after closing, follow-up has not had its days: the verdict waits for them and says until
/// when; once the attribution window has passed, the phase after the event is judged like the others.
#[test]
fn the_verdict_waits_for_the_follow_up_window() {
    let app = app();
    call(&app, "demo.load", json!({"today": "2026-11-22"})).unwrap();
    let s = call(&app, "seminars.get", json!({"id": 1})).unwrap();
    assert_eq!(s["status"], "closed");
    let date = chrono::NaiveDate::parse_from_str(s["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let until = date + chrono::Duration::days(s["attribution_days"].as_i64().unwrap());
    let row = |app: &huixiao::App| {
        let c = call(app, "seminars.compare", json!({})).unwrap();
        c["seminars"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["seminar_id"] == 1)
            .unwrap()
            .clone()
    };
    let open = row(&app);
    assert_ne!(open["weakest"], "post_event", "{open}");
    let said = open["verdict"].as_str().unwrap();
    assert!(
        said.ends_with(&format!("会后跟进到 {until} 截止，届时再评判会后阶段。")),
        "{said}"
    );
    let later = app.clone().with_clock(huixiao::app::Clock::Fixed(
        (until + chrono::Duration::days(1))
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc(),
    ));
    let over = row(&later);
    assert!(
        !over["verdict"].as_str().unwrap().contains("截止"),
        "{over}"
    );
}
