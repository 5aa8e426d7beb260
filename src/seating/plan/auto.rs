//! Automatic seating: solve, number the seats, choose the tables' assistants, save it all, and
//! say who is badly seated.

use std::collections::HashMap;

use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use super::load;
use super::settings::save_settings;
use super::view::round2;
use crate::app::App;
use crate::error::{invalid, Result};
use crate::input::SeminarScope;
use crate::seating::solve::{self, said, Model, Said};

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct BadGuest {
    pub contact_id: i64,
    pub name: String,
    pub table_number: Option<i64>,
    pub problems: Vec<Said>,
}

/// What automatic seating did.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct AutoResult {
    pub seated: i64,
    pub unseated: i64,
    pub hard_violations: Vec<Said>,
    pub score: f64,
    /// An upper bound of the score (every rule at its best at once; often unreachable).
    pub max_score: f64,
    pub badly_seated: Vec<BadGuest>,
}

fn assistant_names(conn: &Connection) -> Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare("SELECT id, name FROM staff")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<HashMap<i64, String>>>()?;
    Ok(rows)
}

fn active_assistants(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(
        "SELECT id FROM staff WHERE active = 1 AND EXISTS (SELECT 1 FROM json_each(staff.roles) WHERE value = 'assistant') ORDER BY id",
    )?;
    let rows = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Runs automatic seating and saves it, or refuses and changes nothing.
pub fn auto(app: &App, scope: SeminarScope) -> Result<AutoResult> {
    app.db.write(|tx| {
        let l = load(tx, scope.seminar_id)?;
        let p = &l.problem;
        if l.tables.is_empty() {
            return Err(invalid(
                "tables",
                "这场会销还没有桌子：请先点「桌子」按钮加桌。",
                "This seminar has no tables yet: add them first with the Tables button.",
            ));
        }
        let model = Model::new(p)?;
        let max = l.settings.max_tables_per_assistant.max(1) as usize;
        let current: Vec<Option<i64>> = l.tables.iter().map(|t| t.assistant_id).collect();
        let names = assistant_names(tx)?;
        let name_of = |a: i64| names.get(&a).cloned().unwrap_or_else(|| a.to_string());
        if !l.settings.assign_assistants {
            solve::check_assistants(&p.tables, &current, max, name_of)?;
        }
        let sol = solve::solve_model(&model)?;
        let (seats, assistant_seat) = solve::seat_numbers(p, &model, &sol.table_of, |i| {
            let g = &p.guests[i];
            (g.store_id, g.inviter_id.unwrap_or(0), g.contact_id)
        });
        let assistants = if l.settings.assign_assistants {
            let mut inviters_at = vec![Vec::new(); l.tables.len()];
            for (i, &t) in sol.table_of.iter().enumerate() {
                inviters_at[t].push(p.guests[i].inviter_id);
            }
            let a = solve::assign_assistants(&p.tables, &inviters_at, &active_assistants(tx)?, max, &current);
            solve::check_assistants(&p.tables, &a, max, name_of)?;
            a
        } else {
            current
        };

        tx.execute("DELETE FROM seat_assignments WHERE seminar_id = ?1", [scope.seminar_id])?;
        for (i, g) in p.guests.iter().enumerate() {
            let t = &l.tables[sol.table_of[i]];
            tx.execute(
                "INSERT INTO seat_assignments (seminar_id, invitation_id, contact_id, table_id, seat, locked) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![scope.seminar_id, l.extra[i].invitation_id, g.contact_id, t.id, seats[i], g.lock.is_some()],
            )?;
        }
        for (ti, t) in l.tables.iter().enumerate() {
            tx.execute("DELETE FROM table_assistant_seats WHERE table_id = ?1", [t.id])?;
            if let Some(s) = assistant_seat[ti] {
                tx.execute("INSERT INTO table_assistant_seats (table_id, seat) VALUES (?1, ?2)", params![t.id, s])?;
            }
            tx.execute("UPDATE venue_tables SET assistant_id = ?2 WHERE id = ?1", params![t.id, assistants[ti]])?;
        }
        if !l.settings_saved {
            save_settings(tx, &l, &l.settings)?;
        }
        let tab: Vec<Option<usize>> = sol.table_of.iter().map(|&t| Some(t)).collect();
        let reports = solve::explain(p, &model, &tab);
        let badly_seated = reports
            .iter()
            .enumerate()
            .filter(|(_, r)| r.bad())
            .map(|(i, r)| BadGuest {
                contact_id: p.guests[i].contact_id,
                name: p.guests[i].name.clone(),
                table_number: Some(l.tables[sol.table_of[i]].number),
                problems: if r.problems.is_empty() {
                    vec![said("大多数分组偏好没能满足", "most grouping preferences not met")]
                } else {
                    r.problems.clone()
                },
            })
            .collect();
        let mut hard = model.hard_violations(&tab);
        for (ti, a) in assistants.iter().enumerate() {
            if a.is_none() && sol.table_of.contains(&ti) {
                hard.push(said(
                    format!("{} 号桌没有助教：助教不够。", l.tables[ti].number),
                    format!("Table {} has no assistant: there are not enough assistants.", l.tables[ti].number),
                ));
            }
        }
        Ok(AutoResult {
            seated: p.guests.len() as i64,
            unseated: 0,
            hard_violations: hard,
            score: round2(sol.score),
            max_score: round2(model.upper_bound()),
            badly_seated,
        })
    })
}
