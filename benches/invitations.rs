//! Benchmarks of issue 3, end to end through the handlers, printing medians:
//! - 100,000 rows of xlsx (5% invalid, duplicates) into a file database of 100,000 stores (≤ 5 s)
//! - the same as GBK CSV (≤ 2 s)
//! - today's touches of an inviter with 5,000 open invitations (≤ 20 ms)
//! - 1,000 tickets as one PDF (≤ 2 s, ≤ 5 MB)
//!
//! Run: `cargo bench --bench invitations` (release build).

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use huixiao::app::Clock;
use huixiao::import::{self, ImportFile, ImportRequest};
use huixiao::App;
use rusqlite::params;
use serde_json::json;

const EXISTING: usize = 100_000;
const ROWS: usize = 100_000;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

fn open(path: &Path) -> App {
    App::open(path).unwrap().with_clock(Clock::Fixed(now()))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn phone(i: usize) -> String {
    format!("13{:09}", i)
}

/// A database with `EXISTING` stores, each with one contact.
fn base_db(path: &Path) {
    let app = open(path);
    let mut conn = app.db.conn();
    let tx = conn.transaction().unwrap();
    {
        let mut s = tx
            .prepare("INSERT INTO stores (name, city, industry, created_at) VALUES (?1, ?2, '超市', '2026-11-01T00:00:00Z')")
            .unwrap();
        let mut c = tx
            .prepare("INSERT INTO contacts (store_id, name, role, phone, phone_kind, created_at) VALUES (?1, '老板', 'owner', ?2, 'mobile', '2026-11-01T00:00:00Z')")
            .unwrap();
        for i in 0..EXISTING {
            s.execute(params![format!("已有门店{i}"), "长沙"]).unwrap();
            c.execute(params![tx.last_insert_rowid(), phone(i)])
                .unwrap();
        }
    }
    tx.commit().unwrap();
}

/// The rows of the file: 5% invalid phones, 2% phones already in the database, 2% repeats of
/// earlier rows of the file.
fn rows() -> Vec<[String; 8]> {
    (0..ROWS)
        .map(|i| {
            let phone = match i % 100 {
                0..=4 => format!("12{i}"),                    // invalid
                5 | 6 => phone(i % EXISTING),                 // already in the database
                7 | 8 if i > 100 => phone(EXISTING + i - 50), // an earlier row of the file
                _ => phone(EXISTING + i),
            };
            [
                format!("新门店{i}"),
                format!("联系人{}", i % 977),
                phone,
                ["老板", "老板娘", "店长"][i % 3].to_owned(),
                ["长沙", "株洲", "湘潭"][i % 3].to_owned(),
                "岳麓区".to_owned(),
                format!("麓谷大道 {i} 号"),
                ["幼儿园", "美容", "农资"][i % 3].to_owned(),
            ]
        })
        .collect()
}

const HEAD: [&str; 8] = [
    "门店名称",
    "联系人",
    "电话",
    "角色",
    "城市",
    "区县",
    "地址",
    "行业",
];

fn xlsx(rows: &[[String; 8]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEAD.iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write((r + 1) as u32, c as u16, v.as_str()).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn gbk_csv(rows: &[[String; 8]]) -> Vec<u8> {
    let mut s = HEAD.join(",");
    s.push('\n');
    for row in rows {
        s.push_str(&row.join(","));
        s.push('\n');
    }
    encoding_rs::GBK.encode(&s).0.into_owned()
}

fn bench_import(name: &str, base: &Path, bytes: &[u8], runs: usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let db = dir.path().join("run.db");
        let _ = std::fs::remove_file(&db);
        let _ = std::fs::remove_file(dir.path().join("run.db-wal"));
        let _ = std::fs::remove_file(dir.path().join("run.db-shm"));
        std::fs::copy(base, &db).unwrap();
        let app = open(&db);
        let req = ImportRequest {
            file: ImportFile {
                file_name: name.into(),
                data_base64: String::new(),
                mapping: None,
                header_row: None,
            },
            skip_invalid: true,
            dry_run: false,
            decisions: Vec::new(),
            on_conflict: Default::default(),
        };
        let t = Instant::now();
        let r = import::import_bytes(&app, bytes, &req).unwrap();
        times.push(t.elapsed());
        last = Some((r.rows, r.imported, r.merged, r.errors.len()));
    }
    let (rows, imported, merged, errors) = last.unwrap();
    println!(
        "import {name:<10} {:>8.1} MB  median {:>7.0} ms  (rows {rows}, imported {imported}, merged {merged}, errors {errors})",
        bytes.len() as f64 / 1e6,
        median(times).as_secs_f64() * 1000.0
    );
}

fn bench_today(dir: &Path, label: &str, dates: [&str; 3], pdf: bool) {
    let path = dir.join(format!("today-{label}.db"));
    let app = open(&path);
    let organizer = huixiao::caller::Caller::organizer(huixiao::i18n::Lang::Zh);
    let host = huixiao::api::Host::new(app.clone());
    let call =
        |op: &str, v: serde_json::Value| huixiao::api::dispatch(&host, &organizer, op, v).unwrap();
    let inviter = call(
        "staff.create",
        json!({"name": "王芳", "roles": ["inviter"]}),
    )["id"]
        .as_i64()
        .unwrap();
    let mut seminars = Vec::new();
    for (k, date) in dates.iter().enumerate() {
        seminars.push(
            call("seminars.create", json!({"title": format!("研讨会{k}"), "date": date, "start_time": "14:00", "capacity": 2000, "city": "长沙", "venue": "华天大酒店"}))["id"]
                .as_i64()
                .unwrap(),
        );
    }
    {
        let mut conn = app.db.conn();
        let tx = conn.transaction().unwrap();
        for i in 0..5000 {
            tx.execute("INSERT INTO stores (name, city, industry, created_at) VALUES (?1, '长沙', '幼儿园', '2026-11-01T00:00:00Z')", [format!("门店{i}")]).unwrap();
            let store = tx.last_insert_rowid();
            tx.execute("INSERT INTO contacts (store_id, name, role, phone, phone_kind, created_at) VALUES (?1, ?2, 'owner_spouse', ?3, 'mobile', '2026-11-01T00:00:00Z')", params![store, format!("老板娘{i}"), phone(i)]).unwrap();
            let contact = tx.last_insert_rowid();
            tx.execute("INSERT INTO invitations (seminar_id, store_id, inviter_id, status, created_at) VALUES (?1, ?2, ?3, ?4, '2026-11-10T00:00:00Z')", params![seminars[i % 3], store, inviter, if i % 4 == 0 { "confirmed" } else { "invited" }]).unwrap();
            let inv = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO invitation_guests (invitation_id, contact_id) VALUES (?1, ?2)",
                [inv, contact],
            )
            .unwrap();
            if i % 4 == 0 {
                huixiao::ticket::issue(&tx, inv, Some(contact), "2026-11-10T00:00:00Z").unwrap();
            }
        }
        tx.commit().unwrap();
    }
    let first = call("touches.today", json!({"inviter_id": inviter})); // schedules the touches
    let mut times = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let out = huixiao::cadence::today(
            &app,
            huixiao::cadence::TodayQuery {
                inviter_id: Some(inviter),
                ..Default::default()
            },
        )
        .unwrap();
        times.push(t.elapsed());
        assert_eq!(out.len(), first.as_array().unwrap().len());
    }
    println!(
        "today's touches, 5,000 open invitations ({label}): median {:>6.2} ms  ({} touches due or overdue)",
        median(times).as_secs_f64() * 1000.0,
        first.as_array().unwrap().len()
    );

    if !pdf {
        return;
    }
    // 1,000 tickets of one seminar as one PDF.
    let seminar = seminars[2];
    {
        let conn = app.db.conn();
        let n: i64 = conn.query_row("SELECT count(*) FROM tickets t JOIN invitations i ON i.id = t.invitation_id WHERE i.seminar_id = ?1", [seminar], |r| r.get(0)).unwrap();
        let mut invs = conn.prepare("SELECT i.id, g.contact_id FROM invitations i JOIN invitation_guests g ON g.invitation_id = i.id WHERE i.seminar_id = ?1 AND i.status = 'invited'").unwrap();
        let rows: Vec<(i64, i64)> = invs
            .query_map([seminar], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (inv, contact) in rows.into_iter().take(1000 - n as usize) {
            huixiao::ticket::issue(&conn, inv, Some(contact), "2026-11-10T00:00:00Z").unwrap();
        }
    }
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let pdf =
            huixiao::ticket::seminar_pdf_bytes(&app.db.conn(), seminar, huixiao::i18n::Lang::Zh)
                .unwrap();
        times.push(t.elapsed());
        size = pdf.len();
    }
    let count: i64 = app.db.conn().query_row("SELECT count(*) FROM tickets t JOIN invitations i ON i.id = t.invitation_id WHERE i.seminar_id = ?1", [seminar], |r| r.get(0)).unwrap();
    println!(
        "{count} tickets as one PDF: median {:>6.0} ms, {:.2} MB",
        median(times).as_secs_f64() * 1000.0,
        size as f64 / 1e6
    );
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    // `BENCH_ONLY=today` skips the imports.
    if std::env::var("BENCH_ONLY").as_deref() == Ok("today") {
        today_both(dir.path());
        return;
    }
    let base = dir.path().join("base.db");
    let t = Instant::now();
    base_db(&base);
    eprintln!(
        "(set-up: {EXISTING} stores in {:.1} s)",
        t.elapsed().as_secs_f64()
    );
    let rows = rows();
    let x = xlsx(&rows);
    let c = gbk_csv(&rows);
    bench_import("xlsx", &base, &x, 3);
    bench_import("GBK CSV", &base, &c, 3);
    today_both(dir.path());
}

/// The worst case: seminars in 1, 5 and 10 days, every invitation made 12 days ago and never
/// touched, so two touches per invitation are due or overdue. The usual case: seminars in 1, 2
/// and 3 weeks.
fn today_both(dir: &Path) {
    bench_today(
        dir,
        "worst case",
        ["2026-11-23", "2026-11-27", "2026-12-02"],
        true,
    );
    bench_today(
        dir,
        "usual",
        ["2026-11-29", "2026-12-06", "2026-12-13"],
        false,
    );
}
