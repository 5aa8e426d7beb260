//! The plan as the UI and the printouts see it: tables with their assistant's and back seats,
//! every guest with their seat and why they sit there, the score and what breaks a hard rule.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use super::reseat::open_proposal;
use super::{load, Loaded, Proposal, SeatingRule, SeatingSettings};
use crate::app::App;
use crate::contact::ContactRole;
use crate::error::Result;
use crate::input::SeminarScope;
use crate::seating::solve::{self, Model, Said};
use crate::seating::Table;
use crate::seminar::SeatingLayout;

/// A guest of the seminar and where they sit.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct SeatedGuest {
    pub contact_id: i64,
    pub invitation_id: i64,
    pub name: String,
    pub role: ContactRole,
    pub store_id: i64,
    pub store_name: String,
    pub inviter_id: Option<i64>,
    pub inviter_name: Option<String>,
    pub industry: String,
    pub district: String,
    pub level: String,
    pub key_customer: bool,
    /// Notes from the invitation calls.
    pub note: String,
    pub table_id: Option<i64>,
    pub table_number: Option<i64>,
    pub seat: Option<i64>,
    pub locked: bool,
    /// Why the guest sits there.
    pub reasons: Vec<Said>,
    /// What the seating fails to give them.
    pub problems: Vec<Said>,
    pub badly_seated: bool,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct TableView {
    #[serde(flatten)]
    #[ts(flatten)]
    pub table: Table,
    /// The seat kept for the assistant, if any.
    pub assistant_seat: Option<i64>,
    /// The seat nearest the back (seat 1 faces the stage).
    pub back_seat: i64,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct SeatingView {
    pub seminar_id: i64,
    pub layout: SeatingLayout,
    pub settings: SeatingSettings,
    pub rules: Vec<SeatingRule>,
    pub tables: Vec<TableView>,
    pub guests: Vec<SeatedGuest>,
    pub seated: i64,
    pub unseated: i64,
    pub score: f64,
    pub max_score: f64,
    pub hard_violations: Vec<Said>,
    pub proposal: Option<Proposal>,
}

impl Loaded {
    pub(super) fn view(&self, conn: &Connection) -> Result<SeatingView> {
        let p = &self.problem;
        let m = Model::build(p)?;
        let tab = self.tab();
        let reports = solve::explain(p, &m, &tab);
        let guests = (0..p.guests.len())
            .map(|i| {
                let g = &p.guests[i];
                let x = &self.extra[i];
                let r = &reports[i];
                let at = self.at[i];
                SeatedGuest {
                    contact_id: g.contact_id,
                    invitation_id: x.invitation_id,
                    name: g.name.clone(),
                    role: x.role,
                    store_id: g.store_id,
                    store_name: g.store_name.clone(),
                    inviter_id: g.inviter_id,
                    inviter_name: g.inviter_name.clone(),
                    industry: g.industry.clone(),
                    district: g.district.clone(),
                    level: g.level.clone(),
                    key_customer: g.key_customer,
                    note: x.note.clone(),
                    table_id: at.map(|(t, _, _)| self.tables[t].id),
                    table_number: at.map(|(t, _, _)| self.tables[t].number),
                    seat: at.map(|(_, s, _)| s),
                    locked: at.is_some_and(|(_, _, l)| l),
                    reasons: r.reasons.clone(),
                    problems: r.problems.clone(),
                    badly_seated: r.bad(),
                }
            })
            .collect::<Vec<_>>();
        let seated = guests.iter().filter(|g| g.seat.is_some()).count() as i64;
        Ok(SeatingView {
            seminar_id: self.seminar_id,
            layout: self.layout,
            settings: self.settings.clone(),
            rules: self.rules.clone(),
            tables: self
                .tables
                .iter()
                .enumerate()
                .map(|(t, table)| TableView {
                    table: table.clone(),
                    assistant_seat: self.assistant_seat[t],
                    back_seat: solve::back_seats(table.seats.max(1) as usize)
                        .first()
                        .map(|s| *s as i64 + 1)
                        .unwrap_or(1),
                })
                .collect(),
            seated,
            unseated: guests.len() as i64 - seated,
            guests,
            score: round2(m.score(&tab)),
            max_score: round2(m.upper_bound()),
            hard_violations: m.hard_violations(&tab),
            proposal: open_proposal(conn, self.seminar_id)?,
        })
    }
}

/// The plan as the UI and the printouts see it.
pub(crate) fn view_of(l: &Loaded, conn: &Connection) -> Result<SeatingView> {
    l.view(conn)
}

pub(super) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub fn get(app: &App, scope: SeminarScope) -> Result<SeatingView> {
    let conn = app.db.conn();
    load(&conn, scope.seminar_id)?.view(&conn)
}
