//! Is the score any good? A backtest (docs/backtest.md): for every past seminar, the score each
//! invited store had **on the day it was invited**, against whether it came and whether it bought.
//!
//! The score on a day uses only the facts dated before that day: fit as it stands (the level, a
//! key customer, the referrer: the app keeps no history of them), and every behaviour point whose
//! day is earlier than the invitation's day, faded to that day by the organisation's weights.
//! The invitation's own seminar is never among them (its day is after the invitation's), nor
//! anything that happened later. "Came" and "bought" are the funnel's own: a check-in not undone,
//! and a closed deal (a deposit or full payment) credited to that seminar at the event or in
//! follow-up (`conversion::outcomes_in`).
//!
//! Figures: the AUC (the chance that a store which came scored above one which did not, ties
//! counting half) for attended and for closed, and the conversion (closed / invited) of the
//! fifth of invitations with the highest scores against the fifth with the lowest.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate};
use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use super::facts::{self, Point, Scope};
use super::{round1, weights_in, Weights};
use crate::app::App;
use crate::conversion;
use crate::error::Result;
use crate::input::Empty;

/// One past invitation: the store's score on the day it was invited, and what came of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    pub invitation_id: i64,
    pub seminar_id: i64,
    pub store_id: i64,
    pub invited_on: NaiveDate,
    pub score: f64,
    pub attended: bool,
    pub closed: bool,
}

/// The backtest's figures over every invitation of every past seminar.
#[derive(Debug, Clone, PartialEq, Serialize, TS, ToSchema)]
pub struct Backtest {
    /// Past seminars with at least one invitation.
    pub seminars: i64,
    /// Their invitations (one store to one seminar).
    pub invited: i64,
    pub attended: i64,
    pub closed: i64,
    /// The chance a store that came scored higher than one that did not (ties half); 0.5 is
    /// no better than chance. None when every store came or none did.
    pub auc_attended: Option<f64>,
    /// The same for stores that bought.
    pub auc_closed: Option<f64>,
    /// How many invitations each fifth holds.
    pub fifth: i64,
    /// Closed / invited among the fifth of invitations with the highest scores.
    pub top_fifth_conversion: Option<f64>,
    /// Closed / invited among the fifth with the lowest scores.
    pub bottom_fifth_conversion: Option<f64>,
    /// Closed / invited over all of them.
    pub conversion: Option<f64>,
}

/// The score of a store on `day` from its facts (read as of any later day): fit in full, and the
/// behaviour points dated before `day`, faded to `day`.
fn score_on(points: &[Point], w: &Weights, day: NaiveDate) -> f64 {
    let before: Vec<Point> = points
        .iter()
        .filter(|p| !p.kind.fades() || p.day.is_some_and(|d| d < day))
        .cloned()
        .collect();
    let s = facts::sum(&before, w, day);
    round1(s.fit as f64 + s.engagement)
}

/// Every invitation of every seminar held before `today`, scored on the day it was invited,
/// ordered by seminar day and invitation.
pub fn scored_in(conn: &Connection, today: NaiveDate) -> Result<Vec<Scored>> {
    let tz = crate::settings::timezone(conn)?;
    let w = weights_in(conn)?;
    let points = facts::read(conn, Scope::All, today, tz)?;
    let mut stmt = conn.prepare(
        "SELECT id FROM seminars m WHERE date < ?1
           AND EXISTS (SELECT 1 FROM invitations i WHERE i.seminar_id = m.id)
         ORDER BY date, id",
    )?;
    let seminars = stmt
        .query_map([today.to_string()], |r| r.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    let mut invited = conn.prepare_cached(
        "SELECT id, store_id, created_at FROM invitations WHERE seminar_id = ?1 ORDER BY id",
    )?;
    let mut out = Vec::new();
    for seminar_id in seminars {
        let outcomes: HashMap<i64, conversion::Outcome> =
            conversion::outcomes_in(conn, seminar_id)?
                .into_iter()
                .map(|o| (o.store_id, o))
                .collect();
        let mut rows = invited.query([seminar_id])?;
        while let Some(r) = rows.next()? {
            let (id, store_id, created): (i64, i64, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let Some(invited_on) = DateTime::parse_from_rfc3339(&created)
                .ok()
                .map(|t| t.with_timezone(&tz).date_naive())
            else {
                continue;
            };
            let o = outcomes.get(&store_id);
            let none = Vec::new();
            out.push(Scored {
                invitation_id: id,
                seminar_id,
                store_id,
                invited_on,
                score: score_on(points.get(&store_id).unwrap_or(&none), &w, invited_on),
                attended: o.is_some_and(|o| o.attended),
                closed: o.is_some_and(|o| o.closed),
            });
        }
    }
    Ok(out)
}

/// The area under the ROC curve of `score` for `positive` (Mann–Whitney, ties counting half).
/// None without at least one positive and one negative.
pub fn auc(items: &[(f64, bool)]) -> Option<f64> {
    let mut sorted: Vec<(f64, bool)> = items.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut rank_sum, mut n1) = (0.0, 0usize);
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            j += 1;
        }
        // Ranks i+1 ..= j share their mean.
        let mean = (i + 1 + j) as f64 / 2.0;
        for item in &sorted[i..j] {
            if item.1 {
                rank_sum += mean;
                n1 += 1;
            }
        }
        i = j;
    }
    let n0 = sorted.len() - n1;
    if n1 == 0 || n0 == 0 {
        return None;
    }
    let (n1f, n0f) = (n1 as f64, n0 as f64);
    Some((rank_sum - n1f * (n1f + 1.0) / 2.0) / (n1f * n0f))
}

/// The standard error of an AUC of 0.5 (no signal) over `positives` and `negatives`, without
/// ties (Mann–Whitney's null variance): what "0.5 ± 0.05" is to be compared with.
pub fn null_auc_se(positives: i64, negatives: i64) -> f64 {
    let (p, n) = (positives as f64, negatives as f64);
    ((p + n + 1.0) / (12.0 * p * n)).sqrt()
}

fn rate(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The figures over scored invitations.
pub fn figures(scored: &[Scored]) -> Backtest {
    let mut seminars: Vec<i64> = scored.iter().map(|s| s.seminar_id).collect();
    seminars.sort_unstable();
    seminars.dedup();
    let pairs = |f: fn(&Scored) -> bool| -> Vec<(f64, bool)> {
        scored.iter().map(|s| (s.score, f(s))).collect()
    };
    // Highest score first; ties in the order they were invited, so the fifths are reproducible.
    let mut ranked: Vec<&Scored> = scored.iter().collect();
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.invitation_id.cmp(&b.invitation_id))
    });
    let fifth = ranked.len() / 5;
    let closed_in = |part: &[&Scored]| part.iter().filter(|s| s.closed).count();
    let closed = scored.iter().filter(|s| s.closed).count();
    Backtest {
        seminars: seminars.len() as i64,
        invited: scored.len() as i64,
        attended: scored.iter().filter(|s| s.attended).count() as i64,
        closed: closed as i64,
        auc_attended: auc(&pairs(|s| s.attended)).map(round3),
        auc_closed: auc(&pairs(|s| s.closed)).map(round3),
        fifth: fifth as i64,
        top_fifth_conversion: rate(closed_in(&ranked[..fifth]), fifth).map(round3),
        bottom_fifth_conversion: rate(closed_in(&ranked[ranked.len() - fifth..]), fifth)
            .map(round3),
        conversion: rate(closed, scored.len()).map(round3),
    }
}

/// The backtest of the organisation's past seminars, as of `today`.
pub fn backtest_in(conn: &Connection, today: NaiveDate) -> Result<Backtest> {
    Ok(figures(&scored_in(conn, today)?))
}

/// The backtest as of the venue's today.
pub fn backtest(app: &App, _: Empty) -> Result<Backtest> {
    let conn = app.db.conn();
    let today = crate::venue::today(app, &conn, None)?;
    backtest_in(&conn, today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_half_and_orders_perfectly() {
        assert_eq!(auc(&[(1.0, false), (2.0, true)]), Some(1.0));
        assert_eq!(auc(&[(2.0, false), (1.0, true)]), Some(0.0));
        assert_eq!(auc(&[(1.0, false), (1.0, true)]), Some(0.5));
        // 3 positives × 2 negatives = 6 pairs: 5 won, 1 tied.
        let items = [
            (5.0, true),
            (4.0, true),
            (2.0, true),
            (2.0, false),
            (1.0, false),
        ];
        assert_eq!(auc(&items), Some(5.5 / 6.0));
        assert_eq!(auc(&[(1.0, true)]), None);
    }

    #[test]
    fn the_null_standard_error_shrinks_with_the_root_of_the_count() {
        let small = null_auc_se(100, 400);
        let large = null_auc_se(400, 1600);
        assert!((small / large - 2.0).abs() < 0.01, "{small} {large}");
    }
}
