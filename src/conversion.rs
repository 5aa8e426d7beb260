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

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::contact::ContactRole;
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

/// Counts of stores and their rates over a set of invitations (a seminar, or one group of it).
/// Rates are fractions 0–1; `null` when the denominator is 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Counts {
    pub invited: i64,
    pub confirmed: i64,
    pub attended: i64,
    pub closed_at_event: i64,
    pub closed_in_followup: i64,
    /// Closed deals credited to the seminar (at the event and in follow-up).
    pub closed_deals: i64,
    pub confirm_rate: Option<f64>,
    pub show_rate: Option<f64>,
    pub event_close_rate: Option<f64>,
    pub followup_close_rate: Option<f64>,
    /// (E + F) / A, never above 1.
    pub session_conversion: Option<f64>,
    /// Closed deals / A: may exceed 1 (several deals per store).
    pub deal_ratio: Option<f64>,
}

/// A seminar's funnel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Funnel {
    pub seminar_id: i64,
    #[serde(flatten)]
    #[ts(flatten)]
    pub counts: Counts,
    /// Closed deals of this seminar's guests credited to a later seminar they attended.
    pub credited_elsewhere: i64,
}

/// One group of a breakdown: `key` identifies it (a staff id, a role, a city), `label` names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Group {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub counts: Counts,
}

/// A seminar's funnel with its breakdowns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct SeminarReport {
    #[serde(flatten)]
    #[ts(flatten)]
    pub funnel: Funnel,
    /// By the inviter who owns the invitation.
    pub by_inviter: Vec<Group>,
    /// By the lead guest's role: the money-holder first (owner's spouse, owner, manager, staff)
    /// among those who checked in, else among those invited.
    pub by_role: Vec<Group>,
    /// By the store's city.
    pub by_city: Vec<Group>,
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

/// What conversion needs to know of one invitation.
#[derive(Debug, Default)]
struct Facts {
    store_id: i64,
    inviter: Option<(i64, String)>,
    role: Option<ContactRole>,
    city: String,
    confirmed: bool,
    attended: bool,
    /// A closed deal credited to the seminar on its day.
    event: bool,
    /// A closed deal credited to the seminar in the follow-up window.
    followup: bool,
    deals: i64,
}

/// The lead role among comma-separated role names: the money-holder first.
fn lead_role(roles: Option<String>) -> Option<ContactRole> {
    const ORDER: [ContactRole; 4] = [
        ContactRole::OwnerSpouse,
        ContactRole::Owner,
        ContactRole::Manager,
        ContactRole::Staff,
    ];
    let roles: Vec<ContactRole> = roles?.split(',').filter_map(ContactRole::parse).collect();
    ORDER.into_iter().find(|r| roles.contains(r))
}

/// Each invitation of the seminar with its outcome, and the number of its guests' closed deals
/// credited to a later seminar.
fn facts(conn: &Connection, seminar_id: i64) -> Result<(Vec<Facts>, i64)> {
    seminar::get_in(conn, seminar_id)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT i.store_id, i.inviter_id, f.name, s.city, {CONFIRMED_SQL}, {ATTENDED_SQL},
            (SELECT group_concat(c.role) FROM checkins k JOIN contacts c ON c.id = k.contact_id
              WHERE k.invitation_id = i.id AND k.undone_at IS NULL),
            (SELECT group_concat(c.role) FROM invitation_guests g JOIN contacts c ON c.id = g.contact_id
              WHERE g.invitation_id = i.id)
         FROM invitations i JOIN stores s ON s.id = i.store_id LEFT JOIN staff f ON f.id = i.inviter_id
         WHERE i.seminar_id = ?1 ORDER BY i.id"
    ))?;
    let mut facts: Vec<Facts> = stmt
        .query_map([seminar_id], |r| {
            let inviter: Option<i64> = r.get(1)?;
            let came: Option<String> = r.get(6)?;
            let named: Option<String> = r.get(7)?;
            Ok(Facts {
                store_id: r.get(0)?,
                inviter: inviter.map(|id| {
                    (
                        id,
                        r.get::<_, Option<String>>(2)
                            .ok()
                            .flatten()
                            .unwrap_or_default(),
                    )
                }),
                role: lead_role(came).or_else(|| lead_role(named)),
                city: r.get(3)?,
                confirmed: r.get(4)?,
                attended: r.get(5)?,
                ..Facts::default()
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let by_store: HashMap<i64, usize> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (f.store_id, i))
        .collect();

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
    let mut credited_elsewhere = 0;
    for deal in deals {
        let (store, at) = deal?;
        let Ok(at) = DateTime::parse_from_rfc3339(&at) else {
            continue;
        };
        let attended = attendances
            .get(&store)
            .map(Vec::as_slice)
            .unwrap_or_default();
        match credit(attended, at.with_timezone(&Utc)) {
            Some((credited, at_event)) if credited == seminar_id => {
                if let Some(&i) = by_store.get(&store) {
                    let f = &mut facts[i];
                    f.deals += 1;
                    if at_event {
                        f.event = true;
                    } else {
                        f.followup = true;
                    }
                }
            }
            Some(_) => credited_elsewhere += 1,
            None => {}
        }
    }
    Ok((facts, credited_elsewhere))
}

/// Counts and rates over some invitations' facts.
fn count<'a>(facts: impl IntoIterator<Item = &'a Facts>) -> Counts {
    let (mut i, mut c, mut a, mut e, mut f, mut deals) = (0, 0, 0, 0, 0, 0);
    for x in facts {
        i += 1;
        c += x.confirmed as i64;
        if x.attended {
            a += 1;
            deals += x.deals;
            if x.event {
                e += 1;
            } else if x.followup {
                f += 1;
            }
        }
    }
    Counts {
        invited: i,
        confirmed: c,
        attended: a,
        closed_at_event: e,
        closed_in_followup: f,
        closed_deals: deals,
        confirm_rate: rate(c, i),
        show_rate: rate(a, c),
        event_close_rate: rate(e, a),
        followup_close_rate: rate(f, a - e),
        session_conversion: rate(e + f, a),
        deal_ratio: rate(deals, a),
    }
}

/// Groups facts by `key` (returning the group's key and label), biggest group first.
fn breakdown(facts: &[Facts], key: impl Fn(&Facts) -> (String, String)) -> Vec<Group> {
    let mut groups: Vec<(String, String, Vec<&Facts>)> = Vec::new();
    for f in facts {
        let (k, label) = key(f);
        match groups.iter_mut().find(|g| g.0 == k) {
            Some(g) => g.2.push(f),
            None => groups.push((k, label, vec![f])),
        }
    }
    let mut out: Vec<Group> = groups
        .into_iter()
        .map(|(key, label, members)| Group {
            key,
            label,
            counts: count(members),
        })
        .collect();
    out.sort_by(|a, b| {
        b.counts
            .invited
            .cmp(&a.counts.invited)
            .then_with(|| a.key.cmp(&b.key))
    });
    out
}

pub fn funnel_in(conn: &Connection, seminar_id: i64) -> Result<Funnel> {
    let (facts, credited_elsewhere) = facts(conn, seminar_id)?;
    Ok(Funnel {
        seminar_id,
        counts: count(&facts),
        credited_elsewhere,
    })
}

/// The funnel of one seminar.
pub fn funnel(app: &App, input: IdInput) -> Result<Funnel> {
    funnel_in(&app.db.conn(), input.id)
}

pub fn report_in(conn: &Connection, seminar_id: i64) -> Result<SeminarReport> {
    let (facts, credited_elsewhere) = facts(conn, seminar_id)?;
    Ok(SeminarReport {
        funnel: Funnel {
            seminar_id,
            counts: count(&facts),
            credited_elsewhere,
        },
        by_inviter: breakdown(&facts, |f| match &f.inviter {
            Some((id, name)) => (id.to_string(), name.clone()),
            None => ("none".into(), String::new()),
        }),
        by_role: breakdown(&facts, |f| {
            let k = f.role.map(ContactRole::as_str).unwrap_or("none").to_owned();
            (k.clone(), k)
        }),
        by_city: breakdown(&facts, |f| (f.city.clone(), f.city.clone())),
    })
}

/// The funnel of one seminar with its breakdowns.
pub fn report(app: &App, input: IdInput) -> Result<SeminarReport> {
    report_in(&app.db.conn(), input.id)
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
