//! Who is invited to a demo seminar, who comes for each store, and what they answered.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;
use rusqlite::params;

use super::people::StaffIds;
use super::stores::{ContactRow, StoreRow};
use super::{hm, Demo};
use crate::contact::ContactRole;
use crate::error::Result;
use crate::invitation::{self, InvitationInput, InvitationStatus};
use crate::ticket;

const INVITATION_NOTES: &[&str] = &[
    "老板娘管钱，重点邀约。",
    "说会带隔壁店的朋友一起来。",
    "上次会销来过，这次想了解陪跑营。",
    "已加微信，发了会议邀请函。",
    "要求安排靠前的位置。",
];

const DECLINE_REASONS: &[&str] = &[
    "店里走不开，下次再来。",
    "已经在用别家的系统。",
    "老板出差，不在本地。",
    "最近资金紧张，先不考虑。",
    "那天孩子开家长会，时间冲突。",
];

/// One invitation as written, with what the later steps need.
pub(super) struct Invited {
    pub(super) id: i64,
    pub(super) store: usize,
    pub(super) status: InvitationStatus,
    pub(super) guests: Vec<i64>,
    /// (contact id, ticket id)
    pub(super) tickets: Vec<(i64, i64)>,
}

/// The invitation names the owner's spouse, who usually holds the money.
pub(super) fn holds_money(stores: &[StoreRow], inv: &Invited) -> bool {
    let store = &stores[inv.store];
    inv.guests.iter().any(|g| {
        store
            .contacts
            .iter()
            .any(|c| c.id == *g && c.role == ContactRole::OwnerSpouse)
    })
}

impl Demo<'_> {
    /// The stores of `city` most worth inviting first: A-level and key customers ahead, with chance.
    pub(super) fn choose_stores(
        &mut self,
        stores: &[StoreRow],
        city: usize,
        skip: &HashSet<usize>,
        n: usize,
    ) -> Vec<usize> {
        let mut scored: Vec<(f64, usize)> = Vec::new();
        for (i, s) in stores.iter().enumerate() {
            if s.city != city || skip.contains(&i) {
                continue;
            }
            let bonus = match s.level {
                "A" => 0.5,
                "B" => 0.25,
                _ => 0.0,
            } + if s.key_customer { 0.3 } else { 0.0 };
            scored.push((self.rng.random::<f64>() + bonus, i));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(n).map(|(_, i)| i).collect()
    }

    /// Who comes: the one who holds the money first (usually the owner's spouse), sometimes with
    /// a second person of the store.
    pub(super) fn guests(&mut self, store: &StoreRow) -> Vec<i64> {
        let rank = |r: ContactRole| match r {
            ContactRole::OwnerSpouse => 0,
            ContactRole::Owner => 1,
            ContactRole::Manager => 2,
            ContactRole::Staff => 3,
        };
        let mut people: Vec<&ContactRow> = store.contacts.iter().collect();
        people.sort_by_key(|c| (rank(c.role), c.id));
        // Now and then the inviter only reaches the owner.
        if people.len() > 1 && people[1].role == ContactRole::Owner && self.chance(0.2) {
            people.swap(0, 1);
        }
        let mut out = vec![people[0].id];
        if people.len() > 1 && self.chance(0.4) {
            out.push(people[1].id);
        }
        out
    }

    /// Invites each `(store, status)` on a date in `[from, to]` (ids grow with the date). Confirmed
    /// invitations get one ticket per guest, issued on or after the invitation and no later than `to`.
    pub(super) fn invite(
        &mut self,
        seminar_id: i64,
        stores: &[StoreRow],
        staff: &StaffIds,
        picks: &[(usize, InvitationStatus)],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Invited>> {
        let mut dates: Vec<NaiveDate> = picks.iter().map(|_| self.date_between(from, to)).collect();
        dates.sort_unstable();
        let mut out = Vec::new();
        for (&(store, status), date) in picks.iter().zip(dates) {
            let created = self.at(date, hm(9, 0), hm(18, 0));
            let guests = self.guests(&stores[store]);
            let inviter = self.pick(&staff.inviters);
            let note = if self.chance(0.15) {
                self.pick(INVITATION_NOTES)
            } else {
                ""
            };
            let input = InvitationInput {
                seminar_id,
                store_id: stores[store].id,
                inviter_id: Some(inviter),
                contact_ids: guests.clone(),
                walk_in: false,
                note: note.into(),
            };
            let id = invitation::insert(self.conn, &input, status, &created)?;
            let mut tickets = Vec::new();
            match status {
                InvitationStatus::Declined => {
                    let reason = self.pick(DECLINE_REASONS);
                    self.conn.execute(
                        "UPDATE invitations SET decline_reason = ?2 WHERE id = ?1",
                        params![id, reason],
                    )?;
                }
                InvitationStatus::Confirmed => {
                    let later = date + Duration::days(self.rng.random_range(1..=3));
                    let issued = if later <= to {
                        self.at(later, hm(9, 0), hm(20, 0))
                    } else {
                        created.clone()
                    };
                    for &contact in &guests {
                        let code = ticket::code_from_rng(&mut self.rng);
                        let ticket_id =
                            ticket::insert_code(self.conn, id, Some(contact), &code, &issued)?;
                        tickets.push((contact, ticket_id));
                    }
                }
                InvitationStatus::Invited | InvitationStatus::Cancelled => {}
            }
            out.push(Invited {
                id,
                store,
                status,
                guests,
                tickets,
            });
        }
        Ok(out)
    }

    /// `n` statuses in a random order: so many confirmed, declined, invited and cancelled.
    pub(super) fn statuses(
        &mut self,
        confirmed: usize,
        declined: usize,
        invited: usize,
        cancelled: usize,
    ) -> Vec<InvitationStatus> {
        let mut out = Vec::new();
        out.extend(std::iter::repeat_n(InvitationStatus::Confirmed, confirmed));
        out.extend(std::iter::repeat_n(InvitationStatus::Declined, declined));
        out.extend(std::iter::repeat_n(InvitationStatus::Invited, invited));
        out.extend(std::iter::repeat_n(InvitationStatus::Cancelled, cancelled));
        out.shuffle(&mut self.rng);
        out
    }
}
