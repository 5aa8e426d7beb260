//! Invitations (邀约): one store invited to one seminar, naming who comes and the inviter who
//! owns it. A walk-in is an invitation created at the door.

mod batch;
mod transition;

pub use batch::who_comes;
pub use batch::{
    create_many, new_batch, undo_batch, BatchInput, BatchKept, BatchUndo, InvitationBatch,
    InvitationBatchResult, KeptReason, SkipReason, SkippedStore,
};
pub use transition::{allowed, moves, transition, Change};

use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::contact::ContactRole;
use crate::error::{found, invalid, Error, Result, Thing};
use crate::input::SeminarScope;
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
    pub const ALL: [InvitationStatus; 4] = [
        InvitationStatus::Invited,
        InvitationStatus::Confirmed,
        InvitationStatus::Declined,
        InvitationStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Invited => "invited",
            InvitationStatus::Confirmed => "confirmed",
            InvitationStatus::Declined => "declined",
            InvitationStatus::Cancelled => "cancelled",
        }
    }
    /// The status as the organizer reads it (zh, en).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            InvitationStatus::Invited => ("已邀约", "invited"),
            InvitationStatus::Confirmed => ("已确认", "confirmed"),
            InvitationStatus::Declined => ("已拒绝", "declined"),
            InvitationStatus::Cancelled => ("已取消", "cancelled"),
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
    /// A guest of the store checked in (and the check-in was not undone).
    pub arrived: bool,
    /// The live tickets of its guests.
    pub tickets: Vec<InvitationTicket>,
}

/// A guest's live ticket.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct InvitationTicket {
    pub contact_id: i64,
    pub contact_name: String,
    pub code: String,
}

/// Which invitations of a seminar to list (all of them when only the seminar is given).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct InvitationQuery {
    pub seminar_id: i64,
    #[serde(default)]
    pub status: Option<InvitationStatus>,
    #[serde(default)]
    pub inviter_id: Option<i64>,
    /// Part of the store's or a guest's name, or the last 4 digits of a guest's phone.
    #[serde(default)]
    pub q: Option<String>,
}

impl From<SeminarScope> for InvitationQuery {
    fn from(scope: SeminarScope) -> InvitationQuery {
        InvitationQuery {
            seminar_id: scope.seminar_id,
            ..Default::default()
        }
    }
}

/// What the organizer can change on an invitation: who comes, the inviter, the note.
#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct InvitationUpdate {
    pub id: i64,
    pub contact_ids: Vec<i64>,
    #[serde(default)]
    pub inviter_id: Option<i64>,
    #[serde(default)]
    pub note: String,
}

/// One status for several invitations of a seminar, all or nothing.
#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct InvitationBulkStatus {
    pub seminar_id: i64,
    pub ids: Vec<i64>,
    pub status: InvitationStatus,
    #[serde(default)]
    pub decline_reason: String,
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

const SELECT: &str =
    "SELECT i.id, i.seminar_id, i.store_id, s.name, i.inviter_id, f.name, i.status, i.walk_in,
        i.decline_reason, i.note, i.created_at,
        EXISTS (SELECT 1 FROM checkins k WHERE k.invitation_id = i.id AND k.undone_at IS NULL)
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
        arrived: r.get(11)?,
        tickets: Vec::new(),
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

fn tickets(conn: &Connection, invitation_id: i64) -> Result<Vec<InvitationTicket>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.contact_id, c.name, t.code FROM tickets t
         JOIN invitation_guests g ON g.invitation_id = t.invitation_id AND g.contact_id = t.contact_id
         JOIN contacts c ON c.id = t.contact_id
         WHERE t.invitation_id = ?1 AND t.revoked_at IS NULL ORDER BY t.contact_id, t.id",
    )?;
    let rows = stmt
        .query_map([invitation_id], |r| {
            Ok(InvitationTicket {
                contact_id: r.get(0)?,
                contact_name: r.get(1)?,
                code: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Adds what the row does not hold: the guests and their live tickets.
fn complete(conn: &Connection, mut inv: Invitation) -> Result<Invitation> {
    inv.guests = guests(conn, inv.id)?;
    inv.tickets = tickets(conn, inv.id)?;
    Ok(inv)
}

pub fn get_in(conn: &Connection, id: i64) -> Result<Invitation> {
    let inv = found(
        conn.query_row(&format!("{SELECT} WHERE i.id = ?1"), [id], from_row),
        Thing::Invitation,
        id,
    )?;
    complete(conn, inv)
}

/// A seminar's invitations, filtered by status, inviter, and a store name, guest name or the
/// last 4 digits of a guest's phone.
pub fn list(app: &App, q: InvitationQuery) -> Result<Vec<Invitation>> {
    let conn = app.db.conn();
    seminar::get_in(&conn, q.seminar_id)?;
    let text =
        q.q.as_deref()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty());
    let last4 = text
        .as_deref()
        .filter(|t| t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()));
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE i.seminar_id = ?1 AND (?2 IS NULL OR i.status = ?2)
           AND (?3 IS NULL OR i.inviter_id = ?3)
           AND (?4 IS NULL OR instr(lower(s.name), ?4) > 0 OR EXISTS (
                SELECT 1 FROM invitation_guests g JOIN contacts c ON c.id = g.contact_id
                WHERE g.invitation_id = i.id
                  AND (instr(lower(c.name), ?4) > 0 OR (?5 IS NOT NULL AND c.phone LIKE '%' || ?5))))
         ORDER BY i.id"
    ))?;
    let rows: Vec<Invitation> = stmt
        .query_map(
            params![
                q.seminar_id,
                q.status.map(InvitationStatus::as_str),
                q.inviter_id,
                text,
                last4
            ],
            from_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|inv| complete(&conn, inv)).collect()
}

/// Checks the people an invitation names: at least one, all of the store.
fn check_guests(conn: &Connection, store_id: i64, contact_ids: &[i64]) -> Result<()> {
    if contact_ids.is_empty() {
        return Err(invalid(
            "contact_ids",
            "请至少选择一位来参会的人（建议邀请管钱的老板娘）。",
            "Choose at least one person who comes (invite the one who holds the money, often the owner's spouse).",
        ));
    }
    for &cid in contact_ids {
        let c = contact::get_in(conn, cid)?;
        if !contact::belongs_to(conn, cid, store_id)? {
            return Err(invalid(
                "contact_ids",
                format!("联系人 {} 不属于该门店。", c.name),
                format!("Contact {} does not belong to this store.", c.name),
            ));
        }
    }
    Ok(())
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
    check_guests(conn, input.store_id, &input.contact_ids)?;
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

/// Where an invitation made in bulk comes from: the batch it can be undone with, and the cadence
/// steps (JSON) of its segment's template when the segment carries one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    pub batch: Option<&'a str>,
    pub cadence: Option<&'a str>,
}

/// Writes a new invitation as invited and schedules its sequence; a walk-in (at the door) is
/// then confirmed through [`transition`], its guests ticketed.
pub fn create_in(conn: &Connection, input: &InvitationInput, now: &str) -> Result<i64> {
    create_from(conn, input, Origin::default(), now)
}

/// [`create_in`] for an invitation made in a batch, or following its segment's own cadence.
pub fn create_from(
    conn: &Connection,
    input: &InvitationInput,
    origin: Origin,
    now: &str,
) -> Result<i64> {
    let id = insert(conn, input, InvitationStatus::Invited, now)?;
    if origin.batch.is_some() || origin.cadence.is_some() {
        conn.prepare_cached("UPDATE invitations SET batch = ?2, cadence = ?3 WHERE id = ?1")?
            .execute(params![id, origin.batch, origin.cadence])?;
    }
    if input.walk_in {
        let change = Change::Status {
            to: InvitationStatus::Confirmed,
            reason: "",
        };
        transition(conn, id, change, now)?;
    } else {
        crate::cadence::schedule(conn, id, now)?;
    }
    Ok(id)
}

pub fn create(app: &App, input: InvitationInput) -> Result<Invitation> {
    let now = app.now_str();
    app.db.write(|tx| {
        let id = create_in(tx, &input, &now)?;
        get_in(tx, id)
    })
}

fn reason(text: &str) -> Result<String> {
    validate::optional_text("decline_reason", ("拒绝原因", "reason"), text, 500)
}

/// Confirms, declines, cancels or re-invites one invitation (the rules of [`transition`]).
pub fn set_status(app: &App, input: InvitationStatusChange) -> Result<Invitation> {
    let reason = reason(&input.decline_reason)?;
    let now = app.now_str();
    app.db.write(|tx| {
        let change = Change::Status {
            to: input.status,
            reason: &reason,
        };
        transition(tx, input.id, change, &now)?;
        get_in(tx, input.id)
    })
}

/// One status for several invitations of a seminar: all change, or none (the error names the
/// store that could not).
pub fn bulk_status(app: &App, input: InvitationBulkStatus) -> Result<Vec<Invitation>> {
    let reason = reason(&input.decline_reason)?;
    if input.ids.is_empty() || input.ids.len() > 5000 {
        return Err(invalid(
            "ids",
            "请选择 1 到 5000 条邀约。",
            "Choose between 1 and 5,000 invitations.",
        ));
    }
    let mut ids = input.ids.clone();
    ids.sort_unstable();
    ids.dedup();
    let now = app.now_str();
    app.db.write(|tx| {
        seminar::get_in(tx, input.seminar_id)?;
        let mut out = Vec::with_capacity(ids.len());
        for &id in &ids {
            let inv = get_in(tx, id).map_err(|_| not_of_seminar(id))?;
            if inv.seminar_id != input.seminar_id {
                return Err(not_of_seminar(id));
            }
            let change = Change::Status {
                to: input.status,
                reason: &reason,
            };
            transition(tx, id, change, &now)?;
            out.push(get_in(tx, id)?);
        }
        Ok(out)
    })
}

fn not_of_seminar(id: i64) -> Error {
    invalid(
        "ids",
        format!("邀约（编号 {id}）不是这场会销的。"),
        format!("Invitation {id} is not one of this seminar's."),
    )
}

/// Changes who comes, the inviter and the note. On a confirmed invitation, added guests get
/// tickets; a removed guest's tickets are cancelled and their seat freed. A guest who has
/// checked in cannot be removed.
pub fn update(app: &App, input: InvitationUpdate) -> Result<Invitation> {
    let note = validate::optional_text("note", ("备注", "note"), &input.note, 2000)?;
    let now = app.now_str();
    app.db.write(|tx| {
        let before = get_in(tx, input.id)?;
        if let Some(id) = input.inviter_id {
            staff::require_role(tx, id, StaffRole::Inviter, "inviter_id")?;
        }
        check_guests(tx, before.store_id, &input.contact_ids)?;
        for g in before
            .guests
            .iter()
            .filter(|g| !input.contact_ids.contains(&g.contact_id))
        {
            let arrived: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM checkins WHERE invitation_id = ?1 AND contact_id = ?2
                   AND undone_at IS NULL)",
                [input.id, g.contact_id],
                |r| r.get(0),
            )?;
            if arrived {
                return Err(invalid(
                    "contact_ids",
                    format!("{}已经签到，不能从邀约中移除：请先撤销签到。", g.name),
                    format!("{} has checked in and cannot be removed from the invitation: undo the check-in first.", g.name),
                ));
            }
            tx.execute(
                "DELETE FROM invitation_guests WHERE invitation_id = ?1 AND contact_id = ?2",
                [input.id, g.contact_id],
            )?;
            tx.execute(
                "DELETE FROM seat_assignments WHERE invitation_id = ?1 AND contact_id = ?2",
                [input.id, g.contact_id],
            )?;
            crate::ticket::revoke_for_invitation(tx, input.id, Some(g.contact_id), &now)?;
        }
        let mut add = tx.prepare_cached(
            "INSERT OR IGNORE INTO invitation_guests (invitation_id, contact_id) VALUES (?1, ?2)",
        )?;
        for &cid in &input.contact_ids {
            add.execute([input.id, cid])?;
        }
        tx.execute(
            "UPDATE invitations SET inviter_id = ?2, note = ?3 WHERE id = ?1",
            params![input.id, input.inviter_id, note],
        )?;
        if before.status == InvitationStatus::Confirmed {
            crate::ticket::issue_for_guests(tx, input.id, &now)?;
        }
        get_in(tx, input.id)
    })
}
