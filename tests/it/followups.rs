//! After the event: closing a seminar plans the follow-ups; staff see today's and record outcomes.

use chrono::{TimeZone, Utc};
use huixiao::app::Clock;
use huixiao::checkin;
use serde_json::{json, Value};

use crate::support::{app, app_on_the_day, call, dump, world};

#[test]
fn closing_a_seminar_plans_follow_ups_and_outcomes_move_them_on() {
    let app = app_on_the_day();
    let w = world(&app);
    let id = |v: Value| v["id"].as_i64().unwrap();
    // A second and a third store: one confirmed that stays away, one that buys at the event.
    let store = |name: &str| {
        let s = id(call(&app, "stores.create", json!({"name": name, "city": "长沙"})).unwrap());
        let c = id(call(
            &app,
            "contacts.create",
            json!({"store_id": s, "name": "老板娘", "role": "owner_spouse"}),
        )
        .unwrap());
        (s, c)
    };
    let (no_show, no_show_contact) = store("没来的花店");
    let (buyer, buyer_contact) = store("当场买的药店");
    let invite = |s: i64, c: i64| {
        let inv = call(&app, "invitations.create", json!({"seminar_id": w.seminar, "store_id": s, "inviter_id": w.inviter, "contact_ids": [c]})).unwrap();
        call(
            &app,
            "invitations.set_status",
            json!({"id": inv["id"], "status": "confirmed"}),
        )
        .unwrap();
        id(inv)
    };
    let came = invite(w.store, w.spouse);
    invite(no_show, no_show_contact);
    let bought = invite(buyer, buyer_contact);
    // The world's store sits at table 1, whose assistant is 赵磊.
    let tables = call(
        &app,
        "tables.add_grid",
        json!({"seminar_id": w.seminar, "count": 1}),
    )
    .unwrap();
    let table = tables[0]["id"].as_i64().unwrap();
    let mut t = tables[0].clone();
    t["assistant_id"] = json!(w.assistant);
    call(&app, "tables.update", t).unwrap();
    app.db
        .write(|tx| {
            tx.execute(
                "INSERT INTO seat_assignments (seminar_id, invitation_id, contact_id, table_id, seat) VALUES (?1, ?2, ?3, ?4, 1)",
                [w.seminar, came, w.spouse, table],
            )?;
            checkin::record(tx, came, None, Some(w.spouse), "2026-11-29T05:55:00Z", "door", 0)?;
            checkin::record(tx, bought, None, Some(buyer_contact), "2026-11-29T05:58:00Z", "door", 1)?;
            Ok(())
        })
        .unwrap();
    let product = call(
        &app,
        "products.create",
        json!({"name": "系统", "tiers": [{"name": "会场价", "price_fen": 980_000}]}),
    )
    .unwrap();
    call(&app, "deals.create", json!({"seminar_id": w.seminar, "store_id": buyer, "product_id": product["id"], "amount_fen": 980_000, "payment": "full"})).unwrap();

    for status in ["inviting", "live", "closed"] {
        call(
            &app,
            "seminars.set_status",
            json!({"id": w.seminar, "status": status}),
        )
        .unwrap();
    }
    let list = call(&app, "followups.list", json!({"seminar_id": w.seminar})).unwrap();
    let of = |s: i64| -> Vec<Value> {
        list.as_array()
            .unwrap()
            .iter()
            .filter(|f| f["store_id"] == s)
            .cloned()
            .collect()
    };
    let mine = of(w.store);
    assert_eq!(
        mine.iter()
            .map(|f| f["due_date"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["2026-11-30", "2026-12-02", "2026-12-06"]
    );
    assert!(
        mine.iter()
            .all(|f| f["owner_id"] == w.assistant && f["kind"] == "after_event"),
        "owned by the table's assistant"
    );
    let theirs = of(no_show);
    assert_eq!(theirs.len(), 1);
    assert_eq!(
        (theirs[0]["owner_id"].as_i64(), theirs[0]["kind"].as_str()),
        (Some(w.inviter), Some("no_show"))
    );
    assert!(
        of(buyer).is_empty(),
        "a store that bought at the event needs no follow-up"
    );
    // Closing again plans nothing twice.
    call(
        &app,
        "seminars.set_status",
        json!({"id": w.seminar, "status": "closed"}),
    )
    .unwrap();
    assert_eq!(
        call(&app, "followups.list", json!({"seminar_id": w.seminar}))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        4
    );

    // The assistant's work on 2026-12-02: the two due so far.
    let today = call(
        &app,
        "followups.today",
        json!({"owner_id": w.assistant, "date": "2026-12-02"}),
    )
    .unwrap();
    assert_eq!(today.as_array().unwrap().len(), 2);

    // Thinking needs the next date; lost needs a reason: nothing is written without them.
    let first = mine[0]["id"].clone();
    let before = dump(&app);
    assert_eq!(
        call(
            &app,
            "followups.record",
            json!({"id": first, "outcome": "thinking"})
        )
        .unwrap_err()
        .field(),
        Some("next_date")
    );
    assert_eq!(
        call(
            &app,
            "followups.record",
            json!({"id": first, "outcome": "lost"})
        )
        .unwrap_err()
        .field(),
        Some("lost_reason")
    );
    assert_eq!(dump(&app), before);
    call(&app, "followups.record", json!({"id": first, "outcome": "thinking", "next_date": "2026-12-01", "note": "要和老公商量"})).unwrap();
    assert_eq!(
        call(&app, "followups.list", json!({"seminar_id": w.seminar}))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        5
    );

    // Closed needs its deal: without one, a field error on `deal` and nothing written.
    let second = mine[1]["id"].clone();
    let before = dump(&app);
    let e = call(
        &app,
        "followups.record",
        json!({"id": second, "outcome": "closed"}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("deal"));
    assert_eq!(dump(&app), before);
    // Closed with its deal, a week after the seminar: the deal is the store's, owned by the
    // follow-up's owner, and the report's "closed in follow-up" (F) moves from 0 to 1.
    let later = app.clone().with_clock(Clock::Fixed(
        Utc.with_ymd_and_hms(2026, 12, 2, 2, 0, 0).unwrap(),
    ));
    let f_of = || {
        call(&later, "seminars.report", json!({"id": w.seminar})).unwrap()["closed_in_followup"]
            .as_i64()
    };
    assert_eq!(f_of(), Some(0));
    let deal = json!({"product_id": product["id"], "amount_fen": 900_000, "method": "微信"});
    let done = call(
        &later,
        "followups.record",
        json!({"id": second, "outcome": "closed", "deal": deal}),
    )
    .unwrap();
    assert_eq!(done["outcome"], "closed");
    assert_eq!(f_of(), Some(1));
    let deals = call(&later, "deals.list", json!({"seminar_id": w.seminar})).unwrap();
    let d = deals
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["store_id"] == w.store)
        .unwrap();
    assert_eq!(
        (
            d["amount_fen"].as_i64(),
            d["payment"].as_str(),
            d["assistant_id"].as_i64()
        ),
        (Some(900_000), Some("full"), Some(w.assistant))
    );
    assert_eq!(d["closed"], true);
    let open = call(
        &app,
        "followups.today",
        json!({"owner_id": w.assistant, "date": "2026-12-31"}),
    )
    .unwrap();
    assert!(
        open.as_array().unwrap().is_empty(),
        "nothing left to do for that store: {open}"
    );
    let again = call(
        &app,
        "followups.record",
        json!({"id": mine[2]["id"], "outcome": "thinking", "next_date": "2026-12-20"}),
    )
    .unwrap_err();
    assert_eq!(again.code(), "conflict");
}

#[test]
fn search_by_owner_and_dates_and_a_deposit_records_its_deal_under_the_quota_rules() {
    use huixiao::followup::{self, Channel, NewFollowUp};

    let app = app_on_the_day();
    let (w, product, limited) = crate::deals::setup(&app, 1);
    // The one limited place is taken at the event.
    call(
        &app,
        "deals.create",
        crate::deals::deal(&w, product, limited),
    )
    .unwrap();
    let ids: Vec<i64> = app
        .db
        .write(|tx| {
            let mut ids = Vec::new();
            for (owner, due) in [
                (w.assistant, "2026-12-03"),
                (w.inviter, "2026-11-30"),
                (w.assistant, "2026-12-10"),
            ] {
                let f = NewFollowUp {
                    seminar_id: w.seminar,
                    store_id: w.store,
                    owner_id: Some(owner),
                    channel: Channel::Call,
                    due_date: due,
                    outcome: None,
                    note: "",
                    done_at: None,
                };
                ids.push(followup::insert(tx, &f, "2026-11-29T10:00:00Z")?);
            }
            Ok(ids)
        })
        .unwrap();
    let found = |q: Value| -> Vec<i64> {
        call(&app, "followups.search", q)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(found(json!({})), [ids[1], ids[0], ids[2]], "by due date");
    assert_eq!(found(json!({"owner_id": w.assistant})), [ids[0], ids[2]]);
    assert_eq!(
        found(json!({"seminar_id": w.seminar, "from": "2026-12-01", "to": "2026-12-05"})),
        [ids[0]]
    );
    let e = call(&app, "followups.search", json!({"from": "12/01"})).unwrap_err();
    assert_eq!(e.field(), Some("from"));

    // A deal only goes with closed or deposit.
    let deal = json!({"product_id": product, "tier_id": limited, "amount_fen": 980_000});
    let e = call(
        &app,
        "followups.record",
        json!({"id": ids[0], "outcome": "thinking", "next_date": "2026-12-05", "deal": deal}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("deal"));
    // The limited tier is full: the deposit is refused and nothing is written.
    let before = dump(&app);
    let e = call(
        &app,
        "followups.record",
        json!({"id": ids[0], "outcome": "deposit", "deal": deal}),
    )
    .unwrap_err();
    assert_eq!(e.code(), "conflict", "{e}");
    assert!(
        dump(&app) == before,
        "the follow-up waits for a deal that can be recorded"
    );
    let event_price = json!({"product_id": product, "amount_fen": 300_000, "method": "现金"});
    let r = call(
        &app,
        "followups.record",
        json!({"id": ids[0], "outcome": "deposit", "deal": event_price}),
    )
    .unwrap();
    assert_eq!(r["outcome"], "deposit");
    assert_eq!(
        found(json!({"open_only": true})),
        Vec::<i64>::new(),
        "the store's sequence ends"
    );
    let deals = call(&app, "deals.list", json!({"seminar_id": w.seminar})).unwrap();
    let last = deals.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["payment"].as_str(), last["amount_fen"].as_i64()),
        (Some("deposit"), Some(300_000))
    );
}

/// "Today" is the venue's date: the organisation's time zone for follow-ups without a seminar,
/// not Shanghai's. At 23:30 in Berlin on 1 December it is already 06:30 on the 2nd in Shanghai.
#[test]
fn today_is_the_date_in_the_organisations_time_zone() {
    let late_evening = Utc.with_ymd_and_hms(2026, 12, 1, 22, 30, 0).unwrap();
    let app = app().with_clock(Clock::Fixed(late_evening));
    call(
        &app,
        "settings.update",
        json!({"org_name": "", "language": "zh-CN", "timezone": "Europe/Berlin"}),
    )
    .unwrap();
    let staff = call(
        &app,
        "staff.create",
        json!({"name": "王芳", "roles": ["inviter"]}),
    )
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    let store = call(
        &app,
        "stores.create",
        json!({"name": "柏林花店", "city": "Berlin"}),
    )
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    let followup = |due: &str| {
        app.db
            .write(|tx| {
                tx.execute(
                    "INSERT INTO followups (store_id, owner_id, due_date, created_at) VALUES (?1, ?2, ?3, '2026-11-20T10:00:00Z')",
                    rusqlite::params![store, staff, due],
                )?;
                Ok(tx.last_insert_rowid())
            })
            .unwrap()
    };
    let first = followup("2026-12-01");
    let second = followup("2026-12-02");
    let due = |app: &huixiao::App| -> Vec<i64> {
        call(app, "followups.today", json!({"owner_id": staff}))
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(due(&app), [first], "the 2nd has not begun in Berlin");
    // A call-back "today" is today in Berlin, not a day in the past.
    call(
        &app,
        "followups.record",
        json!({"id": first, "outcome": "thinking", "next_date": "2026-12-01"}),
    )
    .expect("the 1st is still today in Berlin");
    // Just after midnight in Berlin (still the 1st in UTC), the 2nd's is due too.
    let after_midnight = Utc.with_ymd_and_hms(2026, 12, 1, 23, 30, 0).unwrap();
    let next_day = app.clone().with_clock(Clock::Fixed(after_midnight));
    assert!(due(&next_day).contains(&second));
    // A seminar created without a zone is at the organisation's.
    let seminar = call(
        &app,
        "seminars.create",
        json!({"title": "花店经营研讨会", "date": "2026-12-20", "start_time": "14:00", "capacity": 40}),
    )
    .unwrap();
    assert_eq!(seminar["timezone"], "Europe/Berlin");
}
