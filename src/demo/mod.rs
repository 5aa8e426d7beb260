//! Demo data: a realistic organisation, deterministic for a given "today".
//!
//! [`load`] fills an empty database with staff, ~300 stores in two cities with their contacts,
//! products with three price tiers and three seminars: one closed two weeks ago (check-ins, deals
//! with a deal ratio above 100%, follow-ups), one live today and one next week still inviting.
//! Past seminars are written the way an import of history is (`seminar::insert`); creating a new
//! seminar in the past through the UI or the API stays refused.
//!
//! Every choice comes from one RNG seeded from `today`, and every timestamp is derived from
//! `today` (never the wall clock), so two runs with the same day write identical tables.
//!
//! The parts: `people` (the organisation and its staff), `stores` (stores and contacts),
//! `products`, `invitations`, `seminars` (setting one up, today's and next week's),
//! `closed` (the seminar two weeks ago and its deals), `followups` and `talks` (scripts,
//! checklists, the stage log).

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate, SecondsFormat, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::{invalid, Error, Result};

mod closed;
mod followups;
mod invitations;
mod people;
mod products;
mod seminars;
mod stores;
pub mod synthetic;
mod talks;

#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct DemoInput {
    /// `YYYY-MM-DD`; the real date when null.
    #[serde(default)]
    pub today: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct DemoSummary {
    pub seminars: i64,
    pub stores: i64,
}

const TIMEZONE: &str = "Asia/Shanghai";

/// Fills an empty database with the demo organisation, all in one transaction.
pub fn load(app: &App, input: DemoInput) -> Result<DemoSummary> {
    let today = match input
        .today
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => parse_today(s)?,
        // The demo organisation and its seminars are in Shanghai (TIMEZONE).
        None => crate::venue::today_in(app, Shanghai),
    };
    let summary = app.db.write(|tx| {
        refuse_if_not_empty(tx)?;
        let mut demo = Demo::new(tx, today);
        demo.settings()?;
        let staff = demo.staff()?;
        let stores = demo.stores()?;
        let products = demo.products()?;
        let closed = demo.seminar_closed(&staff, &stores, &products)?;
        demo.seminar_today(&staff, &stores)?;
        demo.seminar_next_week(&staff, &stores, &closed)?;
        demo.talks(&staff, &products)?;
        let count = |table: &str| -> Result<i64> {
            Ok(tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(DemoSummary {
            seminars: count("seminars")?,
            stores: count("stores")?,
        })
    })?;
    tracing::info!(%today, stores = summary.stores, seminars = summary.seminars, "demo data loaded");
    Ok(summary)
}

fn parse_today(s: &str) -> Result<NaiveDate> {
    let bad = || {
        invalid(
            "today",
            format!("日期“{s}”无效，请使用 2026-11-22 这样的格式（年份在 2000 到 2099 之间）。"),
            format!("Date “{s}” is not valid; use the form 2026-11-22 (a year from 2000 to 2099)."),
        )
    };
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())?;
    if !(2000..=2099).contains(&date.year()) {
        return Err(bad());
    }
    Ok(date)
}

fn refuse_if_not_empty(conn: &Connection) -> Result<()> {
    let used: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM stores) OR EXISTS (SELECT 1 FROM seminars)",
        [],
        |r| r.get(0),
    )?;
    if used {
        return Err(Error::Conflict {
            zh: "数据库里已经有门店或会销，演示数据只能载入空数据库。请新建一个数据库文件（--db）再载入。"
                .into(),
            en: "The database already has stores or seminars; demo data can only be loaded into an empty one. \
                 Create a new database file (--db) and load it there."
                .into(),
        });
    }
    Ok(())
}

/// RFC 3339 UTC instant of a venue-local (Asia/Shanghai) date and second of the day.
fn stamp(date: NaiveDate, second_of_day: u32) -> String {
    let local = date
        .and_hms_opt(
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60,
        )
        .expect("a second of the day");
    Shanghai
        .from_local_datetime(&local)
        .earliest()
        .expect("Asia/Shanghai has no gaps")
        .with_timezone(&Utc)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

const fn hm(h: u32, m: u32) -> u32 {
    h * 3600 + m * 60
}

struct Demo<'c> {
    conn: &'c Connection,
    rng: StdRng,
    today: NaiveDate,
    phones: HashSet<String>,
}

impl<'c> Demo<'c> {
    fn new(conn: &'c Connection, today: NaiveDate) -> Demo<'c> {
        let seed = 0x4855_4958_4941_4f21
            ^ (today.num_days_from_ce() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Demo {
            conn,
            rng: StdRng::seed_from_u64(seed),
            today,
            phones: HashSet::new(),
        }
    }

    // --- small random helpers -----------------------------------------------------------------

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        *items.choose(&mut self.rng).expect("a non-empty list")
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn day(&self, offset: i64) -> NaiveDate {
        self.today + Duration::days(offset)
    }

    /// A random second of the day in `[from, to)`.
    fn second(&mut self, from: u32, to: u32) -> u32 {
        self.rng.random_range(from..to)
    }

    /// A timestamp on `date` between `from` and `to` (seconds of the day, venue time).
    fn at(&mut self, date: NaiveDate, from: u32, to: u32) -> String {
        let s = self.second(from, to);
        stamp(date, s)
    }

    /// A random date in `[from, to]`.
    fn date_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0);
        from + Duration::days(self.rng.random_range(0..=span))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Clock;

    pub(super) fn load_on(app: &App, today: &str) -> Result<DemoSummary> {
        load(
            app,
            DemoInput {
                today: Some(today.into()),
            },
        )
    }

    pub(super) fn dump(app: &App) -> String {
        crate::db::dump(&app.db.conn()).unwrap()
    }

    pub(super) fn count(app: &App, sql: &str) -> i64 {
        app.db.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    pub(super) fn texts(app: &App, sql: &str) -> Vec<String> {
        let conn = app.db.conn();
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows
    }

    #[test]
    fn same_today_gives_identical_tables_whatever_the_clock() {
        let a = App::in_memory().unwrap();
        let b = App::in_memory()
            .unwrap()
            .with_clock(Clock::Fixed("2031-03-04T05:06:07Z".parse().unwrap()));
        load_on(&a, "2026-11-22").unwrap();
        load_on(&b, "2026-11-22").unwrap();
        let (da, db) = (dump(&a), dump(&b));
        assert!(da.len() > 10_000);
        assert_eq!(da, db);

        let c = App::in_memory().unwrap();
        load_on(&c, "2026-11-23").unwrap();
        assert_ne!(da, dump(&c), "another day gives other data");
    }

    #[test]
    fn refuses_a_database_that_is_not_empty_and_writes_nothing() {
        let app = App::in_memory().unwrap();
        crate::store::create(
            &app,
            crate::store::StoreInput {
                name: "自家小店".into(),
                city: String::new(),
                district: String::new(),
                address: String::new(),
                industry: String::new(),
                level: crate::store::StoreLevel::B,
                key_customer: false,
                referrer_id: None,
                referral_commission_bp: 0,
                source: String::new(),
                note: String::new(),
            },
        )
        .unwrap();
        let before = dump(&app);
        let e = load_on(&app, "2026-11-22").unwrap_err();
        assert_eq!(e.code(), "conflict");
        assert!(e.message(crate::i18n::Lang::Zh).contains("空数据库"));
        assert_eq!(dump(&app), before);

        // Loading twice: the second load is refused too.
        let fresh = App::in_memory().unwrap();
        load_on(&fresh, "2026-11-22").unwrap();
        let loaded = dump(&fresh);
        assert_eq!(
            load_on(&fresh, "2026-11-22").unwrap_err().code(),
            "conflict"
        );
        assert_eq!(dump(&fresh), loaded);
    }

    #[test]
    fn a_bad_today_is_refused_on_its_field() {
        let app = App::in_memory().unwrap();
        for bad in ["2026-13-01", "22.11.2026", "1900-01-01"] {
            let e = load_on(&app, bad).unwrap_err();
            assert_eq!(e.field(), Some("today"), "{bad}");
        }
        assert_eq!(count(&app, "SELECT count(*) FROM staff"), 0);
    }
}
