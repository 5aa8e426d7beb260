//! Check-in at the door: every typed outcome, garbage scans, nonces, undo, walk-ins, offline
//! sync with duplicates, and the arrival board.

use huixiao::{checkin, ticket};
use serde_json::{json, Value};

use crate::support::{app, call, dump, world};

/// A seminar with `n` confirmed stores (one guest each, with a ticket), two tables with an
/// assistant each, everyone seated; plus a ticket of another seminar and a cancelled one.
pub struct Door {
    pub seminar: i64,
    pub codes: Vec<String>,
    pub assistant: i64,
    pub other_code: String,
    pub cancelled_code: String,
}

pub fn door(app: &huixiao::App, n: usize) -> Door {
    let w = world(app);
    let id = |v: Value| v["id"].as_i64().unwrap();
    let mut invitation_ids = vec![];
    for i in 0..n {
        let store = id(call(
            app,
            "stores.create",
            json!({"name": format!("门店{i:04}"), "city": "长沙"}),
        )
        .unwrap());
        let contact = id(call(app, "contacts.create", json!({"store_id": store, "name": format!("客人{i:04}"), "role": "owner_spouse", "phone": format!("139{:08}", i)})).unwrap());
        let inv = id(call(app, "invitations.create", json!({"seminar_id": w.seminar, "store_id": store, "inviter_id": w.inviter, "contact_ids": [contact]})).unwrap());
        call(
            app,
            "invitations.set_status",
            json!({"id": inv, "status": "confirmed"}),
        )
        .unwrap();
        invitation_ids.push(inv);
    }
    let second = id(call(
        app,
        "staff.create",
        json!({"name": "孙悦", "roles": ["assistant"]}),
    )
    .unwrap());
    // Tables 1 and 2 have an assistant each; more tables (without) as the guests need.
    let tables = (n / 6 + 2).max(2);
    for number in 1..=tables {
        let assistant = match number {
            1 => Some(w.assistant),
            2 => Some(second),
            _ => None,
        };
        call(app, "tables.create", json!({"seminar_id": w.seminar, "number": number, "seats": 10, "assistant_id": assistant})).unwrap();
    }
    call(app, "seating.auto", json!({"seminar_id": w.seminar})).unwrap();
    let other = id(call(
        app,
        "seminars.create",
        json!({"title": "美业门店增长会", "date": "2026-12-06", "start_time": "14:00", "capacity": 50, "city": "株洲"}),
    )
    .unwrap());
    let other_inv = id(call(
        app,
        "invitations.create",
        json!({"seminar_id": other, "store_id": w.store, "contact_ids": [w.spouse]}),
    )
    .unwrap());
    let cancelled_inv = id(call(
        app,
        "invitations.create",
        json!({"seminar_id": w.seminar, "store_id": w.store, "contact_ids": [w.spouse]}),
    )
    .unwrap());
    let now = app.now_str();
    let (codes, other_code, cancelled_code) = app
        .db
        .write(|tx| {
            // Confirming may have issued the tickets already; issue any missing, then read them.
            let code_of = |inv: i64| -> huixiao::Result<String> {
                ticket::issue_for_guests(tx, inv, &now)?;
                Ok(tx.query_row(
                    "SELECT code FROM tickets WHERE invitation_id = ?1",
                    [inv],
                    |r| r.get(0),
                )?)
            };
            let codes = invitation_ids
                .iter()
                .map(|i| code_of(*i))
                .collect::<huixiao::Result<Vec<_>>>()?;
            Ok((codes, code_of(other_inv)?, code_of(cancelled_inv)?))
        })
        .unwrap();
    call(
        app,
        "invitations.set_status",
        json!({"id": cancelled_inv, "status": "cancelled"}),
    )
    .unwrap();
    Door {
        seminar: w.seminar,
        codes,
        assistant: w.assistant,
        other_code,
        cancelled_code,
    }
}

fn scan(app: &huixiao::App, seminar: i64, code: &str) -> Value {
    call(
        app,
        "checkins.scan",
        json!({"seminar_id": seminar, "code": code}),
    )
    .unwrap()
}

#[test]
fn a_ticket_checks_in_once_and_says_where_to_take_the_guest() {
    let app = app();
    let d = door(&app, 6);
    let r = scan(&app, d.seminar, &d.codes[0]);
    assert_eq!(r["outcome"], "checked_in", "{r}");
    assert!(r["table"].as_i64().is_some(), "{r}");
    assert!(r["assistant"].as_str().is_some(), "{r}");
    assert_eq!(r["guest"], "客人0000");
    assert!(r["message"].as_str().unwrap().contains("号桌"), "{r}");

    // The same code again (a double scan): already checked in, when and where — no second row.
    let again = scan(&app, d.seminar, &format!(" {} ", d.codes[0].to_lowercase()));
    assert_eq!(again["outcome"], "already_checked_in", "{again}");
    assert_eq!(again["checkin_id"], r["checkin_id"]);
    assert_eq!(again["at_local"], "09:00");
    let list = call(&app, "checkins.list", json!({"seminar_id": d.seminar})).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn a_guest_without_a_seat_is_sent_to_the_service_desk_in_one_sentence() {
    let app = app();
    let d = door(&app, 2);
    // A store confirmed after the seating was made has a ticket but no seat.
    let w = call(&app, "seminars.get", json!({"id": d.seminar})).unwrap();
    let store = call(
        &app,
        "stores.create",
        json!({"name": "晚到门店", "city": "长沙"}),
    )
    .unwrap();
    let contact = call(&app, "contacts.create", json!({"store_id": store["id"], "name": "晚到客人", "role": "owner", "phone": "13912345678"})).unwrap();
    let inv = call(
        &app,
        "invitations.create",
        json!({"seminar_id": w["id"], "store_id": store["id"], "contact_ids": [contact["id"]]}),
    )
    .unwrap();
    call(
        &app,
        "invitations.set_status",
        json!({"id": inv["id"], "status": "confirmed"}),
    )
    .unwrap();
    let code = call(
        &app,
        "invitations.list",
        json!({"seminar_id": d.seminar, "q": "晚到"}),
    )
    .unwrap()[0]["tickets"][0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = scan(&app, d.seminar, &code);
    assert_eq!(r["outcome"], "checked_in", "{r}");
    assert!(r["table"].is_null(), "{r}");
    assert_eq!(
        r["message"],
        "欢迎 晚到客人（晚到门店）！尚未安排座位，请引导至服务台"
    );
}

#[test]
fn other_seminars_cancelled_invitations_and_garbage_get_their_own_outcome_and_change_nothing() {
    let app = app();
    let d = door(&app, 3);
    let before = dump(&app);
    let r = scan(&app, d.seminar, &d.other_code);
    assert_eq!(r["outcome"], "wrong_seminar", "{r}");
    assert!(r["other_seminar"]
        .as_str()
        .unwrap()
        .contains("美业门店增长会"));
    let r = scan(&app, d.seminar, &d.cancelled_code);
    assert_eq!(r["outcome"], "cancelled", "{r}");

    let mut changed = d.codes[0].clone().into_bytes();
    changed[7] = if changed[7] == b'7' { b'8' } else { b'7' };
    let garbage = [
        String::from_utf8(changed).unwrap(),
        d.codes[0][..12].to_owned(),
        "https://weixin.qq.com/r/abcdef".into(),
        "134567890123456789".into(),
        "".into(),
        "'; DROP TABLE checkins; --".into(),
        "票码".repeat(500),
    ];
    for g in &garbage {
        let r = scan(&app, d.seminar, g);
        assert_eq!(r["outcome"], "invalid", "{g}: {r}");
        assert!(!r["message"].as_str().unwrap().is_empty());
    }
    let url = scan(&app, d.seminar, "https://example.com/x");
    assert!(url["message"].as_str().unwrap().contains("网址"), "{url}");
    assert_eq!(before, dump(&app), "refused scans wrote nothing");
}

#[test]
fn a_replayed_nonce_gets_the_first_answer_and_counts_once() {
    let app = app();
    let d = door(&app, 3);
    let input = json!({"seminar_id": d.seminar, "code": d.codes[1], "nonce": "scan-0001"});
    let first = call(&app, "checkins.scan", input.clone()).unwrap();
    let replay = call(&app, "checkins.scan", input).unwrap();
    assert_eq!(first["outcome"], "checked_in");
    assert_eq!(
        replay["outcome"], "checked_in",
        "the replay says what the first said"
    );
    assert_eq!(replay["replayed"], true);
    assert_eq!(replay["checkin_id"], first["checkin_id"]);
    let list = call(&app, "checkins.list", json!({"seminar_id": d.seminar})).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn an_undone_check_in_can_be_redone_and_companions_change() {
    let app = app();
    let d = door(&app, 3);
    let r = call(
        &app,
        "checkins.scan",
        json!({"seminar_id": d.seminar, "code": d.codes[2], "companions": 2}),
    )
    .unwrap();
    assert_eq!(r["companions"], 2);
    let id = r["checkin_id"].as_i64().unwrap();
    call(&app, "checkins.undo", json!({"id": id})).unwrap();
    let twice = call(&app, "checkins.undo", json!({"id": id})).unwrap_err();
    assert_eq!(twice.code(), "conflict");
    let again = scan(&app, d.seminar, &d.codes[2]);
    assert_eq!(again["outcome"], "checked_in");
    let c = call(
        &app,
        "checkins.companions",
        json!({"id": again["checkin_id"], "companions": 1}),
    )
    .unwrap();
    assert_eq!(c["companions"], 1);
    let bad = call(
        &app,
        "checkins.companions",
        json!({"id": again["checkin_id"], "companions": 99}),
    )
    .unwrap_err();
    assert_eq!(bad.field(), Some("companions"));
}

#[test]
fn a_walk_in_registers_takes_a_free_seat_and_is_checked_in() {
    let app = app();
    let d = door(&app, 4);
    let r = call(&app, "checkins.walk_in", json!({"seminar_id": d.seminar, "store_name": "新开张奶茶店", "guest_name": "周敏", "phone": "137 0000 1111", "role": "owner"})).unwrap();
    assert_eq!(r["outcome"], "checked_in", "{r}");
    assert!(r["table"].as_i64().is_some(), "seated at a free seat: {r}");
    let board = call(&app, "arrivals.board", json!({"seminar_id": d.seminar})).unwrap();
    assert_eq!(board["walk_ins"], 1);
    assert_eq!(board["arrived"], 1);
    // Bad phone: a clear error, nothing written.
    let before = dump(&app);
    let e = call(
        &app,
        "checkins.walk_in",
        json!({"seminar_id": d.seminar, "store_name": "某店", "guest_name": "某人", "phone": "12"}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("phone"));
    assert_eq!(before, dump(&app));
}

#[test]
fn offline_scans_sync_once_and_a_guest_checked_in_twice_apart_shows_as_a_duplicate() {
    let app = app();
    let d = door(&app, 4);
    // The hub checked guest 0 in first; a station offline checked in guests 0 and 1.
    scan(&app, d.seminar, &d.codes[0]);
    let queue = json!({"seminar_id": d.seminar, "scans": [
        {"seminar_id": d.seminar, "code": d.codes[0], "nonce": "off-1", "station_at": "2026-11-22T01:05:00Z"},
        {"seminar_id": d.seminar, "code": d.codes[1], "nonce": "off-2", "station_at": "2026-11-22T01:06:00Z"},
    ]});
    let out = call(&app, "checkins.sync", queue.clone()).unwrap();
    assert_eq!(out[0]["outcome"], "already_checked_in");
    assert_eq!(out[1]["outcome"], "checked_in");
    // The upload replayed (the station never saw the answer): nothing counts twice.
    let again = call(&app, "checkins.sync", queue).unwrap();
    assert_eq!(again[1]["replayed"], true);
    let board = call(&app, "arrivals.board", json!({"seminar_id": d.seminar})).unwrap();
    assert_eq!(board["arrived"], 2);
    let dups = board["duplicates"].as_array().unwrap();
    assert_eq!(dups.len(), 1, "{board}");
    assert_eq!(dups[0]["station_at"], "2026-11-22T01:05:00Z");
    // A scan without a nonce is refused whole.
    let before = dump(&app);
    let e = call(&app, "checkins.sync", json!({"seminar_id": d.seminar, "scans": [{"seminar_id": d.seminar, "code": d.codes[2], "nonce": "off-3"}, {"seminar_id": d.seminar, "code": d.codes[3]}]})).unwrap_err();
    assert_eq!(e.field(), Some("scans"));
    assert_eq!(before, dump(&app));
}

#[test]
fn search_finds_by_name_store_and_last_four_digits_and_the_roster_hides_codes() {
    let app = app();
    let d = door(&app, 12);
    let by_phone = call(
        &app,
        "checkins.search",
        json!({"seminar_id": d.seminar, "q": "0007"}),
    )
    .unwrap();
    assert_eq!(by_phone.as_array().unwrap().len(), 1, "{by_phone}");
    assert_eq!(by_phone[0]["guest"], "客人0007");
    let by_name = call(
        &app,
        "checkins.search",
        json!({"seminar_id": d.seminar, "q": "客人001"}),
    )
    .unwrap();
    assert_eq!(by_name.as_array().unwrap().len(), 2);
    // Checking in the one found, by its ticket.
    let r = call(
        &app,
        "checkins.scan",
        json!({"seminar_id": d.seminar, "ticket_id": by_phone[0]["ticket_id"], "via": "search"}),
    )
    .unwrap();
    assert_eq!(r["outcome"], "checked_in");
    let roster = call(&app, "checkins.roster", json!({"seminar_id": d.seminar})).unwrap();
    let text = roster.to_string();
    assert!(!text.contains(&d.codes[0]), "the roster carries no codes");
    assert!(text.contains(&checkin::code_sha256(&d.codes[0])));
    assert!(
        !text.contains("13900000007"),
        "the roster carries no phone numbers"
    );
}

#[test]
fn the_assistant_sees_their_tables_and_who_arrived_with_phones_masked() {
    let app = app();
    let d = door(&app, 6);
    let r = scan(&app, d.seminar, &d.codes[0]);
    let tables = call(
        &app,
        "arrivals.tables",
        json!({"seminar_id": d.seminar, "assistant_id": d.assistant}),
    )
    .unwrap();
    let tables = tables.as_array().unwrap();
    assert_eq!(tables.len(), 1);
    let guests = tables[0]["guests"].as_array().unwrap();
    assert!(!guests.is_empty());
    for g in guests {
        assert!(g["phone"].as_str().unwrap().starts_with("*******"), "{g}");
    }
    let arrived = guests
        .iter()
        .filter(|g| g["arrived_at"].is_string())
        .count();
    let expected = (r["assistant"] == "赵磊") as usize;
    assert_eq!(arrived, expected);
}

/// Before the start is when the greeters phone whoever is not here yet: the board names them then
/// too, not "everyone is here".
#[test]
fn the_board_names_who_is_not_here_yet_before_the_start() {
    let app = app();
    let d = door(&app, 4);
    scan(&app, d.seminar, &d.codes[0]);
    let board = call(&app, "arrivals.board", json!({"seminar_id": d.seminar})).unwrap();
    let now = app
        .now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%H:%M")
        .to_string();
    assert!(
        now.as_str() < board["starts"].as_str().unwrap(),
        "before the start: {now} {board}"
    );
    assert_eq!(board["arrived"], 1);
    let missing: Vec<&str> = board["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["guest_name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(missing.len(), 3, "{board}");
    assert!(
        !missing.contains(&"客人0000"),
        "the one who came is not missing"
    );
}

/// The walk-in form names its fields `store_name` and `guest_name`: a refusal says which one, so the
/// form shows it under the field rather than as a toast.
#[test]
fn a_walk_in_without_a_store_name_is_refused_on_that_field() {
    let app = app();
    let d = door(&app, 1);
    let before = dump(&app);
    for (store, guest, field) in [
        ("", "周敏", "store_name"),
        ("新开张奶茶店", "", "guest_name"),
    ] {
        let e = call(
            &app,
            "checkins.walk_in",
            json!({"seminar_id": d.seminar, "store_name": store, "guest_name": guest, "phone": "137 0000 2222", "role": "owner"}),
        )
        .unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
    }
    assert_eq!(before, dump(&app));
}
