//! The HTTP transport: every operation of [`crate::api`] as a JSON route, the push stream of
//! station events, the built UI as static files, and token checks. Browser mode binds loopback
//! only; the LAN server ([`crate::lan`]) serves the same router over HTTPS.
//!
//! Who calls: the organizer's admin token (accepted from loopback only) or a station's token
//! (see [`crate::station`]), whose role limits the routes it reaches.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, RawPathParams, RawQuery, State};
use axum::http::{header, Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use axum::{Json, Router};
use serde_json::Value;

use crate::api::{self, Access, Caller, Failure, Host, Input, Method, Op};
use crate::error::Error;
use crate::events::Event;
use crate::i18n::Lang;
use crate::station::{self, Identity, StationRole};
use crate::token::Refusal;

/// What the server shares between requests.
pub struct Server {
    pub host: Host,
    pub admin_token: String,
}

/// The desktop shell's UI files: path → (bytes, MIME type).
pub type AssetFn = dyn Fn(&str) -> Option<(Vec<u8>, String)> + Send + Sync;

/// Where the UI's files come from.
#[derive(Clone, Default)]
pub enum Ui {
    /// No UI: a page that says how to build it.
    #[default]
    None,
    /// The built UI in a directory (`ui/dist`).
    Dir(PathBuf),
    /// The UI as the desktop shell holds it: path → (bytes, MIME type).
    Assets(Arc<AssetFn>),
}

/// The push stream stations listen to (server-sent events).
pub const EVENTS_PATH: &str = "/api/events";

/// Every route with the access it needs: the operations, then the event stream. Tests walk it.
pub fn routes() -> Vec<(Method, &'static str, Access)> {
    let mut out: Vec<_> = api::all()
        .iter()
        .map(|op| (op.method, op.path, op.access))
        .collect();
    out.push((
        Method::Get,
        EVENTS_PATH,
        Access::Stations(&StationRole::ALL),
    ));
    out
}

/// The router: API routes from the one operation list, the event stream, then the UI.
pub fn router(server: Arc<Server>, ui: Ui) -> Router {
    let mut by_path: BTreeMap<&'static str, MethodRouter<Arc<Server>>> = BTreeMap::new();
    for op in api::all() {
        let filter = match op.method {
            Method::Get => MethodFilter::GET,
            Method::Post => MethodFilter::POST,
            Method::Put => MethodFilter::PUT,
        };
        let handler = move |State(s): State<Arc<Server>>,
                            headers: HeaderMap,
                            ext: Extensions,
                            params: RawPathParams,
                            RawQuery(query): RawQuery,
                            body: Bytes| {
            let params: Vec<(String, String)> = params
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            handle(s, op, headers, peer(&ext), params, query, body)
        };
        let entry = by_path.remove(op.path).unwrap_or_default();
        by_path.insert(op.path, entry.on(filter, handler));
    }
    let mut router = Router::new().route(EVENTS_PATH, axum::routing::get(events));
    for (path, methods) in by_path {
        router = router.route(path, methods);
    }
    router = router.route("/api/{*rest}", axum::routing::any(unknown_api));
    // Imports carry a spreadsheet of up to 50 MB as base64 (4/3 of it) inside the JSON body.
    router = router.layer(axum::extract::DefaultBodyLimit::max(
        crate::import::read::MAX_BYTES / 3 * 4 + 1024 * 1024,
    ));
    let router = match ui {
        Ui::Dir(dir) if dir.join("index.html").is_file() => {
            let index = dir.join("index.html");
            router.fallback_service(
                tower_http::services::ServeDir::new(dir)
                    .fallback(tower_http::services::ServeFile::new(index)),
            )
        }
        Ui::Assets(get) => router.fallback(move |uri: axum::http::Uri| {
            let get = get.clone();
            async move { asset(&*get, uri.path()) }
        }),
        _ => router.fallback(no_ui),
    };
    router.with_state(server)
}

fn asset(get: &AssetFn, path: &str) -> Response {
    let path = path.trim_start_matches('/');
    let found = if path.is_empty() { None } else { get(path) };
    match found.or_else(|| get("index.html")) {
        Some((bytes, mime)) => ([(header::CONTENT_TYPE, mime)], bytes).into_response(),
        None => no_ui_response(),
    }
}

/// The peer's address when the server records it (the LAN server does; tests may not).
fn peer(ext: &Extensions) -> Option<SocketAddr> {
    ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0)
}

/// Who is calling, from the bearer token.
enum Who {
    Admin,
    Station(Identity),
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// Checks the token: the organizer (from this computer only) or a paired station.
fn identify(s: &Server, headers: &HeaderMap, peer: Option<SocketAddr>) -> Result<Who, Failure> {
    let token = bearer(headers).ok_or(Failure::Unauthorized(Refusal::Missing))?;
    if constant_time_eq(token.as_bytes(), s.admin_token.as_bytes()) {
        return match peer {
            Some(p) if !p.ip().is_loopback() => Err(Error::forbidden(
                "组织者令牌只能在本机使用，工作站请扫码配对。",
                "The organizer's token works on this computer only; stations pair by QR.",
            )
            .into()),
            _ => Ok(Who::Admin),
        };
    }
    station::authenticate(&s.host.app, token)
        .map(Who::Station)
        .map_err(Failure::Unauthorized)
}

/// Whether `who` may reach a route that needs `access`.
fn permit(access: Access, who: &Who) -> Result<(), Error> {
    match (access, who) {
        (Access::Public, _) | (_, Who::Admin) => Ok(()),
        (Access::Stations(roles), Who::Station(id)) if roles.contains(&id.role) => Ok(()),
        (_, Who::Station(id)) => {
            let (zh, en) = id.role.label();
            Err(Error::forbidden(
                format!("“{zh}”工作站无权执行此操作。"),
                format!("A {en} station may not do this."),
            ))
        }
    }
}

async fn handle(
    s: Arc<Server>,
    op: &'static Op,
    headers: HeaderMap,
    peer: Option<SocketAddr>,
    params: Vec<(String, String)>,
    query: Option<String>,
    body: Bytes,
) -> Response {
    let header_lang = asked_lang(&headers);
    let input = match build_input(op, params, query, &body) {
        Ok(i) => i,
        Err(e) => return error_response(&e, header_lang.unwrap_or_default()),
    };
    let app = s.host.app.clone();
    let result = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let app = &s.host.app;
        let lang = || api::answer_lang(app, header_lang);
        let station = if op.access == Access::Public {
            None
        } else {
            match identify(&s, &headers, peer).and_then(|who| {
                permit(op.access, &who)?;
                Ok(who)
            }) {
                Ok(Who::Station(id)) => Some(id),
                Ok(Who::Admin) => None,
                Err(e) => return (Err(e), lang()),
            }
        };
        let lang = lang();
        let caller = match station {
            Some(id) => Caller::station(lang, id),
            None => Caller::organizer(lang),
        };
        let out = op.call(&s.host, &caller, input);
        api::log_call(op, started, &out);
        (out, lang)
    })
    .await;
    match result {
        Ok((Ok(v), _)) => Json(v).into_response(),
        Ok((Err(e), lang)) => error_response(&e, lang),
        // Handlers' panics are caught in `Op::call`; this is one in the transport's own code.
        Err(join) => {
            tracing::error!(op = op.name, "panicked: {join}");
            let lang = tokio::task::spawn_blocking(move || api::answer_lang(&app, header_lang))
                .await
                .unwrap_or_default();
            error_response(&Error::Internal.into(), lang)
        }
    }
}

/// The push stream: station events as server-sent events, filtered to what the caller's role
/// needs (an assistant hears of arrivals at their own tables only). A comment every 15 s keeps
/// the connection open through Wi-Fi routers.
async fn events(State(s): State<Arc<Server>>, headers: HeaderMap, ext: Extensions) -> Response {
    let lang = asked_lang(&headers).unwrap_or_default();
    let peer = peer(&ext);
    let s2 = s.clone();
    let who = tokio::task::spawn_blocking(move || identify(&s2, &headers, peer)).await;
    let who = match who {
        Ok(Ok(w)) => w,
        Ok(Err(e)) => return error_response(&e, lang),
        Err(_) => return error_response(&Error::Internal.into(), lang),
    };
    let rx = s.host.app.events.subscribe();
    let stream = futures_util::stream::unfold((rx, who), |(mut rx, who)| async move {
        loop {
            match rx.recv().await {
                Ok(ev) if hears(&who, &ev) => {
                    let sse = axum::response::sse::Event::default()
                        .json_data(&ev)
                        .unwrap_or_default();
                    return Some((Ok::<_, std::convert::Infallible>(sse), (rx, who)));
                }
                Ok(_) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    // Missed events: tell the page to re-read what it shows.
                    let sse = axum::response::sse::Event::default()
                        .event("lagged")
                        .data("{}");
                    return Some((Ok(sse), (rx, who)));
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    axum::response::sse::Sse::new(stream)
        .keep_alive(
            axum::response::sse::KeepAlive::new().interval(std::time::Duration::from_secs(15)),
        )
        .into_response()
}

/// Whether a caller hears an event.
fn hears(who: &Who, ev: &Event) -> bool {
    let Who::Station(id) = who else {
        return true;
    };
    if ev.seminar_id() != id.seminar_id {
        return false;
    }
    match (id.role, ev) {
        (StationRole::Checkin, Event::Arrival { .. }) => true,
        (StationRole::Assistant, Event::Arrival { assistant_id, .. }) => {
            *assistant_id == Some(id.staff_id)
        }
        (StationRole::Assistant | StationRole::Lecturer, Event::StartClosing { .. }) => true,
        (StationRole::Assistant | StationRole::Lecturer, Event::Deal { .. }) => true,
        (StationRole::Lecturer, Event::StageChanged { .. }) => true,
        _ => false,
    }
}

/// Path parameters and query string (GET) or JSON body with the path parameters merged in.
fn build_input(
    op: &Op,
    params: Vec<(String, String)>,
    query: Option<String>,
    body: &[u8],
) -> Result<Input, Failure> {
    if !op.method.has_body() {
        let mut pairs = params;
        if let Some(q) = query {
            let extra: Vec<(String, String)> =
                serde_urlencoded::from_str(&q).map_err(|e| Failure::BadInput(e.to_string()))?;
            pairs.extend(extra);
        }
        return Ok(Input::Form(pairs));
    }
    let mut value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body).map_err(|e| Failure::BadInput(format!("JSON: {e}")))?
    };
    let Some(obj) = value.as_object_mut() else {
        return Err(Failure::BadInput("the body must be a JSON object".into()));
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

/// The language the request asks for (`Accept-Language`), if one the app speaks.
fn asked_lang(headers: &HeaderMap) -> Option<Lang> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::parse)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn error_response(failure: &Failure, lang: Lang) -> Response {
    (status(failure), Json(failure.to_api(lang))).into_response()
}

/// The HTTP status of a failure.
fn status(failure: &Failure) -> StatusCode {
    match failure {
        Failure::BadInput(_) => StatusCode::BAD_REQUEST,
        Failure::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        Failure::UnknownOp(_) => StatusCode::NOT_FOUND,
        Failure::Remote { .. } => StatusCode::BAD_GATEWAY,
        Failure::Refused(e) => match e {
            Error::Invalid { .. } => StatusCode::BAD_REQUEST,
            Error::Forbidden { .. } => StatusCode::FORBIDDEN,
            Error::NotFound { .. } => StatusCode::NOT_FOUND,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::Database { .. } | Error::Sqlite(_) | Error::Io(_) | Error::Internal => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        },
    }
}

async fn unknown_api(
    State(s): State<Arc<Server>>,
    headers: HeaderMap,
    ext: Extensions,
    uri: axum::http::Uri,
) -> Response {
    let lang = asked_lang(&headers).unwrap_or_default();
    let peer = peer(&ext);
    let who = tokio::task::spawn_blocking(move || identify(&s, &headers, peer).map(|_| ())).await;
    match who {
        Ok(Ok(())) => error_response(&Failure::UnknownOp(uri.path().to_owned()), lang),
        Ok(Err(e)) => error_response(&e, lang),
        Err(_) => error_response(&Error::Internal.into(), lang),
    }
}

async fn no_ui() -> Response {
    no_ui_response()
}

fn no_ui_response() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!doctype html><meta charset=\"utf-8\"><title>Huixiao</title><p>界面尚未构建：请先运行 <code>npm --prefix ui run build</code>。<br>The UI is not built yet: run <code>npm --prefix ui run build</code>.</p>",
    )
        .into_response()
}

/// Binds `addr` and serves until `shutdown` resolves. Returns the address actually bound
/// (port 0 picks a free port) through `on_bound` before serving.
pub async fn serve(
    server: Arc<Server>,
    addr: SocketAddr,
    ui: Ui,
    on_bound: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    on_bound(bound);
    tracing::info!(%bound, "http server listening");
    axum::serve(
        listener,
        router(server, ui).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
