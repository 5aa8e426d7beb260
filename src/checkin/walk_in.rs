//! A guest without a ticket: registered in one step, given a ticket and the best free seat, and
//! checked in.

use rusqlite::OptionalExtension;
use serde::Deserialize;
use ts_rs::TS;
use utoipa::ToSchema;

use super::scan::scan_in;
use super::{ScanInput, ScanResult, Via};
use crate::app::App;
use crate::caller::Caller;
use crate::contact::{self, ContactInput, ContactRole};
use crate::error::Result;
use crate::invitation::{self, Change, InvitationInput, InvitationStatus};
use crate::store::{self, StoreInput};
use crate::{phone, seating, seminar};

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct WalkInInput {
    pub seminar_id: i64,
    pub store_name: String,
    pub guest_name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default = "owner")]
    pub role: ContactRole,
    /// The staff member who brought them, if any (an inviter).
    #[serde(default)]
    pub inviter_id: Option<i64>,
    #[serde(default)]
    pub companions: i64,
    #[serde(default)]
    pub nonce: Option<String>,
}

fn owner() -> ContactRole {
    ContactRole::Owner
}

/// A guest without a ticket: registered in one step (the store found by phone, or created), a
/// ticket issued, the best free seat taken, and checked in.
pub fn walk_in(app: &App, caller: &Caller, input: WalkInInput) -> Result<ScanResult> {
    caller.check_seminar(input.seminar_id)?;
    let now = app.now_str();
    let (result, event) = app.db.write(|tx| {
        let s = seminar::get_in(tx, input.seminar_id)?;
        let phone = phone::parse_optional(input.phone.as_deref(), "phone")?;
        let known: Option<(i64, i64)> = match &phone {
            Some(p) => tx
                .query_row(
                    "SELECT store_id, id FROM contacts WHERE phone = ?1 ORDER BY id LIMIT 1",
                    [&p.number],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?,
            None => None,
        };
        let (store_id, contact_id) = match known {
            Some(k) => k,
            None => {
                let store_id = store::insert(
                    tx,
                    StoreInput {
                        name: input.store_name.clone(),
                        city: s.city.clone(),
                        district: String::new(),
                        address: String::new(),
                        industry: String::new(),
                        level: Default::default(),
                        key_customer: false,
                        referrer_id: None,
                        referral_commission_bp: 0,
                        // Said in the organisation's language, like every default it writes.
                        source: crate::settings::language(tx)?
                            .pick("临时到场", "walk-in")
                            .into(),
                        note: String::new(),
                    },
                    &now,
                )
                .map_err(|e| e.on_field("name", "store_name"))?;
                let contact_id = contact::insert(
                    tx,
                    store_id,
                    ContactInput {
                        name: input.guest_name.clone(),
                        role: input.role,
                        phone: phone.as_ref().map(|p| p.number.clone()),
                        opted_out: false,
                    },
                    &now,
                )
                .map_err(|e| e.on_field("name", "guest_name"))?;
                (store_id, contact_id)
            }
        };
        let invitation: Option<i64> = tx
            .query_row(
                "SELECT id FROM invitations WHERE seminar_id = ?1 AND store_id = ?2",
                [input.seminar_id, store_id],
                |r| r.get(0),
            )
            .optional()?;
        // At the door the guest is confirmed, whatever the invitation said before (through the
        // one transition: tickets for its guests, touches closed or skipped).
        let invitation_id = match invitation {
            Some(id) => {
                tx.execute(
                    "INSERT OR IGNORE INTO invitation_guests (invitation_id, contact_id) VALUES (?1, ?2)",
                    [id, contact_id],
                )?;
                let to_confirmed = Change::Status {
                    to: InvitationStatus::Confirmed,
                    reason: "",
                };
                invitation::transition(tx, id, to_confirmed, &now)?;
                id
            }
            None => {
                let new = InvitationInput {
                    seminar_id: input.seminar_id,
                    store_id,
                    inviter_id: input.inviter_id,
                    contact_ids: vec![contact_id],
                    walk_in: true,
                    note: String::new(),
                };
                invitation::create_in(tx, &new, &now)?
            }
        };
        let ticket_id: i64 = tx.query_row(
            "SELECT id FROM tickets WHERE invitation_id = ?1 AND contact_id = ?2 AND revoked_at IS NULL
             ORDER BY id LIMIT 1",
            [invitation_id, contact_id],
            |r| r.get(0),
        )?;
        seating::seat_walk_in(tx, input.seminar_id, invitation_id, contact_id)?;
        let scan = ScanInput {
            seminar_id: input.seminar_id,
            code: None,
            ticket_id: Some(ticket_id),
            nonce: input.nonce.clone(),
            via: Via::WalkIn,
            companions: input.companions,
            station_at: None,
        };
        scan_in(tx, &now, caller, &scan)
    })?;
    if let Some(ev) = event {
        app.events.publish(ev);
    }
    Ok(result)
}
