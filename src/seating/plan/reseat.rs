//! Day-of re-seating: once the doors close, a proposal to empty half-empty tables into others
//! (keeping guests with their assistant where possible), accepted or rejected by the organizer.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::settings::save_settings;
use super::{load, Loaded, SeatingView};
use crate::app::App;
use crate::error::{Error, Result, Thing};
use crate::input::SeminarScope;
use crate::seminar;

#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
pub struct ReseatMove {
    pub contact_id: i64,
    pub name: String,
    pub from_table_id: i64,
    pub from_table_number: i64,
    pub from_seat: i64,
    pub table_id: i64,
    pub table_number: i64,
    pub seat: i64,
    pub keeps_assistant: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    Open,
    Accepted,
    Rejected,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Proposal {
    pub id: i64,
    pub status: ProposalStatus,
    pub moves: Vec<ReseatMove>,
    /// Tables left empty by the proposal.
    pub tables_freed: Vec<i64>,
    pub kept_with_assistant: i64,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct DecideInput {
    pub id: i64,
    pub accept: bool,
}

pub fn close_doors(app: &App, scope: SeminarScope) -> Result<SeatingView> {
    let now = app.now_str();
    app.db.write(|tx| {
        let l = load(tx, scope.seminar_id)?;
        let s = seminar::get_in(tx, scope.seminar_id)?;
        if s.status != seminar::SeminarStatus::Live {
            return Err(Error::Conflict {
                zh: "只有进行中的会销才能关门（关门后可重新安排空桌）。".into(),
                en: "Only a live seminar can close its doors (then half-empty tables can be compacted).".into(),
            });
        }
        let mut settings = l.settings.clone();
        settings.doors_closed_at = Some(now.clone());
        save_settings(tx, &l, &settings)?;
        load(tx, scope.seminar_id)?.view(tx)
    })
}

pub(super) fn open_proposal(conn: &Connection, seminar_id: i64) -> Result<Option<Proposal>> {
    let row = conn.query_row(
        "SELECT id, status, moves, created_at FROM reseat_proposals WHERE seminar_id = ?1 AND status = 'open' ORDER BY id DESC LIMIT 1",
        [seminar_id],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)),
    );
    match row {
        Ok((id, moves, created_at)) => Ok(Some(proposal_from(
            id,
            ProposalStatus::Open,
            &moves,
            created_at,
        ))),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[derive(Serialize, Deserialize)]
struct StoredProposal {
    moves: Vec<ReseatMove>,
    tables_freed: Vec<i64>,
}

fn proposal_from(id: i64, status: ProposalStatus, json: &str, created_at: String) -> Proposal {
    let s: StoredProposal = serde_json::from_str(json).unwrap_or(StoredProposal {
        moves: Vec::new(),
        tables_freed: Vec::new(),
    });
    Proposal {
        id,
        status,
        kept_with_assistant: s.moves.iter().filter(|m| m.keeps_assistant).count() as i64,
        moves: s.moves,
        tables_freed: s.tables_freed,
        created_at,
    }
}

/// Which guests checked in (and are still checked in).
fn present(conn: &Connection, l: &Loaded) -> Result<Vec<bool>> {
    let mut stmt = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM checkins WHERE undone_at IS NULL AND invitation_id = ?1
                        AND (contact_id = ?2 OR contact_id IS NULL))",
    )?;
    l.problem
        .guests
        .iter()
        .enumerate()
        .map(|(i, g)| {
            Ok(
                stmt.query_row(params![l.extra[i].invitation_id, g.contact_id], |r| {
                    r.get(0)
                })?,
            )
        })
        .collect()
}

/// After the doors close: empties half-empty tables into others, keeping guests with their
/// assistant where possible (a table the same assistant covers, else a table with room).
pub fn propose_reseat(app: &App, scope: SeminarScope) -> Result<Proposal> {
    let now = app.now_str();
    app.db.write(|tx| {
        let l = load(tx, scope.seminar_id)?;
        if l.settings.doors_closed_at.is_none() {
            return Err(Error::Conflict {
                zh: "请先“关门”（确认不再等人），再重新安排空桌。".into(),
                en: "Close the doors first (no more arrivals expected), then compact the tables.".into(),
            });
        }
        let here = present(tx, &l)?;
        let nt = l.tables.len();
        let guest_cap: Vec<i64> = (0..nt)
            .map(|t| l.tables[t].seats - i64::from(l.assistant_seat[t].is_some()))
            .collect();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); nt];
        let mut locked_at = vec![false; nt];
        for (i, a) in l.at.iter().enumerate() {
            if let (Some((t, _, locked)), true) = (a, here[i]) {
                members[*t].push(i);
                locked_at[*t] |= *locked;
            }
        }
        let mut count: Vec<i64> = members.iter().map(|m| m.len() as i64).collect();
        let half_empty = |t: usize, count: &[i64]| count[t] > 0 && count[t] * 2 <= guest_cap[t];
        let mut sources: Vec<usize> = (0..nt).filter(|&t| half_empty(t, &count) && !locked_at[t]).collect();
        sources.sort_by_key(|&t| (count[t], l.tables[t].number));
        let mut emptied = vec![false; nt];
        let mut received = vec![false; nt];
        let mut taken: Vec<Vec<i64>> = (0..nt)
            .map(|t| members[t].iter().filter_map(|&i| l.at[i].map(|(_, s, _)| s)).collect())
            .collect();
        let mut moves = Vec::new();
        for s in sources {
            if received[s] || count[s] == 0 {
                continue;
            }
            let a_s = l.tables[s].assistant_id;
            let best = (0..nt)
                .filter(|&t| t != s && !emptied[t] && count[t] > 0 && guest_cap[t] - count[t] >= count[s])
                .max_by_key(|&t| {
                    let same = l.tables[t].assistant_id.is_some() && l.tables[t].assistant_id == a_s;
                    let inviters = members[s]
                        .iter()
                        .filter(|&&i| members[t].iter().any(|&j| l.problem.guests[j].inviter_id == l.problem.guests[i].inviter_id))
                        .count();
                    (same, inviters, count[t], std::cmp::Reverse(l.tables[t].number))
                });
            let Some(t) = best else { continue };
            let keeps = l.tables[t].assistant_id == a_s;
            for &i in &members[s] {
                let seat = (1..=l.tables[t].seats)
                    .find(|x| !taken[t].contains(x) && l.assistant_seat[t] != Some(*x))
                    .unwrap_or(1);
                taken[t].push(seat);
                let (_, from_seat, _) = l.at[i].unwrap_or((s, 0, false));
                moves.push(ReseatMove {
                    contact_id: l.problem.guests[i].contact_id,
                    name: l.problem.guests[i].name.clone(),
                    from_table_id: l.tables[s].id,
                    from_table_number: l.tables[s].number,
                    from_seat,
                    table_id: l.tables[t].id,
                    table_number: l.tables[t].number,
                    seat,
                    keeps_assistant: keeps,
                });
            }
            count[t] += count[s];
            count[s] = 0;
            emptied[s] = true;
            received[t] = true;
        }
        let tables_freed: Vec<i64> = (0..nt).filter(|&t| emptied[t]).map(|t| l.tables[t].number).collect();
        tx.execute(
            "UPDATE reseat_proposals SET status = 'rejected', decided_at = ?2 WHERE seminar_id = ?1 AND status = 'open'",
            params![scope.seminar_id, now],
        )?;
        let json = serde_json::to_string(&StoredProposal { moves, tables_freed }).unwrap_or_default();
        tx.execute(
            "INSERT INTO reseat_proposals (seminar_id, moves, status, created_at) VALUES (?1, ?2, 'open', ?3)",
            params![scope.seminar_id, json, now],
        )?;
        Ok(proposal_from(tx.last_insert_rowid(), ProposalStatus::Open, &json, now.clone()))
    })
}

/// Accepts (applies the moves) or rejects an open re-seating proposal.
pub fn decide_reseat(app: &App, input: DecideInput) -> Result<SeatingView> {
    let now = app.now_str();
    app.db.write(|tx| {
        let (seminar_id, status, json): (i64, String, String) = crate::error::found(
            tx.query_row("SELECT seminar_id, status, moves FROM reseat_proposals WHERE id = ?1", [input.id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            }),
            Thing::Seminar,
            input.id,
        )?;
        if status != "open" {
            return Err(Error::Conflict {
                zh: "这个调座方案已经处理过了。".into(),
                en: "This re-seating proposal was already decided.".into(),
            });
        }
        if input.accept {
            let p = proposal_from(input.id, ProposalStatus::Open, &json, String::new());
            for m in &p.moves {
                let now_at: Option<(i64, i64)> = tx
                    .query_row(
                        "SELECT table_id, seat FROM seat_assignments WHERE seminar_id = ?1 AND contact_id = ?2",
                        params![seminar_id, m.contact_id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .ok();
                if now_at != Some((m.from_table_id, m.from_seat)) {
                    return Err(Error::Conflict {
                        zh: format!("{} 已经换过座位，方案过期了：请重新生成。", m.name),
                        en: format!("{} has moved since; the proposal is out of date: make a new one.", m.name),
                    });
                }
            }
            for m in &p.moves {
                tx.execute(
                    "DELETE FROM seat_assignments WHERE seminar_id = ?1 AND contact_id = ?2",
                    params![seminar_id, m.contact_id],
                )?;
            }
            for m in &p.moves {
                // A no-show on the target seat gives it up.
                tx.execute("DELETE FROM seat_assignments WHERE table_id = ?1 AND seat = ?2", params![m.table_id, m.seat])?;
                let inv: i64 = tx.query_row(
                    "SELECT i.id FROM invitations i JOIN invitation_guests g ON g.invitation_id = i.id
                     WHERE i.seminar_id = ?1 AND g.contact_id = ?2",
                    params![seminar_id, m.contact_id],
                    |r| r.get(0),
                )?;
                tx.execute(
                    "INSERT INTO seat_assignments (seminar_id, invitation_id, contact_id, table_id, seat, locked) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
                    params![seminar_id, inv, m.contact_id, m.table_id, m.seat],
                )?;
            }
        }
        tx.execute(
            "UPDATE reseat_proposals SET status = ?2, decided_at = ?3 WHERE id = ?1",
            params![input.id, if input.accept { "accepted" } else { "rejected" }, now],
        )?;
        load(tx, seminar_id)?.view(tx)
    })
}
