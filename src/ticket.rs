//! Ticket codes (票码): unforgeable (128 bits from the OS's random source, checked against the
//! database), of digits and upper-case letters only so they survive any keyboard layout and
//! encode in QR alphanumeric mode.

use rand::RngCore;
use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::Result;
use crate::invitation::SeminarScope;
use crate::seminar;

/// Crockford's base-32 alphabet: no I, L, O, U, so codes read aloud without confusion.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A fresh code: 128 random bits as 26 base-32 characters.
pub fn new_code() -> String {
    code_from_rng(&mut rand::rng())
}

/// A code from the given random source: 128 bits as 26 base-32 characters. [`new_code`] uses the
/// OS's source; the demo data uses a seeded one so that it is reproducible.
pub fn code_from_rng(rng: &mut impl RngCore) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    let mut n = u128::from_be_bytes(bytes);
    let mut out = [0u8; 26];
    for c in out.iter_mut().rev() {
        *c = ALPHABET[(n & 31) as usize];
        n >>= 5;
    }
    String::from_utf8(out.to_vec()).expect("ascii")
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Ticket {
    pub id: i64,
    pub code: String,
    pub invitation_id: i64,
    pub store_id: i64,
    pub store_name: String,
    pub contact_id: Option<i64>,
    pub guest_name: Option<String>,
    pub issued_at: String,
    pub revoked: bool,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct TicketQuery {
    pub seminar_id: i64,
}

fn from_row(r: &Row) -> rusqlite::Result<Ticket> {
    Ok(Ticket {
        id: r.get(0)?,
        code: r.get(1)?,
        invitation_id: r.get(2)?,
        store_id: r.get(3)?,
        store_name: r.get(4)?,
        contact_id: r.get(5)?,
        guest_name: r.get(6)?,
        issued_at: r.get(7)?,
        revoked: r.get(8)?,
    })
}

pub fn list(app: &App, scope: SeminarScope) -> Result<Vec<Ticket>> {
    let conn = app.db.conn();
    seminar::get_in(&conn, scope.seminar_id)?;
    let mut stmt = conn.prepare(
        "SELECT t.id, t.code, t.invitation_id, i.store_id, s.name, t.contact_id, c.name, t.issued_at,
                t.revoked_at IS NOT NULL
         FROM tickets t JOIN invitations i ON i.id = t.invitation_id JOIN stores s ON s.id = i.store_id
         LEFT JOIN contacts c ON c.id = t.contact_id
         WHERE i.seminar_id = ?1 ORDER BY t.id",
    )?;
    let rows = stmt
        .query_map([scope.seminar_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Issues a ticket for one guest of an invitation, inside the caller's transaction.
pub fn issue(
    conn: &Connection,
    invitation_id: i64,
    contact_id: Option<i64>,
    issued_at: &str,
) -> Result<String> {
    let code = new_code();
    insert_code(conn, invitation_id, contact_id, &code, issued_at)?;
    Ok(code)
}

/// Writes a ticket with a code made by the caller (e.g. from [`code_from_rng`]); returns its id.
pub fn insert_code(
    conn: &Connection,
    invitation_id: i64,
    contact_id: Option<i64>,
    code: &str,
    issued_at: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO tickets (invitation_id, contact_id, code, issued_at) VALUES (?1, ?2, ?3, ?4)",
        params![invitation_id, contact_id, code, issued_at],
    )?;
    Ok(conn.last_insert_rowid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_26_unambiguous_characters_and_distinct() {
        let a = new_code();
        let b = new_code();
        assert_eq!(a.len(), 26);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)), "{a}");
        assert_ne!(a, b);
    }
}
