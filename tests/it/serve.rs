//! `huixiao serve` as the browser mode readies the app: the LAN server that the organizer turns
//! on from the browser (`lan.start`) serves the same UI to phones; `--clock` sets the app's clock.

use chrono::{DateTime, Utc};
use huixiao::http::Ui;
use huixiao::{cli, App};
use serde_json::json;

use crate::stations::client;
use crate::support::call_on;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lan_started_from_browser_mode_serves_the_ui_to_phones() {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("ui");
    std::fs::create_dir(&ui).unwrap();
    let page = "<!doctype html><meta charset=\"utf-8\"><title>会销助手 test UI</title>";
    std::fs::write(ui.join("index.html"), page).unwrap();
    let app = App::open(&dir.path().join("serve.db")).unwrap();
    let host =
        cli::prepare_serve(app, &Ui::Dir(ui), "admin-token-for-the-serve-test", None).unwrap();

    let status = call_on(&host, "lan.start", json!({"port": 0})).unwrap();
    let port = status["port"].as_u64().unwrap();
    let r = client()
        .get(format!("https://127.0.0.1:{port}/"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    host.lan.stop();
    assert!(
        body.contains("会销助手 test UI"),
        "the UI's index.html: {body}"
    );
}

#[test]
fn serve_clock_starts_at_the_given_instant_and_runs_on() {
    let app = App::in_memory().unwrap();
    let app = cli::prepare_serve(app, &Ui::None, "t", Some("2026-12-10T09:00:00+08:00"))
        .unwrap()
        .app;
    let start: DateTime<Utc> = "2026-12-10T01:00:00Z".parse().unwrap();
    let first = app.now();
    assert!((first - start).num_seconds().abs() < 5, "{first}");
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(app.now() > first);
    let e = cli::prepare_serve(App::in_memory().unwrap(), &Ui::None, "t", Some("tomorrow"))
        .err()
        .unwrap();
    assert_eq!(e.field(), Some("clock"));
    assert!(e.message(huixiao::i18n::Lang::Zh).contains("tomorrow"));
}
