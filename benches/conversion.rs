//! Conversion benchmarks (issue 7's targets), on a file database built here:
//! - the report of one seminar of 500 guests with every breakdown (target ≤ 50 ms);
//! - the organisation's comparison over 1,000 seminars and 500,000 invitations (target ≤ 200 ms).
//!
//! - with a quota of 50, 1,000 concurrent deal attempts over HTTP from 16 stations (exactly 50
//!   accepted; the figure is attempts per second).
//!
//! Run: `cargo bench --bench conversion`. Prints medians over repeated runs.

use std::time::{Duration, Instant};

use huixiao::conversion;
use huixiao::App;
use rusqlite::params;
use serde_json::json;

#[path = "../tests/it/station_race.rs"]
mod station_race;

/// Wall-clock and CPU time of this thread: on a shared machine the CPU time says what the code
/// costs, the wall-clock time what a user waits.
#[derive(Clone, Copy)]
struct Timing {
    wall: Duration,
    cpu: Duration,
}

fn thread_cpu() -> Duration {
    #[cfg(unix)]
    {
        let mut t = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `t` is a valid timespec for clock_gettime to write.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
        Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
    }
    #[cfg(not(unix))]
    Duration::ZERO
}

/// Medians of wall-clock and CPU time over `runs` runs.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Timing {
    let (mut wall, mut cpu): (Vec<Duration>, Vec<Duration>) = (0..runs)
        .map(|_| {
            let (t, c) = (Instant::now(), thread_cpu());
            std::hint::black_box(f());
            (t.elapsed(), thread_cpu() - c)
        })
        .unzip();
    wall.sort();
    cpu.sort();
    Timing {
        wall: wall[runs / 2],
        cpu: cpu[runs / 2],
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// `seminars` seminars of `per` invitations each, over a pool of stores; 70% confirmed, 60% attend,
/// a third of those buy at the event, a few in follow-up.
fn build(app: &App, seminars: usize, per: usize) {
    app.db
        .write(|tx| {
            tx.execute("INSERT INTO staff (name, roles, created_at) VALUES ('邀约员', '[\"inviter\"]', '2024-01-01T00:00:00Z')", [])?;
            tx.execute("INSERT INTO products (name, created_at) VALUES ('系统', '2024-01-01T00:00:00Z')", [])?;
            let stores = per * 4;
            let mut store = tx.prepare("INSERT INTO stores (name, city, district, created_at) VALUES (?1, ?2, ?3, '2024-01-01T00:00:00Z')")?;
            let mut contact = tx.prepare("INSERT INTO contacts (store_id, name, role, created_at) VALUES (?1, '客', ?2, '2024-01-01T00:00:00Z')")?;
            for s in 1..=stores {
                store.execute(params![format!("门店{s}"), if s % 2 == 0 { "长沙" } else { "株洲" }, format!("区{}", s % 9)])?;
                contact.execute(params![s as i64, if s % 3 == 0 { "owner" } else { "owner_spouse" }])?;
            }
            let mut seminar = tx.prepare(
                "INSERT INTO seminars (title, date, start_time, capacity, status, created_at) VALUES (?1, ?2, '14:00', 500, 'closed', '2024-01-01T00:00:00Z')",
            )?;
            let mut inv = tx.prepare(
                "INSERT INTO invitations (seminar_id, store_id, inviter_id, status, created_at) VALUES (?1, ?2, 1, ?3, '2024-01-01T00:00:00Z')",
            )?;
            let mut guest = tx.prepare("INSERT INTO invitation_guests (invitation_id, contact_id) VALUES (?1, ?2)")?;
            let mut checkin = tx.prepare("INSERT INTO checkins (invitation_id, contact_id, at) VALUES (?1, ?2, ?3)")?;
            let mut deal = tx.prepare(
                "INSERT INTO deals (seminar_id, store_id, product_id, amount_fen, payment, at) VALUES (?1, ?2, 1, 980000, 'full', ?3)",
            )?;
            let day0 = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
            for m in 0..seminars {
                let date = day0 + chrono::Duration::days(m as i64);
                seminar.execute(params![format!("研讨会 {m}"), date.format("%Y-%m-%d").to_string()])?;
                let sid = tx.last_insert_rowid();
                for k in 0..per {
                    let s = ((m * 37 + k * 4) % stores + 1) as i64;
                    let confirmed = k % 10 < 7;
                    inv.execute(params![sid, s, if confirmed { "confirmed" } else { "invited" }])?;
                    let iid = tx.last_insert_rowid();
                    guest.execute(params![iid, s])?;
                    if k % 10 < 6 {
                        checkin.execute(params![iid, s, format!("{}T05:50:00Z", date.format("%Y-%m-%d"))])?;
                        if k % 3 == 0 {
                            deal.execute(params![sid, s, format!("{}T07:30:00Z", date.format("%Y-%m-%d"))])?;
                        } else if k % 17 == 1 {
                            deal.execute(params![sid, s, format!("{}T03:00:00Z", (date + chrono::Duration::days(3)).format("%Y-%m-%d"))])?;
                        }
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

fn main() {
    // HUIXIAO_BENCH_DB=FILE keeps the database between runs (built when the file does not exist).
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var_os("HUIXIAO_BENCH_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("bench.db"));
    let fresh = !path.exists();
    let app = App::open(&path).unwrap();
    if fresh {
        let t = Instant::now();
        build(&app, 1000, 500);
        println!(
            "built 1,000 seminars × 500 invitations in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let conn = app.db.conn();
    let one = time(21, || conversion::report_in(&conn, 500).unwrap());
    println!(
        "report of one 500-guest seminar, all breakdowns: median {:.1} ms (CPU {:.1} ms; target ≤ 50 ms)",
        ms(one.wall),
        ms(one.cpu)
    );
    let dashboard =
        || conversion::compare_in(&conn, huixiao::i18n::Lang::Zh, "2099-12-31").unwrap();
    // Side by side: the counts computed again from every invitation, check-in and deal (what
    // every read did before they were kept), kept with nothing changed, and kept after a seminar
    // day (one seminar's check-ins undone and made again, its deals cancelled and restored: its
    // ~300 stores counted again), pair by pair.
    let again = "INSERT OR IGNORE INTO tally_dirty (kind, id) VALUES ('all', 0)";
    let day = |undo: bool| {
        let (k, d) = if undo {
            ("'2030-01-01T00:00:00Z'", "'cancelled'")
        } else {
            ("NULL", "'active'")
        };
        conn.execute_batch(&format!(
            "UPDATE checkins SET undone_at = {k} WHERE invitation_id IN (SELECT id FROM invitations WHERE seminar_id = 500);
             UPDATE deals SET state = {d} WHERE seminar_id = 500;"
        ))
        .unwrap();
    };
    let (mut scratch, mut kept, mut after_day) = (vec![], vec![], vec![]);
    for run in 0..11 {
        conn.execute(again, []).unwrap();
        scratch.push(time(1, dashboard));
        kept.push(time(1, dashboard));
        day(run % 2 == 0);
        after_day.push(time(1, dashboard));
    }
    day(false);
    let median = |mut v: Vec<Timing>| {
        v.sort_by_key(|t| t.cpu);
        let cpu = v[v.len() / 2].cpu;
        v.sort_by_key(|t| t.wall);
        Timing {
            wall: v[v.len() / 2].wall,
            cpu,
        }
    };
    let (scratch, kept, after_day) = (median(scratch), median(kept), median(after_day));
    println!(
        "organisation dashboard, 1,000 seminars / 500,000 invitations (target ≤ 200 ms), medians of 11, wall (CPU): \
         counted from scratch {:.0} ms ({:.0}), kept {:.1} ms ({:.1}), kept after a seminar day {:.1} ms ({:.1}); \
         from scratch / kept = {:.0}×",
        ms(scratch.wall),
        ms(scratch.cpu),
        ms(kept.wall),
        ms(kept.cpu),
        ms(after_day.wall),
        ms(after_day.cpu),
        scratch.cpu.as_secs_f64() / kept.cpu.as_secs_f64().max(1e-9)
    );
    drop(conn);
    quota_race(dir.path());
}

/// The quota race of `tests/it/deals.rs` in a release build, on a file database: 1,000 attempts at
/// a tier limited to 50 from 16 stations, 4 in flight each.
fn quota_race(dir: &std::path::Path) {
    let app = App::open(&dir.join("race.db")).unwrap();
    let today = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let (seminar, store, product, tier) = app
        .db
        .write(|tx| {
            tx.execute("INSERT INTO products (name, created_at) VALUES ('系统', '2024-01-01T00:00:00Z')", [])?;
            tx.execute("INSERT INTO price_tiers (product_id, rank, name, price_fen, quota) VALUES (1, 3, '限时价', 980000, 50)", [])?;
            tx.execute("INSERT INTO stores (name, created_at) VALUES ('门店', '2024-01-01T00:00:00Z')", [])?;
            tx.execute("INSERT INTO seminars (title, date, start_time, capacity, status, created_at) VALUES ('研讨会', ?1, '14:00', 100, 'live', '2024-01-01T00:00:00Z')", [&today])?;
            tx.execute("INSERT INTO invitations (seminar_id, store_id, status, created_at) VALUES (1, 1, 'confirmed', '2024-01-01T00:00:00Z')", [])?;
            tx.execute("INSERT INTO checkins (invitation_id, at) VALUES (1, '2024-01-01T00:00:00Z')", [])?;
            Ok((1, 1, 1, 1))
        })
        .unwrap();
    let token = "bench-admin-token".to_owned();
    let server = std::sync::Arc::new(huixiao::http::Server {
        host: huixiao::api::Host::new(app),
        admin_token: token.clone(),
    });
    let rt = tokio::runtime::Runtime::new().unwrap();
    let outcome = rt.block_on(async {
        let (bound_tx, bound_rx) = tokio::sync::oneshot::channel();
        let (_stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(huixiao::http::serve(
            server.clone(),
            "127.0.0.1:0".parse().unwrap(),
            huixiao::http::Ui::None,
            move |a| bound_tx.send(a).unwrap(),
            async {
                let _ = stop_rx.await;
            },
        ));
        let url = format!("http://{}/api/deals", bound_rx.await.unwrap());
        let body = json!({"seminar_id": seminar, "store_id": store, "product_id": product, "tier_id": tier,
                          "amount_fen": 980_000, "payment": "deposit"});
        station_race::race(&url, &vec![token; 16], &body, 1000, 4).await
    });
    assert_eq!(outcome.accepted, 50, "exactly the quota is accepted");
    println!(
        "quota race, 1,000 deal attempts over HTTP from 16 stations: {} accepted, {:.2} s, {:.0} attempts/s",
        outcome.accepted,
        outcome.elapsed.as_secs_f64(),
        outcome.per_second()
    );
}
