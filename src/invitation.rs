//! Invitations (邀约): one store invited to one seminar, naming who comes and the inviter who
//! owns it. A walk-in is an invitation created at the door.

use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::contact::ContactRole;
use crate::error::{found, invalid, Error, Result, Thing};
use crate::staff::{self, StaffRole};
use crate::{contact, seminar, store, validate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Invited,
    Confirmed,
    Declined,
    Cancelled,
}

impl InvitationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Invited => "invited",
            InvitationStatus::Confirmed => "confirmed",
            InvitationStatus::Declined => "declined",
            InvitationStatus::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<InvitationStatus> {
        match s {
            "invited" => Some(InvitationStatus::Invited),
            "confirmed" => Some(InvitationStatus::Confirmed),
            "declined" => Some(InvitationStatus::Declined),
            "cancelled" => Some(InvitationStatus::Cancelled),
            _ => None,
        }
    }
}

/// A person the invitation names, with their role in the store.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Guest {
    pub contact_id: i64,
    pub name: String,
    pub role: ContactRole,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Invitation {
    pub id: i64,
    pub seminar_id: i64,
    pub store_id: i64,
    pub store_name: String,
    pub inviter_id: Option<i64>,
    pub inviter_name: Option<String>,
    pub status: InvitationStatus,
    pub walk_in: bool,
    pub guests: Vec<Guest>,
    pub decline_reason: String,
    pub note: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct InvitationInput {
    pub seminar_id: i64,
    pub store_id: i64,
    #[serde(default)]
    pub inviter_id: Option<i64>,
    /// The store's contacts who come; at least one.
    pub contact_ids: Vec<i64>,
    #[serde(default)]
    pub walk_in: bool,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct InvitationStatusChange {
    pub id: i64,
    pub status: InvitationStatus,
    #[serde(default)]
    pub decline_reason: String,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct SeminarScope {
    pub seminar_id: i64,
}

const SELECT: &str =
    "SELECT i.id, i.seminar_id, i.store_id, s.name, i.inviter_id, f.name, i.status, i.walk_in,
        i.decline_reason, i.note, i.created_at
    FROM invitations i JOIN stores s ON s.id = i.store_id LEFT JOIN staff f ON f.id = i.inviter_id";

fn from_row(r: &Row) -> rusqlite::Result<Invitation> {
    let status: String = r.get(6)?;
    Ok(Invitation {
        id: r.get(0)?,
        seminar_id: r.get(1)?,
        store_id: r.get(2)?,
        store_name: r.get(3)?,
        inviter_id: r.get(4)?,
        inviter_name: r.get(5)?,
        status: InvitationStatus::parse(&status).unwrap_or(InvitationStatus::Invited),
        walk_in: r.get(7)?,
        guests: Vec::new(),
        decline_reason: r.get(8)?,
        note: r.get(9)?,
        created_at: r.get(10)?,
    })
}

fn guests(conn: &Connection, invitation_id: i64) -> Result<Vec<Guest>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.name, c.role FROM invitation_guests g JOIN contacts c ON c.id = g.contact_id
         WHERE g.invitation_id = ?1 ORDER BY c.id",
    )?;
    let rows = stmt
        .query_map([invitation_id], |r| {
            let role: String = r.get(2)?;
            Ok(Guest {
                contact_id: r.get(0)?,
                name: r.get(1)?,
                role: ContactRole::parse(&role).unwrap_or(ContactRole::Staff),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn get_in(conn: &Connection, id: i64) -> Result<Invitation> {
    let mut inv = found(
        conn.query_row(&format!("{SELECT} WHERE i.id = ?1"), [id], from_row),
        Thing::Invitation,
        id,
    )?;
    inv.guests = guests(conn, id)?;
    Ok(inv)
}

pub fn list(app: &App, scope: SeminarScope) -> Result<Vec<Invitation>> {
    let conn = app.db.conn();
    seminar::get_in(&conn, scope.seminar_id)?;
    let mut stmt = conn.prepare(&format!("{SELECT} WHERE i.seminar_id = ?1 ORDER BY i.id"))?;
    let mut rows: Vec<Invitation> = stmt
        .query_map([scope.seminar_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    for inv in &mut rows {
        inv.guests = guests(&conn, inv.id)?;
    }
    Ok(rows)
}

/// Validates and writes one invitation inside the caller's transaction.
pub fn insert(
    conn: &Connection,
    input: &InvitationInput,
    status: InvitationStatus,
    created_at: &str,
) -> Result<i64> {
    seminar::get_in(conn, input.seminar_id)?;
    store::get_in(conn, input.store_id).map_err(|_| {
        invalid(
            "store_id",
            format!("门店（编号 {}）不存在。", input.store_id),
            format!("There is no store with id {}.", input.store_id),
        )
    })?;
    if let Some(id) = input.inviter_id {
        staff::require_role(conn, id, StaffRole::Inviter, "inviter_id")?;
    }
    if input.contact_ids.is_empty() {
        return Err(invalid(
            "contact_ids",
            "请至少选择一位来参会的人（建议邀请管钱的老板娘）。",
            "Choose at least one person who comes (invite the one who holds the money, often the owner's spouse).",
        ));
    }
    for &cid in &input.contact_ids {
        let c = contact::get_in(conn, cid)?;
        if c.store_id != input.store_id {
            return Err(invalid(
                "contact_ids",
                format!("联系人 {} 不属于该门店。", c.name),
                format!("Contact {} does not belong to this store.", c.name),
            ));
        }
    }
    let note = validate::optional_text("note", ("备注", "note"), &input.note, 2000)?;
    let inserted = conn.execute(
        "INSERT INTO invitations (seminar_id, store_id, inviter_id, status, walk_in, note, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (seminar_id, store_id) DO NOTHING",
        params![input.seminar_id, input.store_id, input.inviter_id, status.as_str(), input.walk_in, note, created_at],
    )?;
    if inserted == 0 {
        return Err(Error::Conflict {
            zh: "该门店已被邀请参加这场会销。".into(),
            en: "This store is already invited to this seminar.".into(),
        });
    }
    let id = conn.last_insert_rowid();
    let mut add = conn.prepare_cached(
        "INSERT OR IGNORE INTO invitation_guests (invitation_id, contact_id) VALUES (?1, ?2)",
    )?;
    for cid in &input.contact_ids {
        add.execute([id, *cid])?;
    }
    Ok(id)
}

pub fn create(app: &App, input: InvitationInput) -> Result<Invitation> {
    let now = app.now_str();
    app.db.write(|tx| {
        // Walk-ins come to the door: they count as confirmed.
        let status = if input.walk_in {
            InvitationStatus::Confirmed
        } else {
            InvitationStatus::Invited
        };
        let id = insert(tx, &input, status, &now)?;
        crate::cadence::schedule(tx, id, &now)?;
        get_in(tx, id)
    })
}

pub fn set_status(app: &App, input: InvitationStatusChange) -> Result<Invitation> {
    let reason = validate::optional_text(
        "decline_reason",
        ("拒绝原因", "reason"),
        &input.decline_reason,
        500,
    )?;
    let now = app.now_str();
    app.db.write(|tx| {
        let before = get_in(tx, input.id)?;
        tx.execute(
            "UPDATE invitations SET status = ?2, decline_reason = ?3 WHERE id = ?1",
            params![input.id, input.status.as_str(), reason],
        )?;
        // The sequence follows: confirming issues tickets, declining ends the touches.
        if before.status != input.status {
            crate::cadence::on_status(tx, input.id, input.status, &now)?;
        }
        get_in(tx, input.id)
    })
}
