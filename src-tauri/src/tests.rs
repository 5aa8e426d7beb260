//! The window's one IPC command on Tauri's mock runtime: what the page sends, what it gets back.

use huixiao::api::Host;
use huixiao::app::Clock;
use huixiao::caller::Caller;
use huixiao::i18n::Lang;
use huixiao::App;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

use super::{with_api, Shell};

/// A mock window over `core`, with the shell's command registered as `run()` registers it.
fn window(
    core: &Host,
) -> (
    tauri::App<tauri::test::MockRuntime>,
    WebviewWindow<tauri::test::MockRuntime>,
) {
    let app = with_api(
        mock_builder(),
        Shell {
            host: Ok(core.clone()),
        },
    )
    .build(mock_context(noop_assets()))
    .expect("the mock app builds");
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("the mock window opens");
    (app, webview)
}

/// `invoke("api", body)` as the page's API client sends it.
fn invoke(webview: &WebviewWindow<tauri::test::MockRuntime>, body: Value) -> Result<Value, Value> {
    get_ipc_response(
        webview,
        InvokeRequest {
            cmd: "api".into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            // The window's own origin (Windows serves the page from http://tauri.localhost).
            url: if cfg!(windows) {
                "http://tauri.localhost"
            } else {
                "tauri://localhost"
            }
            .parse()
            .unwrap(),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("the answer is JSON"))
}

fn organizer() -> Caller {
    Caller::organizer(Lang::Zh)
}

fn core_with_a_seminar() -> (Host, i64) {
    // A week before the seminar.
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").unwrap();
    let core = Host::new(
        App::in_memory()
            .expect("in-memory database")
            .with_clock(Clock::Fixed(now.to_utc())),
    );
    let created = huixiao::api::dispatch(
        &core,
        &organizer(),
        "seminars.create",
        json!({"title": "幼儿园招生增长研讨会", "date": "2026-11-29", "start_time": "14:00", "capacity": 120}),
    )
    .expect("seminar");
    (core, created["id"].as_i64().unwrap())
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn the_window_answers_in_the_language_the_page_asks_for() {
    let (core, seminar) = core_with_a_seminar();
    let (_app, webview) = window(&core);
    let scan = |lang: &str| {
        invoke(
            &webview,
            json!({"op": "checkins.scan", "input": {"seminar_id": seminar, "code": "hello"}, "lang": lang}),
        )
        .expect("an unknown code is an outcome, not an error")
    };
    let en = scan("en");
    assert_eq!(en["outcome"], "invalid");
    let message = en["message"].as_str().unwrap();
    assert!(!has_chinese(message), "English asked, got: {message}");
    assert!(message.starts_with("The code is incomplete"), "{message}");
    let zh = scan("zh-CN");
    assert!(has_chinese(zh["message"].as_str().unwrap()), "{zh}");
    // Refusals too: the page shows them as they come.
    let missing = invoke(
        &webview,
        json!({"op": "seminars.get", "input": {"id": 999}, "lang": "en"}),
    )
    .expect_err("no such seminar");
    assert_eq!(missing["code"], "not_found");
    assert!(
        !has_chinese(missing["message"].as_str().unwrap()),
        "{missing}"
    );
}

#[test]
fn without_a_language_the_window_follows_the_organisations_setting() {
    let (core, seminar) = core_with_a_seminar();
    huixiao::api::dispatch(
        &core,
        &organizer(),
        "settings.update",
        json!({"org_name": "", "language": "en", "timezone": "Asia/Shanghai"}),
    )
    .expect("settings");
    let (_app, webview) = window(&core);
    let out = invoke(
        &webview,
        json!({"op": "checkins.scan", "input": {"seminar_id": seminar, "code": "hello"}}),
    )
    .expect("outcome");
    assert!(!has_chinese(out["message"].as_str().unwrap()), "{out}");
}

#[test]
fn a_panic_in_the_core_answers_internal_in_the_pages_language() {
    let (core, _) = core_with_a_seminar();
    let (_app, webview) = window(&core);
    for (lang, start) in [
        ("en", "Something went wrong inside the app"),
        ("zh-CN", "程序内部出错"),
    ] {
        let err = invoke(
            &webview,
            json!({"op": "dev.panic", "input": {}, "lang": lang}),
        )
        .expect_err("a panic is an error");
        assert_eq!(err["code"], "internal", "{err}");
        assert!(err["message"].as_str().unwrap().starts_with(start), "{err}");
    }
    // The window goes on working.
    let settings = invoke(
        &webview,
        json!({"op": "settings.get", "input": {}, "lang": "en"}),
    );
    assert!(settings.is_ok(), "{settings:?}");
}
