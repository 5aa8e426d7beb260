//! Conversion, by the book (DESIGN.md): one set of definitions, computed here and nowhere else.
//!
//! All counts are of stores; an invitation is one store to one seminar.
//! - **I** invited: every invitation of the seminar (walk-ins included).
//! - **C** confirmed: confirmed invitations, walk-ins, and any store that came (so A ⊆ C).
//! - **A** attended: at least one person of the store checked in (not undone).
//! - **E** attending stores with a closed deal at the event (on the seminar's day, venue time).
//! - **F** attending stores without one whose first closed deal comes in the follow-up window.
//!
//! A deal is *closed* when a deposit or full payment is recorded and it is neither cancelled nor
//! refunded. A closed deal is credited to the last seminar its store attended on or before the
//! deal's day, if the deal falls within that seminar's attribution window.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::Result;
use crate::seminar;
use crate::store::IdInput;

/// SQL: the invitation `i` has at least one check-in that was not undone.
pub const ATTENDED_SQL: &str =
    "EXISTS (SELECT 1 FROM checkins k WHERE k.invitation_id = i.id AND k.undone_at IS NULL)";

/// SQL: the invitation `i` counts as confirmed.
pub const CONFIRMED_SQL: &str = "(i.status = 'confirmed' OR i.walk_in OR EXISTS (SELECT 1 FROM checkins k WHERE k.invitation_id = i.id AND k.undone_at IS NULL))";

/// SQL: the deal `d` is closed.
pub const CLOSED_DEAL_SQL: &str = "(d.state = 'active' AND d.payment IN ('deposit', 'full'))";

/// A seminar's funnel and its rates. Rates are fractions 0–1; `null` when the denominator is 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Funnel {
    pub seminar_id: i64,
    pub invited: i64,
    pub confirmed: i64,
    pub attended: i64,
    pub closed_at_event: i64,
    pub closed_in_followup: i64,
    /// Closed deals credited to this seminar (at the event and in follow-up).
    pub closed_deals: i64,
    /// Closed deals of this seminar's guests credited to a later seminar they attended.
    pub credited_elsewhere: i64,
    pub confirm_rate: Option<f64>,
    pub show_rate: Option<f64>,
    pub event_close_rate: Option<f64>,
    pub followup_close_rate: Option<f64>,
    /// (E + F) / A, never above 1.
    pub session_conversion: Option<f64>,
    /// Closed deals / A: may exceed 1 (several deals per store).
    pub deal_ratio: Option<f64>,
}

/// `n / d`, or `None` when `d` is 0.
pub fn rate(n: i64, d: i64) -> Option<f64> {
    (d != 0).then(|| n as f64 / d as f64)
}

/// One seminar a store attended, as attribution needs it.
#[derive(Debug, Clone)]
struct Attendance {
    seminar_id: i64,
    date: NaiveDate,
    tz: chrono_tz::Tz,
    window_days: i64,
}

/// Which seminar a closed deal on `at` is credited to, among the store's attendances, and
/// whether it was at the event (same day) or in follow-up.
fn credit(attended: &[Attendance], at: DateTime<Utc>) -> Option<(i64, bool)> {
    let best = attended
        .iter()
        .filter(|a| at.with_timezone(&a.tz).date_naive() >= a.date)
        .max_by_key(|a| (a.date, a.seminar_id))?;
    let day = at.with_timezone(&best.tz).date_naive();
    let within = (day - best.date).num_days() <= best.window_days;
    within.then_some((best.seminar_id, day == best.date))
}

pub fn funnel_in(conn: &Connection, seminar_id: i64) -> Result<Funnel> {
    seminar::get_in(conn, seminar_id)?;
    let (invited, confirmed, attended): (i64, i64, i64) = conn.query_row(
        &format!(
            "SELECT count(*), coalesce(sum({CONFIRMED_SQL}), 0), coalesce(sum({ATTENDED_SQL}), 0)
             FROM invitations i WHERE i.seminar_id = ?1"
        ),
        [seminar_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;

    // Every attendance of the stores that came to this seminar, at any seminar.
    let mut attendances: HashMap<i64, Vec<Attendance>> = HashMap::new();
    let mut stmt = conn.prepare(&format!(
        "SELECT i.store_id, m.id, m.date, m.timezone, m.attribution_days
         FROM invitations i JOIN seminars m ON m.id = i.seminar_id
         WHERE {ATTENDED_SQL} AND i.store_id IN
               (SELECT i.store_id FROM invitations i WHERE i.seminar_id = ?1 AND {ATTENDED_SQL})"
    ))?;
    let rows = stmt.query_map([seminar_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    for row in rows {
        let (store, id, date, tz, window) = row?;
        let (Ok(date), Ok(tz)) = (
            NaiveDate::parse_from_str(&date, "%Y-%m-%d"),
            tz.parse::<chrono_tz::Tz>(),
        ) else {
            continue;
        };
        attendances.entry(store).or_default().push(Attendance {
            seminar_id: id,
            date,
            tz,
            window_days: window,
        });
    }

    let mut stmt = conn.prepare(&format!(
        "SELECT d.store_id, d.at FROM deals d
         WHERE {CLOSED_DEAL_SQL} AND d.store_id IN
               (SELECT i.store_id FROM invitations i WHERE i.seminar_id = ?1 AND {ATTENDED_SQL})"
    ))?;
    let deals = stmt.query_map([seminar_id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })?;
    let (mut event_stores, mut followup_stores) = (HashSet::new(), HashSet::new());
    let (mut closed_deals, mut credited_elsewhere) = (0, 0);
    for deal in deals {
        let (store, at) = deal?;
        let Ok(at) = DateTime::parse_from_rfc3339(&at) else {
            continue;
        };
        match credit(
            attendances
                .get(&store)
                .map(Vec::as_slice)
                .unwrap_or_default(),
            at.with_timezone(&Utc),
        ) {
            Some((credited, at_event)) if credited == seminar_id => {
                closed_deals += 1;
                if at_event {
                    event_stores.insert(store);
                } else {
                    followup_stores.insert(store);
                }
            }
            Some(_) => credited_elsewhere += 1,
            None => {}
        }
    }
    let e = event_stores.len() as i64;
    let f = followup_stores.difference(&event_stores).count() as i64;
    Ok(Funnel {
        seminar_id,
        invited,
        confirmed,
        attended,
        closed_at_event: e,
        closed_in_followup: f,
        closed_deals,
        credited_elsewhere,
        confirm_rate: rate(confirmed, invited),
        show_rate: rate(attended, confirmed),
        event_close_rate: rate(e, attended),
        followup_close_rate: rate(f, attended - e),
        session_conversion: rate(e + f, attended),
        deal_ratio: rate(closed_deals, attended),
    })
}

/// The funnel of one seminar.
pub fn funnel(app: &App, input: IdInput) -> Result<Funnel> {
    funnel_in(&app.db.conn(), input.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn att(id: i64, date: &str, window: i64) -> Attendance {
        Attendance {
            seminar_id: id,
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            tz: chrono_tz::Asia::Shanghai,
            window_days: window,
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_deal_is_credited_to_the_last_seminar_attended_within_its_window() {
        let a = [att(1, "2026-11-01", 30), att(2, "2026-11-20", 30)];
        // 2026-11-01 23:30 in Shanghai is 15:30 UTC: the event day, venue time.
        assert_eq!(credit(&a, at("2026-11-01T15:30:00Z")), Some((1, true)));
        // Next morning in Shanghai, still 2026-11-01 in UTC: follow-up.
        assert_eq!(credit(&a, at("2026-11-01T16:30:00Z")), Some((1, false)));
        assert_eq!(credit(&a, at("2026-11-10T04:00:00Z")), Some((1, false)));
        // After the second seminar, the second one gets it.
        assert_eq!(credit(&a, at("2026-11-20T06:00:00Z")), Some((2, true)));
        assert_eq!(credit(&a, at("2026-12-20T06:00:00Z")), Some((2, false)));
        // Outside the window, and before any attendance: nobody.
        assert_eq!(credit(&a, at("2026-12-21T06:00:00Z")), None);
        assert_eq!(credit(&a, at("2026-10-31T06:00:00Z")), None);
    }

    #[test]
    fn zero_denominators_are_null() {
        assert_eq!(rate(3, 0), None);
        assert_eq!(rate(0, 4), Some(0.0));
        assert_eq!(rate(5, 4), Some(1.25));
    }
}
