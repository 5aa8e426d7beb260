//! Check-ins as recorded: the list, one written by an import or the demo, an undo, and the
//! companions who came along.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::lookup::person;
use crate::app::App;
use crate::caller::Caller;
use crate::error::{found, Error, Result, Thing};
use crate::events::Event;
use crate::input::{IdInput, SeminarScope};
use crate::invitation::{self, Change};
use crate::{seminar, validate};

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct CheckIn {
    pub id: i64,
    pub seminar_id: i64,
    pub invitation_id: i64,
    pub store_name: String,
    pub contact_id: Option<i64>,
    pub guest_name: Option<String>,
    pub at: String,
    pub station: String,
    pub companions: i64,
}

const LIST: &str =
    "SELECT k.id, i.seminar_id, k.invitation_id, s.name, k.contact_id, c.name, k.at, k.station, k.companions
     FROM checkins k JOIN invitations i ON i.id = k.invitation_id JOIN stores s ON s.id = i.store_id
     LEFT JOIN contacts c ON c.id = k.contact_id";

fn list_row(r: &rusqlite::Row) -> rusqlite::Result<CheckIn> {
    Ok(CheckIn {
        id: r.get(0)?,
        seminar_id: r.get(1)?,
        invitation_id: r.get(2)?,
        store_name: r.get(3)?,
        contact_id: r.get(4)?,
        guest_name: r.get(5)?,
        at: r.get(6)?,
        station: r.get(7)?,
        companions: r.get(8)?,
    })
}

/// One check-in by id.
fn get(conn: &Connection, id: i64) -> Result<CheckIn> {
    found(
        conn.query_row(&format!("{LIST} WHERE k.id = ?1"), [id], list_row),
        Thing::CheckIn,
        id,
    )
}

pub fn list(app: &App, scope: SeminarScope) -> Result<Vec<CheckIn>> {
    let conn = app.db.conn();
    seminar::get_in(&conn, scope.seminar_id)?;
    let mut stmt = conn.prepare(&format!(
        "{LIST} WHERE i.seminar_id = ?1 AND k.undone_at IS NULL ORDER BY k.at, k.id"
    ))?;
    let rows = stmt
        .query_map([scope.seminar_id], list_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Records an arrival inside the caller's transaction (demo data, imports): the same
/// arrival as a scan's, through [`invitation::transition`].
pub fn record(
    conn: &Connection,
    invitation_id: i64,
    ticket_id: Option<i64>,
    contact_id: Option<i64>,
    at: &str,
    station: &str,
    companions: i64,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO checkins (invitation_id, ticket_id, contact_id, at, station, companions) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![invitation_id, ticket_id, contact_id, at, station, companions],
    )?;
    let id = conn.last_insert_rowid();
    invitation::transition(conn, invitation_id, Change::Arrival, at)?;
    Ok(id)
}

/// Undoes a check-in (scanned the wrong guest): the guest counts as not arrived again.
pub fn undo(app: &App, caller: &Caller, input: IdInput) -> Result<CheckIn> {
    let now = app.now_str();
    let ev = app.db.write(|tx| {
        let (seminar_id, ticket_id, undone): (i64, Option<i64>, Option<String>) = found(
            tx.query_row(
                "SELECT i.seminar_id, k.ticket_id, k.undone_at FROM checkins k
                 JOIN invitations i ON i.id = k.invitation_id WHERE k.id = ?1",
                [input.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            ),
            Thing::CheckIn,
            input.id,
        )?;
        caller.check_seminar(seminar_id)?;
        if undone.is_some() {
            return Err(Error::Conflict {
                zh: "这次签到已经撤销过了。".into(),
                en: "This check-in was already undone.".into(),
            });
        }
        tx.execute(
            "UPDATE checkins SET undone_at = ?2 WHERE id = ?1",
            params![input.id, now],
        )?;
        let p = match ticket_id {
            Some(t) => Some(person(tx, t)?),
            None => None,
        };
        Ok(Event::Arrival {
            seminar_id,
            table_id: p.as_ref().and_then(|p| p.table_id),
            assistant_id: p.as_ref().and_then(|p| p.assistant_id),
            checkin_id: input.id,
            undone: true,
        })
    })?;
    app.events.publish(ev);
    get(&app.db.conn(), input.id)
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct CompanionsInput {
    pub id: i64,
    pub companions: i64,
}

/// Changes how many came with a checked-in guest.
pub fn set_companions(app: &App, caller: &Caller, input: CompanionsInput) -> Result<CheckIn> {
    validate::range(
        "companions",
        ("同行人数", "companions"),
        input.companions,
        0,
        20,
    )?;
    app.db.write(|tx| {
        let seminar_id: i64 = found(
            tx.query_row(
                "SELECT i.seminar_id FROM checkins k JOIN invitations i ON i.id = k.invitation_id
                 WHERE k.id = ?1 AND k.undone_at IS NULL",
                [input.id],
                |r| r.get(0),
            ),
            Thing::CheckIn,
            input.id,
        )?;
        caller.check_seminar(seminar_id)?;
        tx.execute(
            "UPDATE checkins SET companions = ?2 WHERE id = ?1",
            params![input.id, input.companions],
        )?;
        Ok(())
    })?;
    get(&app.db.conn(), input.id)
}
