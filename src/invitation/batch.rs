//! Inviting many stores at once: the app chooses who comes (the one who holds the money), and
//! stores already invited or without anyone to invite are skipped, not refused.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::{create_in, get_in, Invitation, InvitationInput};
use crate::app::App;
use crate::error::{invalid, Result};
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
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct SkippedStore {
    pub store_id: i64,
    pub store_name: String,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct InvitationBatchResult {
    pub created: Vec<Invitation>,
    pub skipped: Vec<SkippedStore>,
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

/// Invites each store once, in one transaction.
pub fn create_many(app: &App, input: InvitationBatch) -> Result<InvitationBatchResult> {
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
        let mut out = InvitationBatchResult {
            created: Vec::new(),
            skipped: Vec::new(),
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
            };
            if invited {
                out.skipped.push(skip(SkipReason::AlreadyInvited));
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
            let id = create_in(tx, &one, &now)?;
            out.created.push(get_in(tx, id)?);
        }
        Ok(out)
    })
}
