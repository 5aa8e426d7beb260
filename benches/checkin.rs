//! Benchmarks of issue 5 (check-in at the door), printing medians and percentiles:
//! - the check-in handler in process over 10,000 tickets (target: p99 ≤ 1 ms);
//! - over HTTPS on loopback with 1, 4, 16 and 64 concurrent stations, each with its own
//!   connection and token (target at 16: ≥ 2,000 check-ins/s and p99 ≤ 10 ms).
//!
//! The stations run on the same 2-core machine as the hub, so the HTTPS figures include the
//! clients' own TLS and JSON work. Run: `cargo bench --bench checkin` (release build).

use std::sync::Arc;
use std::time::{Duration, Instant};

use huixiao::caller::Caller;
use huixiao::checkin::{self, ScanInput, Via};
use huixiao::http::Ui;
use huixiao::lan::{self, LanConfig};
use huixiao::station::{self, NewStation, PairInput, StationRole};
use huixiao::App;

#[path = "../tests/it/door_load.rs"]
mod door_load;

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn scan_input(seminar: i64, code: &str, nonce: Option<String>) -> ScanInput {
    ScanInput {
        seminar_id: seminar,
        code: Some(code.to_owned()),
        ticket_id: None,
        nonce,
        via: Via::Scan,
        companions: 0,
        station_at: None,
    }
}

fn in_process(dir: &std::path::Path) {
    let app = App::open(&dir.join("door.db")).unwrap();
    let (seminar, codes) = door_load::door_load(&app, "2026-11-22", 10_000).unwrap();
    let caller = Caller::organizer(huixiao::i18n::Lang::Zh);
    let mut first = Vec::with_capacity(codes.len());
    for (i, code) in codes.iter().enumerate() {
        let t = Instant::now();
        let r = checkin::scan(
            &app,
            &caller,
            scan_input(seminar, code, Some(format!("b{i}"))),
        )
        .unwrap();
        first.push(t.elapsed());
        assert_eq!(r.outcome, checkin::ScanOutcome::CheckedIn);
    }
    let mut again = Vec::with_capacity(codes.len());
    for code in &codes {
        let t = Instant::now();
        let r = checkin::scan(&app, &caller, scan_input(seminar, code, None)).unwrap();
        again.push(t.elapsed());
        assert_eq!(r.outcome, checkin::ScanOutcome::AlreadyCheckedIn);
    }
    for (name, mut v) in [("checked_in", first), ("already_checked_in", again)] {
        v.sort();
        println!(
            "in process, 10,000 tickets, {name:<19} median {:.3} ms  p99 {:.3} ms  max {:.3} ms  (target p99 ≤ 1 ms)",
            pct(&v, 0.5),
            pct(&v, 0.99),
            pct(&v, 1.0)
        );
    }
}

async fn over_https(dir: &std::path::Path) {
    let app = App::open(&dir.join("hub.db")).unwrap();
    let levels = [1usize, 4, 16, 64];
    let per_level = 4_000;
    let (seminar, codes) =
        door_load::door_load(&app, "2099-01-01", per_level * (levels.len() + 1)).unwrap();
    let host = huixiao::api::Host::new(app.clone());
    let status = lan::start(
        &host,
        LanConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            admin_token: huixiao::token::new_token(),
            ui: Ui::None,
        },
    )
    .unwrap();
    let url = format!(
        "https://127.0.0.1:{}/api/seminars/{seminar}/checkins/scan",
        status.port.unwrap()
    );
    let mut tokens = vec![];
    for i in 0..64 {
        let staff = huixiao::staff::create(
            &app,
            serde_json::from_value(
                serde_json::json!({"name": format!("签到{i}"), "roles": ["checkin"]}),
            )
            .unwrap(),
        )
        .unwrap();
        let p = station::create(
            &app,
            NewStation {
                seminar_id: seminar,
                staff_id: staff.id,
                role: StationRole::Checkin,
                name: None,
            },
            &[],
        )
        .unwrap();
        tokens.push(
            station::pair(
                &app,
                PairInput {
                    code: p.pairing_code,
                    device: "bench".into(),
                },
            )
            .unwrap()
            .token,
        );
    }
    let codes = Arc::new(codes);
    println!(
        "over HTTPS on loopback ({per_level} check-ins per level, one connection per station):"
    );
    // Closed loop: each station sends its next scan as soon as the last is answered (the most the
    // hub can take). Then 16 stations paced to 2,000 check-ins/s in all: the latency at the target.
    let runs = levels
        .iter()
        .map(|&n| (n, None))
        .chain([(16, Some(2_000.0))]);
    for (level, (stations, paced)) in runs.enumerate() {
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(level * per_level));
        let end = (level + 1) * per_level;
        let started = Instant::now();
        let mut tasks = vec![];
        for token in &tokens[..stations] {
            let (codes, next, url, token) =
                (codes.clone(), next.clone(), url.clone(), token.clone());
            tasks.push(tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .danger_accept_invalid_certs(true)
                    .build()
                    .unwrap();
                let mut lat = vec![];
                let mut tick = paced.map(|rate: f64| {
                    let mut t =
                        tokio::time::interval(Duration::from_secs_f64(stations as f64 / rate));
                    t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                    t
                });
                loop {
                    if let Some(t) = tick.as_mut() {
                        t.tick().await;
                    }
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= end {
                        return lat;
                    }
                    let t = Instant::now();
                    let r = client
                        .post(&url)
                        .bearer_auth(&token)
                        .header("accept-language", "zh-CN")
                        .json(&serde_json::json!({"code": codes[i], "nonce": format!("h{i}")}))
                        .send()
                        .await
                        .unwrap();
                    assert!(r.status().is_success());
                    let body: serde_json::Value = r.json().await.unwrap();
                    lat.push(t.elapsed());
                    assert_eq!(body["outcome"], "checked_in");
                }
            }));
        }
        let mut all = vec![];
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        let secs = started.elapsed().as_secs_f64();
        all.sort();
        let how = match paced {
            Some(rate) => format!("paced to {rate:.0}/s"),
            None => "as fast as answered".into(),
        };
        println!(
            "  {stations:>2} stations, {how:<20}: {:>6.0} check-ins/s  median {:.2} ms  p99 {:.2} ms",
            all.len() as f64 / secs,
            pct(&all, 0.5),
            pct(&all, 0.99)
        );
    }
    host.lan.stop();
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    in_process(dir.path());
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(over_https(dir.path()));
}
