//! Today's touches filled in: what the touches of a page show beyond the keys that ordered them
//! (the invitation, the store, the inviter, the guest to contact, the ticket) and their messages.

use std::collections::HashMap;
use std::ops::Range;

use rusqlite::Connection;

use super::message::{fill, Vars};
use super::step::Step;
use super::today::{Due, Ordered, TodayTouch};
use crate::contact::ContactRole;
use crate::error::Result;
use crate::invitation::InvitationStatus;
use crate::phone::PhoneKind;
use crate::ticket;

/// What a touch shows beyond its keys: the invitation, the store, the inviter, the guest to
/// contact and their ticket.
struct Shown {
    invitation_id: i64,
    step: i64,
    status: String,
    store_name: String,
    industry: String,
    inviter_id: Option<i64>,
    inviter_name: Option<String>,
    contact_id: Option<i64>,
    contact_name: Option<String>,
    role: Option<String>,
    phone: Option<String>,
    phone_kind: Option<String>,
    ticket_code: Option<String>,
    cadence: Option<String>,
}

impl Ordered {
    /// The touches of `range`, read and filled in, in the list's order.
    pub(super) fn fill(&self, conn: &Connection, range: Range<usize>) -> Result<Vec<TodayTouch>> {
        let due = &self.due[range];
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let shown = shown(conn, due)?;
        // An invitation following its segment's own cadence: its steps, read once per distinct copy.
        let mut own: HashMap<&str, Vec<Step>> = HashMap::new();
        let mut out = Vec::with_capacity(due.len());
        for d in due {
            let (Some(sem), Some(s)) = (self.seminars.get(&d.seminar_id), shown.get(&d.touch_id))
            else {
                continue;
            };
            let st = match s.cadence.as_deref() {
                Some(json) => own
                    .entry(json)
                    .or_insert_with(|| serde_json::from_str(json).unwrap_or_default())
                    .get(s.step as usize),
                None => sem.steps.get(s.step as usize),
            };
            let template = st.map(|s| s.message.as_str()).unwrap_or_default();
            let table = if template.contains("{桌号}") || template.contains("{table}") {
                match s.contact_id {
                    Some(c) => ticket::table_of(conn, d.seminar_id, c)?,
                    None => None,
                }
            } else {
                None
            };
            let message = fill(
                template,
                &Vars {
                    name: s.contact_name.as_deref().unwrap_or(""),
                    store: &s.store_name,
                    time: (&sem.time.0, &sem.time.1),
                    address: &sem.address,
                    table,
                    code: s.ticket_code.as_deref(),
                    industry: &s.industry,
                    inviter: s.inviter_name.as_deref().unwrap_or(&self.no_inviter),
                },
            );
            out.push(TodayTouch {
                touch_id: d.touch_id,
                invitation_id: s.invitation_id,
                invitation_status: InvitationStatus::parse(&s.status)
                    .unwrap_or(InvitationStatus::Invited),
                seminar_id: d.seminar_id,
                seminar_title: sem.title.clone(),
                seminar_date: sem.date.clone(),
                due_date: d.due_date.clone(),
                overdue_days: d.overdue_days,
                call_back: d.call_back_at.is_some(),
                call_back_at: d.call_back_time().map(str::to_owned),
                kind: d.kind,
                channel: d.channel,
                store_id: d.store_id,
                store_name: s.store_name.clone(),
                inviter_id: s.inviter_id,
                inviter_name: s.inviter_name.clone(),
                contact_id: s.contact_id,
                contact_name: s.contact_name.clone(),
                role: s.role.as_deref().and_then(ContactRole::parse),
                phone: s.phone.clone(),
                phone_kind: s.phone_kind.as_deref().and_then(PhoneKind::parse),
                message,
                with_ticket: st.is_some_and(|s| s.with_ticket),
                ticket_code: s.ticket_code.clone(),
                score: d.score,
            });
        }
        Ok(out)
    }
}

/// The shown part of `due`'s touches, by touch: one statement over their ids (a JSON array),
/// each read by its keys, with the guest to contact (the money-holder first, opted-out ones last)
/// and that guest's ticket.
fn shown(conn: &Connection, due: &[Due]) -> Result<HashMap<i64, Shown>> {
    let ids: Vec<i64> = due.iter().map(|d| d.touch_id).collect();
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, i.id, t.step, i.status, s.name, s.industry, i.inviter_id, f.name,
                c.id, c.name, c.role, c.phone, c.phone_kind,
                (SELECT k.code FROM tickets k WHERE k.invitation_id = i.id AND k.revoked_at IS NULL
                 ORDER BY k.contact_id IS NOT c.id, k.id LIMIT 1),
                i.cadence
         FROM json_each(?1) j CROSS JOIN touches t ON t.id = j.value
              CROSS JOIN invitations i ON i.id = t.invitation_id
              CROSS JOIN stores s ON s.id = i.store_id
              LEFT JOIN staff f ON f.id = i.inviter_id
              LEFT JOIN contacts c ON c.id =
                  (SELECT c.id FROM invitation_guests g JOIN contacts c ON c.id = g.contact_id
                   WHERE g.invitation_id = i.id AND c.erased_at IS NULL
                   ORDER BY c.opted_out, CASE c.role WHEN 'owner_spouse' THEN 0 WHEN 'owner' THEN 1
                            WHEN 'manager' THEN 2 ELSE 3 END, c.id LIMIT 1)",
    )?;
    let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
    let mut out = HashMap::with_capacity(ids.len());
    let mut rows = stmt.query([json])?;
    while let Some(r) = rows.next()? {
        out.insert(
            r.get(0)?,
            Shown {
                invitation_id: r.get(1)?,
                step: r.get(2)?,
                status: r.get(3)?,
                store_name: r.get(4)?,
                industry: r.get(5)?,
                inviter_id: r.get(6)?,
                inviter_name: r.get(7)?,
                contact_id: r.get(8)?,
                contact_name: r.get(9)?,
                role: r.get(10)?,
                phone: r.get(11)?,
                phone_kind: r.get(12)?,
                ticket_code: r.get(13)?,
                cadence: r.get(14)?,
            },
        );
    }
    Ok(out)
}
