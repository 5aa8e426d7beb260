//! Lead score per store (客户评分): fit points that never fade (level A, a key customer, referred
//! by a partner) plus behaviour points that fade with a half-life (confirmed, attended, the
//! money-holder came, a deal, a no-show, a refusal), each a reason that says why. The weights and
//! the half-life are the organisation's settings ([`weights`]).
//!
//! **How it stays fresh without a nightly job.** A store's score with its reasons is computed
//! from its facts on every read (a handful of indexed rows: well under 5 ms). Lists that order or
//! filter thousands of stores by score (the builder, today's touches) read a cache,
//! `store_scores`, holding per store its fit and its behaviour points faded up to a day; at read
//! time the behaviour part is faded on to today (one multiplication), so the cache needs no
//! refresh as days pass. SQLite triggers (migration 0009) delete a store's row in the same
//! transaction as any fact it rests on changes (an invitation, a check-in, a deal, the store's
//! level, the weights), whoever changes it, so no code path can forget; a row also carries the
//! day it stops being right (a confirmation becomes a no-show once the seminar's day has passed).
//! A missing or stale row is computed from the facts when read (and kept by callers that write).
//! Chosen over a stored row per fact because the facts are already rows (invitations, deals):
//! a second copy of them would have to be kept in step by every writer, while a deleted cache row
//! can only cost a recomputation, never a wrong score.

pub mod backtest;
mod cache;
mod facts;
mod weights;

pub use cache::{recompute_all, scores, Day};
pub use facts::{ReasonKind, Sum};
pub use weights::{default_weights, set_weights, weights, weights_in, Weights};

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::caller::Caller;
use crate::error::Result;
use crate::i18n::Lang;
use crate::input::IdInput;
use crate::{store, venue};

/// One point of a store's score and why.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Reason {
    /// The rule's points (its weight), whole.
    pub points: i64,
    /// What they count today: fit points in full, behaviour points faded by their age.
    pub now: f64,
    pub kind: ReasonKind,
    pub why: String,
    /// The fact's day (behaviour); none for fit.
    pub at: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct StoreScore {
    pub store_id: i64,
    /// fit + engagement, to one decimal.
    pub score: f64,
    pub fit: i64,
    /// Behaviour points faded to today, to one decimal.
    pub engagement: f64,
    pub half_life_days: i64,
    /// Newest first; fit reasons last.
    pub reasons: Vec<Reason>,
}

/// Rounds to one decimal (what the organizer reads).
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn why(kind: ReasonKind, day: &str, about: &str, lang: Lang) -> String {
    use ReasonKind::*;
    match (lang, kind) {
        (Lang::Zh, LevelA) => "A 级门店".into(),
        (Lang::Zh, LevelB) => "B 级门店".into(),
        (Lang::Zh, LevelC) => "C 级门店".into(),
        (Lang::Zh, KeyCustomer) => "重点客户".into(),
        (Lang::Zh, Referred) => format!("转介绍（介绍人：{about}）"),
        (Lang::Zh, Confirmed) => format!("确认参加 {day} {about}"),
        (Lang::Zh, Attended) => format!("到场 {day} {about}"),
        (Lang::Zh, MoneyHolderCame) => format!("老板娘到场 {day} {about}"),
        (Lang::Zh, Deal) => format!("成交 {day} {about}"),
        (Lang::Zh, NoShow) => format!("确认后未到场 {day} {about}"),
        (Lang::Zh, Declined) => format!("拒绝邀约 {day} {about}"),
        (Lang::En, LevelA) => "Level A store".into(),
        (Lang::En, LevelB) => "Level B store".into(),
        (Lang::En, LevelC) => "Level C store".into(),
        (Lang::En, KeyCustomer) => "Key customer".into(),
        (Lang::En, Referred) => format!("Referred by {about}"),
        (Lang::En, Confirmed) => format!("Confirmed {day} {about}"),
        (Lang::En, Attended) => format!("Attended {day} {about}"),
        (Lang::En, MoneyHolderCame) => format!("The money-holder came {day} {about}"),
        (Lang::En, Deal) => format!("Deal {day} {about}"),
        (Lang::En, NoShow) => format!("Confirmed and did not come {day} {about}"),
        (Lang::En, Declined) => format!("Declined {day} {about}"),
    }
}

/// A store's score with its reasons on `today`, straight from the facts.
pub fn of_store_in(
    conn: &Connection,
    store_id: i64,
    today: NaiveDate,
    lang: Lang,
) -> Result<StoreScore> {
    store::get_in(conn, store_id)?;
    let day = Day::of(conn, today)?;
    let w = day.weights;
    let points = facts::read(conn, facts::Scope::One(store_id), today, day.tz)?
        .remove(&store_id)
        .unwrap_or_default();
    let sum = facts::sum(&points, &w, today);
    let mut reasons: Vec<Reason> = points
        .iter()
        .map(|p| {
            let weight = p.kind.weight(&w);
            let at = p.day.map(|d| d.to_string());
            let now = match p.day {
                Some(d) if p.kind.fades() => weight as f64 * w.fade((today - d).num_days()),
                _ => weight as f64,
            };
            Reason {
                points: weight,
                now: round1(now),
                kind: p.kind,
                why: why(p.kind, at.as_deref().unwrap_or(""), &p.about, lang),
                at,
            }
        })
        .filter(|r| r.points != 0)
        .collect();
    reasons.sort_by(|a, b| b.at.cmp(&a.at).then(a.why.cmp(&b.why)));
    Ok(StoreScore {
        store_id,
        score: round1(sum.fit as f64 + sum.engagement),
        fit: sum.fit,
        engagement: round1(sum.engagement),
        half_life_days: w.half_life_days,
        reasons,
    })
}

/// A store's score and its reasons, in the caller's language.
pub fn get(app: &App, caller: &Caller, input: IdInput) -> Result<StoreScore> {
    let conn = app.db.conn();
    let today = venue::today(app, &conn, None)?;
    of_store_in(&conn, input.id, today, caller.lang)
}

/// How many stores a full recomputation scored, and how long it took.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
pub struct Recomputed {
    pub stores: i64,
    pub millis: i64,
}

/// Computes every store's score again from the facts (the cache thrown away first).
pub fn recompute(app: &App, _: crate::input::Empty) -> Result<Recomputed> {
    let started = std::time::Instant::now();
    let today = venue::today(app, &app.db.conn(), None)?;
    let n = app.db.write(|tx| {
        let day = Day::of(tx, today)?;
        recompute_all(tx, &day)
    })?;
    Ok(Recomputed {
        stores: n as i64,
        millis: started.elapsed().as_millis() as i64,
    })
}
