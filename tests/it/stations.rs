//! LAN stations over real HTTPS on a real socket: pairing, tokens that expire and are revoked,
//! the route walk by role, two stations racing for one ticket, and the push to an assistant.

use std::time::{Duration, Instant};

use huixiao::api::{Access, Host, Method};
use huixiao::app::Clock;
use huixiao::http;
use huixiao::lan::{self, LanConfig};
use huixiao::station::StationRole;
use huixiao::App;
use serde_json::{json, Value};

use crate::checkin::{door, Door};
use crate::support::{call, on_the_day};

const ADMIN: &str = "admin-token-for-the-lan-tests-0001";

pub struct Hub {
    pub app: App,
    /// The app as served, with its LAN server.
    pub host: Host,
    pub base: String,
    pub door: Door,
    _dir: tempfile::TempDir,
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.host.lan.stop();
    }
}

/// A file database with a seminar of `n` seated guests, served over HTTPS on loopback.
pub fn hub(n: usize) -> Hub {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("hub.db"))
        .unwrap()
        .with_clock(Clock::Fixed(on_the_day()));
    let door = door(&app, n);
    let host = Host::new(app.clone());
    let status = lan::start(
        &host,
        LanConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            admin_token: ADMIN.into(),
            ui: http::Ui::None,
        },
    )
    .unwrap();
    assert!(dir.path().join("lan/cert.pem").is_file());
    Hub {
        base: format!("https://127.0.0.1:{}", status.port.unwrap()),
        app,
        host,
        door,
        _dir: dir,
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .pool_max_idle_per_host(64)
        .build()
        .unwrap()
}

pub async fn post(c: &reqwest::Client, url: String, token: &str, body: Value) -> (u16, Value) {
    let r = c
        .post(url)
        .bearer_auth(token)
        .header("accept-language", "zh-CN")
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Creates a station as the organizer and pairs it as a device would: returns its token.
pub async fn paired(h: &Hub, staff: i64, role: &str) -> String {
    let c = client();
    let (st, p) = post(
        &c,
        format!("{}/api/seminars/{}/stations", h.base, h.door.seminar),
        ADMIN,
        json!({"staff_id": staff, "role": role}),
    )
    .await;
    assert_eq!(st, 200, "{p}");
    let url = p["urls"][0].as_str().unwrap();
    assert!(url.contains("#/station/pair?code="), "{url}");
    assert!(p["qr_png_base64"].as_str().unwrap().len() > 100);
    let (st, paired) = post(
        &c,
        format!("{}/api/stations/pair", h.base),
        "",
        json!({"code": p["pairing_code"], "device": "test phone"}),
    )
    .await;
    assert_eq!(st, 200, "{paired}");
    // The code works once.
    let (again, _) = post(
        &c,
        format!("{}/api/stations/pair", h.base),
        "",
        json!({"code": p["pairing_code"]}),
    )
    .await;
    assert_eq!(again, 400);
    paired["token"].as_str().unwrap().to_owned()
}

fn staff(app: &App, name: &str, role: &str) -> i64 {
    call(app, "staff.create", json!({"name": name, "roles": [role]})).unwrap()["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_station_token_expires_and_is_revoked_with_a_reason() {
    let h = hub(3);
    let greeter = staff(&h.app, "门口小李", "checkin");
    let token = paired(&h, greeter, "checkin").await;
    let c = client();
    let me = |t: String| {
        let c = c.clone();
        let url = format!("{}/api/station", h.base);
        async move {
            let r = c
                .get(url)
                .bearer_auth(t)
                .header("accept-language", "zh-CN")
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (st, body) = me(token.clone()).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["identity"]["role"], "checkin");
    assert_eq!(body["identity"]["staff_name"], "门口小李");
    let id = body["identity"]["station_id"].as_i64().unwrap();

    // Time passes beyond the seminar day: refused, and told why.
    h.app
        .db
        .conn()
        .execute(
            "UPDATE stations SET expires_at = '2026-11-21T00:00:00Z' WHERE id = ?1",
            [id],
        )
        .unwrap();
    let (st, body) = me(token.clone()).await;
    assert_eq!(st, 401);
    assert!(body["message"].as_str().unwrap().contains("过期"), "{body}");
    // Renewed: works again until a day later.
    call(&h.app, "stations.renew", json!({"id": id})).unwrap();
    assert_eq!(me(token.clone()).await.0, 200);
    // Revoked: refused at once.
    call(&h.app, "stations.revoke", json!({"id": id})).unwrap();
    let (st, body) = me(token.clone()).await;
    assert_eq!(st, 401);
    assert!(body["message"].as_str().unwrap().contains("停用"), "{body}");
    let list = call(
        &h.app,
        "stations.list",
        json!({"seminar_id": h.door.seminar}),
    )
    .unwrap();
    assert_eq!(list[0]["status"], "revoked");
    assert_eq!(list[0]["device"], "test phone");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_needs_a_token_and_no_station_reaches_beyond_its_role() {
    let h = hub(2);
    let mut tokens = vec![];
    for role in StationRole::ALL {
        let person = staff(&h.app, &format!("员工{}", role.as_str()), "assistant");
        tokens.push((role, paired(&h, person, role.as_str()).await));
    }
    let c = client();
    let routes = http::routes();
    assert!(routes.iter().any(|r| r.1 == http::EVENTS_PATH));
    for (method, path, access) in routes {
        if path == http::EVENTS_PATH {
            continue; // a stream: walked below
        }
        let url = format!(
            "{}{}",
            h.base,
            path.replace("{id}", "999999")
                .replace("{seminar_id}", &h.door.seminar.to_string())
                .replace("{store_id}", "999999")
                .replace("{code}", "0000")
        );
        let send = |token: Option<&str>| {
            let mut r = match method {
                Method::Get => c.get(&url),
                Method::Post => c.post(&url).json(&json!({})),
                Method::Put => c.put(&url).json(&json!({})),
            };
            if let Some(t) = token {
                r = r.bearer_auth(t);
            }
            async move { r.send().await.unwrap().status().as_u16() }
        };
        let without = send(None).await;
        if access == Access::Public {
            assert_ne!(without, 401, "{path}");
            continue;
        }
        assert_eq!(without, 401, "{path} without a token");
        assert_eq!(send(Some("forged-token")).await, 401, "{path} forged");
        // Turning the LAN server on or off would end this very test: not walked as admin.
        if !path.starts_with("/api/lan/") {
            let admin = send(Some(ADMIN)).await;
            assert!(admin != 401 && admin != 403, "{path} as admin: {admin}");
        }
        for (role, token) in &tokens {
            let got = send(Some(token)).await;
            let allowed = matches!(access, Access::Stations(roles) if roles.contains(role));
            if allowed {
                assert!(got != 401 && got != 403, "{path} as {role:?}: {got}");
            } else {
                assert_eq!(got, 403, "{path} as {role:?} must be refused");
            }
        }
    }
    // The event stream: any station or the organizer, never without a token.
    let events = format!("{}{}", h.base, http::EVENTS_PATH);
    assert_eq!(c.get(&events).send().await.unwrap().status(), 401);
    for (_, token) in &tokens {
        let r = c.get(&events).bearer_auth(token).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_stations_scanning_the_same_ticket_at_once_check_it_in_exactly_once() {
    let h = hub(120);
    let a = paired(&h, staff(&h.app, "门口A", "checkin"), "checkin").await;
    let b = paired(&h, staff(&h.app, "门口B", "checkin"), "checkin").await;
    let url = format!("{}/api/seminars/{}/checkins/scan", h.base, h.door.seminar);
    let c = client();
    let mut both = vec![];
    for code in &h.door.codes {
        let one = post(&c, url.clone(), &a, json!({"code": code}));
        let two = post(&c, url.clone(), &b, json!({"code": code}));
        both.push(async move { tokio::join!(one, two) });
    }
    let results = futures_util::future::join_all(both).await;
    for ((s1, r1), (s2, r2)) in results {
        assert_eq!((s1, s2), (200, 200));
        let mut outcomes = [
            r1["outcome"].as_str().unwrap(),
            r2["outcome"].as_str().unwrap(),
        ];
        outcomes.sort();
        assert_eq!(outcomes, ["already_checked_in", "checked_in"], "{r1} {r2}");
    }
    let n: i64 = h
        .app
        .db
        .conn()
        .query_row(
            "SELECT count(*) FROM checkins WHERE undone_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 120);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tables_assistant_is_told_of_an_arrival_within_two_seconds() {
    let h = hub(8);
    let greeter = paired(&h, staff(&h.app, "门口小王", "checkin"), "checkin").await;
    let assistant = paired(&h, h.door.assistant, "assistant").await;
    // One guest at the assistant's table and one at the other assistant's table.
    let tables = call(
        &h.app,
        "arrivals.tables",
        json!({"seminar_id": h.door.seminar}),
    )
    .unwrap();
    let guests = |t: usize| tables[t]["guests"].as_array().unwrap().clone();
    let ours_guest = guests(0)[0].clone();
    let theirs_guest = match guests(1).first() {
        Some(g) => g.clone(),
        None => {
            let g = guests(0)[1].clone();
            call(&h.app, "seating.move", json!({"seminar_id": h.door.seminar, "contact_id": g["contact_id"], "table_id": tables[1]["table_id"], "confirm": true})).unwrap();
            g
        }
    };
    let roster = call(
        &h.app,
        "checkins.roster",
        json!({"seminar_id": h.door.seminar}),
    )
    .unwrap();
    let code_of = |g: &Value| {
        let hash = roster["guests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["guest"] == g["name"])
            .unwrap()["code_sha256"]
            .clone();
        h.door
            .codes
            .iter()
            .find(|c| huixiao::checkin::code_sha256(c) == hash.as_str().unwrap())
            .unwrap()
            .clone()
    };
    let (theirs, ours) = (code_of(&theirs_guest), code_of(&ours_guest));

    let c = client();
    let mut stream = c
        .get(format!("{}{}", h.base, http::EVENTS_PATH))
        .bearer_auth(&assistant)
        .send()
        .await
        .unwrap();
    let scan = format!("{}/api/seminars/{}/checkins/scan", h.base, h.door.seminar);
    // Another table's guest first (the assistant must not hear of it), then one of theirs.
    post(&c, scan.clone(), &greeter, json!({"code": theirs})).await;
    let started = Instant::now();
    let (_, r) = post(&c, scan, &greeter, json!({"code": ours})).await;
    assert_eq!(r["outcome"], "checked_in");
    let mut got = String::new();
    while !got.contains("\"arrival\"") {
        let chunk = tokio::time::timeout(Duration::from_secs(2), stream.chunk())
            .await
            .expect("the push arrives within 2 s")
            .unwrap()
            .unwrap();
        got.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    let data: Value =
        serde_json::from_str(got.lines().find_map(|l| l.strip_prefix("data: ")).unwrap()).unwrap();
    assert_eq!(
        data["checkin_id"], r["checkin_id"],
        "only their own guest: {got}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_assistants_station_records_deals_as_itself_and_an_inviter_sees_only_their_own_touches()
{
    let h = hub(4);
    let c = client();
    // A deal from the assistant's phone: recorded as that assistant, for the station's seminar.
    let product = call(
        &h.app,
        "products.create",
        json!({"name": "招生系统", "tiers": [{"name": "会场价", "price_fen": 1_280_000}]}),
    )
    .unwrap();
    let assistant = paired(&h, h.door.assistant, "assistant").await;
    let (_, r) = post(
        &c,
        format!("{}/api/seminars/{}/checkins/scan", h.base, h.door.seminar),
        ADMIN,
        json!({"code": h.door.codes[0]}),
    )
    .await;
    let store = call(
        &h.app,
        "checkins.list",
        json!({"seminar_id": h.door.seminar}),
    )
    .unwrap()[0]["invitation_id"]
        .as_i64()
        .unwrap();
    let store_id = call(
        &h.app,
        "invitations.list",
        json!({"seminar_id": h.door.seminar}),
    )
    .unwrap()
    .as_array()
    .unwrap()
    .iter()
    .find(|i| i["id"] == store)
    .unwrap()["store_id"]
        .clone();
    assert_eq!(r["outcome"], "checked_in");
    let (st, deal) = post(
        &c,
        format!("{}/api/deals", h.base),
        &assistant,
        json!({"store_id": store_id, "product_id": product["id"], "tier_id": product["tiers"][0]["id"], "amount_fen": 1_280_000, "payment": "deposit", "assistant_id": 999}),
    )
    .await;
    assert_eq!(st, 200, "{deal}");
    assert_eq!(deal["deal"]["assistant_id"], h.door.assistant);
    assert_eq!(deal["deal"]["seminar_id"], h.door.seminar);

    // An inviter's station: only their own touches, phones masked; another's touch is refused.
    let inviter = call(&h.app, "staff.list", json!({}))
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "王芳")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let token = paired(&h, inviter, "inviter").await;
    let touches: Value = c
        .get(format!("{}/api/touches/today", h.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for t in touches.as_array().unwrap() {
        assert_eq!(t["inviter_id"], inviter, "{t}");
        if let Some(p) = t["phone"].as_str() {
            assert!(p.starts_with("*******"), "{t}");
        }
    }
    let someone_else = call(
        &h.app,
        "staff.create",
        json!({"name": "钱多多", "roles": ["inviter"]}),
    )
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    let other_token = paired(&h, someone_else, "inviter").await;
    if let Some(t) = touches.as_array().unwrap().first() {
        let (st, body) = post(
            &c,
            format!("{}/api/touches/{}/outcome", h.base, t["touch_id"]),
            &other_token,
            json!({"outcome": "reached"}),
        )
        .await;
        assert_eq!(st, 403, "{body}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_station_works_only_for_the_seminar_it_was_paired_for() {
    let h = hub(2);
    let greeter = paired(&h, staff(&h.app, "门口小赵", "checkin"), "checkin").await;
    let other = call(
        &h.app,
        "seminars.create",
        json!({"title": "另一场", "date": "2026-12-20", "start_time": "14:00", "capacity": 30}),
    )
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    let c = client();
    for (url, body) in [
        (
            format!("{}/api/seminars/{other}/checkins/scan", h.base),
            json!({"code": h.door.codes[0]}),
        ),
        (
            format!("{}/api/seminars/{other}/walk-ins", h.base),
            json!({"store_name": "某店", "guest_name": "某人"}),
        ),
    ] {
        let (st, r) = post(&c, url, &greeter, body).await;
        assert_eq!(st, 403, "{r}");
        assert!(r["message"].as_str().unwrap().contains("配对"), "{r}");
    }
    let board = c
        .get(format!("{}/api/seminars/{other}/arrivals", h.base))
        .bearer_auth(&greeter)
        .send()
        .await
        .unwrap();
    assert_eq!(board.status(), 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_organizer_turns_the_lan_off_through_the_lan_server_itself() {
    let h = hub(1);
    let c = client();
    let stop = c
        .post(format!("{}/api/lan/stop", h.base))
        .bearer_auth(ADMIN)
        .json(&json!({}))
        .send();
    // The answer may or may not make it out before the server stops; what matters is no hang.
    let _ = tokio::time::timeout(Duration::from_secs(10), stop)
        .await
        .expect("turning the LAN off from the LAN does not hang");
    assert!(!h.host.lan.status().running);
    let again = c.get(format!("{}/api/health", h.base)).send().await;
    assert!(again.is_err(), "nothing listens any more");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_lecturers_start_closing_cue_reaches_the_assistants_station() {
    let h = hub(2);
    for status in ["inviting", "live"] {
        call(
            &h.app,
            "seminars.set_status",
            json!({"id": h.door.seminar, "status": status}),
        )
        .unwrap();
    }
    let assistant = paired(&h, h.door.assistant, "assistant").await;
    let c = client();
    let mut stream = c
        .get(format!("{}{}", h.base, http::EVENTS_PATH))
        .bearer_auth(&assistant)
        .send()
        .await
        .unwrap();
    // The default script's price stage says "assistants: start closing" at its fourth marker.
    let goto = format!("{}/api/seminars/{}/talk/goto", h.base, h.door.seminar);
    let (st, body) = post(&c, goto, ADMIN, json!({"stage_key": "price", "step": 4})).await;
    assert_eq!(st, 200, "{body}");
    let mut got = String::new();
    while !got.contains("\"start_closing\"") {
        let chunk = tokio::time::timeout(Duration::from_secs(2), stream.chunk())
            .await
            .expect("the cue arrives within 2 s")
            .unwrap()
            .unwrap();
        got.push_str(&String::from_utf8_lossy(&chunk));
    }
}
