//! The builder's filter: which stores, by where they are, what they are, their score and their
//! history. The same filter is saved as a segment ([`crate::segment`]).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::conversion::{stages_in, BowStage, ATTENDED_SQL};
use crate::error::{invalid, Result};
use crate::score::{self, Day};
use crate::store::StoreLevel;

/// The builder's fields; every one is optional, and those given must all hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StoreFilter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// A, B or C.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score_min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score_max: Option<f64>,
    /// The furthest bow-tie stage reached: never_invited, invited, confirmed, attended, closed,
    /// repurchase or advocate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// Stores that came to a seminar, the last time before this day (YYYY-MM-DD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_attended_before: Option<String>,
    /// true: stores never invited to any seminar; false: stores invited at least once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub never_invited: Option<bool>,
    /// Stores referred by this store (the partner's id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referred_by: Option<i64>,
}

/// The filter's field names, as typed.
pub const FIELDS: [&str; 10] = [
    "city",
    "district",
    "industry",
    "level",
    "score_min",
    "score_max",
    "stage",
    "last_attended_before",
    "never_invited",
    "referred_by",
];

fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl StoreFilter {
    /// Reads a filter typed as JSON (the CLI's `--filter`, a saved segment), naming an unknown
    /// field or a value of the wrong kind.
    pub fn parse(json: &str) -> Result<StoreFilter> {
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
            invalid(
                "filter",
                format!("筛选条件不是有效的 JSON：{e}"),
                format!("The filter is not valid JSON: {e}"),
            )
        })?;
        let Some(map) = value.as_object() else {
            return Err(invalid(
                "filter",
                "筛选条件须是一个 JSON 对象，如 {\"city\": \"长沙\"}。",
                "The filter must be a JSON object such as {\"city\": \"长沙\"}.",
            ));
        };
        if let Some(k) = map.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            let list = FIELDS.join(", ");
            return Err(invalid(
                "filter",
                format!("没有筛选字段“{k}”。可用的字段：{list}。"),
                format!("There is no filter field “{k}”. The fields are: {list}."),
            ));
        }
        serde_json::from_value(value).map_err(|e| {
            invalid(
                "filter",
                format!("筛选条件的值不对：{e}"),
                format!("A value of the filter is not right: {e}"),
            )
        })
    }

    /// Checks the values: a known level, a date, a score band the right way round, no stage yet.
    pub fn check(&self) -> Result<()> {
        if let Some(st) = text(&self.stage) {
            if BowStage::parse(st).is_none() {
                let list: Vec<&str> = BowStage::ALL.iter().map(|s| s.as_str()).collect();
                let list = list.join(", ");
                return Err(invalid(
                    "stage",
                    format!("没有客户旅程阶段“{st}”。可用的阶段：{list}。"),
                    format!("There is no bow-tie stage “{st}”. The stages are: {list}."),
                ));
            }
        }
        if let Some(l) = text(&self.level) {
            if StoreLevel::parse(l).is_none() {
                return Err(invalid(
                    "level",
                    format!("门店等级“{l}”无效，请用 A、B 或 C。"),
                    format!("Store level “{l}” is not valid; use A, B or C."),
                ));
            }
        }
        if let Some(d) = text(&self.last_attended_before) {
            if NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
                return Err(invalid(
                    "last_attended_before",
                    format!("日期“{d}”无效，请用 YYYY-MM-DD，如 2026-06-01。"),
                    format!("The date “{d}” is not valid; use YYYY-MM-DD, e.g. 2026-06-01."),
                ));
            }
        }
        if let (Some(lo), Some(hi)) = (self.score_min, self.score_max) {
            if lo > hi {
                return Err(invalid(
                    "score_min",
                    format!("最低分 {lo} 高于最高分 {hi}。"),
                    format!("The lowest score {lo} is above the highest {hi}."),
                ));
            }
        }
        Ok(())
    }

    fn by_score(&self) -> bool {
        self.score_min.is_some() || self.score_max.is_some()
    }
}

/// The stores the filter matches, with their scores (on `day`), highest score first then by id.
/// With `persist` (in a write transaction) scores computed from the facts are kept.
pub fn matching(
    conn: &Connection,
    f: &StoreFilter,
    day: &Day,
    persist: bool,
) -> Result<Vec<(i64, f64)>> {
    f.check()?;
    let level = text(&f.level)
        .and_then(StoreLevel::parse)
        .map(|l| l.as_str());
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.id FROM stores s
         WHERE (?1 IS NULL OR s.city = ?1) AND (?2 IS NULL OR s.district = ?2)
           AND (?3 IS NULL OR s.industry = ?3) AND (?4 IS NULL OR s.level = ?4)
           AND (?5 IS NULL OR s.referrer_id = ?5)
           AND (?6 IS NULL OR EXISTS (SELECT 1 FROM invitations i WHERE i.store_id = s.id) = NOT ?6)
           AND (?7 IS NULL OR (SELECT max(m.date) FROM invitations i JOIN seminars m ON m.id = i.seminar_id
                               WHERE i.store_id = s.id AND {ATTENDED_SQL}) < ?7)"
    ))?;
    let mut ids: Vec<i64> = stmt
        .query_map(
            params![
                text(&f.city),
                text(&f.district),
                text(&f.industry),
                level,
                f.referred_by,
                f.never_invited,
                text(&f.last_attended_before),
            ],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    if let Some(stage) = text(&f.stage).and_then(BowStage::parse) {
        let stages = stages_in(conn, text(&f.city))?;
        ids.retain(|id| stages.get(id).is_some_and(|s| s.stage == stage));
    }
    // Every store's score when most stores match (one pass), else the matched ones'.
    let scores: HashMap<i64, f64> = if ids.len() > 20_000 {
        score::scores(conn, None, day, persist)?
    } else {
        score::scores(conn, Some(&ids), day, persist)?
    };
    let mut out: Vec<(i64, f64)> = ids
        .into_iter()
        .map(|id| (id, scores.get(&id).copied().unwrap_or(0.0)))
        .filter(|&(_, s)| {
            let s = score::round1(s);
            !f.by_score()
                || (f.score_min.is_none_or(|lo| s >= lo) && f.score_max.is_none_or(|hi| s <= hi))
        })
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(out)
}
