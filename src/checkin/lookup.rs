//! The ticket as the door sees it, who it is for and where they sit, and its live check-in.

use rusqlite::{Connection, OptionalExtension};

use crate::contact::ContactRole;
use crate::error::{found, Result, Thing};

/// A ticket as the door sees it.
pub(super) struct Found {
    pub(super) ticket_id: i64,
    pub(super) revoked: bool,
    pub(super) invitation_id: i64,
    pub(super) status: String,
    pub(super) seminar_id: i64,
    pub(super) contact_id: Option<i64>,
}

pub(super) fn find_ticket(conn: &Connection, by: TicketRef<'_>) -> Result<Option<Found>> {
    let sql = "SELECT t.id, t.revoked_at IS NOT NULL, t.invitation_id, i.status, i.seminar_id, t.contact_id
         FROM tickets t JOIN invitations i ON i.id = t.invitation_id WHERE ";
    let map = |r: &rusqlite::Row| {
        Ok(Found {
            ticket_id: r.get(0)?,
            revoked: r.get(1)?,
            invitation_id: r.get(2)?,
            status: r.get(3)?,
            seminar_id: r.get(4)?,
            contact_id: r.get(5)?,
        })
    };
    Ok(match by {
        TicketRef::Code(c) => conn
            .prepare_cached(&format!("{sql} t.code = ?1"))?
            .query_row([c], map)
            .optional()?,
        TicketRef::Id(id) => conn
            .prepare_cached(&format!("{sql} t.id = ?1"))?
            .query_row([id], map)
            .optional()?,
    })
}

pub(super) enum TicketRef<'a> {
    Code(&'a str),
    Id(i64),
}

/// SQL from a ticket (`t`) to its invitation (`i`), store (`s`) and contact (`c`), and to the
/// guest's seat (`a`), table (`v`) and the table's assistant (`f`).
macro_rules! ticket_to_seat {
    () => {
        "FROM tickets t JOIN invitations i ON i.id = t.invitation_id
        JOIN stores s ON s.id = i.store_id
        LEFT JOIN contacts c ON c.id = t.contact_id
        LEFT JOIN seat_assignments a ON a.seminar_id = i.seminar_id AND a.contact_id = t.contact_id
        LEFT JOIN venue_tables v ON v.id = a.table_id
        LEFT JOIN staff f ON f.id = v.assistant_id"
    };
}
pub(super) use ticket_to_seat;

/// Who the ticket is for, and where they sit.
pub(super) struct Person {
    pub(super) guest: Option<String>,
    pub(super) role: Option<ContactRole>,
    pub(super) store: String,
    pub(super) table_id: Option<i64>,
    pub(super) table: Option<i64>,
    pub(super) assistant_id: Option<i64>,
    pub(super) assistant: Option<String>,
}

pub(super) fn person(conn: &Connection, ticket_id: i64) -> Result<Person> {
    let row = conn
        .prepare_cached(concat!(
            "SELECT c.name, c.role, s.name, v.id, v.number, v.assistant_id, f.name ",
            ticket_to_seat!(),
            " WHERE t.id = ?1"
        ))?
        .query_row([ticket_id], |r| {
            let role: Option<String> = r.get(1)?;
            Ok(Person {
                guest: r.get(0)?,
                role: role.as_deref().and_then(ContactRole::parse),
                store: r.get(2)?,
                table_id: r.get(3)?,
                table: r.get(4)?,
                assistant_id: r.get(5)?,
                assistant: r.get(6)?,
            })
        });
    found(row, Thing::Ticket, ticket_id)
}

/// The live check-in of a ticket: (id, at, station, companions).
pub(super) fn live_checkin(
    conn: &Connection,
    ticket_id: i64,
) -> Result<Option<(i64, String, String, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, at, station, companions FROM checkins
             WHERE ticket_id = ?1 AND undone_at IS NULL",
        )?
        .query_row([ticket_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?)
}
