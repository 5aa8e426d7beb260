//! The one way an invitation's status changes, whoever changes it: the organizer's form (one or
//! many), a touch's outcome, a walk-in at the door, a check-in. One set of rules, one set of
//! consequences.
//!
//! | from \ to  | invited | confirmed | declined | cancelled |
//! |------------|---------|-----------|----------|-----------|
//! | invited    | –       | yes       | yes      | yes       |
//! | confirmed  | yes     | –         | yes      | yes       |
//! | declined   | yes     | yes       | –        | no        |
//! | cancelled  | yes     | yes       | no       | –         |
//!
//! Declining needs a reason. A store that has checked in can only stay (or become) confirmed:
//! undo the check-in first. Staying in the same status is allowed and re-applies the
//! consequences, which are idempotent (a bulk change may include rows already there).
//!
//! Consequences: confirmed → a ticket for every guest who has no live one, the "until
//! confirmed" touches skipped; declined or cancelled → open touches closed, live tickets
//! cancelled (a scan answers `cancelled`); invited → the sequence scheduled again; an arrival →
//! open touches closed.

use rusqlite::{params, Connection};

use super::InvitationStatus::{self, Cancelled, Confirmed, Declined, Invited};
use crate::conversion::ATTENDED_SQL;
use crate::error::{found, invalid, Error, Result, Thing};
use crate::{cadence, ticket};

/// What happens to an invitation.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// A new status; the reason is kept for declined and cancelled, cleared otherwise.
    Status {
        to: InvitationStatus,
        reason: &'a str,
    },
    /// A guest of the store checked in.
    Arrival,
}

/// Whether the rules allow `from` → `to` (staying put included).
pub fn allowed(from: InvitationStatus, to: InvitationStatus) -> bool {
    from == to || !matches!((from, to), (Declined, Cancelled) | (Cancelled, Declined))
}

/// The statuses an invitation in `from` may be set to (staying put left out). A store that has
/// checked in can only be confirmed: its check-in is undone first.
pub fn moves(from: InvitationStatus, arrived: bool) -> Vec<InvitationStatus> {
    InvitationStatus::ALL
        .into_iter()
        .filter(|&to| to != from && allowed(from, to) && (!arrived || to == Confirmed))
        .collect()
}

/// Applies a change inside the caller's transaction. Returns the ticket codes it issued.
pub fn transition(conn: &Connection, id: i64, change: Change, now: &str) -> Result<Vec<String>> {
    let (from, store, arrived): (String, String, bool) = found(
        conn.query_row(
            &format!(
                "SELECT i.status, s.name, {ATTENDED_SQL} FROM invitations i
                 JOIN stores s ON s.id = i.store_id WHERE i.id = ?1"
            ),
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        ),
        Thing::Invitation,
        id,
    )?;
    let from = InvitationStatus::parse(&from).unwrap_or(Invited);
    let (to, reason) = match change {
        Change::Arrival => {
            cadence::close_open(conn, id, now)?;
            return Ok(Vec::new());
        }
        Change::Status { to, reason } => (to, reason.trim()),
    };
    if to == Declined && reason.is_empty() {
        return Err(invalid(
            "decline_reason",
            format!("请填写{store}的拒绝原因（如：没时间、不感兴趣、已经买过），会后分析要用。"),
            format!("Please give the reason {store} declined (no time, not interested, already bought…): the analysis needs it."),
        ));
    }
    if arrived && to != Confirmed {
        let (zh, en) = to.label();
        return Err(Error::Conflict {
            zh: format!("{store}已经签到，不能改为“{zh}”：请先撤销签到。"),
            en: format!(
                "{store} has checked in and cannot be set to “{en}”: undo the check-in first."
            ),
        });
    }
    if !allowed(from, to) {
        let (fzh, fen) = from.label();
        let (tzh, ten) = to.label();
        return Err(Error::Conflict {
            zh: format!("{store}的邀约是“{fzh}”，不能直接改为“{tzh}”：请先改回“已邀约”。"),
            en: format!("{store}'s invitation is “{fen}” and cannot go straight to “{ten}”: set it back to invited first."),
        });
    }
    let reason = if matches!(to, Declined | Cancelled) {
        reason
    } else {
        ""
    };
    conn.execute(
        "UPDATE invitations SET status = ?2, decline_reason = ?3 WHERE id = ?1",
        params![id, to.as_str(), reason],
    )?;
    match to {
        Confirmed => {
            cadence::skip_until_confirmed(conn, id, now)?;
            cadence::schedule(conn, id, now)?;
            ticket::issue_for_guests(conn, id, now)
        }
        Declined | Cancelled => {
            cadence::close_open(conn, id, now)?;
            ticket::revoke_for_invitation(conn, id, None, now)?;
            Ok(Vec::new())
        }
        Invited => {
            cadence::schedule(conn, id, now)?;
            Ok(Vec::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_table() {
        let all = [Invited, Confirmed, Declined, Cancelled];
        let refused: Vec<_> = all
            .iter()
            .flat_map(|&f| all.iter().map(move |&t| (f, t)))
            .filter(|&(f, t)| !allowed(f, t))
            .collect();
        assert_eq!(refused, [(Declined, Cancelled), (Cancelled, Declined)]);
    }
}
