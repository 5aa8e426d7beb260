//! The hub is killed (SIGKILL) while 8 stations check guests in, ten times: after each restart
//! every acknowledged check-in is in the database, and none twice.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use huixiao::app::Clock;
use huixiao::station::{self, NewStation, PairInput, StationRole};
use huixiao::App;
use rand::Rng;
use serde_json::json;

use crate::stations::client;
use crate::support::{call, fixed_now};

const STATIONS: usize = 8;
const ROUNDS: usize = 10;

fn start_hub(db: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_huixiao"))
        .args(["--db", db.to_str().unwrap(), "serve", "--lan"])
        .args(["--addr", "127.0.0.1:0", "--admin-token", "crash-admin"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    // Keep reading what the hub prints, or its next line would meet a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let at = line.find("https://").expect("the hub prints its address");
    let url = line[at..].split("/?").next().unwrap().to_owned();
    (child, url)
}

/// Live check-ins per ticket code, read from the file while the hub is down.
fn live_counts(db: &std::path::Path) -> std::collections::HashMap<String, i64> {
    let app = App::open(db).unwrap();
    let conn = app.db.conn();
    let mut stmt = conn
        .prepare(
            "SELECT t.code, count(*) FROM checkins k JOIN tickets t ON t.id = k.ticket_id GROUP BY t.code",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_check_in_survives_sigkill_and_none_counts_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    let (seminar, codes, tokens) = {
        let app = App::open(&db)
            .unwrap()
            .with_clock(Clock::Fixed(fixed_now()));
        let (seminar, codes) = crate::door_load::door_load(&app, "2026-11-22", 12_000).unwrap();
        let mut tokens = vec![];
        for i in 0..STATIONS {
            let staff = call(
                &app,
                "staff.create",
                json!({"name": format!("签到员{i}"), "roles": ["checkin"]}),
            )
            .unwrap()["id"]
                .as_i64()
                .unwrap();
            let p = station::create(
                &app,
                NewStation {
                    seminar_id: seminar,
                    staff_id: staff,
                    role: StationRole::Checkin,
                    name: None,
                },
                &[],
            )
            .unwrap();
            let paired = station::pair(
                &app,
                PairInput {
                    code: p.pairing_code,
                    device: "crash test".into(),
                },
            )
            .unwrap();
            tokens.push(paired.token);
        }
        (seminar, Arc::new(codes), tokens)
    };
    // The real clock from here on: tokens made with the fixed clock expire at the end of
    // 2026-11-22, so renew them for the test's real date.
    {
        let app = App::open(&db).unwrap();
        app.db
            .conn()
            .execute(
                "UPDATE stations SET expires_at = '2999-01-01T00:00:00Z'",
                [],
            )
            .unwrap();
    }
    let next = Arc::new(AtomicUsize::new(0));
    let mut acked_total: Vec<String> = vec![];
    for round in 0..ROUNDS {
        let (mut hub, base) = start_hub(&db);
        let acked = Arc::new(Mutex::new(Vec::<String>::new()));
        let kill_after = 500 + rand::rng().random_range(0..300);
        let mut tasks = vec![];
        for token in tokens.clone() {
            let (codes, next, acked, base) =
                (codes.clone(), next.clone(), acked.clone(), base.clone());
            tasks.push(tokio::spawn(async move {
                let c = client();
                let url = format!("{base}/api/seminars/{seminar}/checkins/scan");
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(code) = codes.get(i) else { return };
                    let sent = c
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&json!({"code": code, "nonce": format!("n-{code}")}))
                        .send()
                        .await;
                    let Ok(r) = sent else { return }; // the hub died
                    let Ok(body) = r.json::<serde_json::Value>().await else {
                        return;
                    };
                    assert_eq!(body["outcome"], "checked_in", "{body}");
                    acked.lock().unwrap().push(code.clone());
                }
            }));
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while acked.lock().unwrap().len() < kill_after {
            // A station that stopped early (a refused request) fails the test below.
            if tasks.iter().all(|t| t.is_finished()) || std::time::Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        hub.kill().unwrap(); // SIGKILL
        hub.wait().unwrap();
        for t in tasks {
            t.await.unwrap();
        }
        acked_total.extend(acked.lock().unwrap().drain(..));
        assert!(acked_total.len() >= 500 * (round + 1));

        let live = live_counts(&db);
        for code in &acked_total {
            assert_eq!(
                live.get(code),
                Some(&1),
                "round {round}: {code} acknowledged"
            );
        }
        assert!(
            live.values().all(|n| *n == 1),
            "round {round}: a check-in counted twice"
        );
    }
    // A station that never saw its answers replays them after the last restart: nothing doubles.
    let (mut hub, base) = start_hub(&db);
    let c = client();
    for code in acked_total.iter().take(50) {
        let r: serde_json::Value = c
            .post(format!("{base}/api/seminars/{seminar}/checkins/scan"))
            .bearer_auth(&tokens[0])
            .json(&json!({"code": code, "nonce": format!("n-{code}")}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["outcome"], "checked_in");
        assert_eq!(r["replayed"], true);
    }
    hub.kill().unwrap();
    hub.wait().unwrap();
    assert!(live_counts(&db).values().all(|n| *n == 1));
}
