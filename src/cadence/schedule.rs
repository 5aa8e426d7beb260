//! Scheduling: the touches each invitation is due, and closing them when the sequence moves on
//! or ends.

use rusqlite::{params, Connection, OptionalExtension};

use super::plan::steps_of;
use super::step::{parse_date, step_date, Channel, Step};
use crate::error::Result;
use crate::invitation::InvitationStatus;
use crate::venue;

/// Creates the touches an invitation is missing (one per step not yet scheduled), inside the
/// caller's transaction. Walk-ins, declined and cancelled invitations get none; a confirmed one
/// gets no "until confirmed" steps; message steps are left out when every guest opted out. A
/// step whose date passed before the invitation existed is due on the day it was made. The steps
/// are the invitation's own (its segment's cadence template) when it has them, else its seminar's.
pub fn schedule(conn: &Connection, invitation_id: i64, now: &str) -> Result<()> {
    /// seminar, status, walk-in, made at, the seminar's date and time zone, the invitation's own steps
    type Invited = (i64, String, bool, String, String, String, Option<String>);
    let row: Option<Invited> = conn
        .prepare_cached(
            "SELECT i.seminar_id, i.status, i.walk_in, i.created_at, m.date, m.timezone, i.cadence
             FROM invitations i JOIN seminars m ON m.id = i.seminar_id WHERE i.id = ?1",
        )?
        .query_row([invitation_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .optional()?;
    let Some((seminar_id, status, walk_in, created_at, date, tz, own)) = row else {
        return Ok(());
    };
    let status = InvitationStatus::parse(&status).unwrap_or(InvitationStatus::Invited);
    if walk_in
        || !matches!(
            status,
            InvitationStatus::Invited | InvitationStatus::Confirmed
        )
    {
        return Ok(());
    }
    let Some(date) = parse_date(&date) else {
        return Ok(());
    };
    let tz = venue::zone_named(conn, &tz)?;
    let created = chrono::DateTime::parse_from_rfc3339(&created_at)
        .map(|t| t.with_timezone(&tz).date_naive())
        .unwrap_or(date);
    let all_opted_out: bool = conn
        .prepare_cached(
            "SELECT count(*) > 0 AND sum(c.opted_out = 0 AND c.erased_at IS NULL) = 0
             FROM invitation_guests g JOIN contacts c ON c.id = g.contact_id WHERE g.invitation_id = ?1",
        )?
        .query_row([invitation_id], |r| r.get(0))?;
    // Its segment's own cadence when it was made with one, else its seminar's.
    let steps = match own.and_then(|j| serde_json::from_str::<Vec<Step>>(&j).ok()) {
        Some(steps) => steps,
        None => steps_of(conn, seminar_id)?.1,
    };
    let mut have =
        conn.prepare_cached("SELECT 1 FROM touches WHERE invitation_id = ?1 AND step = ?2")?;
    let mut add = conn.prepare_cached(
        "INSERT INTO touches (invitation_id, step, kind, channel, due_date, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, st) in steps.iter().enumerate() {
        if st.until_confirmed && status == InvitationStatus::Confirmed {
            continue;
        }
        if st.channel == Channel::Message && all_opted_out {
            continue;
        }
        if have.exists(params![invitation_id, i as i64])? {
            continue;
        }
        let due = step_date(date, st.offset_days).max(created.min(date));
        add.execute(params![
            invitation_id,
            i as i64,
            st.kind.as_str(),
            st.channel.as_str(),
            due.to_string(),
            now
        ])?;
    }
    Ok(())
}

/// Schedules the invitations of upcoming seminars that have no touches yet (made by the demo, at
/// the door, or before this module existed).
pub(super) fn schedule_missing(
    conn: &Connection,
    inviter_id: Option<i64>,
    now: &str,
) -> Result<()> {
    let ids: Vec<i64> = conn
        .prepare_cached(
            "SELECT i.id FROM invitations i JOIN seminars m ON m.id = i.seminar_id
             WHERE m.status IN ('planning', 'inviting') AND i.walk_in = 0
               AND i.status IN ('invited', 'confirmed') AND (?1 IS NULL OR i.inviter_id = ?1)
               AND NOT EXISTS (SELECT 1 FROM touches t WHERE t.invitation_id = i.id)",
        )?
        .query_map([inviter_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        schedule(conn, id, now)?;
    }
    Ok(())
}

/// Skips the open "until confirmed" touches of an invitation that was just confirmed (the
/// invitation and confirmation calls; a call-back the guest asked for stays).
pub fn skip_until_confirmed(conn: &Connection, invitation_id: i64, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE touches SET outcome = 'skipped', done_at = ?2
         WHERE invitation_id = ?1 AND done_at IS NULL AND kind IN ('invite', 'confirm')
           AND call_back_at IS NULL",
        params![invitation_id, now],
    )?;
    Ok(())
}

/// Closes every open touch of an invitation (declined, cancelled, or the store arrived).
pub fn close_open(conn: &Connection, invitation_id: i64, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE touches SET outcome = 'skipped', done_at = ?2
         WHERE invitation_id = ?1 AND done_at IS NULL",
        params![invitation_id, now],
    )?;
    Ok(())
}
