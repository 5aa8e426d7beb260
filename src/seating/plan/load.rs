//! Everything a seating plan needs, read from the store in one go: the seminar's tables, its
//! settings and rules, its confirmed guests with what the rules look at, and where they sit.

use std::collections::HashMap;

use rusqlite::Connection;

use super::rules::rules_in;
use super::settings::settings_in;
use super::{SeatingRule, SeatingSettings};
use crate::contact::ContactRole;
use crate::error::{invalid, Result};
use crate::seating::solve::{GuestIn, Problem, TableIn};
use crate::seating::{self, Table};
use crate::seminar::{self, SeatingLayout};

pub(super) struct GuestRow {
    pub(super) invitation_id: i64,
    pub(super) role: ContactRole,
    pub(super) note: String,
}

/// Everything the plan needs, read in one go.
pub(crate) struct Loaded {
    pub seminar_id: i64,
    pub layout: SeatingLayout,
    pub settings: SeatingSettings,
    pub settings_saved: bool,
    pub rules: Vec<SeatingRule>,
    pub tables: Vec<Table>,
    pub problem: Problem,
    pub(super) extra: Vec<GuestRow>,
    /// contact → (table index, seat, locked)
    pub at: Vec<Option<(usize, i64, bool)>>,
    pub assistant_seat: Vec<Option<i64>>,
}

/// "长沙市岳麓区麓山南路 88 号" → "麓山南路": the street part of an address.
pub fn street_of(address: &str) -> String {
    let a = address.trim();
    let start = ["区", "县", "市"]
        .iter()
        .filter_map(|m| a.rfind(m).map(|i| i + m.len()))
        .max()
        .unwrap_or(0);
    let rest = &a[start..];
    for end in ["大道", "路", "街", "巷"] {
        if let Some(i) = rest.find(end) {
            return rest[..i + end.len()].to_owned();
        }
    }
    String::new()
}

pub(crate) fn load(conn: &Connection, seminar_id: i64) -> Result<Loaded> {
    let seminar = seminar::get_in(conn, seminar_id)?;
    let tables = seating::list_in(conn, seminar_id)?;
    let (settings, saved) = settings_in(conn, seminar_id, &tables)?;
    let rules = rules_in(conn, seminar_id, saved)?;
    let t_index: HashMap<i64, usize> = tables.iter().enumerate().map(|(i, t)| (t.id, i)).collect();

    let mut stmt = conn.prepare(
        "SELECT c.id, c.name, c.role, s.id, s.name, i.id, i.inviter_id, f.name, s.industry, s.district,
                s.address, s.level, s.key_customer, s.referrer_id, i.note
         FROM invitations i JOIN invitation_guests g ON g.invitation_id = i.id
         JOIN contacts c ON c.id = g.contact_id JOIN stores s ON s.id = i.store_id
         LEFT JOIN staff f ON f.id = i.inviter_id
         WHERE i.seminar_id = ?1 AND i.status = 'confirmed' ORDER BY i.id, c.id",
    )?;
    let rows = stmt
        .query_map([seminar_id], |r| {
            let role: String = r.get(2)?;
            let address: String = r.get(10)?;
            Ok((
                GuestIn {
                    contact_id: r.get(0)?,
                    name: r.get(1)?,
                    store_id: r.get(3)?,
                    store_name: r.get(4)?,
                    inviter_id: r.get(6)?,
                    inviter_name: r.get(7)?,
                    industry: r.get(8)?,
                    district: r.get(9)?,
                    street: street_of(&address),
                    level: r.get(11)?,
                    key_customer: r.get(12)?,
                    referrer_store_id: r.get(13)?,
                    lock: None,
                },
                GuestRow {
                    invitation_id: r.get(5)?,
                    role: ContactRole::parse(&role).unwrap_or(ContactRole::Staff),
                    note: r.get(14)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (mut guests, extra): (Vec<GuestIn>, Vec<GuestRow>) = rows.into_iter().unzip();
    let g_index: HashMap<i64, usize> = guests
        .iter()
        .enumerate()
        .map(|(i, g)| (g.contact_id, i))
        .collect();

    let mut at = vec![None; guests.len()];
    let mut stmt = conn.prepare(
        "SELECT contact_id, table_id, seat, locked FROM seat_assignments WHERE seminar_id = ?1",
    )?;
    let rows = stmt
        .query_map([seminar_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (c, t, seat, locked) in rows {
        if let (Some(&i), Some(&ti)) = (g_index.get(&c), t_index.get(&t)) {
            at[i] = Some((ti, seat, locked));
            if locked {
                guests[i].lock = Some((ti, seat));
            }
        }
    }
    let mut assistant_seat = vec![None; tables.len()];
    for (ti, t) in tables.iter().enumerate() {
        assistant_seat[ti] = conn
            .query_row(
                "SELECT seat FROM table_assistant_seats WHERE table_id = ?1",
                [t.id],
                |r| r.get(0),
            )
            .ok();
    }
    let problem = Problem {
        guests,
        tables: tables
            .iter()
            .map(|t| TableIn {
                id: t.id,
                number: t.number,
                seats: t.seats,
                x: t.x,
                y: t.y,
            })
            .collect(),
        rules: rules.iter().map(|r| r.rule.clone()).collect(),
        stage: (settings.stage_x, settings.stage_y),
        seed: settings.seed as u64,
    };
    Ok(Loaded {
        seminar_id,
        layout: seminar.layout,
        settings,
        settings_saved: saved,
        rules,
        tables,
        problem,
        extra,
        at,
        assistant_seat,
    })
}

impl Loaded {
    pub(super) fn tab(&self) -> Vec<Option<usize>> {
        self.at.iter().map(|a| a.map(|(t, _, _)| t)).collect()
    }

    pub(super) fn guest_index(&self, contact_id: i64) -> Result<usize> {
        self.problem
            .guests
            .iter()
            .position(|g| g.contact_id == contact_id)
            .ok_or_else(|| {
                invalid(
                    "contact_id",
                    format!("联系人（编号 {contact_id}）不是这场会销已确认的客人。"),
                    format!("Contact {contact_id} is not a confirmed guest of this seminar."),
                )
            })
    }
}
