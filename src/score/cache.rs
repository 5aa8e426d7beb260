//! Scores of many stores at once (the builder, the store list, today's touches): read from
//! `store_scores`, where a row holds a store's fit and its faded behaviour points as of a day;
//! rows that are missing or stale are computed from the facts (see [`super::facts`]).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use super::facts::{self, Scope, Sum};
use super::Weights;
use crate::error::Result;

/// Above this many stores to compute, one pass over all the facts beats reading theirs by index.
const BULK: usize = 20_000;

/// Where scores are read and computed: the day, the time zone deals are read in, the weights.
#[derive(Debug, Clone, Copy)]
pub struct Day {
    pub today: NaiveDate,
    pub tz: chrono_tz::Tz,
    pub weights: Weights,
}

impl Day {
    pub fn of(conn: &Connection, today: NaiveDate) -> Result<Day> {
        Ok(Day {
            today,
            tz: crate::settings::timezone(conn)?,
            weights: super::weights_in(conn)?,
        })
    }

    fn score(&self, fit: i64, engagement: f64, as_of: NaiveDate) -> f64 {
        fit as f64 + engagement * self.weights.fade((self.today - as_of).num_days())
    }
}

/// A kept row's score on `day` (`today` is that day as text), or none when the row is stale: kept
/// for a later day, or past the day a seminar turns a confirmation into a no-show.
fn cached_row(r: &rusqlite::Row, today: &str, day: &Day) -> rusqlite::Result<Option<(i64, f64)>> {
    let id: i64 = r.get(0)?;
    let (fit, engagement): (i64, f64) = (r.get(1)?, r.get(2)?);
    let as_of = r
        .get_ref(3)?
        .as_str()
        .ok()
        .and_then(|s| s.parse::<NaiveDate>().ok());
    let stale = r.get_ref(4)?.as_str_or_null()?.is_some_and(|s| s <= today);
    Ok(match as_of {
        Some(d) if d <= day.today && !stale => Some((id, day.score(fit, engagement, d))),
        _ => None,
    })
}

/// The scores of `stores` (every store when `None`) on `day.today`. With `persist` (inside a
/// write transaction) the scores computed from the facts are kept for the next read.
pub fn scores(
    conn: &Connection,
    stores: Option<&[i64]>,
    day: &Day,
    persist: bool,
) -> Result<HashMap<i64, f64>> {
    let (mut out, missing) = cached(conn, stores, day)?;
    let computed = compute(conn, &missing, day)?;
    if persist {
        keep(conn, &computed, day.today)?;
    }
    for (id, s) in computed {
        out.insert(id, day.score(s.fit, s.engagement, day.today));
    }
    Ok(out)
}

/// The scores of `stores` for a page that only reads (today's touches): those not kept are
/// computed and kept in a write transaction of their own, so the next read finds them. The facts
/// are read inside that transaction: a check-in arriving meanwhile cannot leave a stale score.
pub fn scores_kept(conn: &mut Connection, stores: &[i64], day: &Day) -> Result<HashMap<i64, f64>> {
    let (mut out, missing) = cached(conn, Some(stores), day)?;
    if missing.is_empty() {
        return Ok(out);
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let computed = compute(&tx, &missing, day)?;
    keep(&tx, &computed, day.today)?;
    tx.commit()?;
    for (id, s) in computed {
        out.insert(id, day.score(s.fit, s.engagement, day.today));
    }
    Ok(out)
}

/// The kept scores still valid on `day`, and the stores whose score must be computed.
fn cached(
    conn: &Connection,
    stores: Option<&[i64]>,
    day: &Day,
) -> Result<(HashMap<i64, f64>, Vec<i64>)> {
    let mut out = HashMap::new();
    let mut missing = Vec::new();
    let today = day.today.to_string();
    const COLS: &str = "store_id, fit, engagement, as_of, stale_on";
    match stores {
        Some(ids) => {
            let mut ids = ids.to_vec();
            ids.sort_unstable();
            ids.dedup();
            // One statement walking the list (a JSON array) by the primary key.
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {COLS} FROM store_scores WHERE store_id IN (SELECT value FROM json_each(?1))"
            ))?;
            let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
            let mut rows = stmt.query([json])?;
            while let Some(r) = rows.next()? {
                if let Some((id, s)) = cached_row(r, &today, day)? {
                    out.insert(id, s);
                }
            }
            missing.extend(ids.into_iter().filter(|id| !out.contains_key(id)));
        }
        None => {
            let mut stmt = conn.prepare_cached(
                "SELECT s.id, c.fit, c.engagement, c.as_of, c.stale_on FROM stores s
                 LEFT JOIN store_scores c ON c.store_id = s.id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let cached: Option<i64> = r.get(1)?;
                match cached
                    .map(|_| cached_row(r, &today, day))
                    .transpose()?
                    .flatten()
                {
                    Some((id, s)) => {
                        out.insert(id, s);
                    }
                    None => missing.push(r.get(0)?),
                }
            }
        }
    }
    Ok((out, missing))
}

/// The sums of `stores` from their facts (stores that do not exist are left out).
fn compute(conn: &Connection, stores: &[i64], day: &Day) -> Result<Vec<(i64, Sum)>> {
    let mut out = Vec::with_capacity(stores.len());
    if stores.is_empty() {
        return Ok(out);
    }
    let scope = if stores.len() > BULK {
        Scope::All
    } else {
        Scope::Stores(stores)
    };
    let mut facts = facts::read(conn, scope, day.today, day.tz)?;
    for &id in stores {
        if let Some(points) = facts.remove(&id) {
            out.push((id, facts::sum(&points, &day.weights, day.today)));
        }
    }
    Ok(out)
}

fn keep(conn: &Connection, sums: &[(i64, Sum)], today: NaiveDate) -> Result<()> {
    let mut put = conn.prepare_cached(
        "INSERT OR REPLACE INTO store_scores (store_id, fit, engagement, as_of, stale_on)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let today = today.to_string();
    for (id, s) in sums {
        put.execute(params![
            id,
            s.fit,
            s.engagement,
            today,
            s.stale_on.map(|d| d.to_string())
        ])?;
    }
    Ok(())
}

/// Throws every kept score away and computes them all again from the facts, in one transaction.
/// Returns how many stores were scored.
pub fn recompute_all(conn: &Connection, day: &Day) -> Result<usize> {
    conn.execute("DELETE FROM store_scores", [])?;
    let all = facts::read(conn, Scope::All, day.today, day.tz)?;
    let sums: Vec<(i64, Sum)> = all
        .into_iter()
        .map(|(id, points)| (id, facts::sum(&points, &day.weights, day.today)))
        .collect();
    keep(conn, &sums, day.today)?;
    Ok(sums.len())
}
