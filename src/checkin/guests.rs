//! The guests a station expects and finds: the roster for an offline station (codes as SHA-256,
//! phones as their last four digits) and the search at the door.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use utoipa::ToSchema;

use super::lookup::ticket_to_seat;
use crate::app::App;
use crate::caller::Caller;
use crate::contact::ContactRole;
use crate::error::Result;
use crate::input::SeminarScope;
use crate::seminar;

/// A guest as the door and the boards see them. Phones only as their last four digits.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct DoorGuest {
    pub ticket_id: i64,
    /// SHA-256 (hex) of the ticket code: an offline station checks a scanned code against it
    /// without holding the codes themselves.
    pub code_sha256: String,
    pub guest: Option<String>,
    pub role: Option<ContactRole>,
    pub store: String,
    pub phone_last4: Option<String>,
    pub table: Option<i64>,
    pub assistant: Option<String>,
    pub inviter: Option<String>,
    pub walk_in: bool,
    pub checkin_id: Option<i64>,
    pub checked_in_at: Option<String>,
    pub station: Option<String>,
}

const GUESTS: &str = concat!(
    "SELECT t.id, t.code, c.name, c.role, s.name, c.phone, v.number, f.name, g.name,
        i.walk_in, k.id, k.at, k.station ",
    ticket_to_seat!(),
    "
    LEFT JOIN staff g ON g.id = i.inviter_id
    LEFT JOIN checkins k ON k.ticket_id = t.id AND k.undone_at IS NULL
    WHERE i.seminar_id = ?1 AND t.revoked_at IS NULL AND i.status = 'confirmed'"
);

fn guest_row(r: &rusqlite::Row) -> rusqlite::Result<DoorGuest> {
    let code: String = r.get(1)?;
    let role: Option<String> = r.get(3)?;
    let phone: Option<String> = r.get(5)?;
    Ok(DoorGuest {
        ticket_id: r.get(0)?,
        code_sha256: code_sha256(&code),
        guest: r.get(2)?,
        role: role.as_deref().and_then(ContactRole::parse),
        store: r.get(4)?,
        phone_last4: phone.map(|p| {
            let d: Vec<char> = p.chars().filter(char::is_ascii_digit).collect();
            d[d.len().saturating_sub(4)..].iter().collect()
        }),
        table: r.get(6)?,
        assistant: r.get(7)?,
        inviter: r.get(8)?,
        walk_in: r.get(9)?,
        checkin_id: r.get(10)?,
        checked_in_at: r.get(11)?,
        station: r.get(12)?,
    })
}

/// SHA-256 of a ticket code, hex.
pub fn code_sha256(code: &str) -> String {
    Sha256::digest(code.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every expected guest (a valid ticket of a confirmed invitation), for an offline station.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Roster {
    pub seminar_id: i64,
    pub seminar_title: String,
    pub timezone: String,
    pub generated_at: String,
    pub guests: Vec<DoorGuest>,
}

pub fn roster(app: &App, caller: &Caller, scope: SeminarScope) -> Result<Roster> {
    caller.check_seminar(scope.seminar_id)?;
    let conn = app.db.conn();
    let s = seminar::get_in(&conn, scope.seminar_id)?;
    let guests = conn
        .prepare_cached(&format!("{GUESTS} ORDER BY s.name, t.id"))?
        .query_map([scope.seminar_id], guest_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Roster {
        seminar_id: s.id,
        seminar_title: s.title,
        timezone: s.timezone,
        generated_at: app.now_str(),
        guests,
    })
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct SearchInput {
    pub seminar_id: i64,
    /// A name, a store, or the last 4 digits of the phone.
    pub q: String,
}

/// Finds guests at the door by name, store or the phone's last four digits (20 at most).
pub fn search(app: &App, caller: &Caller, input: SearchInput) -> Result<Vec<DoorGuest>> {
    caller.check_seminar(input.seminar_id)?;
    let q = input.q.trim();
    if q.is_empty() {
        return Ok(vec![]);
    }
    let conn = app.db.conn();
    seminar::get_in(&conn, input.seminar_id)?;
    let like = format!("%{}%", q.replace(['%', '_'], ""));
    let digits = q.len() == 4 && q.chars().all(|c| c.is_ascii_digit());
    let sql = if digits {
        format!("{GUESTS} AND c.phone LIKE '%' || ?2 ORDER BY s.name LIMIT 20")
    } else {
        format!("{GUESTS} AND (c.name LIKE ?2 OR s.name LIKE ?2) ORDER BY k.id IS NOT NULL, s.name LIMIT 20")
    };
    let arg = if digits { q.to_owned() } else { like };
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params![input.seminar_id, arg], guest_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
