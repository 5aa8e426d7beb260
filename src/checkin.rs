//! Check-ins (签到): a person of an invited store arrived. The door screen comes later; the record
//! and its listing are here.

use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::Result;
use crate::invitation::SeminarScope;
use crate::seminar;

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct CheckIn {
    pub id: i64,
    pub invitation_id: i64,
    pub store_name: String,
    pub contact_id: Option<i64>,
    pub guest_name: Option<String>,
    pub at: String,
    pub station: String,
    pub companions: i64,
}

pub fn list(app: &App, scope: SeminarScope) -> Result<Vec<CheckIn>> {
    let conn = app.db.conn();
    seminar::get_in(&conn, scope.seminar_id)?;
    let mut stmt = conn.prepare(
        "SELECT k.id, k.invitation_id, s.name, k.contact_id, c.name, k.at, k.station, k.companions
         FROM checkins k JOIN invitations i ON i.id = k.invitation_id JOIN stores s ON s.id = i.store_id
         LEFT JOIN contacts c ON c.id = k.contact_id
         WHERE i.seminar_id = ?1 AND k.undone_at IS NULL ORDER BY k.at, k.id",
    )?;
    let rows = stmt
        .query_map([scope.seminar_id], |r| {
            Ok(CheckIn {
                id: r.get(0)?,
                invitation_id: r.get(1)?,
                store_name: r.get(2)?,
                contact_id: r.get(3)?,
                guest_name: r.get(4)?,
                at: r.get(5)?,
                station: r.get(6)?,
                companions: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Records an arrival inside the caller's transaction.
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
    Ok(conn.last_insert_rowid())
}
