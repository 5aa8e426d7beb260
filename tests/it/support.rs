//! Shared helpers: an app on a temp file or in memory with a fixed clock, and dumps.

use chrono::{TimeZone, Utc};
use huixiao::api::{Failure, Host};
use huixiao::app::Clock;
use huixiao::caller::Caller;
use huixiao::db;
use huixiao::i18n::Lang;
use huixiao::App;
use serde_json::{json, Value};

/// 2026-11-22 09:00 in Shanghai.
pub fn fixed_now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

/// The morning of the test world's seminar day (2026-11-29, 09:00 in 长沙): the event's deals are
/// recorded on its day, as at a real seminar (one dated earlier counts nowhere and is refused).
pub fn on_the_day() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 1, 0, 0).unwrap()
}

/// [`app`] on the seminar's day: for tests that go live and record deals.
pub fn app_on_the_day() -> App {
    App::in_memory()
        .unwrap()
        .with_clock(Clock::Fixed(on_the_day()))
}

pub fn app() -> App {
    App::in_memory()
        .unwrap()
        .with_clock(Clock::Fixed(fixed_now()))
}

pub fn dump(app: &App) -> String {
    db::dump(&app.db.conn()).unwrap()
}

/// Calls an operation as the organizer, answered in Chinese (the app's first language).
pub fn call(app: &App, op: &str, input: Value) -> Result<Value, Failure> {
    call_on(&Host::new(app.clone()), op, input)
}

/// Calls an operation as the organizer on `host`, whose LAN server outlives the call.
pub fn call_on(host: &Host, op: &str, input: Value) -> Result<Value, Failure> {
    huixiao::api::dispatch(host, &organizer(Lang::Zh), op, input)
}

pub fn organizer(lang: Lang) -> Caller {
    Caller::organizer(lang)
}

/// A lecturer, an inviter, an assistant, a store with two contacts and a seminar next week.
pub struct World {
    pub lecturer: i64,
    pub inviter: i64,
    pub assistant: i64,
    pub store: i64,
    pub spouse: i64,
    pub seminar: i64,
}

pub fn world(app: &App) -> World {
    let id = |v: Value| v["id"].as_i64().unwrap();
    let lecturer = id(call(
        app,
        "staff.create",
        json!({"name": "李明", "roles": ["lecturer"]}),
    )
    .unwrap());
    let inviter = id(call(
        app,
        "staff.create",
        json!({"name": "王芳", "roles": ["inviter"], "phone": "13912345678"}),
    )
    .unwrap());
    let assistant = id(call(
        app,
        "staff.create",
        json!({"name": "赵磊", "roles": ["assistant"]}),
    )
    .unwrap());
    let store = id(call(app, "stores.create", json!({"name": "小太阳幼儿园", "city": "长沙", "district": "岳麓区", "industry": "幼儿园", "level": "A"})).unwrap());
    call(
        app,
        "contacts.create",
        json!({"store_id": store, "name": "陈建国", "role": "owner", "phone": "13800138000"}),
    )
    .unwrap();
    let spouse = id(call(app, "contacts.create", json!({"store_id": store, "name": "刘丽", "role": "owner_spouse", "phone": "138 0013 8001"})).unwrap());
    let seminar = id(call(
        app,
        "seminars.create",
        json!({"title": "幼儿园招生增长研讨会", "date": "2026-11-29", "start_time": "14:00", "capacity": 120, "lecturer_id": lecturer, "city": "长沙"}),
    )
    .unwrap());
    World {
        lecturer,
        inviter,
        assistant,
        store,
        spouse,
        seminar,
    }
}
