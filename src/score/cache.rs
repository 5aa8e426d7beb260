//! Scores of many stores at once (the builder, the store list, today's touches): read from
//! `store_scores`, where a row holds a store's fit and its faded behaviour points as of a day;
//! rows that are missing or stale are computed from the facts (see [`super::facts`]).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use super::facts::{self, Scope, Sum};
use super::Weights;
use crate::error::Result;

/// Above this many stores to compute, one pass over all the facts beats one query per store.
const BULK: usize = 2000;

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

fn cached_row(r: &rusqlite::Row, day: &Day) -> rusqlite::Result<Option<(i64, f64)>> {
    let id: i64 = r.get(0)?;
    let (fit, engagement): (i64, f64) = (r.get(1)?, r.get(2)?);
    let (as_of, stale_on): (String, Option<String>) = (r.get(3)?, r.get(4)?);
    let as_of = NaiveDate::parse_from_str(&as_of, "%Y-%m-%d").ok();
    let stale = stale_on.is_some_and(|s| s.as_str() <= day.today.to_string().as_str());
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
    let mut out = HashMap::new();
    let mut missing = Vec::new();
    const COLS: &str = "store_id, fit, engagement, as_of, stale_on";
    match stores {
        Some(ids) => {
            let mut ids = ids.to_vec();
            ids.sort_unstable();
            ids.dedup();
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {COLS} FROM store_scores WHERE store_id = ?1"
            ))?;
            for id in ids {
                let mut rows = stmt.query([id])?;
                match rows.next()? {
                    Some(r) => match cached_row(r, day)? {
                        Some((id, s)) => {
                            out.insert(id, s);
                        }
                        None => missing.push(id),
                    },
                    None => missing.push(id),
                }
            }
        }
        None => {
            let mut stmt = conn.prepare_cached(
                "SELECT s.id, c.fit, c.engagement, c.as_of, c.stale_on FROM stores s
                 LEFT JOIN store_scores c ON c.store_id = s.id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let cached: Option<i64> = r.get(1)?;
                match cached.map(|_| cached_row(r, day)).transpose()?.flatten() {
                    Some((id, s)) => {
                        out.insert(id, s);
                    }
                    None => missing.push(r.get(0)?),
                }
            }
        }
    }
    let computed = compute(conn, &missing, day)?;
    if persist {
        keep(conn, &computed, day.today)?;
    }
    for (id, s) in computed {
        out.insert(id, day.score(s.fit, s.engagement, day.today));
    }
    Ok(out)
}

/// The sums of `stores` from their facts (stores that do not exist are left out).
fn compute(conn: &Connection, stores: &[i64], day: &Day) -> Result<Vec<(i64, Sum)>> {
    let mut out = Vec::with_capacity(stores.len());
    if stores.len() > BULK {
        let mut all = facts::read(conn, Scope::All, day.today, day.tz)?;
        for &id in stores {
            if let Some(points) = all.remove(&id) {
                out.push((id, facts::sum(&points, &day.weights, day.today)));
            }
        }
    } else {
        for &id in stores {
            let mut one = facts::read(conn, Scope::One(id), day.today, day.tz)?;
            if let Some(points) = one.remove(&id) {
                out.push((id, facts::sum(&points, &day.weights, day.today)));
            }
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
