//! Inviting many stores at once: the app chooses who comes (the one who holds the money), and
//! stores already invited or without anyone to invite are skipped, not refused. The invitations
//! made together share a batch id, and the batch can be taken back ([`undo_batch`]) as long as
//! nothing has happened to them yet.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::{create_from, get_in, Invitation, InvitationInput, Origin};
use crate::app::App;
use crate::error::{invalid, Result};
use crate::i18n::Lang;
use crate::replica::clash::{self, Held};
use crate::staff::{self, StaffRole};
use crate::{seminar, store};

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct InvitationBatch {
    pub seminar_id: i64,
    pub store_ids: Vec<i64>,
    #[serde(default)]
    pub inviter_id: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The store is already invited to this seminar.
    AlreadyInvited,
    /// The store has no contact to invite.
    NoContact,
    /// Another laptop invited the store to a seminar whose attribution window overlaps this one's
    /// (head office said so when asked; `held_by` names the laptop and the seminar).
    HeldByOtherLaptop,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct SkippedStore {
    pub store_id: i64,
    pub store_name: String,
    pub reason: SkipReason,
    /// For `held_by_other_laptop`: who holds the store and for which seminar, in words.
    pub held_by: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct InvitationBatchResult {
    pub created: Vec<Invitation>,
    pub skipped: Vec<SkippedStore>,
    /// The batch the created invitations share, to undo them with (null when none was created).
    pub batch: Option<String>,
}

/// Who comes from a store: the owner's spouse (who usually holds the money), else the owner,
/// else its first contact. Erased contacts are never chosen.
pub fn who_comes(conn: &Connection, store_id: i64) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT c.id FROM store_contacts sc JOIN contacts c ON c.id = sc.contact_id
             WHERE sc.store_id = ?1 AND c.erased_at IS NULL
             ORDER BY CASE sc.role WHEN 'owner_spouse' THEN 0 WHEN 'owner' THEN 1 ELSE 2 END, c.id
             LIMIT 1",
        )?
        .query_row([store_id], |r| r.get(0))
        .optional()?)
}

/// Invites each store once, in one transaction; a store another laptop holds for an overlapping
/// seminar (`held`, head office's answer, empty when it was not asked) is skipped with who holds it,
/// said in `lang`.
pub fn create_many(
    app: &App,
    input: InvitationBatch,
    held: &Held,
    lang: Lang,
) -> Result<InvitationBatchResult> {
    if input.store_ids.is_empty() || input.store_ids.len() > 5000 {
        return Err(invalid(
            "store_ids",
            "请选择 1 到 5000 家门店。",
            "Choose between 1 and 5,000 stores.",
        ));
    }
    let now = app.now_str();
    app.db.write(|tx| {
        seminar::get_in(tx, input.seminar_id)?;
        if let Some(id) = input.inviter_id {
            staff::require_role(tx, id, StaffRole::Inviter, "inviter_id")?;
        }
        let mut seen = std::collections::HashSet::new();
        let holders = clash::held_stores(tx, held, input.seminar_id)?;
        let batch = new_batch(tx)?;
        let mut out = InvitationBatchResult {
            created: Vec::new(),
            skipped: Vec::new(),
            batch: None,
        };
        for &store_id in input.store_ids.iter().filter(|&&id| seen.insert(id)) {
            let store = store::get_in(tx, store_id).map_err(|_| {
                invalid(
                    "store_ids",
                    format!("门店（编号 {store_id}）不存在，没有邀请任何门店。"),
                    format!("There is no store with id {store_id}; no store was invited."),
                )
            })?;
            let invited: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM invitations WHERE seminar_id = ?1 AND store_id = ?2)",
                [input.seminar_id, store_id],
                |r| r.get(0),
            )?;
            let skip = |reason| SkippedStore {
                store_id,
                store_name: store.name.clone(),
                reason,
                held_by: None,
            };
            if invited {
                out.skipped.push(skip(SkipReason::AlreadyInvited));
                continue;
            }
            if let Some(holder) = holders.get(&store_id) {
                out.skipped.push(SkippedStore {
                    held_by: Some(clash::refusal(&store.name, holder).message(lang)),
                    ..skip(SkipReason::HeldByOtherLaptop)
                });
                continue;
            }
            let Some(contact) = who_comes(tx, store_id)? else {
                out.skipped.push(skip(SkipReason::NoContact));
                continue;
            };
            let one = InvitationInput {
                seminar_id: input.seminar_id,
                store_id,
                inviter_id: input.inviter_id,
                contact_ids: vec![contact],
                walk_in: false,
                note: String::new(),
            };
            let origin = Origin {
                batch: Some(&batch),
                cadence: None,
            };
            let id = create_from(tx, &one, origin, &now)?;
            out.created.push(get_in(tx, id)?);
        }
        if !out.created.is_empty() {
            out.batch = Some(batch);
        }
        Ok(out)
    })
}

/// A new batch id: a UUIDv7, like the organisation-wide ids (a batch made on one laptop can be
/// told apart from another's once the invitations travel).
pub fn new_batch(conn: &Connection) -> Result<String> {
    Ok(conn.query_row(
        &format!("SELECT {}", crate::replica::capture::NEW_GID),
        [],
        |r| r.get(0),
    )?)
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct BatchInput {
    pub batch: String,
}

/// Why an invitation of a batch was not taken back: something has happened to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeptReason {
    /// Confirmed, declined or cancelled since (a guest answered, or the organizer decided).
    StatusChanged,
    /// A ticket was issued to a guest (even if later revoked: it may have been sent).
    Ticketed,
    /// A guest checked in or has a seat.
    Arrived,
    /// An inviter recorded a touch (a call, a message, a visit), whatever its outcome.
    Touched,
}

/// An invitation of the batch that stays.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct BatchKept {
    pub invitation_id: i64,
    pub store_name: String,
    pub reason: KeptReason,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct BatchUndo {
    pub batch: String,
    /// Invitations taken back (deleted with their scheduled touches).
    pub undone: i64,
    /// Invitations that stay, each with why.
    pub kept: Vec<BatchKept>,
}

/// Takes back, in one transaction, the invitations of a batch that nothing has happened to:
/// still "invited", no ticket ever issued, nobody checked in or seated, no touch recorded (only
/// the touches the cadence scheduled, not yet done). They are deleted as if never made, with
/// their scheduled touches; the others stay, and the answer says which and why.
pub fn undo_batch(app: &App, input: BatchInput) -> Result<BatchUndo> {
    let batch = input.batch.trim().to_string();
    app.db.write(|tx| {
        let rows: Vec<(i64, String, String, bool, bool, bool)> = tx
            .prepare(
                "SELECT i.id, s.name, i.status,
                    EXISTS (SELECT 1 FROM tickets k WHERE k.invitation_id = i.id),
                    EXISTS (SELECT 1 FROM checkins k WHERE k.invitation_id = i.id)
                      OR EXISTS (SELECT 1 FROM seat_assignments a WHERE a.invitation_id = i.id),
                    EXISTS (SELECT 1 FROM touches t WHERE t.invitation_id = i.id AND t.done_at IS NOT NULL)
                 FROM invitations i JOIN stores s ON s.id = i.store_id
                 WHERE i.batch = ?1 ORDER BY i.id",
            )?
            .query_map([&batch], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        if rows.is_empty() {
            return Err(invalid(
                "batch",
                "没有这批邀约：它可能已经撤销过了。",
                "There is no such batch of invitations: it may have been undone already.",
            ));
        }
        let mut out = BatchUndo {
            batch: batch.clone(),
            undone: 0,
            kept: Vec::new(),
        };
        let mut delete = tx.prepare_cached("DELETE FROM invitations WHERE id = ?1")?;
        for (id, store_name, status, ticketed, arrived, touched) in rows {
            let reason = if status != "invited" {
                Some(KeptReason::StatusChanged)
            } else if ticketed {
                Some(KeptReason::Ticketed)
            } else if arrived {
                Some(KeptReason::Arrived)
            } else if touched {
                Some(KeptReason::Touched)
            } else {
                None
            };
            match reason {
                Some(reason) => out.kept.push(BatchKept {
                    invitation_id: id,
                    store_name,
                    reason,
                }),
                None => {
                    delete.execute([id])?;
                    out.undone += 1;
                }
            }
        }
        Ok(out)
    })
}
