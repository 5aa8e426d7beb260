//! Benchmarks of issue 13 (whom to invite), on a generated organisation of 200,000 stores with
//! five years of seminars, invitations, touches, check-ins and deals, printing medians:
//! - every score recomputed from scratch (≤ 10 s)
//! - a store's score with its reasons (≤ 5 ms)
//! - the builder's count and preview of a city (≤ 200 ms)
//! - creating 500 invitations from the builder (≤ 1 s)
//! - today's touches ordered by score for an inviter with 5,000 open invitations (≤ 20 ms): the
//!   whole list and its first page of 50
//!
//! Run: `cargo bench --bench whom` (release build). `STORES=20000` for a smaller organisation;
//! `WHOM_DB=FILE` keeps the generated organisation in FILE and reuses it on the next run (the
//! measurements write to it: keep a copy to start again from the same state).

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, TimeZone, Utc};
use huixiao::api::{dispatch, Host};
use huixiao::app::Clock;
use huixiao::caller::Caller;
use huixiao::i18n::Lang;
use huixiao::App;
use rusqlite::params;
use serde_json::{json, Value};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The CPU time this thread has used: steadier than the wall clock on a busy machine.
fn thread_cpu() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

const CITIES: [&str; 5] = ["长沙", "武汉", "南昌", "合肥", "郑州"];

/// Tiny deterministic generator (no extra dependency).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// 200,000 stores (two contacts each), 8 inviters, a seminar every two weeks for five years with
/// 2,000 invitations each: two done touches per invitation, 40% confirmed, 30% attended, a deal
/// for 8%.
fn generate(path: &Path, stores: usize) -> (i64, Vec<i64>) {
    let app = App::open(path).unwrap().with_clock(Clock::Fixed(now()));
    let mut conn = app.db.conn();
    let tx = conn.transaction().unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let created = "2021-11-01T00:00:00Z";
    tx.execute(
        "INSERT INTO products (name, created_at) VALUES ('招生系统', ?1)",
        [created],
    )
    .unwrap();
    let mut inviters = Vec::new();
    for n in 0..8 {
        tx.execute(
            "INSERT INTO staff (name, roles, created_at) VALUES (?1, '[\"inviter\"]', ?2)",
            params![format!("邀约员{n}"), created],
        )
        .unwrap();
        inviters.push(tx.last_insert_rowid());
    }
    {
        let mut s = tx.prepare("INSERT INTO stores (name, city, district, industry, level, key_customer, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)").unwrap();
        let mut c = tx.prepare("INSERT INTO contacts (store_id, name, role, phone, phone_kind, opted_out, created_at) VALUES (?1, ?2, ?3, ?4, 'mobile', ?5, ?6)").unwrap();
        for i in 0..stores {
            let level = ["A", "B", "B", "C"][rng.below(4) as usize];
            s.execute(params![
                format!("门店{i}"),
                CITIES[i % 5],
                format!("区{}", rng.below(8)),
                ["幼儿园", "超市", "美容院"][rng.below(3) as usize],
                level,
                rng.below(10) == 0,
                created
            ])
            .unwrap();
            let id = tx.last_insert_rowid();
            c.execute(params![
                id,
                "老板",
                "owner",
                format!("13{:09}", 2 * i),
                rng.below(50) == 0,
                created
            ])
            .unwrap();
            c.execute(params![
                id,
                "老板娘",
                "owner_spouse",
                format!("13{:09}", 2 * i + 1),
                false,
                created
            ])
            .unwrap();
        }
    }
    {
        let start = NaiveDate::from_ymd_opt(2021, 11, 20).unwrap();
        let mut sem = tx.prepare("INSERT INTO seminars (title, date, start_time, city, capacity, status, created_at) VALUES (?1, ?2, '14:00', ?3, 120, 'closed', ?4)").unwrap();
        let mut inv = tx.prepare("INSERT OR IGNORE INTO invitations (seminar_id, store_id, inviter_id, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5)").unwrap();
        let mut guest = tx
            .prepare("INSERT INTO invitation_guests (invitation_id, contact_id) VALUES (?1, ?2)")
            .unwrap();
        let mut touch = tx.prepare("INSERT INTO touches (invitation_id, step, kind, channel, due_date, outcome, done_at, created_at) VALUES (?1, ?2, 'invite', 'call', ?3, ?4, ?5, ?5)").unwrap();
        let mut checkin = tx
            .prepare("INSERT INTO checkins (invitation_id, contact_id, at) VALUES (?1, ?2, ?3)")
            .unwrap();
        let mut deal = tx.prepare("INSERT INTO deals (seminar_id, store_id, product_id, amount_fen, payment, at) VALUES (?1, ?2, 1, 980000, ?3, ?4)").unwrap();
        let mut n = 0;
        loop {
            let date = start + Days::new(14 * n);
            if date >= NaiveDate::from_ymd_opt(2026, 11, 15).unwrap() {
                break;
            }
            n += 1;
            let at = format!("{date}T06:00:00Z");
            sem.execute(params![
                format!("研讨会{n}"),
                date.to_string(),
                CITIES[n as usize % 5],
                at
            ])
            .unwrap();
            let seminar = tx.last_insert_rowid();
            for _ in 0..2000 {
                let store = 1 + rng.below(stores as u64) as i64;
                let r = rng.below(100);
                let status = if r < 40 {
                    "confirmed"
                } else if r < 50 {
                    "declined"
                } else {
                    "invited"
                };
                let inserted = inv
                    .execute(params![
                        seminar,
                        store,
                        inviters[rng.below(8) as usize],
                        status,
                        at
                    ])
                    .unwrap();
                if inserted == 0 {
                    continue;
                }
                let id = tx.last_insert_rowid();
                let spouse = store * 2;
                guest.execute(params![id, spouse]).unwrap();
                for step in 0..2 {
                    touch
                        .execute(params![id, step, date.to_string(), "reached", at])
                        .unwrap();
                }
                if r < 30 {
                    checkin.execute(params![id, spouse, at]).unwrap();
                    if r < 8 {
                        deal.execute(params![
                            seminar,
                            store,
                            if r < 4 { "full" } else { "deposit" },
                            at
                        ])
                        .unwrap();
                    }
                }
            }
        }
        println!("generated: {stores} stores, {n} seminars");
    }
    tx.commit().unwrap();
    drop(conn);
    let future = dispatch(&Host::new(app.clone()), &Caller::organizer(Lang::Zh), "seminars.create",
        json!({"title": "春季招生研讨会", "date": "2026-12-20", "start_time": "14:00", "capacity": 200, "city": "长沙"})).unwrap();
    (future["id"].as_i64().unwrap(), inviters)
}

/// The future seminar and the inviters of an organisation generated earlier.
fn generated(path: &Path) -> (i64, Vec<i64>) {
    let app = App::open(path).unwrap();
    let conn = app.db.conn();
    let seminar = conn
        .query_row(
            "SELECT id FROM seminars WHERE title = '春季招生研讨会' AND date = '2026-12-20'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut stmt = conn
        .prepare("SELECT id FROM staff WHERE name LIKE '邀约员%' ORDER BY id")
        .unwrap();
    let inviters = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    (seminar, inviters)
}

fn main() {
    let stores: usize = std::env::var("STORES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var_os("WHOM_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("whom.db"));
    let (seminar, inviters) = if path.exists() {
        generated(&path)
    } else {
        let t = Instant::now();
        let made = generate(&path, stores);
        println!("generation: {:.1} s", t.elapsed().as_secs_f64());
        made
    };
    let app = App::open(&path).unwrap().with_clock(Clock::Fixed(now()));
    let host = Host::new(app.clone());
    let zh = Caller::organizer(Lang::Zh);
    let call = |op: &str, input: Value| dispatch(&host, &zh, op, input).unwrap();
    // `WHOM_ONLY=preview,today` runs only those measurements (recompute, score, preview, create,
    // today).
    let only = std::env::var("WHOM_ONLY").unwrap_or_default();
    let wanted = |name: &str| only.is_empty() || only.split(',').any(|w| w == name);

    if wanted("recompute") {
        let mut v = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let r = call("scores.recompute", json!({}));
            v.push(t.elapsed());
            assert_eq!(r["stores"].as_i64().unwrap() as usize, stores);
        }
        println!(
            "every score from scratch ({stores} stores): median {:>8.1} ms",
            ms(median(v))
        );
    }

    if wanted("score") {
        let mut v = Vec::new();
        for i in 0..200 {
            let t = Instant::now();
            call("scores.get", json!({"id": 1 + (i * 997) % stores}));
            v.push(t.elapsed());
        }
        println!(
            "a store's score with reasons: median {:>8.2} ms",
            ms(median(v))
        );
    }

    if wanted("preview") {
        let mut v = Vec::new();
        let mut last = Value::Null;
        for _ in 0..7 {
            let t = Instant::now();
            last = call(
                "invite_list.preview",
                json!({"seminar_id": seminar, "filter": {"city": "长沙"}, "limit": 500}),
            );
            v.push(t.elapsed());
        }
        println!(
            "builder count and preview of a city ({} matched): median {:>8.1} ms",
            last["matched"],
            ms(median(v))
        );
    }

    if wanted("create") {
        let mut v = Vec::new();
        for n in 0..3 {
            let sem = call(
                "seminars.create",
                json!({"title": format!("加场{n}"), "date": "2027-03-20", "start_time": "14:00", "capacity": 200, "city": "武汉"}),
            );
            let t = Instant::now();
            let r = call(
                "invite_list.create",
                json!({"seminar_id": sem["id"], "filter": {"city": "武汉"}, "limit": 500}),
            );
            v.push(t.elapsed());
            assert_eq!(r["invited"], json!(500));
        }
        println!(
            "500 invitations from the builder: median {:>8.1} ms",
            ms(median(v))
        );
    }

    if wanted("today") {
        let open: i64 = app
            .db
            .conn()
            .query_row(
                "SELECT count(*) FROM invitations WHERE seminar_id = ?1 AND inviter_id = ?2",
                params![seminar, inviters[0]],
                |r| r.get(0),
            )
            .unwrap();
        if open == 0 {
            let r = call(
                "invite_list.create",
                json!({"seminar_id": seminar, "filter": {}, "limit": 5000, "inviter_ids": [inviters[0]]}),
            );
            assert_eq!(r["invited"], json!(5000));
        }
        // Schedules what is missing. On the day the list was made nothing is due yet; on the day
        // of the first call every invitation has a touch due.
        call("touches.today", json!({"inviter_id": inviters[0]}));
        let first_call = Utc.with_ymd_and_hms(2026, 12, 10, 1, 0, 0).unwrap();
        let query = |limit: Option<i64>| huixiao::cadence::TodayQuery {
            inviter_id: Some(inviters[0]),
            limit,
            ..Default::default()
        };
        for (day, app) in [
            ("none due", app.clone()),
            ("all due", app.clone().with_clock(Clock::Fixed(first_call))),
        ] {
            // The whole list (`touches.today` without paging) and its first screenful
            // (`touches.today_page`, 50), in turn.
            let (mut whole, mut whole_cpu) = (Vec::new(), Vec::new());
            let (mut page, mut page_cpu) = (Vec::new(), Vec::new());
            let (mut n, mut shown, mut total) = (0, 0, 0);
            for _ in 0..10 {
                let c = thread_cpu();
                let t = Instant::now();
                let all = huixiao::cadence::today(&app, query(None)).unwrap();
                whole.push(t.elapsed());
                whole_cpu.push(thread_cpu() - c);
                let c = thread_cpu();
                let t = Instant::now();
                let first = huixiao::cadence::today_page(&app, query(Some(50))).unwrap();
                page.push(t.elapsed());
                page_cpu.push(thread_cpu() - c);
                let ids = |v: &[huixiao::cadence::TodayTouch]| -> Vec<i64> {
                    v.iter().map(|t| t.touch_id).collect()
                };
                assert_eq!(ids(&first.items), ids(&all[..all.len().min(50)]));
                (n, shown, total) = (all.len(), first.items.len(), first.total);
            }
            assert_eq!(total as usize, n);
            println!(
                "today's touches by score, 5,000 open invitations, {day} ({n} listed): median {:>8.2} ms (CPU {:.2} ms)",
                ms(median(whole)),
                ms(median(whole_cpu))
            );
            println!(
                "  the first page ({shown} of {total}): median {:>8.2} ms (CPU {:.2} ms)",
                ms(median(page)),
                ms(median(page_cpu))
            );
        }
    }
}
