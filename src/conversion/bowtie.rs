//! The bow-tie per store ([`BowStage`]) (DESIGN, issue 13): never invited → invited → confirmed → attended →
//! closed (a deposit or full payment) → repurchase (closed deals credited to two or more
//! seminars: the territory's `repurchase`) → advocate (referred a store that closed), each with
//! the day it was first reached; and the organisation's funnel round the bow-tie.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::attribution::{by_store, credit, seminar_days};
use super::counts::rate;
use super::verdict::median;
use super::{ATTENDED_SQL, CLOSED_DEAL_SQL, CONFIRMED_SQL};
use crate::app::App;
use crate::error::{invalid, Result};
use crate::input::IdInput;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum BowStage {
    NeverInvited,
    Invited,
    Confirmed,
    Attended,
    Closed,
    Repurchase,
    Advocate,
}

impl BowStage {
    pub const ALL: [BowStage; 7] = [
        BowStage::NeverInvited,
        BowStage::Invited,
        BowStage::Confirmed,
        BowStage::Attended,
        BowStage::Closed,
        BowStage::Repurchase,
        BowStage::Advocate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BowStage::NeverInvited => "never_invited",
            BowStage::Invited => "invited",
            BowStage::Confirmed => "confirmed",
            BowStage::Attended => "attended",
            BowStage::Closed => "closed",
            BowStage::Repurchase => "repurchase",
            BowStage::Advocate => "advocate",
        }
    }

    pub fn parse(s: &str) -> Option<BowStage> {
        BowStage::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A stage a store reached and the day it first did.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Reached {
    pub stage: BowStage,
    pub date: String,
}

/// A store's place on the bow-tie: the furthest stage reached, and each stage's first day.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct StoreStage {
    pub store_id: i64,
    pub stage: BowStage,
    pub reached: Vec<Reached>,
    /// Set when it bought and then went quiet ([`QUIET_DAYS`]).
    pub quiet: Option<Quiet>,
}

/// The first day of each stage (index by [`BowStage`]; never-invited has none).
type Days = [Option<NaiveDate>; 7];

fn earliest(slot: &mut Option<NaiveDate>, d: Option<NaiveDate>) {
    if let Some(d) = d {
        *slot = Some(slot.map_or(d, |s| s.min(d)));
    }
}

fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// Which stores to read: those of one city (or all), or a given few (a page of the store list).
#[derive(Debug, Clone, Copy)]
pub enum Stores<'a> {
    City(Option<&'a str>),
    Ids(&'a [i64]),
}

impl Stores<'_> {
    /// A condition on the store id column `col` (ids are integers: written into the SQL).
    fn on(self, col: &str) -> String {
        match self {
            Stores::City(_) => "1".into(),
            Stores::Ids(ids) => {
                let list: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!("{col} IN ({})", list.join(","))
            }
        }
    }
}

/// Every store's stage days, of one city or all, or of the given stores.
fn days_in(conn: &Connection, scope: Stores) -> Result<HashMap<i64, Days>> {
    let tz = crate::settings::timezone(conn)?;
    let mut out: HashMap<i64, Days> = HashMap::new();
    let city = match scope {
        Stores::City(c) => c,
        Stores::Ids(_) => None,
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT id FROM stores WHERE (?1 IS NULL OR city = ?1) AND {}",
        scope.on("id")
    ))?;
    for id in stmt.query_map([city], |r| r.get::<_, i64>(0))? {
        out.insert(id?, [None; 7]);
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT i.store_id, i.seminar_id, m.date, i.created_at, {CONFIRMED_SQL},
            (SELECT min(t.done_at) FROM touches t WHERE t.invitation_id = i.id AND t.outcome = 'confirmed'),
            {ATTENDED_SQL}
         FROM invitations i JOIN seminars m ON m.id = i.seminar_id WHERE {}",
        scope.on("i.store_id")
    ))?;
    let mut pairs = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let store: i64 = r.get(0)?;
        let Some(d) = out.get_mut(&store) else {
            continue;
        };
        let (date, created): (String, String) = (r.get(2)?, r.get(3)?);
        let (confirmed, confirmed_at, attended): (bool, Option<String>, bool) =
            (r.get(4)?, r.get(5)?, r.get(6)?);
        let created = day(&created);
        earliest(&mut d[BowStage::Invited.index()], created);
        if confirmed {
            earliest(
                &mut d[BowStage::Confirmed.index()],
                confirmed_at.as_deref().and_then(day).or(created),
            );
        }
        if attended {
            earliest(&mut d[BowStage::Attended.index()], day(&date));
            pairs.push((store, r.get::<_, i64>(1)?));
        }
    }
    let attendances = by_store(pairs, &seminar_days(conn)?);
    // Closed deals in time order: the first closes, the first credited to a second seminar repurchases.
    let mut stmt = conn.prepare(&format!(
        "SELECT d.store_id, d.at, s.referrer_id FROM deals d JOIN stores s ON s.id = d.store_id
         WHERE {CLOSED_DEAL_SQL} AND ({} OR {}) ORDER BY d.at, d.id",
        scope.on("d.store_id"),
        scope.on("s.referrer_id")
    ))?;
    let mut credited: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (store, at, referrer): (i64, String, Option<i64>) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let Ok(at) = DateTime::parse_from_rfc3339(&at) else {
            continue;
        };
        let local = at.with_timezone(&tz).date_naive();
        if let Some(d) = referrer.and_then(|p| out.get_mut(&p)) {
            earliest(&mut d[BowStage::Advocate.index()], Some(local));
        }
        let Some(d) = out.get_mut(&store) else {
            continue;
        };
        earliest(&mut d[BowStage::Closed.index()], Some(local));
        let attended = attendances
            .get(&store)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if let Some((seminar, _)) = credit(attended, at.with_timezone(&Utc)) {
            let seen = credited.entry(store).or_default();
            if !seen.contains(&seminar) {
                seen.push(seminar);
                if seen.len() == 2 {
                    earliest(&mut d[BowStage::Repurchase.index()], Some(local));
                }
            }
        }
    }
    Ok(out)
}

fn store_stage(store_id: i64, d: &Days) -> StoreStage {
    let reached: Vec<Reached> = BowStage::ALL
        .into_iter()
        .filter_map(|s| {
            d[s.index()].map(|date| Reached {
                stage: s,
                date: date.to_string(),
            })
        })
        .collect();
    StoreStage {
        store_id,
        stage: reached.last().map_or(BowStage::NeverInvited, |r| r.stage),
        reached,
        quiet: None,
    }
}

/// Every store's stage (of one city, or all).
pub fn stages_in(conn: &Connection, city: Option<&str>) -> Result<HashMap<i64, StoreStage>> {
    stages_of(conn, Stores::City(city))
}

/// The stages of the stores in `scope` (a page of the store list reads only its own stores).
pub fn stages_of(conn: &Connection, scope: Stores) -> Result<HashMap<i64, StoreStage>> {
    Ok(days_in(conn, scope)?
        .iter()
        .map(|(&id, d)| (id, store_stage(id, d)))
        .collect())
}

/// A store that bought and then went quiet (成交后沉默 · 下场可邀): it has a closed deal, and
/// nothing has happened with it for [`QUIET_DAYS`] days — no invitation made, no touch of an
/// invitation, no follow-up done, no attendance, no further deal. Such a store is worth
/// inviting to the next seminar.
pub const QUIET_DAYS: i64 = 60;

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Quiet {
    pub store_id: i64,
    pub store_name: String,
    pub city: String,
    /// The day of its last closed deal.
    pub last_deal: String,
    /// The last day anything happened with it (a deal, an invitation, a touch, a follow-up, an
    /// attendance).
    pub last_activity: String,
    /// Days since then (at least [`QUIET_DAYS`]).
    pub days: i64,
}

/// The stores in `scope` that bought and went quiet as of `today`, by store.
pub fn quiet_of(conn: &Connection, scope: Stores, today: NaiveDate) -> Result<HashMap<i64, Quiet>> {
    let tz = crate::settings::timezone(conn)?;
    let local = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.with_timezone(&tz).date_naive())
            .or_else(|| day(s))
    };
    let city = match scope {
        Stores::City(c) => c,
        Stores::Ids(_) => None,
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT s.id, s.name, s.city,
            (SELECT group_concat(d.at, '|') FROM deals d WHERE d.store_id = s.id AND {CLOSED_DEAL_SQL}),
            (SELECT max(t.done_at) FROM touches t JOIN invitations i ON i.id = t.invitation_id
             WHERE i.store_id = s.id AND t.done_at IS NOT NULL),
            (SELECT max(f.done_at) FROM followups f WHERE f.store_id = s.id AND f.done_at IS NOT NULL),
            (SELECT max(m.date) FROM invitations i JOIN seminars m ON m.id = i.seminar_id
             WHERE i.store_id = s.id AND {ATTENDED_SQL}),
            (SELECT max(i.created_at) FROM invitations i WHERE i.store_id = s.id)
         FROM stores s
         WHERE (?1 IS NULL OR s.city = ?1) AND {}
           AND EXISTS (SELECT 1 FROM deals d WHERE d.store_id = s.id AND {CLOSED_DEAL_SQL})",
        scope.on("s.id")
    ))?;
    let mut out = HashMap::new();
    let mut rows = stmt.query([city])?;
    while let Some(r) = rows.next()? {
        let deals: String = r.get::<_, Option<String>>(3)?.unwrap_or_default();
        let Some(last_deal) = deals.split('|').filter_map(local).max() else {
            continue;
        };
        let others = [
            r.get::<_, Option<String>>(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
        ];
        let last = others
            .iter()
            .flatten()
            .filter_map(|s| local(s))
            .fold(last_deal, NaiveDate::max);
        let days = (today - last).num_days();
        if days >= QUIET_DAYS {
            let id: i64 = r.get(0)?;
            out.insert(
                id,
                Quiet {
                    store_id: id,
                    store_name: r.get(1)?,
                    city: r.get(2)?,
                    last_deal: last_deal.to_string(),
                    last_activity: last.to_string(),
                    days,
                },
            );
        }
    }
    Ok(out)
}

/// One store's stage on the bow-tie with the day it reached each, and whether it went quiet.
pub fn store_stage_of(app: &App, input: IdInput) -> Result<StoreStage> {
    let conn = app.db.conn();
    crate::store::get_in(&conn, input.id)?;
    let today = crate::venue::today(app, &conn, None)?;
    let one = Stores::Ids(std::slice::from_ref(&input.id));
    let mut stage = stages_of(&conn, one)?
        .remove(&input.id)
        .expect("the store exists");
    stage.quiet = quiet_of(&conn, one, today)?.remove(&input.id);
    Ok(stage)
}

#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct BowtieQuery {
    #[serde(default)]
    pub city: Option<String>,
}

/// One stage of the organisation's bow-tie.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct BowtieStage {
    pub stage: BowStage,
    /// Stores that reached it.
    pub stores: i64,
    /// Of the stores that reached the stage before, the share that reached this one (the first
    /// stage: of all stores); null when none reached the stage before.
    pub conversion: Option<f64>,
    /// Median days from the stage before to this one (null without such stores).
    pub median_days: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Bowtie {
    pub city: Option<String>,
    /// All stores (of the city).
    pub total: i64,
    pub stages: Vec<BowtieStage>,
    /// Stores that bought and then went quiet ([`QUIET_DAYS`]), longest quiet first.
    pub quiet: Vec<Quiet>,
    pub quiet_days: i64,
}

pub fn bowtie_in(conn: &Connection, city: Option<&str>, today: NaiveDate) -> Result<Bowtie> {
    let city = city.map(str::trim).filter(|c| !c.is_empty());
    let days = days_in(conn, Stores::City(city))?;
    if days.is_empty() && city.is_some() {
        return Err(invalid(
            "city",
            format!("没有城市为“{}”的门店。", city.unwrap_or_default()),
            format!("There are no stores in “{}”.", city.unwrap_or_default()),
        ));
    }
    let total = days.len() as i64;
    let mut stages = Vec::new();
    for s in &BowStage::ALL[1..] {
        let k = s.index();
        let stores = days.values().filter(|d| d[k].is_some()).count() as i64;
        let (before, both, gaps) = if k == 1 {
            (total, stores, Vec::new())
        } else {
            let prev: Vec<&Days> = days.values().filter(|d| d[k - 1].is_some()).collect();
            let gaps: Vec<f64> = prev
                .iter()
                .filter_map(|d| Some((d[k]? - d[k - 1]?).num_days().max(0) as f64))
                .collect();
            (prev.len() as i64, gaps.len() as i64, gaps)
        };
        stages.push(BowtieStage {
            stage: *s,
            stores,
            conversion: rate(both, before),
            median_days: median(gaps).map(|m| m.round() as i64),
        });
    }
    let mut quiet: Vec<Quiet> = quiet_of(conn, Stores::City(city), today)?
        .into_values()
        .collect();
    quiet.sort_by(|a, b| b.days.cmp(&a.days).then(a.store_id.cmp(&b.store_id)));
    Ok(Bowtie {
        city: city.map(str::to_owned),
        total,
        stages,
        quiet,
        quiet_days: QUIET_DAYS,
    })
}

/// The organisation's bow-tie (of a city): stores per stage, conversion and days between stages,
/// and the stores that bought and went quiet.
pub fn bowtie(app: &App, q: BowtieQuery) -> Result<Bowtie> {
    let conn = app.db.conn();
    let today = crate::venue::today(app, &conn, None)?;
    bowtie_in(&conn, q.city.as_deref(), today)
}
