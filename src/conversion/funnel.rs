//! The funnel of one seminar: each invitation's outcome, counted.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::attribution::{by_store, credit, deal_time, seminar_days};
use super::counts::{Counts, Tally};
use super::{first_row_per_invitation, ATTENDED_SQL, CLOSED_DEAL_SQL};
use crate::app::App;
use crate::contact::ContactRole;
use crate::error::Result;
use crate::input::IdInput;
use crate::seminar;

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

/// What conversion needs to know of one invitation.
#[derive(Debug, Default)]
pub(super) struct Facts {
    pub(super) store_id: i64,
    /// The number of the table its guests sit at, once seated.
    pub(super) table: Option<i64>,
    /// That table's assistant.
    pub(super) assistant: Option<(i64, String)>,
    pub(super) inviter: Option<(i64, String)>,
    pub(super) role: Option<ContactRole>,
    pub(super) city: String,
    pub(super) confirmed: bool,
    pub(super) attended: bool,
    /// A closed deal credited to the seminar on its day.
    pub(super) event: bool,
    /// A closed deal credited to the seminar in the follow-up window.
    pub(super) followup: bool,
    pub(super) deals: i64,
}

impl Facts {
    pub(super) fn tally(&self) -> Tally {
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
pub(super) fn seminar_facts(conn: &Connection, seminar_id: i64) -> Result<(Vec<Facts>, i64)> {
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
    first_row_per_invitation(stmt.query([seminar_id])?, |invitation, r| {
        let Some(&i) = by_invitation.get(&invitation) else {
            return Ok(());
        };
        facts[i].table = Some(r.get(1)?);
        facts[i].assistant = r
            .get::<_, Option<i64>>(2)?
            .map(|id| {
                Ok::<_, rusqlite::Error>((id, r.get::<_, Option<String>>(3)?.unwrap_or_default()))
            })
            .transpose()?;
        Ok(())
    })?;

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

/// One invitation's outcome: did its store come, and did it buy (a closed deal credited to the
/// seminar, at the event or in follow-up: E or F).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub store_id: i64,
    pub attended: bool,
    pub closed: bool,
}

/// Each invitation of one seminar with its outcome, by the funnel's own definitions.
pub fn outcomes_in(conn: &Connection, seminar_id: i64) -> Result<Vec<Outcome>> {
    let (facts, _) = seminar_facts(conn, seminar_id)?;
    Ok(facts
        .iter()
        .map(|f| {
            let t = f.tally();
            Outcome {
                store_id: f.store_id,
                attended: f.attended,
                closed: t.event + t.followup > 0,
            }
        })
        .collect())
}

/// Counts and rates over some invitations' facts.
pub(super) fn count<'a>(facts: impl IntoIterator<Item = &'a Facts>) -> Counts {
    let mut t = Tally::default();
    for f in facts {
        t += f.tally();
    }
    t.counts()
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
