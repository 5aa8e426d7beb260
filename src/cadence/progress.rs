//! The organizer's view of the invitations: progress per inviter against the capacity.

use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use super::schedule::schedule_missing;
use crate::app::App;
use crate::error::Result;
use crate::input::SeminarScope;
use crate::{seminar, venue};

/// One inviter's figures for a seminar.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct InviterProgress {
    pub inviter_id: Option<i64>,
    pub inviter_name: Option<String>,
    pub invited: i64,
    /// Spoken to at least once (reached, confirmed, declined, or asked to be called back).
    pub reached: i64,
    pub confirmed: i64,
    pub declined: i64,
    /// People coming with the confirmed stores.
    pub confirmed_guests: i64,
    pub due_today: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Progress {
    pub seminar_id: i64,
    pub capacity: i64,
    pub invited: i64,
    pub reached: i64,
    pub confirmed: i64,
    pub declined: i64,
    pub confirmed_guests: i64,
    pub inviters: Vec<InviterProgress>,
}

/// The organizer's view: progress per inviter against the seminar's capacity.
pub fn progress(app: &App, scope: SeminarScope) -> Result<Progress> {
    let now = app.now_str();
    let mut conn = app.db.conn();
    let sem = seminar::get_in(&conn, scope.seminar_id)?;
    {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        schedule_missing(&tx, None, &now)?;
        tx.commit()?;
    }
    let today = venue::today(app, &conn, Some(sem.id))?.to_string();
    let mut stmt = conn.prepare_cached(
        "SELECT i.inviter_id, f.name, count(*),
            sum(i.status IN ('confirmed', 'declined') OR EXISTS (SELECT 1 FROM touches t WHERE t.invitation_id = i.id
                AND t.outcome IN ('reached', 'confirmed', 'declined', 'call_back'))),
            sum(i.status = 'confirmed' OR i.walk_in),
            sum(i.status = 'declined'),
            sum(CASE WHEN i.status = 'confirmed' OR i.walk_in THEN
                (SELECT count(*) FROM invitation_guests g WHERE g.invitation_id = i.id) ELSE 0 END),
            sum((SELECT count(*) FROM touches t WHERE t.invitation_id = i.id AND t.done_at IS NULL AND t.due_date = ?2)),
            sum((SELECT count(*) FROM touches t WHERE t.invitation_id = i.id AND t.done_at IS NULL AND t.due_date < ?2))
         FROM invitations i LEFT JOIN staff f ON f.id = i.inviter_id
         WHERE i.seminar_id = ?1 AND i.status <> 'cancelled'
         GROUP BY i.inviter_id ORDER BY f.name IS NULL, f.name",
    )?;
    let inviters: Vec<InviterProgress> = stmt
        .query_map(params![scope.seminar_id, today], |r| {
            Ok(InviterProgress {
                inviter_id: r.get(0)?,
                inviter_name: r.get(1)?,
                invited: r.get(2)?,
                reached: r.get(3)?,
                confirmed: r.get(4)?,
                declined: r.get(5)?,
                confirmed_guests: r.get(6)?,
                due_today: r.get(7)?,
                overdue: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let sum = |f: fn(&InviterProgress) -> i64| inviters.iter().map(f).sum::<i64>();
    Ok(Progress {
        seminar_id: scope.seminar_id,
        capacity: sem.capacity,
        invited: sum(|p| p.invited),
        reached: sum(|p| p.reached),
        confirmed: sum(|p| p.confirmed),
        declined: sum(|p| p.declined),
        confirmed_guests: sum(|p| p.confirmed_guests),
        inviters,
    })
}
