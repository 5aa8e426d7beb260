//! Seating by hand: moving a guest (a swap onto an occupied seat, with warnings for broken
//! hard rules) and locking a guest's seat.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::{load, SeatingView};
use crate::app::App;
use crate::error::{invalid, Error, Result};
use crate::seating::solve::{Model, Said};

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct MoveInput {
    pub seminar_id: i64,
    pub contact_id: i64,
    /// The target table; none to unseat.
    #[serde(default)]
    pub table_id: Option<i64>,
    /// The target seat; none for the table's first free seat.
    #[serde(default)]
    pub seat: Option<i64>,
    /// Apply even though the move breaks a hard rule (after a warning).
    #[serde(default)]
    pub confirm: bool,
    /// Lock or unlock the moved guest; none keeps their lock as it was.
    #[serde(default)]
    pub lock: Option<bool>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct MoveResult {
    pub applied: bool,
    /// Hard rules the move breaks: shown to the organizer, who confirms or cancels.
    pub warnings: Vec<Said>,
    /// The guest who took the mover's old seat (a swap).
    pub swapped_with: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct LockInput {
    pub seminar_id: i64,
    pub contact_id: i64,
    pub locked: bool,
}

/// Moves a guest to a seat; onto an occupied seat it swaps the two guests.
pub fn move_guest(app: &App, input: MoveInput) -> Result<MoveResult> {
    app.db.write(|tx| {
        let l = load(tx, input.seminar_id)?;
        let i = l.guest_index(input.contact_id)?;
        let old = l.at[i];
        let mut at = l.at.clone();
        let mut swapped = None;
        match input.table_id {
            None => at[i] = None,
            Some(table_id) => {
                let t = l.tables.iter().position(|t| t.id == table_id).ok_or_else(|| {
                    invalid(
                        "table_id",
                        format!("桌子（编号 {table_id}）不属于这场会销。"),
                        format!("Table {table_id} is not in this seminar."),
                    )
                })?;
                let table = &l.tables[t];
                let occupied = |s: i64| at.iter().position(|a| matches!(a, Some((tt, ss, _)) if *tt == t && *ss == s));
                let seat = match input.seat {
                    Some(s) => s,
                    None => (1..=table.seats)
                        .find(|&s| occupied(s).is_none() && l.assistant_seat[t] != Some(s))
                        .ok_or_else(|| {
                            invalid(
                                "table_id",
                                format!("{} 号桌已经坐满了。", table.number),
                                format!("Table {} is full.", table.number),
                            )
                        })?,
                };
                if seat < 1 || seat > table.seats {
                    return Err(invalid(
                        "seat",
                        format!("{} 号桌只有 {} 个座位，没有 {seat} 号座。", table.number, table.seats),
                        format!("Table {} has {} seats; there is no seat {seat}.", table.number, table.seats),
                    ));
                }
                if l.assistant_seat[t] == Some(seat) {
                    return Err(invalid(
                        "seat",
                        format!("{} 号桌的 {seat} 号座留给助教。", table.number),
                        format!("Seat {seat} of table {} is kept for its assistant.", table.number),
                    ));
                }
                if let Some(o) = occupied(seat).filter(|&o| o != i) {
                    if l.at[o].is_some_and(|(_, _, locked)| locked) {
                        let name = &l.problem.guests[o].name;
                        return Err(Error::Conflict {
                            zh: format!("{name} 的座位已锁定，请先解锁再交换。"),
                            en: format!("{name}'s seat is locked: unlock it before swapping."),
                        });
                    }
                    at[o] = old.map(|(ot, os, _)| (ot, os, false));
                    swapped = Some(l.problem.guests[o].contact_id);
                }
                let locked = input.lock.unwrap_or(old.is_some_and(|(_, _, l)| l));
                at[i] = Some((t, seat, locked));
            }
        }
        let m = Model::build(&l.problem)?;
        let before = m.hard_violations(&l.tab());
        let after_tab: Vec<Option<usize>> = at.iter().map(|a| a.map(|(t, _, _)| t)).collect();
        let warnings: Vec<Said> = m
            .hard_violations(&after_tab)
            .into_iter()
            .filter(|w| !before.contains(w))
            .collect();
        if !warnings.is_empty() && !input.confirm {
            return Ok(MoveResult {
                applied: false,
                warnings,
                swapped_with: swapped,
            });
        }
        let mut changed = vec![i];
        if let Some(c) = swapped {
            changed.push(l.guest_index(c)?);
        }
        for &k in &changed {
            tx.execute(
                "DELETE FROM seat_assignments WHERE seminar_id = ?1 AND contact_id = ?2",
                params![input.seminar_id, l.problem.guests[k].contact_id],
            )?;
        }
        for &k in &changed {
            if let Some((t, s, locked)) = at[k] {
                tx.execute(
                    "INSERT INTO seat_assignments (seminar_id, invitation_id, contact_id, table_id, seat, locked) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![input.seminar_id, l.extra[k].invitation_id, l.problem.guests[k].contact_id, l.tables[t].id, s, locked],
                )?;
            }
        }
        Ok(MoveResult {
            applied: true,
            warnings,
            swapped_with: swapped,
        })
    })
}

pub fn lock(app: &App, input: LockInput) -> Result<SeatingView> {
    app.db.write(|tx| {
        let l = load(tx, input.seminar_id)?;
        let i = l.guest_index(input.contact_id)?;
        if l.at[i].is_none() {
            return Err(invalid(
                "contact_id",
                format!("{} 还没有座位，无法锁定。", l.problem.guests[i].name),
                format!(
                    "{} has no seat yet, so there is nothing to lock.",
                    l.problem.guests[i].name
                ),
            ));
        }
        tx.execute(
            "UPDATE seat_assignments SET locked = ?3 WHERE seminar_id = ?1 AND contact_id = ?2",
            params![input.seminar_id, input.contact_id, input.locked],
        )?;
        load(tx, input.seminar_id)?.view(tx)
    })
}
