//! Partners' progress (介绍人): the stores a partner sent and where each stands on the bow-tie,
//! commission earned, paid (a payout ledger) and owed; bad payouts refused with a message; a
//! one-page statement as PDF and xlsx, in the caller's language, never with a phone number.

use std::io::Cursor;

use base64::Engine;
use calamine::{Data, Reader, Xlsx};
use huixiao::i18n::Lang;
use huixiao::App;
use serde_json::{json, Value};

use crate::support::{app, call, organizer, world};

/// A partner (the world's store, whose contacts have phones) who sent two stores: one bought
/// ¥10,000 at a 5% rate (¥500 earned), the other was only invited.
struct Partners {
    partner: i64,
    bought: i64,
    invited: i64,
}

const PHONES: [&str; 4] = ["13800138000", "13800138001", "13911112222", "13933334444"];

fn setup(app: &App) -> Partners {
    let w = world(app);
    let id = |v: Value| v["id"].as_i64().unwrap();
    let bought = id(call(
        app,
        "stores.create",
        json!({"name": "蓓蕾孕婴生活馆", "city": "长沙", "referrer_id": w.store, "referral_commission_bp": 500}),
    )
    .unwrap());
    let invited = id(call(
        app,
        "stores.create",
        json!({"name": "阳光花店", "city": "长沙", "referrer_id": w.store, "referral_commission_bp": 500}),
    )
    .unwrap());
    let mut owners = Vec::new();
    for (store, phone) in [(bought, PHONES[2]), (invited, PHONES[3])] {
        owners.push(id(call(
            app,
            "contacts.create",
            json!({"store_id": store, "name": "王老板", "role": "owner", "phone": phone}),
        )
        .unwrap()));
    }
    call(
        app,
        "invitations.create",
        json!({"seminar_id": w.seminar, "store_id": invited, "contact_ids": [owners[1]]}),
    )
    .unwrap();
    let conn = app.db.conn();
    conn.execute(
        "INSERT INTO products (name, created_at) VALUES ('门店增长课程', '2026-11-01T00:00:00Z')",
        [],
    )
    .unwrap();
    let product = conn.last_insert_rowid();
    conn.execute(
        "INSERT INTO deals (store_id, product_id, amount_fen, payment, at)
         VALUES (?1, ?2, 1000000, 'full', '2026-11-10T06:00:00Z')",
        [bought, product],
    )
    .unwrap();
    Partners {
        partner: w.store,
        bought,
        invited,
    }
}

#[test]
fn a_partner_sees_the_stores_sent_their_stages_and_what_is_earned_paid_and_owed() {
    let app = app();
    let p = setup(&app);
    let list = call(&app, "partners.list", json!({})).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["partner_id"], json!(p.partner));
    assert_eq!(list[0]["referred_stores"], json!(2));
    assert_eq!(list[0]["converted_stores"], json!(1));
    assert_eq!(list[0]["earned_fen"], json!(50000));
    assert_eq!(list[0]["owed_fen"], json!(50000));

    let d = call(
        &app,
        "partners.record_payout",
        json!({"partner_id": p.partner, "amount_fen": 20000, "paid_on": "2026-11-20", "note": "第一笔"}),
    )
    .unwrap();
    assert_eq!(d["partner"]["paid_fen"], json!(20000));
    assert_eq!(d["partner"]["owed_fen"], json!(30000));
    assert_eq!(d["partner"]["last_paid_on"], json!("2026-11-20"));
    let stage = |id: i64| {
        d["stores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["store_id"] == json!(id))
            .map(|s| (s["stage"].clone(), s["stage_date"].clone()))
            .unwrap()
    };
    assert_eq!(stage(p.bought), (json!("closed"), json!("2026-11-10")));
    assert_eq!(stage(p.invited), (json!("invited"), json!("2026-11-22")));

    // Today's payout (no date given), then one deleted: the ledger and the totals follow.
    let d = call(
        &app,
        "partners.record_payout",
        json!({"partner_id": p.partner, "amount_fen": 5000}),
    )
    .unwrap();
    assert_eq!(d["payouts"][0]["paid_on"], json!("2026-11-22"));
    assert_eq!(d["partner"]["owed_fen"], json!(25000));
    let first = d["payouts"][1]["id"].as_i64().unwrap();
    let d = call(&app, "partners.delete_payout", json!({"id": first})).unwrap();
    assert_eq!(d["payouts"].as_array().unwrap().len(), 1);
    assert_eq!(d["partner"]["paid_fen"], json!(5000));
    assert_eq!(d["partner"]["owed_fen"], json!(45000));
}

#[test]
fn a_bad_payout_is_refused_with_a_message_and_nothing_written() {
    let app = app();
    let p = setup(&app);
    let refused = |input: Value, field: &str, words: &str| {
        let e = call(&app, "partners.record_payout", input).unwrap_err();
        let v = e.to_api(Lang::Zh);
        assert_eq!(v.field.as_deref(), Some(field), "{v:?}");
        assert!(v.message.contains(words), "{v:?}");
    };
    refused(
        json!({"partner_id": p.partner, "amount_fen": 0}),
        "amount_fen",
        "大于 0",
    );
    refused(
        json!({"partner_id": p.partner, "amount_fen": -100}),
        "amount_fen",
        "大于 0",
    );
    refused(
        json!({"partner_id": p.partner, "amount_fen": 100, "paid_on": "2026-11-23"}),
        "paid_on",
        "今天",
    );
    refused(
        json!({"partner_id": p.partner, "amount_fen": 100, "paid_on": "11/20"}),
        "paid_on",
        "11/20",
    );
    // A store that referred nobody is not a partner; a store that does not exist is not found.
    refused(
        json!({"partner_id": p.bought, "amount_fen": 100}),
        "partner_id",
        "不是介绍人",
    );
    let e = call(
        &app,
        "partners.record_payout",
        json!({"partner_id": 9999, "amount_fen": 100}),
    )
    .unwrap_err();
    assert_eq!(e.code(), "not_found");
    let e = call(&app, "partners.delete_payout", json!({"id": 4242})).unwrap_err();
    assert_eq!(e.code(), "not_found");
    let rows: i64 = app
        .db
        .conn()
        .query_row("SELECT count(*) FROM partner_payouts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 0);
}

fn file(app: &App, op: &str, id: i64, lang: Lang) -> (String, Vec<u8>) {
    let host = huixiao::api::Host::new(app.clone());
    let out = huixiao::api::dispatch(&host, &organizer(lang), op, json!({ "id": id })).unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(out["data_base64"].as_str().unwrap())
        .unwrap();
    (out["file_name"].as_str().unwrap().to_owned(), bytes)
}

fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("statement.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    let pages = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8(pages.stdout).unwrap();
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.trim_end().ends_with(" 1")),
        "one page: {info}"
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every digit run of the text, joined: a phone split by spaces or dashes is still found.
fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

#[test]
fn the_statement_pdf_names_stores_and_stages_in_the_callers_language_and_no_phone() {
    let app = app();
    let p = setup(&app);
    call(
        &app,
        "partners.record_payout",
        json!({"partner_id": p.partner, "amount_fen": 20000, "paid_on": "2026-11-20"}),
    )
    .unwrap();
    let (name, zh) = file(&app, "partners.statement_pdf", p.partner, Lang::Zh);
    assert!(name.ends_with(".pdf"));
    let zh = pdf_text(&zh);
    for words in [
        "介绍人对账单",
        "小太阳幼儿园",
        "蓓蕾孕婴生活馆",
        "已成交",
        "阳光花店",
        "已邀约",
        "¥500.00",
        "¥200.00",
        "¥300.00",
    ] {
        assert!(zh.contains(words), "{words} in {zh}");
    }
    let (_, en) = file(&app, "partners.statement_pdf", p.partner, Lang::En);
    let en = pdf_text(&en);
    for words in ["Partner statement", "closed", "invited", "Owed"] {
        assert!(en.contains(words), "{words} in {en}");
    }
    for text in [&zh, &en] {
        let all = digits(text);
        for phone in PHONES {
            assert!(!all.contains(phone), "{phone} in {text}");
            assert!(
                !text.contains(&phone[7..]),
                "last four of {phone} in {text}"
            );
        }
    }
}

#[test]
fn the_statement_workbook_has_the_stores_and_payouts_and_no_phone() {
    let app = app();
    let p = setup(&app);
    call(
        &app,
        "partners.record_payout",
        json!({"partner_id": p.partner, "amount_fen": 20000, "paid_on": "2026-11-20", "note": "十一月"}),
    )
    .unwrap();
    for (lang, sheets, stage) in [
        (Lang::Zh, ["对账", "门店", "付款记录"], "已成交"),
        (Lang::En, ["Statement", "Stores", "Payouts"], "closed"),
    ] {
        let (name, bytes) = file(&app, "partners.statement_xlsx", p.partner, lang);
        assert!(name.ends_with(".xlsx"));
        let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), sheets.map(String::from).to_vec());
        let mut all = String::new();
        for sheet in sheets {
            let range = book.worksheet_range(sheet).unwrap();
            for row in range.rows() {
                for c in row {
                    all.push_str(&c.to_string());
                    all.push('|');
                }
            }
        }
        assert!(
            all.contains("蓓蕾孕婴生活馆") && all.contains(stage),
            "{all}"
        );
        let totals = book.worksheet_range(sheets[0]).unwrap();
        assert_eq!(totals.get((1, 3)), Some(&Data::Float(500.0)), "earned");
        assert_eq!(totals.get((1, 5)), Some(&Data::Float(300.0)), "owed");
        let numbers = digits(&all);
        for phone in PHONES {
            assert!(!numbers.contains(phone), "{phone} in {all}");
        }
    }
}

#[test]
fn the_command_line_lists_partners_and_writes_the_statement() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let bin = env!("CARGO_BIN_EXE_huixiao");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(bin)
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert!(run(&["demo", "--today", "2026-11-22"]).0);
    let (ok, out, err) = run(&["partners", "--json"]);
    assert!(ok, "{err}");
    let list: Value = serde_json::from_str(&out).unwrap();
    let first = list[0]["partner_id"].as_i64().unwrap();
    let pdf = dir.path().join("s.pdf");
    let (ok, _, err) = run(&[
        "partners",
        "statement",
        "--partner",
        &first.to_string(),
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let (ok, _, err) = run(&[
        "partners",
        "statement",
        "--partner",
        &first.to_string(),
        "--out",
        dir.path().join("s.txt").to_str().unwrap(),
    ]);
    assert!(!ok && err.contains(".pdf"), "{err}");
}
