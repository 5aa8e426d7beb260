//! The HTTP transport on a real socket: tokens, the route walk, errors, OpenAPI.

use std::net::SocketAddr;
use std::sync::Arc;

use huixiao::api::{self, Access, Method};
use huixiao::http::{self, Server};
use serde_json::{json, Value};

use crate::support::{app, world};

const TOKEN: &str = "test-admin-token-0123456789";

struct Running {
    base: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start() -> Running {
    let app = app();
    world(&app);
    let server = Arc::new(Server {
        host: huixiao::api::Host::new(app),
        admin_token: TOKEN.into(),
    });
    let (bound_tx, bound_rx) = tokio::sync::oneshot::channel::<SocketAddr>();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        http::serve(
            server,
            "127.0.0.1:0".parse().unwrap(),
            http::Ui::None,
            move |a| bound_tx.send(a).unwrap(),
            async {
                let _ = stop_rx.await;
            },
        )
        .await
        .unwrap();
    });
    let addr = bound_rx.await.unwrap();
    Running {
        base: format!("http://{addr}"),
        _stop: stop_tx,
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

#[tokio::test(flavor = "multi_thread")]
async fn health_answers_without_a_token_and_everything_else_needs_one() {
    let s = start().await;
    let health = client()
        .get(format!("{}/api/health", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.json::<Value>().await.unwrap()["ok"], true);

    // Walk every route of the one operation list: without a token, with a wrong one, with the right one.
    for op in api::all() {
        let path = op
            .path
            .replace("{id}", "1")
            .replace("{seminar_id}", "1")
            .replace("{store_id}", "1");
        let url = format!("{}{}", s.base, path);
        let req = |token: Option<&str>| {
            let mut r = match op.method {
                Method::Get => client().get(&url),
                Method::Post => client().post(&url).json(&json!({})),
                Method::Put => client().put(&url).json(&json!({})),
            };
            if let Some(t) = token {
                r = r.bearer_auth(t);
            }
            r.send()
        };
        let without = req(None).await.unwrap().status();
        let wrong = req(Some("not-the-token")).await.unwrap().status();
        let right = req(Some(TOKEN)).await.unwrap().status();
        if op.access == Access::Public {
            // Health answers; pairing refuses an empty body with 400, never 401.
            assert!(without == 200 || without == 400, "{}", op.name);
        } else {
            assert_eq!(
                without,
                401,
                "{} {} without a token",
                op.method.as_str(),
                op.path
            );
            assert_eq!(
                wrong,
                401,
                "{} {} with a wrong token",
                op.method.as_str(),
                op.path
            );
            assert_ne!(
                right,
                401,
                "{} {} with the admin token",
                op.method.as_str(),
                op.path
            );
        }
    }
    // An unknown API path also says 401 before it says 404.
    let unknown = client()
        .get(format!("{}/api/nothing/here", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn create_and_list_over_http_with_errors_in_the_requested_language() {
    let s = start().await;
    let created = client()
        .post(format!("{}/api/seminars", s.base))
        .bearer_auth(TOKEN)
        .json(&json!({"title": "美业拓客研讨会", "date": "2026-12-05", "start_time": "09:30", "capacity": 80, "city": "株洲"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["status"], "planning");

    let one: Value = client()
        .get(format!("{}/api/seminars/{}", s.base, created["id"]))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(one["title"], "美业拓客研讨会");

    let page: Value = client()
        .get(format!("{}/api/stores?q=太阳&page=1&page_size=10", s.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["name"], "小太阳幼儿园");

    for (lang, expected) in [("zh-CN", "容纳人数"), ("en-US,en;q=0.9", "capacity")] {
        let bad = client()
            .post(format!("{}/api/seminars", s.base))
            .bearer_auth(TOKEN)
            .header("Accept-Language", lang)
            .json(
                &json!({"title": "x", "date": "2026-12-05", "start_time": "09:30", "capacity": 0}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);
        let err: Value = bad.json().await.unwrap();
        assert_eq!(err["code"], "validation");
        assert_eq!(err["field"], "capacity");
        assert!(
            err["message"].as_str().unwrap().contains(expected),
            "{lang}: {err}"
        );
    }

    let malformed = client()
        .post(format!("{}/api/seminars", s.base))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert_eq!(
        malformed.json::<Value>().await.unwrap()["code"],
        "bad_request"
    );

    let missing = client()
        .get(format!("{}/api/seminars/999", s.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

/// A panic in a handler is the app's fault: 500 `internal` in the caller's language, never a
/// "bad request", and the server goes on answering.
#[tokio::test(flavor = "multi_thread")]
async fn a_panicking_operation_answers_500_internal() {
    let s = start().await;
    let panic = |lang: &'static str| {
        client()
            .post(format!("{}/api/dev/panic", s.base))
            .bearer_auth(TOKEN)
            .header("Accept-Language", lang)
            .json(&json!({}))
            .send()
    };
    let en = panic("en").await.unwrap();
    assert_eq!(en.status(), 500);
    let body: Value = en.json().await.unwrap();
    assert_eq!(body["code"], "internal", "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Something went wrong inside the app"),
        "{body}"
    );
    let zh: Value = panic("zh-CN").await.unwrap().json().await.unwrap();
    assert_eq!(zh["code"], "internal");
    assert!(
        zh["message"].as_str().unwrap().starts_with("程序内部出错"),
        "{zh}"
    );
    let health = client()
        .get(format!("{}/api/health", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_openapi_document_lists_every_operation() {
    let s = start().await;
    let doc: Value = client()
        .get(format!("{}/api/openapi.json", s.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for op in api::all() {
        let method = op.method.as_str().to_ascii_lowercase();
        let entry = &doc["paths"][op.path][&method];
        assert_eq!(entry["operationId"], op.name, "{} {}", method, op.path);
        let secured = entry.get("security").is_some();
        assert_eq!(secured, op.access != Access::Public, "{}", op.name);
    }
    // Every $ref points at a schema in components.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &part[..part.find('"').unwrap()];
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "dangling $ref to {name}"
        );
    }
}

#[test]
fn browser_mode_refuses_a_non_loopback_address() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_huixiao"))
        .args(["--lang", "en", "--db"])
        .arg(tempfile::tempdir().unwrap().path().join("x.db"))
        .args(["serve", "--addr", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("loopback"), "{err}");
}
