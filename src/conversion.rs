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
use crate::input::IdInput;
use crate::seminar;

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
    /// By the table its guests sat at (`key` is the table number; "none" when not seated).
    pub by_table: Vec<Group>,
    /// By the assistant of that table.
    pub by_assistant: Vec<Group>,
    /// The talk's stage timing, planned vs actual, per stage kind (the stage log's
    /// [`crate::stagelog::timing_in`], in minutes).
    pub stage_timing: Vec<StageTiming>,
}

/// Planned and actual minutes of one stage kind of the talk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct StageTiming {
    pub kind: crate::script::StageKind,
    pub planned_minutes: i64,
    /// The finished runs of this kind, in minutes (one decimal); `null` when none ran.
    pub actual_minutes: Option<f64>,
    /// Actual − planned minutes (positive: over time); `null` when none ran.
    pub difference_minutes: Option<f64>,
    /// How many times a stage of this kind ran (a stage gone back to runs again).
    pub runs: i64,
}

impl From<crate::stagelog::KindTiming> for StageTiming {
    fn from(k: crate::stagelog::KindTiming) -> Self {
        let tenth = |secs: i64| (secs as f64 / 6.0).round() / 10.0;
        StageTiming {
            kind: k.kind,
            planned_minutes: k.planned_minutes,
            actual_minutes: k.actual_seconds.map(tenth),
            difference_minutes: k.actual_seconds.map(|a| tenth(a - k.planned_minutes * 60)),
            runs: k.runs,
        }
    }
}

/// A rate as people read it: `0.775` → `77.5%`, `None` → `—`.
pub fn percent(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.1}%", r * 100.0))
        .unwrap_or_else(|| "—".into())
}

/// `n / d`, or `None` when `d` is 0.
pub fn rate(n: i64, d: i64) -> Option<f64> {
    (d != 0).then(|| n as f64 / d as f64)
}

/// One seminar a store attended, as attribution needs it.
#[derive(Debug, Clone, Copy)]
struct Attendance {
    seminar_id: i64,
    date: NaiveDate,
    tz: chrono_tz::Tz,
    window_days: i64,
}

/// Which seminar a closed deal on `at` is credited to, among the store's attendances sorted by
/// (date, seminar), and whether it was at the event (same day) or in follow-up.
///
/// It is the latest attendance whose day (venue time) has begun by the deal. A venue's date is at
/// most one day off the UTC date, so a binary search skips every seminar after the next UTC day and,
/// scanning back from there, the first seminar that qualifies is the latest one.
fn credit(attended: &[Attendance], at: DateTime<Utc>) -> Option<(i64, bool)> {
    debug_assert!(attended
        .windows(2)
        .all(|w| (w[0].date, w[0].seminar_id) <= (w[1].date, w[1].seminar_id)));
    let horizon = at.date_naive().succ_opt().unwrap_or(NaiveDate::MAX);
    let end = attended.partition_point(|a| a.date <= horizon);
    // The deal's date in a venue's zone, computed once per zone met.
    let mut zone: Option<(chrono_tz::Tz, NaiveDate)> = None;
    let mut local = |tz: chrono_tz::Tz| match zone {
        Some((z, day)) if z == tz => day,
        _ => {
            let day = at.with_timezone(&tz).date_naive();
            zone = Some((tz, day));
            day
        }
    };
    let best = attended[..end]
        .iter()
        .rev()
        .find(|a| local(a.tz) >= a.date)?;
    let day = local(best.tz);
    let within = (day - best.date).num_days() <= best.window_days;
    within.then_some((best.seminar_id, day == best.date))
}

/// Every seminar's day, time zone and attribution window, read once (seminars whose date or zone
/// cannot be read credit nothing).
fn seminar_days(conn: &Connection) -> Result<HashMap<i64, Attendance>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, date, timezone, attribution_days FROM seminars")?;
    let mut rows = stmt.query([])?;
    let mut out = HashMap::new();
    while let Some(r) = rows.next()? {
        let (date, tz): (String, String) = (r.get(1)?, r.get(2)?);
        if let (Ok(date), Ok(tz)) = (
            NaiveDate::parse_from_str(&date, "%Y-%m-%d"),
            tz.parse::<chrono_tz::Tz>(),
        ) {
            let seminar_id = r.get(0)?;
            out.insert(
                seminar_id,
                Attendance {
                    seminar_id,
                    date,
                    tz,
                    window_days: r.get(3)?,
                },
            );
        }
    }
    Ok(out)
}

/// Attendances by store, each list sorted by (date, seminar), from `(store, seminar)` pairs.
fn by_store(
    pairs: impl IntoIterator<Item = (i64, i64)>,
    days: &HashMap<i64, Attendance>,
) -> HashMap<i64, Vec<Attendance>> {
    let mut out: HashMap<i64, Vec<Attendance>> = HashMap::new();
    for (store, seminar) in pairs {
        if let Some(a) = days.get(&seminar) {
            out.entry(store).or_default().push(*a);
        }
    }
    for list in out.values_mut() {
        list.sort_unstable_by_key(|a| (a.date, a.seminar_id));
    }
    out
}

/// A closed deal's time, as stored (RFC 3339); `None` for a value that cannot be read.
fn deal_time(at: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// What conversion needs to know of one invitation.
#[derive(Debug, Default)]
struct Facts {
    store_id: i64,
    /// The number of the table its guests sit at, once seated.
    table: Option<i64>,
    /// That table's assistant.
    assistant: Option<(i64, String)>,
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

impl Facts {
    fn tally(&self) -> Tally {
        let a = self.attended;
        Tally {
            invited: 1,
            confirmed: self.confirmed as i64,
            attended: a as i64,
            event: (a && self.event) as i64,
            followup: (a && !self.event && self.followup) as i64,
            deals: if a { self.deals } else { 0 },
        }
    }
}

/// The six counts of DESIGN.md over some invitations; they add up, the rates come at the end.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Tally {
    invited: i64,
    confirmed: i64,
    attended: i64,
    event: i64,
    followup: i64,
    deals: i64,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.invited += o.invited;
        self.confirmed += o.confirmed;
        self.attended += o.attended;
        self.event += o.event;
        self.followup += o.followup;
        self.deals += o.deals;
    }
}

impl Tally {
    fn counts(self) -> Counts {
        let Tally {
            invited: i,
            confirmed: c,
            attended: a,
            event: e,
            followup: f,
            deals,
        } = self;
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
}

/// The lead role among a store's guests: the money-holder first.
fn lead_role(roles: &[ContactRole]) -> Option<ContactRole> {
    const ORDER: [ContactRole; 4] = [
        ContactRole::OwnerSpouse,
        ContactRole::Owner,
        ContactRole::Manager,
        ContactRole::Staff,
    ];
    ORDER.into_iter().find(|r| roles.contains(r))
}

/// SQL: the invitation `me` has at least one check-in that was not undone (ATTENDED_SQL for `me`).
const ME_ATTENDED_SQL: &str =
    "EXISTS (SELECT 1 FROM checkins k WHERE k.invitation_id = me.id AND k.undone_at IS NULL)";

/// Each invitation of one seminar with its outcome, and the number of closed deals of its attending
/// stores credited to another seminar. A handful of indexed queries, whatever the organisation's size.
fn seminar_facts(conn: &Connection, seminar_id: i64) -> Result<(Vec<Facts>, i64)> {
    seminar::get_in(conn, seminar_id)?;
    let mut facts: Vec<Facts> = Vec::new();
    let mut by_invitation: HashMap<i64, usize> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.store_id, i.inviter_id, f.name, s.city, i.status = 'confirmed' OR i.walk_in
         FROM invitations i JOIN stores s ON s.id = i.store_id LEFT JOIN staff f ON f.id = i.inviter_id
         WHERE i.seminar_id = ?1 ORDER BY i.id",
    )?;
    let mut rows = stmt.query([seminar_id])?;
    while let Some(r) = rows.next()? {
        let inviter: Option<i64> = r.get(2)?;
        let name: Option<String> = r.get(3)?;
        by_invitation.insert(r.get(0)?, facts.len());
        facts.push(Facts {
            store_id: r.get(1)?,
            inviter: inviter.map(|id| (id, name.unwrap_or_default())),
            city: r.get(4)?,
            confirmed: r.get(5)?,
            ..Facts::default()
        });
    }

    // Who came (a check-in not undone counts, and confirms), with the roles of those who came and
    // of those invited: the lead role is taken among the first, else among the second.
    let mut came_roles: Vec<Vec<ContactRole>> = vec![Vec::new(); facts.len()];
    let mut stmt = conn.prepare_cached(
        "SELECT k.invitation_id, c.role FROM checkins k JOIN invitations i ON i.id = k.invitation_id
         LEFT JOIN contacts c ON c.id = k.contact_id WHERE i.seminar_id = ?1 AND k.undone_at IS NULL",
    )?;
    let mut rows = stmt.query([seminar_id])?;
    while let Some(r) = rows.next()? {
        let Some(&i) = by_invitation.get(&r.get(0)?) else {
            continue;
        };
        facts[i].attended = true;
        facts[i].confirmed = true;
        if let Some(role) = r
            .get::<_, Option<String>>(1)?
            .as_deref()
            .and_then(ContactRole::parse)
        {
            came_roles[i].push(role);
        }
    }
    let mut guest_roles: Vec<Vec<ContactRole>> = vec![Vec::new(); facts.len()];
    let mut stmt = conn.prepare_cached(
        "SELECT g.invitation_id, c.role FROM invitation_guests g JOIN invitations i ON i.id = g.invitation_id
         JOIN contacts c ON c.id = g.contact_id WHERE i.seminar_id = ?1",
    )?;
    let mut rows = stmt.query([seminar_id])?;
    while let Some(r) = rows.next()? {
        if let (Some(&i), Some(role)) = (
            by_invitation.get(&r.get(0)?),
            ContactRole::parse(&r.get::<_, String>(1)?),
        ) {
            guest_roles[i].push(role);
        }
    }
    for (i, f) in facts.iter_mut().enumerate() {
        f.role = lead_role(&came_roles[i]).or_else(|| lead_role(&guest_roles[i]));
    }

    // The table of each invitation's first seated guest (by contact), and that table's assistant.
    let mut stmt = conn.prepare_cached(
        "SELECT a.invitation_id, t.number, t.assistant_id, m.name
         FROM seat_assignments a JOIN venue_tables t ON t.id = a.table_id
         LEFT JOIN staff m ON m.id = t.assistant_id
         WHERE a.seminar_id = ?1 ORDER BY a.invitation_id, a.contact_id",
    )?;
    let mut rows = stmt.query([seminar_id])?;
    let mut last = None;
    while let Some(r) = rows.next()? {
        let invitation: i64 = r.get(0)?;
        if last == Some(invitation) {
            continue;
        }
        last = Some(invitation);
        let Some(&i) = by_invitation.get(&invitation) else {
            continue;
        };
        facts[i].table = Some(r.get(1)?);
        facts[i].assistant = r
            .get::<_, Option<i64>>(2)?
            .map(|id| {
                Ok::<_, rusqlite::Error>((id, r.get::<_, Option<String>>(3)?.unwrap_or_default()))
            })
            .transpose()?;
    }

    // Attribution: every seminar the stores that came here ever attended, and their closed deals.
    let days = seminar_days(conn)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT i.store_id, i.seminar_id FROM invitations me JOIN invitations i ON i.store_id = me.store_id
         WHERE me.seminar_id = ?1 AND {ME_ATTENDED_SQL} AND {ATTENDED_SQL}"
    ))?;
    let pairs = stmt
        .query_map([seminar_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<(i64, i64)>>>()?;
    let attendances = by_store(pairs, &days);
    let by_store: HashMap<i64, usize> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (f.store_id, i))
        .collect();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.store_id, d.at FROM invitations me JOIN deals d ON d.store_id = me.store_id
         WHERE me.seminar_id = ?1 AND {ME_ATTENDED_SQL} AND {CLOSED_DEAL_SQL}"
    ))?;
    let mut rows = stmt.query([seminar_id])?;
    let mut credited_elsewhere = 0;
    while let Some(r) = rows.next()? {
        let store: i64 = r.get(0)?;
        let Some(at) = deal_time(&r.get::<_, String>(1)?) else {
            continue;
        };
        let attended = attendances
            .get(&store)
            .map(Vec::as_slice)
            .unwrap_or_default();
        match credit(attended, at) {
            Some((credited, at_event)) if credited == seminar_id => {
                let f = &mut facts[by_store[&store]];
                f.deals += 1;
                if at_event {
                    f.event = true;
                } else {
                    f.followup = true;
                }
            }
            Some(_) => credited_elsewhere += 1,
            None => {}
        }
    }
    Ok((facts, credited_elsewhere))
}

/// Every seminar's counts at once, from three scans (invitations per seminar, the check-ins not
/// undone with their invitation, the closed deals) aggregated here: never a query per seminar or a
/// correlated subquery per row.
fn seminar_tallies(conn: &Connection) -> Result<HashMap<i64, Tally>> {
    let mut tallies: HashMap<i64, Tally> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT seminar_id, count(*), sum(status = 'confirmed' OR walk_in) FROM invitations GROUP BY seminar_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let t = tallies.entry(r.get(0)?).or_default();
        t.invited = r.get(1)?;
        t.confirmed = r.get(2)?;
    }

    // Seminars in (date, id) order: a seminar's rank orders a store's attendances for attribution.
    let mut ranked: Vec<Attendance> = seminar_days(conn)?.into_values().collect();
    ranked.sort_unstable_by_key(|a| (a.date, a.seminar_id));
    let rank: HashMap<i64, u32> = ranked
        .iter()
        .enumerate()
        .map(|(r, a)| (a.seminar_id, r as u32))
        .collect();

    // The invitations whose store came (ATTENDED_SQL, read from the check-ins' side in invitation
    // order, one row per check-in): A, the stores that came without a confirmation (they count as
    // confirmed), and every (store, seminar) attendance.
    let mut stmt = conn.prepare_cached(
        "SELECT k.invitation_id, i.seminar_id, i.store_id, i.status = 'confirmed' OR i.walk_in
         FROM checkins k JOIN invitations i ON i.id = k.invitation_id
         WHERE k.undone_at IS NULL ORDER BY k.invitation_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut came: Vec<(i64, u32)> = Vec::new();
    let mut last = None;
    while let Some(r) = rows.next()? {
        let invitation: i64 = r.get(0)?;
        if last == Some(invitation) {
            continue;
        }
        last = Some(invitation);
        let (seminar, store, confirmed): (i64, i64, bool) = (r.get(1)?, r.get(2)?, r.get(3)?);
        let t = tallies.entry(seminar).or_default();
        t.attended += 1;
        t.confirmed += !confirmed as i64;
        if let Some(&r) = rank.get(&seminar) {
            came.push((store, r));
        }
    }
    came.sort_unstable();

    // The closed deals by store, each credited among its store's attendances.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.store_id, d.at FROM deals d WHERE {CLOSED_DEAL_SQL}"
    ))?;
    let mut rows = stmt.query([])?;
    let mut deals: Vec<(i64, DateTime<Utc>)> = Vec::new();
    while let Some(r) = rows.next()? {
        if let Some(at) = deal_time(r.get_ref(1)?.as_str().unwrap_or_default()) {
            deals.push((r.get(0)?, at));
        }
    }
    deals.sort_unstable_by_key(|d| d.0);
    let mut next = 0;
    let mut attended: Vec<Attendance> = Vec::new();
    // The seminars this store's deals are credited to: (seminar, at the event, in follow-up, deals).
    let mut credited: Vec<(i64, bool, bool, i64)> = Vec::new();
    for store_deals in deals.chunk_by(|a, b| a.0 == b.0) {
        let store = store_deals[0].0;
        while next < came.len() && came[next].0 < store {
            next += 1;
        }
        attended.clear();
        while next < came.len() && came[next].0 == store {
            attended.push(ranked[came[next].1 as usize]);
            next += 1;
        }
        credited.clear();
        for (_, at) in store_deals {
            let Some((seminar, at_event)) = credit(&attended, *at) else {
                continue;
            };
            let i = match credited.iter().position(|c| c.0 == seminar) {
                Some(i) => i,
                None => {
                    credited.push((seminar, false, false, 0));
                    credited.len() - 1
                }
            };
            credited[i].3 += 1;
            if at_event {
                credited[i].1 = true;
            } else {
                credited[i].2 = true;
            }
        }
        for &(seminar, event, followup, n) in &credited {
            let t = tallies.entry(seminar).or_default();
            t.deals += n;
            if event {
                t.event += 1;
            } else if followup {
                t.followup += 1;
            }
        }
    }
    Ok(tallies)
}

/// Counts and rates over some invitations' facts.
fn count<'a>(facts: impl IntoIterator<Item = &'a Facts>) -> Counts {
    let mut t = Tally::default();
    for f in facts {
        t += f.tally();
    }
    t.counts()
}

/// Groups tallies by key (the first label of a key names the group), biggest group first.
fn groups(items: impl IntoIterator<Item = ((String, String), Tally)>) -> Vec<Group> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<(String, String, Tally)> = Vec::new();
    for ((key, label), t) in items {
        match index.get(&key) {
            Some(&i) => out[i].2 += t,
            None => {
                index.insert(key.clone(), out.len());
                out.push((key, label, t));
            }
        }
    }
    let mut out: Vec<Group> = out
        .into_iter()
        .map(|(key, label, t)| Group {
            key,
            label,
            counts: t.counts(),
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

/// Groups facts by `key` (returning the group's key and label), biggest group first.
fn breakdown(facts: &[Facts], key: impl Fn(&Facts) -> (String, String)) -> Vec<Group> {
    groups(facts.iter().map(|f| (key(f), f.tally())))
}

pub fn funnel_in(conn: &Connection, seminar_id: i64) -> Result<Funnel> {
    let (facts, credited_elsewhere) = seminar_facts(conn, seminar_id)?;
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
    let (facts, credited_elsewhere) = seminar_facts(conn, seminar_id)?;
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
        by_table: breakdown(&facts, |f| match f.table {
            Some(n) => (n.to_string(), n.to_string()),
            None => ("none".into(), String::new()),
        }),
        by_assistant: breakdown(&facts, |f| match &f.assistant {
            Some((id, name)) => (id.to_string(), name.clone()),
            None => ("none".into(), String::new()),
        }),
        stage_timing: crate::stagelog::timing_in(conn, seminar_id)?
            .into_iter()
            .map(StageTiming::from)
            .collect(),
    })
}

/// The funnel of one seminar with its breakdowns.
pub fn report(app: &App, input: IdInput) -> Result<SeminarReport> {
    report_in(&app.db.conn(), input.id)
}

/// The three phases of a seminar's result (DESIGN.md: 60% before, 30% during, 10% after).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Invitation and show-up: attended / invited (confirm rate × show rate).
    PreEvent,
    /// The talk and the tables: event close rate.
    InEvent,
    /// Follow-up: follow-up close rate.
    PostEvent,
}

impl Phase {
    const ALL: [Phase; 3] = [Phase::PreEvent, Phase::InEvent, Phase::PostEvent];

    /// The phase's rate for some counts.
    fn rate(self, c: &Counts) -> Option<f64> {
        match self {
            Phase::PreEvent => rate(c.attended, c.invited),
            Phase::InEvent => c.event_close_rate,
            Phase::PostEvent => c.followup_close_rate,
        }
    }

    fn words(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Phase::PreEvent => (
                "会前（邀约与到场）",
                "before the event (invitations and show-up)",
                "到场/邀约",
                "attended/invited",
            ),
            Phase::InEvent => (
                "会中（现场成交）",
                "during the event (closing at the tables)",
                "现场成交率",
                "event close rate",
            ),
            Phase::PostEvent => (
                "会后（跟进成交）",
                "after the event (follow-up)",
                "会后成交率",
                "follow-up close rate",
            ),
        }
    }
}

/// One seminar in the organisation's comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct SeminarRow {
    pub seminar_id: i64,
    pub title: String,
    pub date: String,
    pub city: String,
    pub status: crate::seminar::SeminarStatus,
    #[serde(flatten)]
    #[ts(flatten)]
    pub counts: Counts,
    /// For closed seminars: the phase that fell furthest below the organisation's median.
    pub weakest: Option<Phase>,
    /// That finding as a sentence, in the caller's language.
    pub verdict: Option<String>,
    /// The talk's overrun in minutes: the finished stage runs' actual time − the planned minutes
    /// of the stages that ran (each stage once); `null` without a stage log.
    pub talk_overrun_minutes: Option<f64>,
    /// Minutes from the talk's first stage to the start of its first price stage; `null` when
    /// no price stage ran.
    pub price_start_minutes: Option<f64>,
}

/// The organisation's medians per phase, over its closed seminars.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Medians {
    pub pre_event: Option<f64>,
    pub in_event: Option<f64>,
    pub post_event: Option<f64>,
    pub session_conversion: Option<f64>,
    pub deal_ratio: Option<f64>,
}

/// Every seminar side by side (oldest first), the medians, and conversion by seating layout and
/// by lecturer across closed seminars.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Comparison {
    pub seminars: Vec<SeminarRow>,
    pub medians: Medians,
    pub by_layout: Vec<Group>,
    pub by_lecturer: Vec<Group>,
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    })
}

/// Where `c` lost most against the medians: the phase with the largest relative shortfall.
fn weakest(c: &Counts, medians: &Medians) -> Option<(Phase, f64, f64)> {
    Phase::ALL
        .into_iter()
        .filter_map(|p| {
            let m = match p {
                Phase::PreEvent => medians.pre_event,
                Phase::InEvent => medians.in_event,
                Phase::PostEvent => medians.post_event,
            }?;
            let r = p.rate(c)?;
            (m > 0.0 && r < m).then_some((p, r, m))
        })
        .max_by(|a, b| ((a.2 - a.1) / a.2).total_cmp(&((b.2 - b.1) / b.2)))
}

fn verdict(found: Option<(Phase, f64, f64)>, lang: crate::i18n::Lang) -> String {
    let pct = |x: f64| percent(Some(x));
    match (found, lang) {
        (Some((p, r, m)), crate::i18n::Lang::Zh) => {
            let (zh, _, measure, _) = p.words();
            format!(
                "与机构中位数相比，这场会销在{zh}损失最多：{measure} {}，中位数 {}。",
                pct(r),
                pct(m)
            )
        }
        (Some((p, r, m)), crate::i18n::Lang::En) => {
            let (_, en, _, measure) = p.words();
            format!("Against the organisation's median, this seminar lost most {en}: {measure} {} vs a median of {}.", pct(r), pct(m))
        }
        (None, crate::i18n::Lang::Zh) => "这场会销每个阶段都不低于机构中位数。".into(),
        (None, crate::i18n::Lang::En) => {
            "This seminar is at or above the organisation's median in every phase.".into()
        }
    }
}

/// A seminar's talk overrun and price stage start, in minutes.
type TalkTiming = (Option<f64>, Option<f64>);

/// Per seminar with a stage log: (talk overrun, price stage start offset), in minutes — one
/// bulk query over the log (the dashboard must stay fast).
fn talk_timings(conn: &Connection) -> Result<HashMap<i64, TalkTiming>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seminar_id,
            sum(CASE WHEN ended_at IS NOT NULL THEN (julianday(ended_at) - julianday(started_at)) * 1440.0 END),
            (SELECT sum(t) FROM (SELECT max(target_minutes) AS t FROM stage_log p
                WHERE p.seminar_id = l.seminar_id AND p.ended_at IS NOT NULL GROUP BY p.stage_key)),
            (julianday(min(CASE WHEN kind = 'price' THEN started_at END)) - julianday(min(started_at))) * 1440.0
         FROM stage_log l GROUP BY seminar_id",
    )?;
    let mut out = HashMap::new();
    let mut rows = stmt.query([])?;
    let tenth = |m: f64| (m * 10.0).round() / 10.0;
    while let Some(r) = rows.next()? {
        let actual: Option<f64> = r.get(1)?;
        let planned: Option<i64> = r.get(2)?;
        let price: Option<f64> = r.get(3)?;
        let overrun = actual.zip(planned).map(|(a, p)| tenth(a - p as f64));
        out.insert(r.get::<_, i64>(0)?, (overrun, price.map(tenth)));
    }
    Ok(out)
}

pub fn compare_in(conn: &Connection, lang: crate::i18n::Lang) -> Result<Comparison> {
    let tallies = seminar_tallies(conn)?;
    let timings = talk_timings(conn)?;
    struct Meta {
        title: String,
        date: String,
        city: String,
        status: crate::seminar::SeminarStatus,
        layout: String,
        lecturer: Option<(i64, String)>,
    }
    let mut stmt = conn.prepare(
        "SELECT m.id, m.title, m.date, m.city, m.status, m.layout, m.lecturer_id, l.name
         FROM seminars m LEFT JOIN staff l ON l.id = m.lecturer_id ORDER BY m.date, m.start_time, m.id",
    )?;
    let metas: Vec<(i64, Meta)> = stmt
        .query_map([], |r| {
            let lecturer: Option<i64> = r.get(6)?;
            let name: Option<String> = r.get(7)?;
            Ok((
                r.get(0)?,
                Meta {
                    title: r.get(1)?,
                    date: r.get(2)?,
                    city: r.get(3)?,
                    status: crate::seminar::SeminarStatus::parse(&r.get::<_, String>(4)?)
                        .unwrap_or(crate::seminar::SeminarStatus::Planning),
                    layout: r.get(5)?,
                    lecturer: lecturer.map(|id| (id, name.unwrap_or_default())),
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let rows: Vec<(i64, &Meta, Counts)> = metas
        .iter()
        .map(|(id, m)| {
            (
                *id,
                m,
                tallies.get(id).copied().unwrap_or_default().counts(),
            )
        })
        .collect();
    let closed: Vec<&Counts> = rows
        .iter()
        .filter(|(_, m, _)| m.status == crate::seminar::SeminarStatus::Closed)
        .map(|(_, _, c)| c)
        .collect();
    let collect =
        |f: &dyn Fn(&Counts) -> Option<f64>| median(closed.iter().filter_map(|c| f(c)).collect());
    let medians = Medians {
        pre_event: collect(&|c| Phase::PreEvent.rate(c)),
        in_event: collect(&|c| Phase::InEvent.rate(c)),
        post_event: collect(&|c| Phase::PostEvent.rate(c)),
        session_conversion: collect(&|c| c.session_conversion),
        deal_ratio: collect(&|c| c.deal_ratio),
    };
    let seminars = rows
        .into_iter()
        .map(|(id, m, counts)| {
            let judged = m.status == crate::seminar::SeminarStatus::Closed && counts.attended > 0;
            let found = judged.then(|| weakest(&counts, &medians));
            let (talk_overrun_minutes, price_start_minutes) =
                timings.get(&id).copied().unwrap_or_default();
            SeminarRow {
                seminar_id: id,
                title: m.title.clone(),
                date: m.date.clone(),
                city: m.city.clone(),
                status: m.status,
                weakest: found.flatten().map(|(p, _, _)| p),
                verdict: found.map(|f| verdict(f, lang)),
                counts,
                talk_overrun_minutes,
                price_start_minutes,
            }
        })
        .collect();
    // Layouts and lecturers are compared over finished seminars only (those with invitations).
    let finished = || {
        metas.iter().filter_map(|(id, m)| {
            let t = tallies.get(id)?;
            (m.status == crate::seminar::SeminarStatus::Closed).then_some((m, *t))
        })
    };
    let by_layout = groups(finished().map(|(m, t)| ((m.layout.clone(), m.layout.clone()), t)));
    let by_lecturer = groups(finished().map(|(m, t)| {
        let key = match &m.lecturer {
            Some((id, name)) => (id.to_string(), name.clone()),
            None => ("none".into(), String::new()),
        };
        (key, t)
    }));
    Ok(Comparison {
        seminars,
        medians,
        by_layout,
        by_lecturer,
    })
}

/// The organisation's seminars side by side, with where each closed one lost most.
pub fn compare(
    app: &App,
    caller: &crate::caller::Caller,
    _: crate::input::Empty,
) -> Result<Comparison> {
    compare_in(&app.db.conn(), caller.lang)
}

/// The four rates of field sales over a territory (never to be confused with session conversion).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct TerritoryRates {
    /// Imported stores in the territory.
    pub stores: i64,
    /// Stores ever invited.
    pub covered: i64,
    /// Stores with a closed deal.
    pub converted: i64,
    /// Converted stores with a closed deal credited to a later seminar than their first.
    pub repurchased: i64,
    /// covered / stores
    pub coverage: Option<f64>,
    /// converted / covered
    pub territory_conversion: Option<f64>,
    /// repurchased / converted
    pub repurchase: Option<f64>,
    /// Distinct products bought / products in the catalogue, averaged over converted stores.
    pub penetration: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct TerritoryGroup {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub rates: TerritoryRates,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Territory {
    pub city: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub rates: TerritoryRates,
    pub by_district: Vec<TerritoryGroup>,
    /// By inviter: the stores each inviter ever invited, against all the territory's stores.
    pub by_inviter: Vec<TerritoryGroup>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct TerritoryQuery {
    pub city: String,
}

/// What the four rates need to know of one store.
#[derive(Debug, Default)]
struct StoreFacts {
    district: String,
    inviters: Vec<(i64, String)>,
    covered: bool,
    products: std::collections::HashSet<i64>,
    credited_seminars: std::collections::HashSet<i64>,
}

fn territory_rates<'a>(
    stores: impl IntoIterator<Item = &'a StoreFacts>,
    all: i64,
    catalogue: i64,
) -> TerritoryRates {
    let (mut n, mut covered, mut converted, mut repurchased, mut share) = (0, 0, 0, 0, 0.0);
    for s in stores {
        n += 1;
        covered += s.covered as i64;
        if !s.products.is_empty() {
            converted += 1;
            repurchased += (s.credited_seminars.len() >= 2) as i64;
            share += s.products.len() as f64 / catalogue.max(1) as f64;
        }
    }
    let denominator = if all > 0 { all } else { n };
    TerritoryRates {
        stores: denominator,
        covered,
        converted,
        repurchased,
        coverage: rate(covered, denominator),
        territory_conversion: rate(converted, covered),
        repurchase: rate(repurchased, converted),
        penetration: (converted > 0 && catalogue > 0).then(|| share / converted as f64),
    }
}

pub fn territory_in(conn: &Connection, city: &str) -> Result<Territory> {
    let city = city.trim();
    let mut stores: HashMap<i64, StoreFacts> = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, district FROM stores WHERE city = ?1")?;
    for row in stmt.query_map([city], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })? {
        let (id, district) = row?;
        stores.insert(
            id,
            StoreFacts {
                district,
                ..StoreFacts::default()
            },
        );
    }
    if stores.is_empty() {
        return Err(crate::error::invalid(
            "city",
            format!("没有城市为“{city}”的门店。"),
            format!("There are no stores in “{city}”."),
        ));
    }
    let mut stmt = conn.prepare(
        "SELECT i.store_id, i.inviter_id, f.name FROM invitations i JOIN stores s ON s.id = i.store_id
         LEFT JOIN staff f ON f.id = i.inviter_id WHERE s.city = ?1",
    )?;
    for row in stmt.query_map([city], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })? {
        let (store, inviter, name) = row?;
        if let Some(s) = stores.get_mut(&store) {
            s.covered = true;
            if let Some(id) = inviter {
                if !s.inviters.iter().any(|(i, _)| *i == id) {
                    s.inviters.push((id, name.unwrap_or_default()));
                }
            }
        }
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT i.store_id, i.seminar_id FROM invitations i JOIN stores s ON s.id = i.store_id
         WHERE s.city = ?1 AND {ATTENDED_SQL}"
    ))?;
    let pairs = stmt
        .query_map([city], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<(i64, i64)>>>()?;
    let attendances = by_store(pairs, &seminar_days(conn)?);
    let mut stmt = conn.prepare(&format!(
        "SELECT d.store_id, d.product_id, d.at FROM deals d JOIN stores s ON s.id = d.store_id
         WHERE s.city = ?1 AND {CLOSED_DEAL_SQL}"
    ))?;
    for row in stmt.query_map([city], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (store, product, at) = row?;
        let Some(s) = stores.get_mut(&store) else {
            continue;
        };
        s.products.insert(product);
        if let Ok(at) = DateTime::parse_from_rfc3339(&at) {
            let attended = attendances
                .get(&store)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if let Some((seminar, _)) = credit(attended, at.with_timezone(&Utc)) {
                s.credited_seminars.insert(seminar);
            }
        }
    }
    let catalogue: i64 = conn.query_row("SELECT count(*) FROM products WHERE active", [], |r| {
        r.get(0)
    })?;
    let all = stores.len() as i64;
    let mut by_district: HashMap<String, Vec<&StoreFacts>> = HashMap::new();
    let mut by_inviter: HashMap<(i64, String), Vec<&StoreFacts>> = HashMap::new();
    for s in stores.values() {
        by_district.entry(s.district.clone()).or_default().push(s);
        for inviter in &s.inviters {
            by_inviter.entry(inviter.clone()).or_default().push(s);
        }
    }
    let mut by_district: Vec<TerritoryGroup> = by_district
        .into_iter()
        .map(|(d, members)| TerritoryGroup {
            key: d.clone(),
            label: d,
            rates: territory_rates(members, 0, catalogue),
        })
        .collect();
    by_district.sort_by(|a, b| {
        b.rates
            .stores
            .cmp(&a.rates.stores)
            .then_with(|| a.key.cmp(&b.key))
    });
    let mut by_inviter: Vec<TerritoryGroup> = by_inviter
        .into_iter()
        .map(|((id, name), members)| TerritoryGroup {
            key: id.to_string(),
            label: name,
            rates: territory_rates(members, all, catalogue),
        })
        .collect();
    by_inviter.sort_by(|a, b| {
        b.rates
            .covered
            .cmp(&a.rates.covered)
            .then_with(|| a.key.cmp(&b.key))
    });
    Ok(Territory {
        city: city.to_owned(),
        rates: territory_rates(stores.values(), all, catalogue),
        by_district,
        by_inviter,
    })
}

/// The four territory rates of a city, per district and per inviter.
pub fn territory(app: &App, q: TerritoryQuery) -> Result<Territory> {
    territory_in(&app.db.conn(), &q.city)
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
    fn medians_and_the_weakest_phase() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![0.3, 0.1, 0.2]), Some(0.2));
        assert_eq!(median(vec![0.4, 0.1, 0.2, 0.3]), Some(0.25));
        let medians = Medians {
            pre_event: Some(0.6),
            in_event: Some(0.5),
            post_event: Some(0.2),
            session_conversion: None,
            deal_ratio: None,
        };
        let mut c = Counts {
            invited: 10,
            confirmed: 8,
            attended: 5,
            closed_at_event: 2,
            closed_in_followup: 0,
            closed_deals: 3,
            confirm_rate: None,
            show_rate: None,
            event_close_rate: Some(0.4),
            followup_close_rate: Some(0.0),
            session_conversion: None,
            deal_ratio: None,
        };
        // Pre-event 50% vs 60% (−17%), in-event 40% vs 50% (−20%), post-event 0% vs 20% (−100%).
        assert_eq!(weakest(&c, &medians).map(|w| w.0), Some(Phase::PostEvent));
        c.followup_close_rate = Some(0.25);
        assert_eq!(weakest(&c, &medians).map(|w| w.0), Some(Phase::InEvent));
        let sentence = verdict(weakest(&c, &medians), crate::i18n::Lang::Zh);
        assert_eq!(sentence, "与机构中位数相比，这场会销在会中（现场成交）损失最多：现场成交率 40.0%，中位数 50.0%。");
        c.event_close_rate = Some(0.9);
        c.attended = 9;
        assert_eq!(weakest(&c, &medians), None);
    }

    #[test]
    fn zero_denominators_are_null() {
        assert_eq!(rate(3, 0), None);
        assert_eq!(rate(0, 4), Some(0.0));
        assert_eq!(rate(5, 4), Some(1.25));
    }
}
