//! The HTTP transport: every operation of [`crate::api`] as a JSON route, the built UI as static
//! files, and token checks. Browser mode binds loopback only.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawPathParams, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use axum::{Json, Router};
use serde_json::Value;

use crate::api::{self, Access, Caller, Input, Method, Op};
use crate::app::App;
use crate::error::Error;
use crate::i18n::Lang;
use crate::settings;

/// What the server shares between requests.
pub struct Server {
    pub app: Arc<App>,
    pub admin_token: String,
}

/// The router: API routes from the one operation list, then the UI.
pub fn router(server: Arc<Server>, ui_dir: Option<PathBuf>) -> Router {
    let mut by_path: BTreeMap<&'static str, MethodRouter<Arc<Server>>> = BTreeMap::new();
    for op in api::all() {
        let filter = match op.method {
            Method::Get => MethodFilter::GET,
            Method::Post => MethodFilter::POST,
            Method::Put => MethodFilter::PUT,
            Method::Delete => MethodFilter::DELETE,
        };
        let handler = move |State(s): State<Arc<Server>>,
                            headers: HeaderMap,
                            params: RawPathParams,
                            RawQuery(query): RawQuery,
                            body: Bytes| {
            let params: Vec<(String, String)> = params
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            handle(s, op, headers, params, query, body)
        };
        let entry = by_path.remove(op.path).unwrap_or_default();
        by_path.insert(op.path, entry.on(filter, handler));
    }
    let mut router = Router::new();
    for (path, methods) in by_path {
        router = router.route(path, methods);
    }
    router = router.route("/api/{*rest}", axum::routing::any(unknown_api));
    // Imports carry a spreadsheet of up to 50 MB as base64 (4/3 of it) inside the JSON body.
    router = router.layer(axum::extract::DefaultBodyLimit::max(
        crate::import::read::MAX_BYTES / 3 * 4 + 1024 * 1024,
    ));
    let router = match ui_dir.filter(|d| d.join("index.html").is_file()) {
        Some(dir) => {
            let index = dir.join("index.html");
            router.fallback_service(
                tower_http::services::ServeDir::new(dir)
                    .fallback(tower_http::services::ServeFile::new(index)),
            )
        }
        None => router.fallback(no_ui),
    };
    router.with_state(server)
}

async fn handle(
    s: Arc<Server>,
    op: &'static Op,
    headers: HeaderMap,
    params: Vec<(String, String)>,
    query: Option<String>,
    body: Bytes,
) -> Response {
    let header_lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::parse);
    if op.access != Access::Public && !authorized(&s, &headers) {
        return error_response(&Error::Unauthorized, header_lang.unwrap_or_default());
    }
    let input = match build_input(op, params, query, &body) {
        Ok(i) => i,
        Err(e) => return error_response(&e, header_lang.unwrap_or_default()),
    };
    let app = s.app.clone();
    let result = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let lang =
            header_lang.unwrap_or_else(|| settings::language(&app.db.conn()).unwrap_or_default());
        let caller = Caller {
            lang,
            ..Caller::default()
        };
        let out = op.call(&app, &caller, input);
        api::log_call(op, started, &out);
        (out, lang)
    })
    .await;
    match result {
        Ok((Ok(v), _)) => Json(v).into_response(),
        Ok((Err(e), lang)) => error_response(&e, lang),
        Err(join) => {
            tracing::error!(op = op.name, "handler panicked: {join}");
            error_response(
                &Error::BadInput("internal error".into()),
                header_lang.unwrap_or_default(),
            )
        }
    }
}

/// Path parameters and query string (GET/DELETE) or JSON body with the path parameters merged in.
fn build_input(
    op: &Op,
    params: Vec<(String, String)>,
    query: Option<String>,
    body: &[u8],
) -> Result<Input, Error> {
    if !op.method.has_body() {
        let mut pairs = params;
        if let Some(q) = query {
            let extra: Vec<(String, String)> =
                serde_urlencoded::from_str(&q).map_err(|e| Error::BadInput(e.to_string()))?;
            pairs.extend(extra);
        }
        return Ok(Input::Form(pairs));
    }
    let mut value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body).map_err(|e| Error::BadInput(format!("JSON: {e}")))?
    };
    let Some(obj) = value.as_object_mut() else {
        return Err(Error::BadInput("the body must be a JSON object".into()));
    };
    for (k, v) in params {
        let v = v
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or(Value::String(v));
        obj.insert(k, v);
    }
    Ok(Input::Json(value))
}

fn authorized(s: &Server, headers: &HeaderMap) -> bool {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    constant_time_eq(token.trim().as_bytes(), s.admin_token.as_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn error_response(e: &Error, lang: Lang) -> Response {
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(e.to_api(lang))).into_response()
}

async fn unknown_api(
    State(s): State<Arc<Server>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::parse)
        .unwrap_or_default();
    if !authorized(&s, &headers) {
        return error_response(&Error::Unauthorized, lang);
    }
    error_response(&Error::UnknownOp(uri.path().to_owned()), lang)
}

async fn no_ui() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!doctype html><meta charset=\"utf-8\"><title>Huixiao</title><p>界面尚未构建：请先运行 <code>npm --prefix ui run build</code>。<br>The UI is not built yet: run <code>npm --prefix ui run build</code>.</p>",
    )
        .into_response()
}

/// A fresh random token: 128 bits, hex.
pub fn new_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Binds `addr` and serves until `shutdown` resolves. Returns the address actually bound
/// (port 0 picks a free port) through `on_bound` before serving.
pub async fn serve(
    server: Arc<Server>,
    addr: SocketAddr,
    ui_dir: Option<PathBuf>,
    on_bound: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    on_bound(bound);
    tracing::info!(%bound, "http server listening");
    axum::serve(listener, router(server, ui_dir))
        .with_graceful_shutdown(shutdown)
        .await
}
