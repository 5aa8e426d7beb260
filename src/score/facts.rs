//! The facts a score is made of, read from the stores, invitations, check-ins and deals: one
//! [`Point`] per fact, for one store or for every store in one pass each (the same queries).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use super::Weights;
use crate::conversion::{ATTENDED_SQL, CLOSED_DEAL_SQL, CONFIRMED_SQL};
use crate::error::Result;

/// What a point is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    LevelA,
    LevelB,
    LevelC,
    KeyCustomer,
    Referred,
    Confirmed,
    Attended,
    MoneyHolderCame,
    Deal,
    NoShow,
    Declined,
}

impl ReasonKind {
    /// Fit points never fade; behaviour points do.
    pub fn fades(self) -> bool {
        !matches!(
            self,
            ReasonKind::LevelA
                | ReasonKind::LevelB
                | ReasonKind::LevelC
                | ReasonKind::KeyCustomer
                | ReasonKind::Referred
        )
    }

    pub fn weight(self, w: &Weights) -> i64 {
        match self {
            ReasonKind::LevelA => w.level_a,
            ReasonKind::LevelB => w.level_b,
            ReasonKind::LevelC => w.level_c,
            ReasonKind::KeyCustomer => w.key_customer,
            ReasonKind::Referred => w.referred,
            ReasonKind::Confirmed => w.confirmed,
            ReasonKind::Attended => w.attended,
            ReasonKind::MoneyHolderCame => w.money_holder_came,
            ReasonKind::Deal => w.deal,
            ReasonKind::NoShow => w.no_show,
            ReasonKind::Declined => w.declined,
        }
    }
}

/// One fact of a store: its kind, its day (behaviour) and what it is about (a seminar's title, a
/// product, the referrer's name).
#[derive(Debug, Clone)]
pub struct Point {
    pub kind: ReasonKind,
    pub day: Option<NaiveDate>,
    pub about: String,
}

/// Which stores to read: one, or all of them.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    One(i64),
    All,
}

impl Scope {
    /// A condition on `col` and the value bound to `?2` (all stores: a constant true).
    fn on(self, col: &str) -> (String, Option<i64>) {
        match self {
            Scope::One(id) => (format!("{col} = ?2"), Some(id)),
            Scope::All => ("?2 IS NULL".into(), None),
        }
    }
}

fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// The facts of the stores in `scope` by store, as of `today` (a confirmed guest who did not
/// come is a no-show once the seminar's day is past). Stores with no fact have no entry.
/// `tz` reads a deal's time as a day.
pub fn read(
    conn: &Connection,
    scope: Scope,
    today: NaiveDate,
    tz: chrono_tz::Tz,
) -> Result<HashMap<i64, Vec<Point>>> {
    let mut out: HashMap<i64, Vec<Point>> = HashMap::new();
    let today_s = today.to_string();

    let (cond, id) = scope.on("s.id");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.id, s.level, s.key_customer, r.name FROM stores s
         LEFT JOIN stores r ON r.id = s.referrer_id WHERE ?1 IS NOT NULL AND {cond}"
    ))?;
    let mut rows = stmt.query(params![today_s, id])?;
    while let Some(r) = rows.next()? {
        let store: i64 = r.get(0)?;
        let level: String = r.get(1)?;
        let key: bool = r.get(2)?;
        let referrer: Option<String> = r.get(3)?;
        let list = out.entry(store).or_default();
        let fit = |kind, about: &str| Point {
            kind,
            day: None,
            about: about.to_owned(),
        };
        list.push(fit(
            match level.as_str() {
                "A" => ReasonKind::LevelA,
                "C" => ReasonKind::LevelC,
                _ => ReasonKind::LevelB,
            },
            "",
        ));
        if key {
            list.push(fit(ReasonKind::KeyCustomer, ""));
        }
        if let Some(name) = referrer {
            list.push(fit(ReasonKind::Referred, &name));
        }
    }

    let (cond, id) = scope.on("i.store_id");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT i.store_id, m.date, m.title, {CONFIRMED_SQL}, {ATTENDED_SQL}, i.status,
            EXISTS (SELECT 1 FROM checkins k JOIN contacts c ON c.id = k.contact_id
                    WHERE k.invitation_id = i.id AND k.undone_at IS NULL AND c.role = 'owner_spouse'),
            m.date < ?1
         FROM invitations i JOIN seminars m ON m.id = i.seminar_id WHERE {cond}"
    ))?;
    let mut rows = stmt.query(params![today_s, id])?;
    while let Some(r) = rows.next()? {
        let store: i64 = r.get(0)?;
        let date: String = r.get(1)?;
        let title: String = r.get(2)?;
        let (confirmed, attended, status): (bool, bool, String) = (r.get(3)?, r.get(4)?, r.get(5)?);
        let (holder, past): (bool, bool) = (r.get(6)?, r.get(7)?);
        let list = out.entry(store).or_default();
        let mut add = |kind| {
            list.push(Point {
                kind,
                day: day(&date),
                about: title.clone(),
            })
        };
        if status == "declined" {
            add(ReasonKind::Declined);
        }
        if confirmed {
            add(ReasonKind::Confirmed);
        }
        if attended {
            add(ReasonKind::Attended);
        }
        if holder {
            add(ReasonKind::MoneyHolderCame);
        }
        if confirmed && !attended && past && status == "confirmed" {
            add(ReasonKind::NoShow);
        }
    }

    let (cond, id) = scope.on("d.store_id");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.store_id, d.at, p.name FROM deals d JOIN products p ON p.id = d.product_id
         WHERE ?1 IS NOT NULL AND {CLOSED_DEAL_SQL} AND {cond}"
    ))?;
    let mut rows = stmt.query(params![today_s, id])?;
    while let Some(r) = rows.next()? {
        let store: i64 = r.get(0)?;
        let at: String = r.get(1)?;
        let local = chrono::DateTime::parse_from_rfc3339(&at)
            .ok()
            .map(|t| t.with_timezone(&tz).date_naive())
            .or_else(|| day(&at));
        out.entry(store).or_default().push(Point {
            kind: ReasonKind::Deal,
            day: local,
            about: r.get(2)?,
        });
    }
    Ok(out)
}

/// A store's score from its facts as of `today`: fit, behaviour (faded), and the first day on
/// which this sum stops following the plain fading rule (a fact dated after today, a seminar
/// day that will turn a confirmation into a no-show).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sum {
    pub fit: i64,
    pub engagement: f64,
    pub stale_on: Option<NaiveDate>,
}

pub fn sum(points: &[Point], w: &Weights, today: NaiveDate) -> Sum {
    let mut s = Sum {
        fit: 0,
        engagement: 0.0,
        stale_on: None,
    };
    for p in points {
        let weight = p.kind.weight(w);
        if !p.kind.fades() {
            s.fit += weight;
            continue;
        }
        let day = p.day.unwrap_or(today);
        s.engagement += weight as f64 * w.fade((today - day).num_days());
        // Not yet faded from `today`, or a confirmation that may turn into a no-show: recompute
        // the day after.
        if day >= today {
            let turn = day.succ_opt().unwrap_or(day);
            s.stale_on = Some(s.stale_on.map_or(turn, |d| d.min(turn)));
        }
    }
    s
}
