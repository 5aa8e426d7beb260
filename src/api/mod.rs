//! One API, three transports. Every operation is declared once in [`ops::all`]: its name, HTTP
//! method and path, the role it needs, and a typed handler `fn(&App, Input) -> Result<Output>`.
//! The Tauri shell, the HTTP server and the CLI only adapt to [`dispatch`]; the OpenAPI document
//! and the TypeScript types are generated from the same list.

mod failure;
pub mod openapi;
mod ops;
pub mod tsgen;

use std::sync::{Arc, LazyLock};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;
use utoipa::openapi::{RefOr, Schema};
use utoipa::ToSchema;

use crate::app::App;
pub use crate::caller::Caller;
use crate::error::Result;
use crate::i18n::Lang;
use crate::lan::Lan;
use crate::station::StationRole;
pub use failure::{ApiError, Failure};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Method {
    Get,
    Post,
    Put,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }
    /// GET takes their input from the path and query string, the others from a JSON body.
    pub fn has_body(self) -> bool {
        matches!(self, Method::Post | Method::Put)
    }
}

/// Who may call an operation over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without a token (health only).
    Public,
    /// The organizer: the loopback admin token (and the desktop window's IPC).
    Admin,
    /// The organizer, and paired stations in these roles.
    Stations(&'static [StationRole]),
}

/// An operation's input as a transport received it.
pub enum Input {
    /// A JSON object (IPC, CLI, HTTP bodies with path parameters merged in).
    Json(Value),
    /// Form pairs (HTTP path parameters and query string), parsed into the typed input.
    Form(Vec<(String, String)>),
}

type Handler = Box<dyn Fn(&Host, &Caller, Input) -> Result<Value, Failure> + Send + Sync>;

/// One operation of the API.
pub struct Op {
    pub name: &'static str,
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub summary: &'static str,
    handler: Handler,
    pub(crate) types: Types,
}

/// The app as the transports serve it: the domain's [`App`], and the LAN server for stations
/// that the organizer turns on and off. Cheap to clone: every clone shares both.
#[derive(Clone)]
pub struct Host {
    pub app: App,
    pub lan: Arc<Lan>,
}

impl Host {
    /// The app served with its LAN server off.
    pub fn new(app: App) -> Host {
        Host {
            app,
            lan: Arc::default(),
        }
    }
}

/// What the generators need to know of an operation's input and output types.
pub(crate) struct Types {
    pub ts_input: fn(&ts_rs::Config) -> String,
    pub ts_output: fn(&ts_rs::Config) -> String,
    pub ts_collect: fn(&mut tsgen::Collector),
    pub input_schema: fn() -> RefOr<Schema>,
    pub output_schema: fn() -> RefOr<Schema>,
    pub schemas: fn(&mut Vec<(String, RefOr<Schema>)>),
}

impl Op {
    fn new<I, O>(
        name: &'static str,
        method: Method,
        path: &'static str,
        access: Access,
        summary: &'static str,
        f: fn(&App, I) -> Result<O>,
    ) -> Op
    where
        I: DeserializeOwned + TS + ToSchema + 'static,
        O: Serialize + TS + ToSchema + 'static,
    {
        Op::build(
            name,
            method,
            path,
            access,
            summary,
            move |host, _, input| f(&host.app, input),
        )
    }

    /// An operation whose handler needs to know who calls (to record who changed what, or to
    /// word a warning in the caller's language).
    fn with_caller<I, O>(
        name: &'static str,
        method: Method,
        path: &'static str,
        access: Access,
        summary: &'static str,
        f: fn(&App, &Caller, I) -> Result<O>,
    ) -> Op
    where
        I: DeserializeOwned + TS + ToSchema + 'static,
        O: Serialize + TS + ToSchema + 'static,
    {
        Op::build(
            name,
            method,
            path,
            access,
            summary,
            move |host, caller, input| f(&host.app, caller, input),
        )
    }

    /// An operation on the transports' own state: the LAN server for stations.
    fn with_host<I, O>(
        name: &'static str,
        method: Method,
        path: &'static str,
        access: Access,
        summary: &'static str,
        f: fn(&Host, I) -> Result<O>,
    ) -> Op
    where
        I: DeserializeOwned + TS + ToSchema + 'static,
        O: Serialize + TS + ToSchema + 'static,
    {
        Op::build(
            name,
            method,
            path,
            access,
            summary,
            move |host, _, input| f(host, input),
        )
    }

    /// An operation that reaches head office's database: it may fail remotely as well.
    fn remote<I, O>(
        name: &'static str,
        method: Method,
        path: &'static str,
        access: Access,
        summary: &'static str,
        f: fn(&App, I) -> Result<O, Failure>,
    ) -> Op
    where
        I: DeserializeOwned + TS + ToSchema + 'static,
        O: Serialize + TS + ToSchema + 'static,
    {
        Op::build(
            name,
            method,
            path,
            access,
            summary,
            move |host, _, input| f(&host.app, input),
        )
    }

    fn build<I, O, E>(
        name: &'static str,
        method: Method,
        path: &'static str,
        access: Access,
        summary: &'static str,
        f: impl Fn(&Host, &Caller, I) -> Result<O, E> + Send + Sync + 'static,
    ) -> Op
    where
        I: DeserializeOwned + TS + ToSchema + 'static,
        O: Serialize + TS + ToSchema + 'static,
        Failure: From<E>,
    {
        let handler = move |host: &Host, caller: &Caller, input: Input| -> Result<Value, Failure> {
            let input: I = match input {
                Input::Json(Value::Null) => {
                    serde_json::from_value(Value::Object(Default::default()))
                        .map_err(|e| Failure::BadInput(e.to_string()))?
                }
                Input::Json(v) => {
                    serde_json::from_value(v).map_err(|e| Failure::BadInput(e.to_string()))?
                }
                Input::Form(pairs) => serde_urlencoded::from_str(&form_urlencode(&pairs))
                    .map_err(|e| Failure::BadInput(e.to_string()))?,
            };
            let out = f(host, caller, input)?;
            Ok(serde_json::to_value(out).expect("outputs serialise"))
        };
        Op {
            name,
            method,
            path,
            access,
            summary,
            handler: Box::new(handler),
            types: Types {
                ts_input: |c| <I as TS>::name(c),
                ts_output: |c| <O as TS>::name(c),
                ts_collect: |c| {
                    c.visit_root::<I>();
                    c.visit_root::<O>();
                },
                input_schema: I::schema,
                output_schema: O::schema,
                schemas: |v| {
                    v.push((<I as ToSchema>::name().into(), I::schema()));
                    I::schemas(v);
                    v.push((<O as ToSchema>::name().into(), O::schema()));
                    O::schemas(v);
                },
            },
        }
    }

    /// The path's `{name}` parameters, in order.
    pub fn path_params(&self) -> Vec<&'static str> {
        self.path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect()
    }

    /// Runs the operation. A station's call that names a seminar must name its own, whatever
    /// the handler checks itself. A panic answers [`crate::error::Error::Internal`], on every
    /// transport.
    pub fn call(&self, host: &Host, caller: &Caller, input: Input) -> Result<Value, Failure> {
        if caller.station.is_some() {
            if let Some(id) = seminar_of(&input) {
                caller.check_seminar(id)?;
            }
        }
        crate::panics::catch(self.name, || (self.handler)(host, caller, input))
    }
}

/// The `seminar_id` an input names, if any.
fn seminar_of(input: &Input) -> Option<i64> {
    match input {
        Input::Json(v) => v.get("seminar_id").and_then(Value::as_i64),
        Input::Form(pairs) => pairs
            .iter()
            .find(|(k, _)| k == "seminar_id")
            .and_then(|(_, v)| v.parse().ok()),
    }
}

fn form_urlencode(pairs: &[(String, String)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

static OPS: LazyLock<Vec<Op>> = LazyLock::new(ops::all);

/// Every operation, in declaration order.
pub fn all() -> &'static [Op] {
    &OPS
}

pub fn find(name: &str) -> Option<&'static Op> {
    OPS.iter().find(|op| op.name == name)
}

/// Runs operation `name` with a JSON input for `caller`: the entry point of IPC and the CLI.
/// There is no default caller: each transport says who calls and in which language.
pub fn dispatch(host: &Host, caller: &Caller, name: &str, input: Value) -> Result<Value, Failure> {
    let op = find(name).ok_or_else(|| Failure::UnknownOp(name.to_owned()))?;
    let started = std::time::Instant::now();
    let out = op.call(host, caller, Input::Json(input));
    log_call(op, started, &out);
    out
}

/// The language to answer in: the one the caller asked for (the page's, `Accept-Language`,
/// `--lang`), else the organisation's setting.
pub fn answer_lang(app: &App, asked: Option<Lang>) -> Lang {
    asked.unwrap_or_else(|| crate::settings::language(&app.db.conn()).unwrap_or_default())
}

pub(crate) fn log_call(op: &Op, started: std::time::Instant, out: &Result<Value, Failure>) {
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    match out {
        Ok(_) => tracing::debug!(op = op.name, ms, "ok"),
        // Error messages may quote what the user typed (a phone number): log only the code.
        Err(e) => tracing::info!(
            op = op.name,
            ms,
            code = e.code(),
            field = e.field(),
            "refused"
        ),
    }
}
