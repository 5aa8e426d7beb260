//! Many stations recording deals at once over HTTP: the driver of the quota race, shared by the
//! integration test (`deals.rs`) and the conversion benchmark (`benches/conversion.rs`, release
//! figures).

use std::time::{Duration, Instant};

use serde_json::Value;

/// What came back from the race.
#[derive(Debug)]
pub struct RaceOutcome {
    /// 200: the deal was recorded.
    pub accepted: usize,
    /// 409: refused, with the error body of each refusal.
    pub refused: Vec<Value>,
    pub elapsed: Duration,
}

impl RaceOutcome {
    pub fn per_second(&self) -> f64 {
        (self.accepted + self.refused.len()) as f64 / self.elapsed.as_secs_f64()
    }
}

/// `attempts` POSTs of `body` to `url`, spread over `stations` stations, each with its own HTTP
/// client (its own connections) and `in_flight` requests at a time. `token` is each station's
/// bearer token: one per station.
pub async fn race(
    url: &str,
    tokens: &[String],
    body: &Value,
    attempts: usize,
    in_flight: usize,
) -> RaceOutcome {
    let stations = tokens.len();
    let start = Instant::now();
    let mut all = tokio::task::JoinSet::new();
    for (s, token) in tokens.iter().enumerate() {
        // The attempts split as evenly as they go: 1,000 over 16 is 63 for eight stations, 62 for the rest.
        let share = attempts / stations + usize::from(s < attempts % stations);
        let (url, token, body) = (url.to_owned(), token.clone(), body.clone());
        all.spawn(async move {
            let client = reqwest::Client::new();
            let mut mine = tokio::task::JoinSet::new();
            let (mut accepted, mut refused) = (0, Vec::new());
            let mut sent = 0;
            loop {
                while sent < share && mine.len() < in_flight {
                    let req = client.post(&url).bearer_auth(&token).json(&body);
                    mine.spawn(async move {
                        let r = req.send().await.expect("the server answers");
                        let status = r.status().as_u16();
                        (status, r.json::<Value>().await.unwrap_or(Value::Null))
                    });
                    sent += 1;
                }
                let Some(done) = mine.join_next().await else {
                    break;
                };
                match done.expect("request task") {
                    (200, _) => accepted += 1,
                    (409, body) => refused.push(body),
                    (other, body) => panic!("unexpected status {other}: {body}"),
                }
            }
            (accepted, refused)
        });
    }
    let mut out = RaceOutcome {
        accepted: 0,
        refused: Vec::new(),
        elapsed: Duration::ZERO,
    };
    while let Some(done) = all.join_next().await {
        let (accepted, refused) = done.expect("station task");
        out.accepted += accepted;
        out.refused.extend(refused);
    }
    out.elapsed = start.elapsed();
    out
}
